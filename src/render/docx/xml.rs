//! A tiny XML tree for the fix-up layer (`package.rs`, `parts.rs`, `schema_order.rs`).
//!
//! It reads the well-formed, namespace-prefixed XML that docx-rs writes and writes it back
//! unchanged except for what the fix-ups edit. Text and attribute values are kept exactly as
//! they were escaped in the input (they are never decoded), so an untouched part round-trips
//! byte for byte apart from whitespace inside tags. Comments, CDATA and processing
//! instructions inside the root are kept verbatim. No DTDs (docx-rs never writes one).

/// Deepest element nesting accepted (keeps the recursive writer's stack bounded).
const MAX_DEPTH: usize = 1000;

/// A node inside an element.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    /// A child element.
    Element(Element),
    /// Character data, still escaped as in the source.
    Text(String),
    /// A comment, CDATA section or processing instruction, verbatim.
    Raw(String),
}

/// An element: qualified name, attributes (values still escaped) and children.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A parsed part: whatever precedes the root (XML declaration), then the root element.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct XmlDoc {
    pub prolog: String,
    pub root: Element,
}

impl Element {
    /// A new element without attributes or children.
    pub fn new(name: &str) -> Self {
        Element { name: name.to_owned(), attrs: Vec::new(), children: Vec::new() }
    }

    /// Adds an attribute; `value` must already be escaped.
    pub fn with_attr(mut self, name: &str, value: &str) -> Self {
        self.set_attr(name, value);
        self
    }

    /// The raw (escaped) value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Sets or replaces an attribute; `value` must already be escaped.
    pub fn set_attr(&mut self, name: &str, value: &str) {
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.to_owned(),
            None => self.attrs.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The element children only, in order (text, comments and other nodes skipped).
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements, mutably.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first child element with this name, mutably.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// Appends an empty child element with this name unless one exists.
    pub fn ensure_child(&mut self, name: &str) {
        if self.child(name).is_none() {
            self.children.push(Node::Element(Element::new(name)));
        }
    }

    /// Removes every child element with one of these names.
    pub fn remove_children(&mut self, names: &[&str]) {
        self.children.retain(|n| !matches!(n, Node::Element(e) if names.contains(&e.name.as_str())));
    }

    /// Calls `f` on this element and every descendant element, parents first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Element)) {
        f(self);
        for child in self.elements_mut() {
            child.walk_mut(f);
        }
    }
}

/// Parses one XML part.
pub(super) fn parse(src: &str) -> Result<XmlDoc, String> {
    let mut p = Parser { s: src, pos: 0 };
    let start = p.find_root_start()?;
    let prolog = src[..start].to_owned();
    p.pos = start;
    let root = p.element()?;
    p.skip_misc()?;
    if p.pos != src.len() {
        return Err(format!("content after the root element at byte {}", p.pos));
    }
    Ok(XmlDoc { prolog, root })
}

/// Writes a part back out.
pub(super) fn serialize(doc: &XmlDoc) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str(&doc.prolog);
    write_element(&doc.root, &mut out);
    out
}

