//! Validation of the fields a template declares as data: a paper's `implications:` and
//! `front_sheet:` maps, checked key by key against the template's `[[implications]]` and
//! `[front_sheet]`. A key the template does not declare is an error at the author's line with a
//! did-you-mean from the template's keys; a required one missing is asked for; every value
//! written is kept, in the template's order. Reports problems to the [`Checker`]; never reads
//! files.

use std::collections::BTreeMap;

use super::*;
use crate::house::long_date;
use crate::input::types::{FrontSheetScalar, FrontSheetValue};
use crate::template::{FieldKind, FrontSheetField, ImplicationHeading, ImplicationKind};
use crate::tree::Inline;

impl Checker {
    /// Keys written under `field` that the template does not declare: one located error each,
    /// with the nearest declared key.
    fn undeclared<'k, V>(
        &mut self,
        rules: &Rules,
        field: &str,
        written: &BTreeMap<String, V>,
        declared: impl Iterator<Item = &'k str> + Clone,
    ) {
        for key in written.keys() {
            if declared.clone().any(|d| d == key) {
                continue;
            }
            let name = &rules.template_name;
            let help = match crate::suggest::did_you_mean(key, declared.clone()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => {
                    let all: Vec<String> = declared.clone().map(|d| format!("`{d}`")).collect();
                    if all.is_empty() {
                        format!("the {name} template declares none")
                    } else {
                        format!("the {name} template's are {}", all.join(", "))
                    }
                }
            };
            let e = self.err(format!("{field}.{key}"), format!("the {name} template has no {field} key `{key}`"));
            e.help = Some(help);
            e.at_key = true;
        }
    }

    /// A required key the paper leaves out, asked for at the map's key.
    fn required_key(&mut self, rules: &Rules, field: &str, key: &str, what: &str) {
        let name = &rules.template_name;
        let e = self.err(field, format!("missing {field} key `{key}`"));
        e.help = Some(format!("the {name} template's papers have {what}: add `{key}:` under `{field}:`"));
        e.at_key = true;
    }

    /// The implications, in the template's order: each declared key written, checked as its
    /// kind says.
    pub(super) fn implications(
        &mut self,
        f: &BTreeMap<String, raw::Implication>,
        rules: &Rules,
        xrefs: &Xrefs,
    ) -> Vec<(String, Implication)> {
        self.undeclared(rules, "implications", f, rules.implications.iter().map(|i| i.key.as_str()));
        let mut out = Vec::new();
        for decl in &rules.implications {
            let ImplicationHeading { key, heading, kind, required } = decl;
            let path = format!("implications.{key}");
            match f.get(key) {
                None if *required => self.required_key(rules, "implications", key, &format!("“{heading}”")),
                None => {}
                Some(TextOr::Text(md)) => {
                    let text = match kind {
                        ImplicationKind::Text => {
                            vec![Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, self.text(&path, md)))]
                        }
                        _ => self.rich(&path, md, xrefs, true),
                    };
                    out.push((key.clone(), Implication { text, tables: Vec::new() }));
                }
                Some(TextOr::Full(fin)) => {
                    if *kind != ImplicationKind::Tables {
                        self.err(&path, "this implication is text; tables are not part of it").help =
                            Some(format!("write the text after `{key}:` (the template's kind for it is not `tables`)"));
                    }
                    let text = self.rich(&format!("{path}.text"), &fin.text, xrefs, true);
                    let tables = fin
                        .tables
                        .iter()
                        .enumerate()
                        .map(|(i, t)| self.financial_table(&format!("{path}.tables[{i}]"), t, rules.amount_decimals))
                        .collect();
                    out.push((key.clone(), Implication { text, tables }));
                }
            }
        }
        out
    }

    /// The front sheet, in the template's order: each declared key written, as its kind says.
    pub(super) fn front_sheet(
        &mut self,
        f: &BTreeMap<String, FrontSheetValue>,
        rules: &Rules,
        xrefs: &Xrefs,
    ) -> Vec<FrontSheetEntry> {
        self.undeclared(rules, "front_sheet", f, rules.front_sheet.fields.iter().map(|d| d.key.as_str()));
        let mut out = Vec::new();
        for decl in &rules.front_sheet.fields {
            match f.get(&decl.key) {
                None if decl.required => {
                    self.required_key(rules, "front_sheet", &decl.key, &format!("“{}”", decl.label))
                }
                None => {}
                Some(v) => {
                    let value = self.front_value(rules, decl, v, xrefs);
                    out.push(FrontSheetEntry {
                        key: decl.key.clone(),
                        label: decl.label.clone(),
                        kind: decl.kind,
                        value,
                    });
                }
            }
        }
        out
    }

    fn front_value(&mut self, rules: &Rules, decl: &FrontSheetField, v: &FrontSheetValue, xrefs: &Xrefs) -> Vec<Block> {
        let path = format!("front_sheet.{}", decl.key);
        let line = |s: String| vec![Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, s))];
        let shape = |c: &mut Self, want: &str| {
            c.err(&path, format!("`{}` is {want}", decl.key)).help =
                Some(format!("the template's kind for `{}` is `{}`", decl.key, kind_word(decl.kind)));
            Vec::new()
        };
        match (decl.kind, v) {
            (FieldKind::Text, FrontSheetValue::Text(s)) => line(self.text(&path, s)),
            (FieldKind::Rich, FrontSheetValue::Text(s)) => self.rich(&path, s, xrefs, true),
            (FieldKind::Date, FrontSheetValue::Text(s)) => line(long_date(self.date(&path, &IsoDate(s.clone())))),
            (FieldKind::List, FrontSheetValue::Text(s)) => line(self.text(&path, s)),
            (FieldKind::List, FrontSheetValue::List(items)) => {
                if items.is_empty() {
                    self.err(&path, "the list is empty").help =
                        Some("write at least one line, or leave the field out".into());
                }
                items.iter().enumerate().flat_map(|(i, s)| line(self.text(&format!("{path}[{i}]"), s))).collect()
            }
            (FieldKind::YesNo, FrontSheetValue::Answer(b)) => line(answer(rules, *b)),
            (FieldKind::YesNo, FrontSheetValue::Map(m)) => {
                self.only_keys(&path, m, &["answer", "reason"]);
                let yes = match m.get("answer") {
                    Some(FrontSheetScalar::Answer(b)) => *b,
                    _ => {
                        self.err(&path, "the answer is missing: write `answer: true` or `answer: false`").at_key = true;
                        false
                    }
                };
                match m.get("reason") {
                    Some(FrontSheetScalar::Text(r)) => {
                        let reason = self.text(&format!("{path}.reason"), r);
                        line(format!("{} – {reason}", answer(rules, yes)))
                    }
                    Some(FrontSheetScalar::Answer(_)) => {
                        self.err(format!("{path}.reason"), "the reason is text, not yes or no");
                        Vec::new()
                    }
                    None => line(answer(rules, yes)),
                }
            }
            (FieldKind::Person, FrontSheetValue::Text(s)) => line(self.text(&path, s)),
            (FieldKind::Person, FrontSheetValue::Map(m)) => {
                self.only_keys(&path, m, &["name", "post", "email", "phone", "date"]);
                let mut lines = Vec::new();
                for k in ["name", "post", "email", "phone", "date"] {
                    match m.get(k) {
                        Some(FrontSheetScalar::Text(s)) if k == "date" => {
                            lines.push(long_date(self.date(&format!("{path}.date"), &IsoDate(s.clone()))))
                        }
                        Some(FrontSheetScalar::Text(s)) => lines.push(self.text(&format!("{path}.{k}"), s)),
                        Some(FrontSheetScalar::Answer(_)) => {
                            self.err(format!("{path}.{k}"), format!("`{k}` is text, not yes or no"));
                        }
                        None if k == "name" => {
                            self.err(&path, "a person needs a `name:`").at_key = true;
                        }
                        None => {}
                    }
                }
                let mut blocks = Vec::new();
                for (i, l) in lines.into_iter().enumerate() {
                    let content = if i == 0 { vec![Inline::strong(l)] } else { vec![Inline::text(l)] };
                    blocks.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content }));
                }
                blocks
            }
            (FieldKind::YesNo, _) => {
                shape(self, "a yes/no answer: write `true`, `false` or `{ answer: true, reason: … }`")
            }
            (FieldKind::Person, _) => shape(self, "a person: write `{ name: …, post: …, email: …, phone: … }`"),
            (FieldKind::List, _) => shape(self, "a list of lines"),
            (_, _) => shape(self, "text"),
        }
    }

    /// Keys of a front-sheet mapping other than `allowed`: one located error each.
    fn only_keys(&mut self, path: &str, m: &BTreeMap<String, FrontSheetScalar>, allowed: &[&str]) {
        for k in m.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let e = self.err(format!("{path}.{k}"), format!("unknown field `{k}`"));
            e.help = Some(match crate::suggest::did_you_mean(k, allowed.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the fields here are {}", allowed.join(", ")),
            });
            e.at_key = true;
        }
    }
}

fn answer(rules: &Rules, yes: bool) -> String {
    if yes {
        rules.front_sheet.yes.clone()
    } else {
        rules.front_sheet.no.clone()
    }
}

/// A kind as `template.toml` writes it.
fn kind_word(k: FieldKind) -> String {
    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
