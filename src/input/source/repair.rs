//! Every structural problem of a file in one run. serde stops at the first error; this room
//! reads the file once more as a generic tree, and then, again and again, repairs the tree where
//! the last error was (an unknown field removed, or renamed when it is a typo of a field the
//! mapping lacks; a value of the wrong type or an unknown value
//! replaced by a stand-in of the type the JSON Schema expects there, a missing field given one)
//! and deserialises it anew with the same parser, so that each error is found once and the next
//! one comes to light. The stand-ins are never read as input: a file with any of these errors is
//! refused. This room words no error itself (that is `explain`'s) and never reads the disk.

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{deserialize_text, SourceFile};
use crate::diag::Diagnostic;

/// How many errors of one file are looked for, at most (the first [`crate::diag::MAX_PRINTED`]
/// are printed, the rest counted).
const MAX_FOUND: usize = 1_000;

/// How much text, in bytes, the repeated deserialisation of one file may read in all (a hostile
/// file with thousands of errors costs a bounded time).
const MAX_WORK_BYTES: usize = 64 << 20;

/// The errors after the first (`raw` at `path`, explained as `first`), in source order; empty
/// when the file does not read as a tree or an error cannot be repaired.
pub(super) fn further_errors<T: DeserializeOwned + JsonSchema>(
    source: &SourceFile,
    raw: &str,
    path: &str,
    first: &Diagnostic,
) -> Vec<Diagnostic> {
    let Ok(mut tree) = source.parse::<Value>() else { return Vec::new() };
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    seen.insert((raw.to_owned(), path.to_owned()));
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut work = 0;
    if !repair(&mut tree, &schema, raw, path) {
        return found;
    }
    while found.len() < MAX_FOUND && work < MAX_WORK_BYTES {
        let Ok(text) = serde_json::to_string(&tree) else { break };
        work += text.len();
        let (raw, path) = match deserialize_text::<T>(&text) {
            Ok(_) => break,
            Err(e) => {
                let (e, path) = *e;
                (super::explain::strip_location(&e.without_snippet().to_string()), path)
            }
        };
        if !seen.insert((raw.clone(), path.clone())) {
            break;
        }
        let d = source.describe_at_path(&raw, &path);
        if (d.line, d.column, &d.path, &d.message) != (first.line, first.column, &first.path, &first.message) {
            found.push(d);
        }
        if !repair(&mut tree, &schema, &raw, &path) {
            break;
        }
    }
    found.sort_by_key(|d| (d.line, d.column));
    found.dedup();
    if found.len() >= MAX_FOUND || work >= MAX_WORK_BYTES {
        // The search stopped at its bound: say so, rather than let the count pass for all.
        found.push(Diagnostic {
            file: source.name.clone(),
            line: 1,
            column: 1,
            path: String::new(),
            severity: crate::diag::Severity::Error,
            message: "the file has more problems than are looked for in one run".into(),
            help: Some("fix these and check again".into()),
        });
    }
    found
}

/// Repairs `tree` so that the error `raw` at `path` cannot recur; `false` when it cannot tell how.
fn repair(tree: &mut Value, schema: &Value, raw: &str, path: &str) -> bool {
    let mut at = segments(path);
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        if at.last() != Some(&Segment::Key(field.to_owned())) {
            at.push(Segment::Key(field.to_owned()));
        }
        let Some(Segment::Key(key)) = at.pop() else { return false };
        // A typo of a field the mapping lacks (`emial` for `email`) is that field misspelt: its
        // value is read under the right name, and the field is not reported missing as well.
        let fields: Vec<&str> = schema_at(schema, &at)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return match node_mut(tree, &at) {
            Some(Value::Object(m)) => {
                let meant = crate::suggest::did_you_mean(&key, fields.iter().copied().filter(|f| !m.contains_key(*f)));
                match (m.remove(&key), meant) {
                    (Some(v), Some(meant)) => {
                        m.insert(meant.to_owned(), v);
                        true
                    }
                    (removed, _) => removed.is_some(),
                }
            }
            _ => false,
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        at.push(Segment::Key(field.to_owned()));
        let Some(stand_in) = schema_at(schema, &at).map(|s| stand_in(schema, s, 0)) else { return false };
        at.pop();
        return match node_mut(tree, &at) {
            Some(Value::Object(m)) => m.insert(field.to_owned(), stand_in).is_none(),
            _ => false,
        };
    }
    let wrong_value =
        ["unknown variant `", "invalid type: ", "invalid value: ", "expected ", "invalid ", "cannot deserialize null"]
            .iter()
            .any(|p| raw.starts_with(p))
            || raw.contains("did not match any variant")
            || raw.starts_with("externally tagged enum expected scalar");
    if !wrong_value {
        return false;
    }
    let Some(value_schema) = schema_at(schema, &at) else { return false };
    let stand_in = stand_in(schema, value_schema, 0);
    match node_mut(tree, &at) {
        Some(v) if *v != stand_in => {
            *v = stand_in;
            true
        }
        _ => false,
    }
}

