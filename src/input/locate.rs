//! Finds where a field path (`recommendations.items[2].text`) stands in a YAML file.
//!
//! Validation works on typed values and reports problems by field path; this index turns a
//! path back into a line and column late, the way a compiler attaches a span to an error.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser};

/// A line and column, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// Positions of every node (and of every mapping key) in one YAML file.
#[derive(Debug, Default)]
pub struct Locator {
    values: HashMap<String, Position>,
    keys: HashMap<String, Position>,
    kinds: HashMap<Position, NodeKind>,
    repeats: HashMap<String, Position>,
}

/// What kind of YAML node stands somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// Text, a number, true/false.
    Scalar,
    /// A list.
    List,
    /// A mapping.
    Mapping,
}

impl NodeKind {
    /// "text", "a list", "a mapping".
    pub fn describe(self) -> &'static str {
        match self {
            NodeKind::Scalar => "text",
            NodeKind::List => "a list",
            NodeKind::Mapping => "a mapping",
        }
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl Locator {
    /// Indexes `source`. Stops quietly at a syntax error (the parser reports those itself).
    pub fn new(source: &str) -> Self {
        let mut loc = Locator::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(source);
        // A bounded walk: the parser's own limits and the file size limit apply before this.
        while let Some(Ok((event, span))) = parser.next_event() {
            let pos = Position { line: span.start.line(), column: span.start.col() + 1 };
            // Where does this node go? Either it is a key of a mapping, or a value.
            let node_path: Option<String> = match stack.last_mut() {
                None => Some(String::new()),
                Some(Frame::Seq { path, index }) => {
                    let p = format!("{path}[{index}]");
                    match event {
                        Event::SequenceEnd => None,
                        _ => {
                            *index += 1;
                            Some(p)
                        }
                    }
                }
                Some(Frame::Map { path, key }) => match (&event, key.take()) {
                    (Event::MappingEnd, _) => None,
                    (Event::Scalar(text, ..), None) => {
                        let p = child(path, text);
                        if loc.keys.contains_key(&p) {
                            loc.repeats.entry(p.clone()).or_insert(pos);
                        } else {
                            loc.keys.insert(p.clone(), pos);
                        }
                        *key = Some(text.to_string());
                        continue;
                    }
                    (_, None) => {
                        // A complex key: index nothing below it.
                        *key = Some(String::from("?"));
                        Some(child(path, "?"))
                    }
                    (_, Some(k)) => Some(child(path, &k)),
                },
            };
            match event {
                Event::MappingStart(..) => {
                    loc.kinds.insert(pos, NodeKind::Mapping);
                    let p = node_path.unwrap_or_default();
                    loc.values.entry(p.clone()).or_insert(pos);
                    stack.push(Frame::Map { path: p, key: None });
                }
                Event::SequenceStart(..) => {
                    loc.kinds.insert(pos, NodeKind::List);
                    let p = node_path.unwrap_or_default();
                    loc.values.entry(p.clone()).or_insert(pos);
                    stack.push(Frame::Seq { path: p, index: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Scalar(..) | Event::Alias(..) => {
                    loc.kinds.entry(pos).or_insert(NodeKind::Scalar);
                    if let Some(p) = node_path {
                        loc.values.entry(p).or_insert(pos);
                    }
                }
                _ => {}
            }
        }
        loc
    }

    /// Where the value at `path` starts; falls back to the nearest ancestor that exists.
    pub fn value(&self, path: &str) -> Position {
        self.find(path, &self.values)
    }

    /// Where the key of `path` stands (for unknown and duplicate fields); else its value.
    pub fn key(&self, path: &str) -> Position {
        match self.keys.get(path) {
            Some(p) => *p,
            None => self.value(path),
        }
    }

    /// Where a key that appears twice in one mapping appears the second time.
    pub fn repeated_key(&self, path: &str) -> Option<Position> {
        self.repeats.get(path).copied()
    }

    /// The kind of node that starts at `pos`, if any.
    pub fn kind_at(&self, pos: Position) -> Option<NodeKind> {
        self.kinds.get(&pos).copied()
    }

    /// Where the key of `path` stands, if the file has that key.
    pub fn key_position(&self, path: &str) -> Option<Position> {
        self.keys.get(path).copied()
    }

    fn find(&self, path: &str, map: &HashMap<String, Position>) -> Position {
        let mut p = path;
        loop {
            if let Some(pos) = map.get(p) {
                return *pos;
            }
            if let Some(pos) = self.keys.get(p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => {
                    return map.get("").copied().unwrap_or(Position { line: 1, column: 1 });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_paths() {
        let src = "title: A\nrecommendations:\n  items:\n    - one\n    - text: two\n      note: n\n";
        let loc = Locator::new(src);
        assert_eq!(loc.value("title"), Position { line: 1, column: 8 });
        assert_eq!(loc.key("title"), Position { line: 1, column: 1 });
        assert_eq!(loc.value("recommendations.items[0]"), Position { line: 4, column: 7 });
        assert_eq!(loc.value("recommendations.items[1].text"), Position { line: 5, column: 13 });
        assert_eq!(loc.key("recommendations.items[1].note"), Position { line: 6, column: 7 });
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(loc.value("recommendations.items[1].zzz"), Position { line: 5, column: 7 });
    }
}
