//! The report's tables and figures: the mission tables and summary, financial tables with
//! their charts, the risk register with its matrix, and the alt text each figure carries. The
//! words are the template's; the order of the report's parts is decided in [`super`], never here.

use rust_decimal::prelude::ToPrimitive;

use super::{para, Assembler};
use crate::house::{amount_text, and_list, long_date};
use crate::input::Scale;
use crate::model::{self, FinancialTable, Report, RiskRegister};
use crate::template::Template;
use crate::tree::*;

impl Assembler<'_> {
    pub(super) fn mission_tables(&mut self, m: &model::MissionUpdate) {
        let t = self.t;
        if !m.milestones.is_empty() {
            let rows = m
                .milestones
                .iter()
                .map(|ms| text_row(&[ms.name.clone(), long_date(ms.due), self.status(ms.status).to_owned()], false))
                .collect();
            self.push(table(
                Some(format!("{} – {}", m.name, t.label("milestones"))),
                &[
                    (t.label("milestone"), Align::Left, 3.0),
                    (t.label("due"), Align::Left, 1.5),
                    (t.label("status"), Align::Left, 1.2),
                ],
                rows,
            ));
        }
        if !m.measures.is_empty() {
            let rows = m
                .measures
                .iter()
                .map(|me| {
                    text_row(&[me.name.clone(), me.baseline.clone(), me.target.clone(), me.current.clone()], false)
                })
                .collect();
            self.push(table(
                Some(format!("{} – {}", m.name, t.label("measures"))),
                &[
                    (t.label("measure"), Align::Left, 3.0),
                    (t.label("baseline"), Align::Right, 1.0),
                    (t.label("target"), Align::Right, 1.0),
                    (t.label("current"), Align::Right, 1.0),
                ],
                rows,
            ));
        }
    }

    pub(super) fn mission_summary(&mut self, r: &Report) {
        let t = self.t;
        let section = t.label("section").to_owned();
        let rows = r
            .mission_summary
            .iter()
            .map(|m| {
                let next = m
                    .next_milestone
                    .as_ref()
                    .map(|(n, d)| format!("{n} ({})", long_date(*d)))
                    .unwrap_or_else(|| "–".into());
                // The section's label and number never part at a line end (a no-break space).
                text_row(
                    &[format!("{} ({section}\u{a0}{})", m.mission, m.section), self.status(m.status).to_owned(), next],
                    false,
                )
            })
            .collect();
        self.push(table(
            Some(t.label("mission_summary").to_owned()),
            &[
                (t.label("mission"), Align::Left, 3.0),
                (t.label("status"), Align::Left, 1.2),
                (t.label("next_milestone"), Align::Left, 3.0),
            ],
            rows,
        ));
    }

    pub(super) fn financial_table(&mut self, ft: &FinancialTable) {
        let t = self.t;
        let unit = ft.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        let mut cols: Vec<(String, Align, f32)> = vec![(String::new(), Align::Left, 3.0)];
        for c in &ft.columns {
            cols.push((format!("{c}{unit}"), Align::Right, 1.4));
        }
        // Each column with its own decimals, so that its figures line up and add up as printed.
        let printed = |values: &[model::Decimal]| -> Vec<String> {
            values.iter().enumerate().map(|(c, v)| amount_text(*v, ft.decimals.get(c).copied().unwrap_or(0))).collect()
        };
        let printed_rows: Vec<(String, Vec<String>)> =
            ft.rows.iter().map(|(label, values)| (label.clone(), printed(values))).collect();
        let printed_totals: Option<Vec<String>> = ft.totals.as_deref().map(printed);
        let mut rows: Vec<Row> = printed_rows
            .iter()
            .map(|(label, values)| {
                let mut cells = vec![label.clone()];
                cells.extend(values.iter().cloned());
                text_row(&cells, false)
            })
            .collect();
        if let Some(totals) = &printed_totals {
            let mut cells = vec![t.label("total").to_owned()];
            cells.extend(totals.iter().cloned());
            rows.push(text_row(&cells, true));
        }
        let col_refs: Vec<(&str, Align, f32)> = cols.iter().map(|(h, a, w)| (h.as_str(), *a, *w)).collect();
        self.push(table(Some(ft.caption.clone()), &col_refs, rows));
        if let Some(kind) = ft.chart {
            let style = match kind {
                model::ChartKind::Bar => SeriesStyle::Bar,
                model::ChartKind::Line => SeriesStyle::Line,
            };
            let series: Vec<Series> = ft
                .rows
                .iter()
                .map(|(n, v)| Series { name: n.clone(), values: v.iter().map(|d| d.to_f64().unwrap_or(0.0)).collect() })
                .collect();
            let alt = series_alt(
                style,
                &ft.caption,
                ft.unit.as_deref(),
                &ft.columns,
                &printed_rows,
                printed_totals.as_deref(),
                t.label("total"),
            );
            self.push(Block::Figure(Figure {
                caption: ft.caption.clone(),
                alt,
                chart: Chart::Series {
                    style,
                    categories: ft.columns.clone(),
                    series,
                    unit: ft.unit.clone().unwrap_or_default(),
                },
                palette: t.settings.chart.clone(),
            }));
        }
    }

    pub(super) fn risk_register(&mut self, reg: &RiskRegister) {
        let t = self.t;
        let mut rows = Vec::new();
        for r in &reg.risks {
            let mut cells: Vec<Vec<Block>> = [
                r.number.to_string(),
                r.risk.clone(),
                r.likelihood.to_string(),
                r.impact.to_string(),
                r.score.to_string(),
                r.band.clone(),
            ]
            .into_iter()
            .map(|s| vec![para(ParagraphStyle::Body, s)])
            .collect();
            cells.push(r.mitigation.clone());
            cells.push(vec![para(ParagraphStyle::Body, r.owner.clone())]);
            rows.push(Row { cells, total: false });
        }
        let mut register = table(
            Some(t.label("risk_register").to_owned()),
            &[
                (t.label("risk_number"), Align::Left, 0.6),
                (t.label("risk"), Align::Left, 3.0),
                (t.label("likelihood"), Align::Right, 1.3),
                (t.label("impact"), Align::Right, 1.1),
                (t.label("score"), Align::Right, 1.0),
                (t.label("band"), Align::Left, 1.2),
                (t.label("mitigation"), Align::Left, 3.5),
                (t.label("owner"), Align::Left, 2.0),
            ],
            rows,
        );
        shorten_headers(
            &mut register,
            t,
            &["risk_number", "risk", "likelihood", "impact", "score", "band", "mitigation", "owner"],
        );
        let key = header_key(&register);
        self.push(register);
        // The short headers' key, under the table: for every reader, in every format (a PDF table
        // cell cannot carry another text for assistive technology).
        if let Some(key) = key {
            self.push(para(ParagraphStyle::Note, key));
        }
        let bands = risk_matrix_bands(t);
        let points = reg
            .risks
            .iter()
            .map(|r| RiskPoint { number: r.number, likelihood: r.likelihood, impact: r.impact })
            .collect();
        self.push(Block::Figure(Figure {
            caption: t.label("risk_matrix").to_owned(),
            alt: risk_matrix_alt(reg),
            chart: Chart::RiskMatrix { points, bands },
            palette: t.settings.chart.clone(),
        }));
    }
}

