//! The report format as one template's papers have it: the JSON Schema (`cabrep schema report
//! --template NAME`) and the starter file (`cabrep new report --template NAME`), both cut from the
//! full format by the template's `[paper]`: a part the paper does not have is no field, a required
//! one is a required field.
//!
//! This room reads the template's paper definition only; it never loads a paper.

use serde_json::Value;

use crate::template::{FieldKind, ImplicationKind, Paper, PartName, Settings, Use};

/// The fields that belong to a part beyond the part's own field (the header block's lines).
fn fields_of(part: PartName) -> Vec<&'static str> {
    match part {
        PartName::Header => {
            vec!["report_of", "decision", "agenda_item", "forward_plan_ref", "key_reason", "decision_maker"]
        }
        PartName::Summary => vec!["summary", "record_summary"],
        PartName::Sections => vec!["sections", "missions"],
        _ => part.field().into_iter().collect(),
    }
}

/// The fields a paper must have: the required parts' own fields (the header block's two) and
/// the meeting and title.
fn required_fields(paper: &Paper) -> Vec<&'static str> {
    let mut out = vec!["meeting", "title"];
    for p in paper.parts.iter().filter(|p| p.use_ == Use::Required) {
        match p.part {
            PartName::Header => out.extend(["report_of", "decision"]),
            PartName::Title => {}
            part => out.extend(part.field()),
        }
    }
    out
}

/// The fields a paper must not have.
fn absent_fields(paper: &Paper) -> Vec<&'static str> {
    PartName::ALL.iter().filter(|p| !paper.has(**p)).flat_map(|p| fields_of(*p)).collect()
}

/// The report format's schema (`full`, as schemars makes it for every template) cut to a
/// template's paper.
pub fn report_schema(mut full: Value, settings: &Settings, template: &str) -> Value {
    let paper = &settings.paper;
    let absent = absent_fields(paper);
    let declared = declared_properties(&full, settings);
    if let Some(props) = full.get_mut("properties").and_then(Value::as_object_mut) {
        props.retain(|k, _| !absent.contains(&k.as_str()));
        for (k, v) in declared {
            if props.contains_key(&k) {
                props.insert(k, v);
            }
        }
    }
    let required: Vec<Value> = required_fields(paper).into_iter().map(|f| Value::String(f.to_owned())).collect();
    if let Some(obj) = full.as_object_mut() {
        obj.insert("required".into(), Value::Array(required));
        obj.insert("title".into(), Value::String(format!("cabrep report ({template} template)")));
        // The key-decision rule speaks of the header's fields: only a paper with a header has them,
        // and it holds only where the template requires the reference (`forward_plan_ref_required`).
        if absent.contains(&"decision") || !paper.forward_plan_ref_required {
            obj.remove("if");
            obj.remove("then");
        }
    }
    full
}

/// The report format's schema for papers of any shipped template: the fields every paper has
/// required, and for each template (`template: NAME`; none is the cabinet report) its own
/// required fields and no field it does not have. A template folder's papers are held to the
/// common fields only (`cabrep schema report --template DIR` gives their own schema).
pub fn shipped_report_schema(mut full: Value, templates: &[(&str, &Settings)]) -> Value {
    let rules: Vec<Value> = templates
        .iter()
        .map(|(name, settings)| {
            let paper = &settings.paper;
            let named =
                serde_json::json!({ "properties": { "template": { "const": name } }, "required": ["template"] });
            let when = if *name == "cabinet" {
                serde_json::json!({ "anyOf": [{ "not": { "required": ["template"] } }, named] })
            } else {
                named
            };
            let mut absent: serde_json::Map<String, Value> =
                absent_fields(paper).into_iter().map(|f| (f.to_owned(), Value::Bool(false))).collect();
            for (k, v) in declared_properties(&full, settings) {
                absent.entry(k).or_insert(v);
            }
            serde_json::json!({
                "if": when,
                "then": { "required": required_fields(paper), "properties": absent },
            })
        })
        .collect();
    if let Some(obj) = full.as_object_mut() {
        obj.insert("required".into(), serde_json::json!(["meeting", "title"]));
        let mut all: Vec<Value> = obj.get("allOf").and_then(Value::as_array).cloned().unwrap_or_default();
        all.extend(rules);
        obj.insert("allOf".into(), Value::Array(all));
    }
    full
}