/// One step of a field path.
#[derive(Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `risk.register[0].likelihood` as its steps.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            out.push(Segment::Key(name.to_owned()));
        }
        while let Some((index, after)) = rest.split_once(']') {
            match index.parse() {
                Ok(i) => out.push(Segment::Index(i)),
                Err(_) => out.push(Segment::Key(index.to_owned())),
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    out
}

/// The node of `tree` at `path`.
fn node_mut<'a>(tree: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    path.iter().try_fold(tree, |node, step| match (node, step) {
        (Value::Object(m), Segment::Key(k)) => m.get_mut(k),
        (Value::Array(a), Segment::Index(i)) => a.get_mut(*i),
        _ => None,
    })
}

/// The subschema at `path`, following `$ref`s and the branches of `anyOf`/`oneOf`.
fn schema_at<'a>(root: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    let mut node = resolve(root, root);
    for step in path {
        node = child(root, node, step)?;
    }
    Some(node)
}

/// The subschema for one step below `node`: a property, or the items of a list.
fn child<'a>(root: &'a Value, node: &'a Value, step: &Segment) -> Option<&'a Value> {
    let node = resolve(root, node);
    let direct = match step {
        Segment::Key(k) => node.get("properties").and_then(|p| p.get(k)),
        Segment::Index(_) => node.get("items").filter(|i| i.is_object()),
    };
    if let Some(found) = direct {
        return Some(resolve(root, found));
    }
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|branch| child(root, branch, step))
}

/// `node`, or the definition its `$ref` names.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            Some(name) => match root.get("$defs").and_then(|d| d.get(name)) {
                Some(def) => node = def,
                None => break,
            },
            None => break,
        }
    }
    node
}

/// The simplest value the schema `node` accepts in type: `""`, `0` (or the minimum), `false`,
/// `[]`, the first of a set of values, or a mapping with a stand-in for each required field.
fn stand_in(root: &Value, node: &Value, depth: usize) -> Value {
    let node = resolve(root, node);
    if depth > 32 {
        return Value::Null;
    }
    if let Some(c) = node.get("const") {
        return c.clone();
    }
    if let Some(first) = node.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match node.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    };
    match ty {
        Some("string") => Value::String(String::new()),
        Some("integer") => node.get("minimum").cloned().unwrap_or(Value::from(0)),
        Some("number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => {
            let mut m = Map::new();
            let required = node.get("required").and_then(Value::as_array).into_iter().flatten();
            for field in required.filter_map(Value::as_str) {
                let v = node
                    .get("properties")
                    .and_then(|p| p.get(field))
                    .map_or(Value::Null, |s| stand_in(root, s, depth + 1));
                m.insert(field.to_owned(), v);
            }
            Value::Object(m)
        }
        _ => ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| node.get(*k).and_then(Value::as_array))
            .flatten()
            .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .map_or(Value::Null, |b| stand_in(root, b, depth + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_more_problems_than_are_looked_for_says_so_last() {
        let mut text = String::from("title: t\n");
        for i in 0..(MAX_FOUND + 10) {
            text.push_str(&format!("unrelated_{i}: x\n"));
        }
        let src = SourceFile::from_bytes("many.yaml".into(), "many.yaml".into(), text.into_bytes()).expect("UTF-8");
        let all = src.parse_all_as::<crate::input::types::MissionsFile>(None).expect_err("not a register");
        assert!(all.len() > MAX_FOUND, "{}", all.len());
        assert_eq!(
            all.last().map(|d| d.message.as_str()),
            Some("the file has more problems than are looked for in one run")
        );
    }

    #[test]
    fn a_field_path_splits_into_keys_and_indices() {
        assert_eq!(
            segments("risk.register[0].likelihood"),
            vec![
                Segment::Key("risk".into()),
                Segment::Key("register".into()),
                Segment::Index(0),
                Segment::Key("likelihood".into())
            ]
        );
        assert_eq!(segments("rows[2][1]"), vec![Segment::Key("rows".into()), Segment::Index(2), Segment::Index(1)]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn a_stand_in_mapping_has_every_required_field_of_its_type() {
        let schema = serde_json::to_value(schemars::schema_for!(crate::input::types::RiskEntry)).expect("schema");
        let v = stand_in(&schema, &schema, 0);
        assert_eq!(v["risk"], "");
        assert_eq!(v["likelihood"], 1, "the scale's minimum");
        assert!(v.get("mitigation").is_some() && v.get("owner").is_some());
    }
}
