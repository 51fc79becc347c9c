//! Turns typst diagnostics (template errors, PDF/UA export failures) into one readable
//! [`RenderError`] message that names the template's lines.

use std::ops::Range;

use typst::diag::SourceDiagnostic;
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, Source, SpanNumber, SubRange};

use super::world::TEMPLATE_PATH;
use crate::render::RenderError;

/// A render error listing every diagnostic, e.g.
/// `PDF template error: report.typ:12:5: unknown variable: foo (hint: …)`.
pub(super) fn render_error(what: &str, template: &Source, diags: &[SourceDiagnostic]) -> RenderError {
    let mut msg = format!("PDF {what}:");
    for diag in diags {
        msg.push_str("\n  ");
        if let Some(at) = locate(template, diag.span) {
            msg.push_str(&at);
            msg.push_str(": ");
        }
        msg.push_str(&diag.message);
        for hint in &diag.hints {
            msg.push_str(" (hint: ");
            msg.push_str(&hint.v);
            msg.push(')');
        }
        // Where the error surfaced inside a function of the template, name the calls that led there.
        for point in &diag.trace {
            if let Some(at) = locate(template, point.span.into()) {
                msg.push_str(&format!("\n    {} at {at}", point.v));
            }
        }
    }
    RenderError::new(msg)
}

/// `report.typ:LINE:COL` (1-based) for a span in the template, `data.json` for one in the data.
fn locate(template: &Source, span: DiagSpan) -> Option<String> {
    let (id, range) = match span.get() {
        DiagSpanKind::Detached => return None,
        DiagSpanKind::Number { id, num, sub_range } => (id, template_range(template, id, num, sub_range)),
        DiagSpanKind::Range { id, range } => (id, Some(range)),
    };
    if id != template.id() {
        return Some(id.get().vpath().get_without_slash().to_string());
    }
    let name = TEMPLATE_PATH.trim_start_matches('/');
    let Some(range) = range else {
        return Some(name.to_string());
    };
    match template.lines().byte_to_line_column(range.start) {
        Some((line, col)) => Some(format!("{name}:{}:{}", line + 1, col + 1)),
        None => Some(name.to_string()),
    }
}

fn template_range(template: &Source, id: FileId, num: SpanNumber, sub_range: Option<SubRange>) -> Option<Range<usize>> {
    (id == template.id()).then(|| template.range(num, sub_range)).flatten()
}