fn text_row(cells: &[String], total: bool) -> Row {
    Row { cells: cells.iter().map(|c| vec![para(ParagraphStyle::Body, c.clone())]).collect(), total }
}

/// Prints the headers of the table `block` short where the template gives a short form
/// (`<key>_short` in `[labels]`, one per column in `keys`), keeping the full label for
/// assistive technology, so that a column of single digits is not as wide as its header word.
fn shorten_headers(block: &mut Block, t: &Template, keys: &[&str]) {
    let Block::Table(table) = block else { return };
    for (column, key) in table.columns.iter_mut().zip(keys) {
        if let Some(short) = t.short_label(key).filter(|s| !s.trim().is_empty() && *s != column.header) {
            column.full = Some(std::mem::replace(&mut column.header, short.to_owned()));
        }
    }
}

/// "L: Likelihood. I: Impact." for a table whose headers are printed short; `None` when none is.
fn header_key(block: &Block) -> Option<String> {
    let Block::Table(table) = block else { return None };
    let keys: Vec<String> =
        table.columns.iter().filter_map(|c| c.full.as_ref().map(|f| format!("{}: {f}.", c.header))).collect();
    (!keys.is_empty()).then(|| keys.join(" "))
}

fn table(caption: Option<String>, cols: &[(&str, Align, f32)], rows: Vec<Row>) -> Block {
    Block::Table(Table {
        caption,
        anchor: None,
        columns: cols
            .iter()
            .map(|(h, a, w)| Column { header: (*h).to_owned(), align: *a, width: *w, full: None })
            .collect(),
        rows,
        spans: Vec::new(),
    })
}

