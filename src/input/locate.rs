//! Finds where a field path (`recommendations.items[2].text`) stands in a YAML file.
//!
//! Validation works on typed values and reports problems by field path; this index turns a
//! path back into a line and column late, the way a compiler attaches a span to an error.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

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
    /// Byte range of each scalar, by where it starts.
    scalars: HashMap<Position, (usize, usize)>,
    /// Where each document starts (a second one means the file holds two).
    documents: Vec<Position>,
    /// Where the first alias (`*name`) stands, and how many there are.
    first_alias: Option<Position>,
    aliases: usize,
    /// The longest list: its path, where it starts and how many items it has.
    longest: Option<(String, Position, usize)>,
    /// The alias at which the file first holds more than [`Locator::EXPANSION_LIMIT`] items
    /// (aliases expanded), or at which aliases first replay more parser events than that.
    expansion_crossed: Option<Position>,
}

/// How many parser events and items (values, lists, mappings) each anchor expands to, and how
/// many the file holds with its aliases expanded: the counts by which the YAML reader refuses an
/// alias bomb, kept here to say where.
#[derive(Default)]
struct Expansion {
    /// All events so far, aliases expanded.
    events: u64,
    /// All items so far, aliases expanded.
    items: u64,
    /// Events replayed by aliases so far.
    replayed: u64,
    /// Events and items each anchor (by id) stands for.
    sizes: HashMap<usize, (u64, u64)>,
    /// Open lists and mappings: their anchor id, and `events` and `items` when they opened.
    open: Vec<(usize, u64, u64)>,
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
    /// Nothing: a field with no value, `~` or `null`.
    Empty,
}