fn write_element(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(v);
        out.push('"');
    }
    if e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for child in &e.children {
        match child {
            Node::Element(c) => write_element(c, out),
            Node::Text(t) | Node::Raw(t) => out.push_str(t),
        }
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at byte {}", self.pos))
    }

    /// Skips whitespace, comments and processing instructions; returns where the root starts.
    fn find_root_start(&mut self) -> Result<usize, String> {
        self.skip_misc()?;
        if self.rest().starts_with('<') {
            Ok(self.pos)
        } else {
            self.err("no root element")
        }
    }

    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if trimmed.starts_with("<?") {
                self.skip_past("?>")?;
            } else if trimmed.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if trimmed.starts_with("<!") {
                return self.err("DTDs are not supported");
            } else {
                return Ok(());
            }
        }
    }

    /// Moves past the next occurrence of `end`; returns the skipped text including `end`.
    fn skip_past(&mut self, end: &str) -> Result<&'a str, String> {
        match self.rest().find(end) {
            Some(i) => {
                let start = self.pos;
                self.pos += i + end.len();
                Ok(&self.s[start..self.pos])
            }
            None => self.err(&format!("unterminated construct, expected `{end}`")),
        }
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let rest = self.rest();
        let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<')).unwrap_or(rest.len());
        if end == 0 {
            return self.err("expected a name");
        }
        self.pos += end;
        Ok(&rest[..end])
    }

    /// Parses an element starting at `<`, iteratively (an explicit stack, no recursion).
    fn element(&mut self) -> Result<Element, String> {
        let mut stack: Vec<Element> = Vec::new();
        loop {
            // Here we are at the start of a start tag.
            if !self.rest().starts_with('<') {
                return self.err("expected `<`");
            }
            self.pos += 1;
            let mut el = Element::new(self.name()?);
            let self_closing = loop {
                self.skip_ws();
                let rest = self.rest();
                if rest.starts_with("/>") {
                    self.pos += 2;
                    break true;
                }
                if rest.starts_with('>') {
                    self.pos += 1;
                    break false;
                }
                let key = self.name()?;
                self.skip_ws();
                if !self.rest().starts_with('=') {
                    return self.err("expected `=` after an attribute name");
                }
                self.pos += 1;
                self.skip_ws();
                let quote = match self.rest().chars().next() {
                    Some(q @ ('"' | '\'')) => q,
                    _ => return self.err("expected a quoted attribute value"),
                };
                self.pos += 1;
                let Some(len) = self.rest().find(quote) else {
                    return self.err("unterminated attribute value");
                };
                let mut value = self.rest()[..len].to_owned();
                if quote == '\'' {
                    // Re-quoted with `"` on output.
                    value = value.replace('"', "&quot;");
                }
                if value.contains('<') {
                    return self.err("`<` in an attribute value");
                }
                self.pos += len + 1;
                el.attrs.push((key.to_owned(), value));
            };
            if self_closing {
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => return Ok(el),
                }
            } else {
                if stack.len() >= MAX_DEPTH {
                    return self.err("elements nested too deeply");
                }
                stack.push(el);
            }
            // Content until the next start tag (handled by the outer loop) or until the stack empties.
            loop {
                let rest = self.rest();
                if rest.is_empty() {
                    return self.err("unexpected end of input");
                }
                if rest.starts_with("</") {
                    self.pos += 2;
                    let name = self.name()?;
                    self.skip_ws();
                    if !self.rest().starts_with('>') {
                        return self.err("expected `>` in an end tag");
                    }
                    self.pos += 1;
                    let Some(done) = stack.pop() else {
                        return self.err("unbalanced end tag");
                    };
                    if done.name != name {
                        return self.err(&format!("end tag `{name}` does not match `{}`", done.name));
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => return Ok(done),
                    }
                } else if rest.starts_with("<!--") {
                    let raw = self.skip_past("-->")?.to_owned();
                    push_child(&mut stack, Node::Raw(raw))?;
                } else if rest.starts_with("<![CDATA[") {
                    let raw = self.skip_past("]]>")?.to_owned();
                    push_child(&mut stack, Node::Raw(raw))?;
                } else if rest.starts_with("<?") {
                    let raw = self.skip_past("?>")?.to_owned();
                    push_child(&mut stack, Node::Raw(raw))?;
                } else if rest.starts_with("<!") {
                    return self.err("unexpected `<!`");
                } else if rest.starts_with('<') {
                    break; // a child start tag
                } else {
                    let len = rest.find('<').unwrap_or(rest.len());
                    push_child(&mut stack, Node::Text(rest[..len].to_owned()))?;
                    self.pos += len;
                }
            }
        }
    }
}

fn push_child(stack: &mut [Element], node: Node) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(node);
            Ok(())
        }
        None => Err("content outside the root element".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let src = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:r xmlns:a="urn:x" b='it"s'><c d="1 &amp; 2"/><e>t &lt; u<!-- c --><![CDATA[<x>]]></e><f></f></a:r>"#;
        let doc = parse(src).expect("parses");
        let out = serialize(&doc);
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a:r xmlns:a=\"urn:x\" b=\"it&quot;s\"><c d=\"1 &amp; 2\"/><e>t &lt; u<!-- c --><![CDATA[<x>]]></e><f/></a:r>"
        );
    }

    #[test]
    fn rejects_broken_input() {
        for bad in ["", "<a>", "<a></b>", "<a b=c/>", "<a/><b/>", "text", "<a><</a>"] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