/// A starter file for a template's papers, cut from the cabinet report's (`full`): the blocks of
/// fields the paper does not have left out, a cover and a sign-off added where it has them, and
/// `template:` naming the template.
pub fn report_starter(full: &str, settings: &Settings, template: &str) -> String {
    let paper = &settings.paper;
    let absent = absent_fields(paper);
    // Blocks: a top-level line (a key at column 0, or a commented-out one like `# forward_plan_ref:`)
    // with the indented lines after it; comment lines before a key go with it.
    let mut out = String::new();
    let mut pending = String::new();
    let mut keep = true;
    for line in full.lines() {
        let key = top_level_key(line);
        if let Some(k) = key {
            keep = !absent.contains(&k);
            if keep {
                out.push_str(&pending);
            }
            pending.clear();
            if keep {
                out.push_str(line);
                out.push('\n');
                if k == "schema" && template != "cabinet" {
                    out.push_str(&format!("template: {template}\n"));
                }
                if k == "title" && paper.has(PartName::Cover) {
                    out.push_str(COVER);
                }
            }
        } else if line.starts_with('#') && !line.starts_with("# yaml-language-server") && out.contains("schema:") {
            pending.push_str(line);
            pending.push('\n');
        } else if line.trim().is_empty() {
            if keep {
                out.push_str(&pending);
                out.push('\n');
            }
            pending.clear();
        } else if keep {
            out.push_str(&pending);
            pending.clear();
            out.push_str(line);
            out.push('\n');
        }
    }
    if keep {
        out.push_str(&pending);
    }
    if paper.has(PartName::SignOff) {
        out.push_str(SIGN_OFF);
    }
    if paper.has(PartName::Implications) {
        out = replace_block(&out, "implications", &implications_starter(settings));
    }
    if paper.has(PartName::FrontSheet) && !settings.front_sheet.fields.is_empty() {
        out = insert_before(&out, "title", &front_sheet_starter(settings));
    }
    if template != "cabinet" {
        out = out.replacen("# A cabinet report.", &format!("# A paper for the {template} template."), 1);
    }
    out
}

/// The schema of the fields a template declares: `implications:` and `front_sheet:` as objects
/// with the template's keys only, its required ones required.
fn declared_properties(full: &Value, settings: &Settings) -> Vec<(String, Value)> {
    use serde_json::json;
    let tables = full.pointer("/properties/implications/additionalProperties").cloned().unwrap_or(json!({}));
    let mut props = serde_json::Map::new();
    let mut required = Vec::new();
    for imp in &settings.implications {
        let text = json!({ "type": "string", "pattern": "\\S", "description": imp.heading });
        let v = match imp.kind {
            ImplicationKind::Tables => {
                let mut t = tables.clone();
                if let Some(o) = t.as_object_mut() {
                    o.insert("description".into(), Value::String(imp.heading.clone()));
                }
                t
            }
            ImplicationKind::Rich | ImplicationKind::Text => text,
        };
        props.insert(imp.key.clone(), v);
        if imp.required {
            required.push(Value::String(imp.key.clone()));
        }
    }
    let implications =
        json!({ "type": "object", "properties": props, "required": required, "additionalProperties": false });
    let text = json!({ "type": "string", "pattern": "\\S" });
    let date = json!({ "type": "string", "format": "date", "pattern": "^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$" });
    let mut props = serde_json::Map::new();
    let mut required = Vec::new();
    for f in &settings.front_sheet.fields {
        let v = match f.kind {
            FieldKind::Text | FieldKind::Rich => text.clone(),
            FieldKind::Date => date.clone(),
            FieldKind::List => json!({ "anyOf": [text, { "type": "array", "minItems": 1, "items": text }] }),
            FieldKind::Person => json!({ "anyOf": [text, {
                "type": "object",
                "properties": { "name": text, "post": text, "email": text, "phone": text, "date": date },
                "required": ["name"],
                "additionalProperties": false
            }] }),
            FieldKind::YesNo => json!({ "anyOf": [{ "type": "boolean" }, {
                "type": "object",
                "properties": { "answer": { "type": "boolean" }, "reason": text },
                "required": ["answer"],
                "additionalProperties": false
            }] }),
        };
        let mut v = v;
        if let Some(o) = v.as_object_mut() {
            o.insert("description".into(), Value::String(f.label.clone()));
        }
        props.insert(f.key.clone(), v);
        if f.required {
            required.push(Value::String(f.key.clone()));
        }
    }
    let front = json!({ "type": "object", "properties": props, "required": required, "additionalProperties": false });
    vec![("implications".into(), implications), ("front_sheet".into(), front)]
}

/// The starter's `implications:` block: the template's keys, the optional ones commented out.
fn implications_starter(settings: &Settings) -> String {
    let mut out = String::from("implications:\n");
    for imp in &settings.implications {
        let hash = if imp.required { "" } else { "# " };
        out.push_str(&format!("  {hash}{}: |{}# {}\n", imp.key, pad(imp.key.len() + 4 + hash.len()), imp.heading));
        out.push_str(&format!("  {hash}  The {}.\n", sentence(&imp.heading)));
    }
    out
}

