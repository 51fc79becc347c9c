//! A template's wording: the Handlebars texts the code fills in (`[wording]`,
//! `[decisions_record]`, `[forward_plan]`), the variables each is given, and their check at load
//! — every wording compiled and rendered with exactly those variables in strict mode, partials
//! refused, so that a broken wording is one error naming its file and key.
//!
//! This room owns the list of wordings and their variables and the compiled set; it never reads
//! a file and never renders a paper's wording (the [`Template`](super::Template) does, with the
//! set made here).

use std::collections::BTreeMap;

use handlebars::Handlebars;

use super::{Settings, TemplateError};

/// A wording the code fills in, and the variables it gives it.
type Wording = (&'static str, &'static [&'static str]);

/// The decision record's wording (`[decisions_record]`) the code fills in, with the variables
/// it is given; a template must define each but `cross_ref` (the Proper Officer's name and post
/// are plain text, not wording).
const RECORD_WORDING: &[Wording] = &[
    ("title", &["body", "date"]),
    ("item", &["number"]),
    ("consideration", &["rest"]),
    ("consideration_plain", &["title"]),
    ("resolved", &["body"]),
    ("summary", &[]),
    ("decision", &[]),
    ("reasons", &[]),
    ("options", &[]),
    ("interests", &[]),
    ("dispensations", &[]),
    ("call_in", &[]),
    ("call_in_deadline", &["date"]),
    ("not_applicable", &[]),
    ("proper_officer", &[]),
    ("cross_ref", &["reference"]),
];

/// `[decisions_record] cross_ref` when a template gives none.
const DEFAULT_CROSS_REF: &str = "{{reference}} of the report";

/// The Forward Plan's wording (`[forward_plan]`) the code fills in, with the variables it is
/// given (a template that leaves one out has the built-in template's).
const PLAN_WORDING: &[Wording] = &[
    ("title", &[]),
    ("published", &["date"]),
    ("intro", &["council", "date"]),
    ("empty", &["date"]),
    ("heading", &["matter", "reference"]),
    ("decision_maker", &[]),
    ("holder", &["holder", "title"]),
    ("date", &[]),
    ("reference", &[]),
    ("documents", &[]),
    ("report", &["title"]),
    ("appendix", &["number", "title"]),
    ("contact", &[]),
    ("contact_details", &["name", "post", "phone", "email"]),
    ("private", &[]),
    ("private_reason", &["paragraphs"]),
    ("key_reason", &[]),
    ("open", &[]),
];

/// Wording a template may leave out (added since the first template format): the built-in
/// template's is used. (`bound_page_alt`, the alt text of a bound page when packs bound pages as
/// pictures, is no longer used; a template that still has it loads, and the key is ignored.)
pub(super) const OPTIONAL_WORDING: &[&str] = &[
    "index_pack_link",
    "cover_body",
    "key_decision",
    "bound_not_accessible",
    "agenda_alt",
    "agenda_accessible_version",
];

/// The `[wording]` the code fills in, with the variables it is given; a template folder must
/// define each (but those in `OPTIONAL_WORDING`).
const WORDING: &[Wording] = &[
    ("agenda_item", &["number"]),
    ("report_to", &["body"]),
    ("date", &["date"]),
    ("report_of", &["report_of"]),
    ("forward_plan", &["reference"]),
    ("portfolio", &["title", "holder"]),
    ("recommendations_lead", &["body"]),
    ("exempt_banner", &["paragraphs", "reason"]),
    ("exempt_header", &[]),
    ("footer", &[]),
    ("subject", &["body", "date"]),
    ("appendix", &["number", "title"]),
    ("appendix_attached", &["number", "title"]),
    ("mission_status", &["status"]),
    ("none", &[]),
    ("pack_title", &["body", "date"]),
    ("part2_title", &["body", "date"]),
    ("front_date", &["date"]),
    ("front_time", &["time"]),
    ("front_venue", &["venue"]),
    ("members", &[]),
    ("pack_contact", &[]),
    ("agenda", &[]),
    ("agenda_item_column", &[]),
    ("agenda_title_column", &[]),
    ("agenda_pages_column", &[]),
    ("agenda_caption", &[]),
    ("exempt_listing", &["paragraphs"]),
    ("pages_one", &[]),
    ("pages_many", &[]),
    ("bound_heading", &["number", "title"]),
    ("index_pack_link", &["pages"]),
    ("cover_body", &["body"]),
    ("key_decision", &["reason"]),
    ("bound_not_accessible", &["label", "contact", "email", "phone", "alt", "url"]),
    ("agenda_alt", &["alt"]),
    ("agenda_accessible_version", &["url"]),
];

/// Compiles every wording of a template's tables and renders each that the code fills in with
/// exactly the variables it is given, each set to a string, a number and nothing in turn, in
/// strict mode: a wording that does not parse, names a variable it is not given, uses a partial
/// or a helper that fails on such values is refused here, naming the file and the key.
pub(super) fn wording_of(settings: &Settings, file: &str) -> Result<Handlebars<'static>, TemplateError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_helper("upper", Box::new(upper));
    let tables: [(&str, &BTreeMap<String, String>, &[Wording]); 3] = [
        ("wording", &settings.wording, WORDING),
        ("decisions_record", &settings.decisions_record, RECORD_WORDING),
        ("forward_plan", &settings.forward_plan, PLAN_WORDING),
    ];
    for (table, map, known) in tables {
        // `[wording]` names are registered bare; the other tables' as `table.key`.
        let registered = |key: &str| if table == "wording" { key.to_owned() } else { format!("{table}.{key}") };
        let used = |key: &str| known.iter().any(|(k, _)| *k == key);
        // Wording the code does not fill in (a template's own, or a retired key) must still parse.
        for (key, text) in map.iter().filter(|(k, _)| table == "wording" && !used(k)) {
            compile_wording(text, table, key, file)?;
        }
        for (key, vars) in known {
            let text = match (map.get(*key), table, *key) {
                (Some(text), _, _) => text.as_str(),
                (None, "decisions_record", "cross_ref") => DEFAULT_CROSS_REF,
                (None, "decisions_record", _) => {
                    return Err(TemplateError(format!(
                        "{file}: [decisions_record] has no `{key}`, which the decision record prints; copy it from the built-in template"
                    )))
                }
                (None, _, _) => {
                    return Err(TemplateError(format!(
                        "{file}: {table}.{key} is missing; copy it from the built-in template"
                    )))
                }
            };
            let compiled = compile_wording(text, table, key, file)?;
            let name = registered(key);
            hb.register_template(&name, compiled);
            for sample in [serde_json::Value::from("x"), serde_json::Value::from(7), serde_json::Value::Null] {
                let data: serde_json::Map<String, serde_json::Value> =
                    vars.iter().map(|v| ((*v).to_owned(), sample.clone())).collect();
                if let Err(e) = hb.render(&name, &data) {
                    return Err(TemplateError(format!("{file}: [{table}] {key}: {}", render_problem(&e, vars))));
                }
            }
        }
    }
    Ok(hb)
}

/// `{{upper x}}`: the value in capitals, for a template whose house style prints a line in
/// capitals ("REPORT TO {{upper body}}"); a number as written, nothing as nothing.
fn upper(
    h: &handlebars::Helper<'_>,
    _: &Handlebars<'_>,
    _: &handlebars::Context,
    _: &mut handlebars::RenderContext<'_, '_>,
    out: &mut dyn handlebars::Output,
) -> handlebars::HelperResult {
    let text = match h.param(0).map(|p| p.value()) {
        Some(serde_json::Value::String(s)) => s.to_uppercase(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    out.write(&text)?;
    Ok(())
}

/// A wording compiled, refusing partials (`{{> name}}`) and inline partials, which could name
/// each other without end.
fn compile_wording(
    text: &str,
    table: &str,
    key: &str,
    file: &str,
) -> Result<handlebars::template::Template, TemplateError> {
    use handlebars::template::{Template as Compiled, TemplateElement as E};
    fn has_partial(t: &Compiled) -> bool {
        t.elements.iter().any(|e| match e {
            E::PartialExpression(_) | E::PartialBlock(_) | E::DecoratorExpression(_) | E::DecoratorBlock(_) => true,
            E::HelperBlock(h) => {
                h.template.as_ref().is_some_and(has_partial) || h.inverse.as_ref().is_some_and(has_partial)
            }
            _ => false,
        })
    }
    let compiled = Compiled::compile(text).map_err(|e| {
        let at = e.pos().map(|(l, c)| format!(" (line {l}, column {c} of the wording)")).unwrap_or_default();
        TemplateError(format!("{file}: [{table}] {key}: does not parse as a wording: {}{at}", e.reason()))
    })?;
    if has_partial(&compiled) {
        return Err(TemplateError(format!(
            "{file}: [{table}] {key}: partials (`{{{{> name}}}}`) and inline partials are not allowed in a wording"
        )));
    }
    Ok(compiled)
}

/// Why a wording did not render with the variables it is given.
fn render_problem(e: &handlebars::RenderError, vars: &[&str]) -> String {
    let given = if vars.is_empty() {
        "it is given no variables".to_owned()
    } else {
        format!("it is given {}", vars.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
    };
    match e.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(v)) => {
            format!("names `{v}`, which this wording is not given; {given}")
        }
        reason => {
            let at = match (e.line_no, e.column_no) {
                (Some(l), Some(c)) => format!(" (line {l}, column {c} of the wording)"),
                _ => String::new(),
            };
            format!("does not render: {reason}{at}; {given}")
        }
    }
}
