//! Validation of a report's numbered sections: their bodies (text, tables, charts, recommendations
//! typed where they stand) and the missions register a section draws on. Reports problems to the
//! [`Checker`]; never reads files.

use super::*;

impl Checker {
    pub(super) fn check_register(&mut self, missions: &[Mission], path: &str) {
        let mut seen = HashSet::new();
        for (i, m) in missions.iter().enumerate() {
            if !seen.insert(m.id.as_str()) {
                self.err(format!("{path}[{i}].id"), format!("duplicate mission id `{}`", m.id));
            }
            self.text(&format!("{path}[{i}].name"), &m.name);
            self.text(&format!("{path}[{i}].aim"), &m.aim);
        }
    }

    /// A section; recommendations typed in its body are added to `recommendations`, numbered on
    /// from the last one there.
    pub(super) fn section(
        &mut self,
        i: usize,
        s: &raw::SectionInput,
        register: Option<&[Mission]>,
        xrefs: &Xrefs,
        recommendations: &mut Vec<Recommendation>,
    ) -> Section {
        let p = format!("sections[{i}]");
        let mut title = String::new();
        let mut mission = None;
        match (&s.title, &s.mission) {
            (None, None) => {
                self.err(&p, "a section needs a `title` (or a `mission` for a mission update)");
            }
            (Some(t), None) => {
                title = self.text(&format!("{p}.title"), t);
                if s.status.is_some() || s.milestones.is_some() || s.measures.is_some() {
                    self.err(format!("{p}.status"), "status, milestones and measures belong to mission sections")
                        .help = Some("add `mission: <id>` or remove them".into());
                }
            }
            (heading, Some(id)) => {
                let found = register.and_then(|r| r.iter().find(|m| &m.id == id));
                // The report's own heading for the section, where it gives one; the register
                // still names the mission (summary, table captions) and supplies its aim.
                if let Some(t) = heading {
                    title = self.text(&format!("{p}.title"), t);
                }
                match (register, found) {
                    (_, Some(m)) if heading.is_none() => title = m.name.clone(),
                    (_, Some(_)) => {}
                    (Some(r), None) => {
                        let e = self.err(format!("{p}.mission"), format!("unknown mission `{id}`"));
                        e.help = crate::suggest::did_you_mean(id, r.iter().map(|m| m.id.as_str()))
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| Some("add it to the missions register".into()));
                    }
                    // A register file was named but could not be read: that is reported already.
                    (None, None) if self.register_file_failed => {}
                    (None, None) => {
                        self.err(format!("{p}.mission"), "a mission section needs a missions register").help =
                            Some("add `missions: missions.yaml` (or an inline list) to the report".into());
                    }
                }
                let status = match s.status {
                    Some(st) => st,
                    None => {
                        self.err(format!("{p}.status"), "a mission section needs a status").help =
                            Some("one of on-track, at-risk, off-track, complete, not-started".into());
                        Status::NotStarted
                    }
                };
                let milestones = s
                    .milestones
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(j, m)| MilestoneEntry {
                        name: self.text(&format!("{p}.milestones[{j}].name"), &m.name),
                        due: self.date(&format!("{p}.milestones[{j}].due"), &m.due),
                        status: m.status,
                    })
                    .collect();
                let measures = s
                    .measures
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(j, m)| {
                        for (field, q) in [("baseline", &m.baseline), ("target", &m.target), ("current", &m.current)] {
                            if let Some(Quantity::Number(n)) = q {
                                if !(n.is_finite() && n.abs() < MAX_MEASURE) {
                                    self.err(format!("{p}.measures[{j}].{field}"), format!("`{n:e}` is too large a number to print")).help =
                                        Some("write a number with at most 15 digits before the decimal point, or text such as \"£9m\"".into());
                                }
                            }
                        }
                        MeasureEntry {
                            name: self.text(&format!("{p}.measures[{j}].name"), &m.name),
                            baseline: quantity_text(&m.baseline),
                            target: quantity_text(&m.target),
                            current: quantity_text(&m.current),
                        }
                    })
                    .collect();
                mission = Some(MissionUpdate {
                    id: id.clone(),
                    name: found.map_or_else(|| title.clone(), |m| m.name.clone()),
                    aim: found.map(|m| m.aim.clone()).unwrap_or_default(),
                    status,
                    milestones,
                    measures,
                });
            }
        }
        let mut body = Vec::new();
        let mut numberer = numbered::SectionNumbers::new(self.paragraph_numbers, i as u32 + 1);
        match &s.body {
            None => {
                self.warn(&p, "section has no text").help = Some("add `body:` with the section's text".into());
            }
            Some(TextOrSeq::Text(md)) => {
                if md.trim().is_empty() {
                    self.warn(format!("{p}.body"), "section has no text");
                }
                body = self.rich(&format!("{p}.body"), md, xrefs, false);
                body = numberer.number(body);
            }
            Some(TextOrSeq::Seq(parts)) => {
                let mut last_was_recommendation = false;
                for (j, part) in parts.iter().enumerate() {
                    let pp = format!("{p}.body[{j}]");
                    match part {
                        TextOr::Text(md) => {
                            let text = self.rich(&pp, md, xrefs, true);
                            body.extend(numberer.number(text));
                        }
                        TextOr::Full(part) => match (&part.table, &part.recommendation) {
                            (Some(t), None) => body.push(self.table(&format!("{pp}.table"), t, xrefs)),
                            (None, Some(text)) => {
                                let path = format!("{pp}.recommendation");
                                if text.trim().is_empty() {
                                    self.err(&path, "must not be empty").help =
                                        Some("write the recommendation after `recommendation:`".into());
                                }
                                let inl = rich_text::parse_inline(text, xrefs, &path, &mut self.problems);
                                let number = recommendations.len() as u32 + 1;
                                let item = vec![Block::Paragraph(Paragraph {
                                    style: ParagraphStyle::Body,
                                    content: inl.clone(),
                                })];
                                // Recommendations one after another make one numbered list.
                                match body.last_mut() {
                                    Some(Block::List(l)) if l.ordered && last_was_recommendation => l.items.push(item),
                                    _ => {
                                        body.push(Block::List(List { ordered: true, start: number, items: vec![item] }))
                                    }
                                }
                                recommendations.push(Recommendation {
                                    number,
                                    text: inl.clone(),
                                    resolution: inl,
                                    note: None,
                                    in_section: Some(i as u32 + 1),
                                });
                                last_was_recommendation = true;
                                continue;
                            }
                            (Some(_), Some(_)) => {
                                self.err(&pp, "a body part is a `table:` or a `recommendation:`, not both").help =
                                    Some("make them two parts, each starting with `- `".into());
                            }
                            (None, None) => {
                                self.err(&pp, "an empty body part").help =
                                    Some("write Markdown, a `table:` or a `recommendation:`".into());
                            }
                        },
                    }
                    last_was_recommendation = false;
                }
            }
        }
        Section { number: i as u32 + 1, id: s.id.clone(), title, mission, body }
    }

    fn table(&mut self, p: &str, t: &raw::TableInput, xrefs: &Xrefs) -> crate::tree::Block {
        use crate::tree::{Align, Block, CellSpan, Column, Row, Table};
        if t.columns.is_empty() {
            self.err(format!("{p}.columns"), "a table needs at least one column");
        }
        if let Some(w) = &t.widths {
            if w.len() != t.columns.len() {
                self.err(
                    format!("{p}.widths"),
                    format!("{} for {}", count(w.len(), "width"), count(t.columns.len(), "column")),
                )
                .help = Some("give one width per column".into());
            }
            if let Some(i) = w.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
                self.err(format!("{p}.widths[{i}]"), format!("width {} is not a positive number", w[i])).help =
                    Some("widths are relative, e.g. [2, 1] makes the first column twice as wide".into());
            }
        }
        if let Some(a) = &t.align {
            if a.len() != t.columns.len() {
                self.err(
                    format!("{p}.align"),
                    format!("{} for {}", count(a.len(), "alignment"), count(t.columns.len(), "column")),
                )
                .help = Some("give one alignment per column: `left` or `right`".into());
            }
        }
        let figures = figure_columns(t);
        let columns = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| Column {
                header: c.clone(),
                align: match t.align.as_ref().and_then(|a| a.get(i)) {
                    Some(raw::ColumnAlign::Right) => Align::Right,
                    Some(raw::ColumnAlign::Left) => Align::Left,
                    None if figures.get(i).copied().unwrap_or(false) => Align::Right,
                    None => Align::Left,
                },
                width: t.widths.as_ref().and_then(|w| w.get(i).copied()).filter(|x| *x > 0.0).unwrap_or(1.0),
                full: None,
            })
            .collect();
        let width = t.columns.len();
        let mut rows: Vec<Row> = Vec::new();
        let mut spans: Vec<CellSpan> = Vec::new();
        // Rows still covered by a span from above, per column.
        let mut covered = vec![0usize; width];
        for (r, row) in t.rows.iter().enumerate() {
            let mut cells: Vec<Vec<crate::tree::Block>> = vec![Vec::new(); width];
            let mut column = 0;
            let mut written = 0;
            let expected = width - covered.iter().filter(|c| **c > 0).count();
            for (c, cell) in row.iter().enumerate() {
                while column < width && covered[column] > 0 {
                    column += 1;
                }
                let path = format!("{p}.rows[{r}][{c}]");
                let (md, across, down, text_path) = match cell {
                    TextOr::Text(md) => (md.as_str(), 1, 1, path.clone()),
                    TextOr::Full(full) => {
                        let across = full.span.unwrap_or(1) as usize;
                        let down = full.rows.unwrap_or(1) as usize;
                        if across == 0 || down == 0 {
                            self.err(&path, "a cell spans at least one column and one row").help =
                                Some("`span:` and `rows:` count columns and rows, from 1".into());
                        }
                        (full.text.as_str(), across.max(1), down.max(1), format!("{path}.text"))
                    }
                };
                written += across;
                if column + across > width || (column..column + across).any(|k| covered[k] > 0) {
                    if column < width {
                        self.err(
                            &path,
                            format!(
                                "the cell spans {across} columns from column {}, past the table's {width}",
                                column + 1
                            ),
                        )
                        .help = Some("make `span:` smaller, or leave out the cells a span covers".into());
                    }
                    column += across;
                    continue;
                }
                if down > 1 && r + down > t.rows.len() {
                    self.err(&path, format!("the cell spans {down} rows, but only {} follow", t.rows.len() - r - 1))
                        .help = Some("make `rows:` smaller".into());
                }
                cells[column] = rich_text::parse(md, xrefs, &text_path, &mut self.problems);
                if across > 1 || down > 1 {
                    spans.push(CellSpan { row: r, column, rows: down.min(t.rows.len() - r), columns: across });
                    // The rows below leave these columns out while the span lasts.
                    for c in &mut covered[column..column + across] {
                        *c = (*c).max(down);
                    }
                }
                column += across;
            }
            if written != expected {
                let note = if expected < width {
                    format!(" ({} covered by a cell above)", count(width - expected, "column"))
                } else {
                    String::new()
                };
                self.err(format!("{p}.rows[{r}]"), format!("row has {}; the table has {}{note}", count(written, "cell"), count(width, "column"))).help =
                    Some("give one cell per column (use \"\" for an empty cell), leaving out those a span from above covers; in a `[a, b]` row, quote a cell that holds a comma: `[\"North, South\", 3]`".into());
            }
            for c in covered.iter_mut() {
                *c = c.saturating_sub(1);
            }
            rows.push(Row { cells, total: false });
        }
        Block::Table(Table { caption: t.caption.clone(), anchor: t.id.clone(), columns, rows, spans })
    }
}