/// The starter's `front_sheet:` block: the template's fields, each in its kind's shape.
fn front_sheet_starter(settings: &Settings) -> String {
    let mut out = String::from("front_sheet:\n");
    for f in &settings.front_sheet.fields {
        let hash = if f.required { "" } else { "# " };
        let value = match f.kind {
            FieldKind::Text | FieldKind::Rich => "Text".to_owned(),
            FieldKind::Date => "2024-01-18".to_owned(),
            FieldKind::List => "[First, Second]".to_owned(),
            FieldKind::Person => "{ name: Your Name, post: Your Post Title }".to_owned(),
            FieldKind::YesNo => "{ answer: true, reason: Why }".to_owned(),
        };
        let line = format!("{}: {value}", f.key);
        out.push_str(&format!("  {hash}{line}{}# {}\n", pad(line.len() + hash.len() + 1), f.label));
    }
    out.push('\n');
    out
}

/// Spaces to the starter's comment column (35, after the two of indent), at least one.
fn pad(used: usize) -> String {
    " ".repeat(34usize.saturating_sub(used).max(1))
}

/// A heading as words in a sentence (lower case).
fn sentence(heading: &str) -> String {
    heading.trim().to_lowercase()
}

/// `text` with the top-level block `key:` (the key line and the indented lines after it)
/// replaced by `block`.
fn replace_block(text: &str, key: &str, block: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        if top_level_key(line) == Some(key) && !line.starts_with('#') {
            out.push_str(block);
            skipping = true;
            continue;
        }
        if skipping && line.starts_with(' ') {
            continue;
        }
        skipping = false;
        out.push_str(line);
    }
    out
}

/// `text` with `block` inserted before the top-level line `key:`.
fn insert_before(text: &str, key: &str, block: &str) -> String {
    match text.split_inclusive('\n').position(|l| top_level_key(l) == Some(key) && !l.starts_with('#')) {
        Some(i) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            format!("{}{block}{}", lines[..i].concat(), lines[i..].concat())
        }
        None => format!("{text}{block}"),
    }
}

/// The key a top-level line starts (`key:` at column 0, or `# key:` commented out).
fn top_level_key(line: &str) -> Option<&str> {
    let bare = line.strip_prefix("# ").unwrap_or(line);
    let (key, _) = bare.split_once(':')?;
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    (plain && !bare.starts_with(' ')).then_some(key)
}

const COVER: &str = "cover:
  kind: Discussion Paper           # the kind of paper, printed under the title
  period: 2024 - 2030              # optional: the years the paper covers
  # month: January 2025            # default: the meeting date's month
";

const SIGN_OFF: &str = "
sign_off:                          # the author's sign-off, at the end
  name: Your Name
  post: Your Post Title
  date: 2025-01-03                 # YYYY-MM-DD
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    fn hwb_settings() -> Settings {
        Template::shipped("hwb-discussion").expect("shipped").expect("loads").settings
    }

    #[test]
    fn the_hwb_starter_has_a_cover_and_sign_off_and_no_cabinet_parts() {
        let text = report_starter(crate::STARTER_REPORT, &hwb_settings(), "hwb-discussion");
        for gone in ["portfolio:", "implications:", "risk:", "wards:", "background_papers:", "report_of:", "reasons:"] {
            assert!(!text.contains(&format!("\n{gone}")), "{gone} in\n{text}");
        }
        for kept in ["template: hwb-discussion", "cover:", "sign_off:", "sections:", "meeting:", "title:"] {
            assert!(text.contains(kept), "{kept} missing in\n{text}");
        }
    }

    #[test]
    fn the_cabinet_starter_is_the_starter_file_itself() {
        let cabinet = Template::builtin().expect("builtin").settings;
        let text = report_starter(crate::STARTER_REPORT, &cabinet, "cabinet");
        assert_eq!(text.trim_end(), crate::STARTER_REPORT.trim_end());
    }

    #[test]
    fn the_hwb_schema_has_no_portfolio_and_requires_the_cover_and_sign_off() {
        let full = serde_json::to_value(schemars::schema_for!(crate::input::types::ReportFile)).expect("schema");
        let s = report_schema(full, &hwb_settings(), "hwb-discussion");
        let props = s["properties"].as_object().expect("properties");
        assert!(!props.contains_key("portfolio") && !props.contains_key("risk"));
        assert!(props.contains_key("cover") && props.contains_key("sign_off"));
        let required: Vec<&str> =
            s["required"].as_array().expect("required").iter().filter_map(Value::as_str).collect();
        assert!(required.contains(&"cover") && required.contains(&"sign_off") && required.contains(&"sections"));
        assert!(!required.contains(&"summary"));
    }
}