impl NodeKind {
    /// "text", "a list", "a mapping".
    pub fn describe(self) -> &'static str {
        match self {
            NodeKind::Scalar => "text",
            NodeKind::List => "a list",
            NodeKind::Mapping => "a mapping",
            NodeKind::Empty => "nothing",
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
        let mut expansion = Expansion::default();
        // A bounded walk: the parser's own limits and the file size limit apply before this.
        while let Some(Ok((event, span))) = parser.next_event() {
            let pos = Position { line: span.start.line(), column: span.start.col() + 1 };
            if let Event::DocumentStart(..) = event {
                loc.documents.push(pos);
            }
            let x = &mut expansion;
            match event {
                Event::Scalar(_, _, anchor, _) => {
                    (x.events, x.items) = (x.events + 1, x.items + 1);
                    if anchor > 0 {
                        x.sizes.insert(anchor, (1, 1));
                    }
                }
                Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                    x.open.push((anchor, x.events, x.items));
                    (x.events, x.items) = (x.events + 1, x.items + 1);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    x.events += 1;
                    if let Some((anchor, events, items)) = x.open.pop().filter(|(a, _, _)| *a > 0) {
                        x.sizes.insert(anchor, (x.events - events, x.items - items));
                    }
                }
                Event::Alias(id) => {
                    let (events, items) = x.sizes.get(&id).copied().unwrap_or((1, 1));
                    x.events = x.events.saturating_add(events);
                    x.items = x.items.saturating_add(items);
                    x.replayed = x.replayed.saturating_add(events);
                    if x.replayed > Self::EXPANSION_LIMIT || x.items > Self::EXPANSION_LIMIT {
                        loc.expansion_crossed.get_or_insert(pos);
                    }
                }
                _ => {}
            }
            // Only nodes take part in paths: comments, anchors and document markers do not.
            let is_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(..)
                    | Event::UnresolvedAlias(..)
                    | Event::MappingStart(..)
                    | Event::MappingEnd
                    | Event::SequenceStart(..)
                    | Event::SequenceEnd
            );
            if !is_node {
                continue;
            }
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
                Event::MappingEnd => {
                    stack.pop();
                }
                Event::SequenceEnd => {
                    if let Some(Frame::Seq { path, index }) = stack.pop() {
                        if loc.longest.as_ref().is_none_or(|(_, _, n)| index > *n) {
                            let at = loc.values.get(&path).copied().unwrap_or_default();
                            loc.longest = Some((path, at, index));
                        }
                    }
                }
                Event::Scalar(ref text, style, ..) => {
                    let empty =
                        style == ScalarStyle::Plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                    loc.kinds.entry(pos).or_insert(if empty { NodeKind::Empty } else { NodeKind::Scalar });
                    if let (Some(a), Some(b)) = (span.start.byte_offset(), span.end.byte_offset()) {
                        loc.scalars.entry(pos).or_insert((a, b));
                    }
                    if let Some(p) = node_path {
                        loc.values.entry(p).or_insert(pos);
                    }
                }
                Event::Alias(..) | Event::UnresolvedAlias(..) => {
                    loc.aliases += 1;
                    loc.first_alias.get_or_insert(pos);
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

    /// What kind of node the whole file is, if the file could be read that far.
    pub fn root_kind(&self) -> Option<NodeKind> {
        self.values.get("").and_then(|p| self.kinds.get(p)).copied()
    }

    /// The most items a file may hold, aliases expanded, and the most parser events aliases may
    /// replay (the YAML reader's limits are set from this).
    pub const EXPANSION_LIMIT: u64 = 200_000;

    /// The alias at which the file first holds more than [`Self::EXPANSION_LIMIT`] items, or
    /// its aliases replay more events than that.
    pub fn expansion_crossed(&self) -> Option<Position> {
        self.expansion_crossed
    }

    /// How many aliases (`*name`) the file uses, and where the first one stands.
    pub fn aliases(&self) -> (usize, Option<Position>) {
        (self.aliases, self.first_alias)
    }

    /// The longest list in the file: its path, where it starts and its number of items.
    pub fn longest_list(&self) -> Option<(&str, Position, usize)> {
        self.longest.as_ref().map(|(p, at, n)| (p.as_str(), *at, *n))
    }

    /// Where the value at `path` starts; falls back to the nearest ancestor that exists.
    pub fn value(&self, path: &str) -> Position {
        self.find(path, &self.values)
    }

    /// Where the value at `path` starts, if the file has exactly that path.
    pub fn value_exact(&self, path: &str) -> Option<Position> {
        self.values.get(path).copied()
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

    /// The byte range of the scalar that starts at `pos`, if one does.
    pub fn scalar_at(&self, pos: Position) -> Option<(usize, usize)> {
        self.scalars.get(&pos).copied()
    }

    /// The byte range of the scalar value at `path`, if the value is a scalar.
    pub fn scalar_value(&self, path: &str) -> Option<(usize, usize)> {
        self.values.get(path).and_then(|p| self.scalar_at(*p))
    }

    /// The path of the field whose key stands on `line` (the first one, if several do).
    pub fn key_on_line(&self, line: usize) -> Option<String> {
        self.keys.iter().filter(|(_, p)| p.line == line).min_by_key(|(_, p)| p.column).map(|(k, _)| k.clone())
    }

    /// Where the second document of the file starts, if it has more than one.
    pub fn second_document(&self) -> Option<Position> {
        self.documents.get(1).copied()
    }

    /// The path of every field the file has, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
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
    fn aliases_expanding_past_the_limit_are_located_at_the_alias_that_crosses_it() {
        // 1,000 items aliased once a line: with the 4 items before, the 199th alias takes the
        // file to 200,203 items.
        let list = vec!["x"; 1000].join(", ");
        let aliases: String = (0..300).map(|_| "  - *big\n").collect();
        let src = format!("a:\n  - &big [{list}]\n{aliases}");
        let loc = Locator::new(&src);
        assert_eq!(loc.expansion_crossed(), Some(Position { line: 2 + 199, column: 5 }));
        let small: String = (0..100).map(|_| "  - *big\n").collect();
        assert_eq!(Locator::new(&format!("a:\n  - &big [{list}]\n{small}")).expansion_crossed(), None);
    }

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

    #[test]
    fn comments_do_not_shift_paths() {
        let src = "# head\npapers: []   # none\n# note\ncontact:\n  name: A # who\n  email: b\nlist:\n  - one # first\n  # between\n  - two\n";
        let loc = Locator::new(src);
        assert_eq!(loc.value("contact.email"), Position { line: 6, column: 10 });
        assert_eq!(loc.key("contact.name"), Position { line: 5, column: 3 });
        assert_eq!(loc.value("list[1]"), Position { line: 10, column: 5 });
    }
}