/// Which columns of a table hold figures only: every cell of the column that stands in it alone
/// (not spanning columns) is a figure or empty, and at least one is a figure.
fn figure_columns(t: &raw::TableInput) -> Vec<bool> {
    let width = t.columns.len();
    let mut seen = vec![(0usize, true); width];
    let mut covered = vec![0usize; width];
    for row in &t.rows {
        let mut column = 0;
        for cell in row {
            while column < width && covered[column] > 0 {
                column += 1;
            }
            let (text, across, down) = match cell {
                TextOr::Text(md) => (md.as_str(), 1, 1),
                TextOr::Full(full) => {
                    (full.text.as_str(), full.span.unwrap_or(1).max(1) as usize, full.rows.unwrap_or(1).max(1) as usize)
                }
            };
            if column + across > width {
                break;
            }
            if across == 1 && !text.trim().is_empty() {
                let s = &mut seen[column];
                s.0 += 1;
                s.1 &= is_figure(text);
            }
            for c in &mut covered[column..column + across] {
                *c = (*c).max(down);
            }
            column += across;
        }
        for c in covered.iter_mut() {
            *c = c.saturating_sub(1);
        }
    }
    seen.into_iter().map(|(n, all)| n > 0 && all).collect()
}

/// Whether a cell's text is a figure: a number or amount, as accountants write them — a sign or
/// brackets, a currency sign, digits with thousands commas and decimals, a unit after
/// (`%`, `k`, `m`, `bn`) — or a dash for none, bold or not.
pub(crate) fn is_figure(text: &str) -> bool {
    let t = text.trim().trim_matches('*').trim();
    if matches!(t, "-" | "–" | "—") {
        return true;
    }
    let t = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')).unwrap_or(t);
    let t = t.strip_prefix(['-', '+', '−']).unwrap_or(t);
    let t = t.strip_prefix(['£', '$', '€']).unwrap_or(t);
    let t = ["%", "bn", "m", "k"].iter().find_map(|u| t.strip_suffix(u)).unwrap_or(t).trim_end();
    let mut parts = t.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let decimals = parts.next();
    let groups: Vec<&str> = whole.split(',').collect();
    let whole_ok = !whole.is_empty()
        && groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && (groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    whole_ok && decimals.is_none_or(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod figure_tests {
    use super::is_figure;

    #[test]
    fn figures_are_numbers_amounts_percentages_and_dashes_and_nothing_else() {
        for yes in ["3", "1,234", "£1,234.50", "(2,000)", "-4.5", "12%", "£2.5m", "**1,000**", "–", "£3bn"] {
            assert!(is_figure(yes), "{yes}");
        }
        for no in ["", "Stage 2", "1,23", "2024/25", "12 schemes", "n/a", "1.2.3", "£", "Q1"] {
            assert!(!is_figure(no), "{no}");
        }
    }
}