/// Alt text for the risk matrix: what it shows, read out risk by risk.
pub fn risk_matrix_alt(reg: &RiskRegister) -> String {
    let n = reg.risks.len();
    let ends = |s: Scale| format!("{} {} to {} {}", Scale::MIN, s.low, Scale::MAX, s.high);
    let mut s = format!(
        "Risk matrix of likelihood ({}, across) against impact ({}, up), plotting {n} risk{}.",
        ends(Scale::LIKELIHOOD),
        ends(Scale::IMPACT),
        if n == 1 { "" } else { "s" }
    );
    for r in &reg.risks {
        s.push_str(&format!(
            " Risk {}, {}: likelihood {}, impact {}, score {}, {}.",
            r.number,
            r.risk.trim_end_matches('.'),
            r.likelihood,
            r.impact,
            r.score,
            r.band.to_lowercase()
        ));
    }
    s
}

/// Alt text for a chart of a financial table: the kind of chart and every value, as printed in
/// the table.
pub fn series_alt(
    style: SeriesStyle,
    caption: &str,
    unit: Option<&str>,
    categories: &[String],
    series: &[(String, Vec<String>)],
    totals: Option<&[String]>,
    total_label: &str,
) -> String {
    let kind = match style {
        SeriesStyle::Bar => "Bar chart",
        SeriesStyle::Line => "Line chart",
    };
    let unit_text = unit.map(|u| format!(" in {u}")).unwrap_or_default();
    let mut s = format!("{kind} of {caption}{unit_text}, for {}.", and_list(categories));
    let values = |v: &[String]| -> String {
        categories.iter().zip(v).map(|(c, x)| format!("{c} {x}")).collect::<Vec<_>>().join(", ")
    };
    for (name, printed) in series {
        s.push_str(&format!(" {name}: {}.", values(printed)));
    }
    if let Some(t) = totals {
        s.push_str(&format!(" {total_label}: {}.", values(t)));
    }
    s
}

/// The risk matrix's background from the template's bands, indexed `[impact-1][likelihood-1]`:
/// `Scale::MAX` rows of `Scale::MAX` cells, from which the writers take the matrix's size.
pub fn risk_matrix_bands(t: &Template) -> Vec<Vec<BandCell>> {
    (Scale::MIN..=Scale::MAX)
        .map(|impact| {
            (Scale::MIN..=Scale::MAX)
                .map(|likelihood| match t.band(impact * likelihood) {
                    Some(b) => BandCell { label: b.name.clone(), fill: b.fill.clone(), severity: t.band_severity(b) },
                    None => BandCell { label: String::new(), fill: t.settings.chart.background.clone(), severity: 0 },
                })
                .collect()
        })
        .collect()
}
