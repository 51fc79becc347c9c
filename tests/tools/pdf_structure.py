#!/usr/bin/python3
"""Reads a tagged PDF as a screen reader does and compares it with cabrep's document tree.

usage: pdf_structure.py PDF TREE [TREE ...]

The structure tree is walked in order; the text of each element is decoded from the marked
content it owns (its MCIDs), through the fonts' ToUnicode maps. What a reader announces --
headings with their levels, lists with their nesting and the text of each item, tables row by
row and cell by cell, figures' alternative texts -- is compared with the same reading of each
document tree (`cabrep ... -f tree`). A PDF whose Document holds Parts (an agenda pack) is read
part by part, one TREE per part; `-` stands for a part bound in as it is, read but not compared.

Table rows are counted (`rows=`), and those whose label is a row header, a TH with
/Scope /Row (`row-headed=`); an empty TH, and a header row cell with text tagged TD, are
problems. Also checked: no L is a child of an L (a nested list sits in its item's LBody), every internal
link annotation's /Contents names the heading it leads to, no label (Lbl) is outside a list item (LI: a
footnote's reference is a Reference, its number in the Note a Span; `notes: N` counts the notes) ("<heading>, page N", the heading on
the destination page), every web or mail link's /Contents names its address, and every table cell's
/Headers names a header cell (TH) of its table by an /ID the /IDTree finds (`headers: N` counts them).

Prints one summary line per part and exits 0, or prints every difference and exits 1.
Needs pikepdf and pdfminer.six (Debian: python3-pikepdf, python3-pdfminer).
"""

import json
import re
import sys

import pikepdf
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.pdffont import PDFUnicodeNotDefined

HEADINGS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
# Elements a reader announces as structures of their own: their text is not their parent's.
NESTED = {"L", "Table", "Figure"}


class MarkedText(PDFDevice):
    """Collects the text shown inside each marked-content sequence with an MCID, per page."""

    def __init__(self, rsrcmgr):
        super().__init__(rsrcmgr)
        self.page = None
        self.text = {}  # (page object number, MCID) -> text
        self.stack = []  # MCID (or None) of each open marked-content sequence

    def begin_page(self, page, ctm):
        self.page = page.pageid

    def begin_tag(self, tag, props=None):
        mcid = props.get("MCID") if isinstance(props, dict) else None
        self.stack.append(mcid)

    def end_tag(self):
        if self.stack:
            self.stack.pop()

    def do_tag(self, tag, props=None):
        pass

    def current(self):
        for mcid in reversed(self.stack):
            if mcid is not None:
                return mcid
        return None

    def render_string(self, textstate, seq, ncs, graphicstate):
        mcid = self.current()
        if mcid is None:
            return
        font = textstate.font
        out = []
        for obj in seq:
            if not isinstance(obj, bytes):
                continue
            for cid in font.decode(obj):
                try:
                    out.append(font.to_unichr(cid))
                except PDFUnicodeNotDefined:
                    out.append("\ufffd")
        key = (self.page, mcid)
        self.text[key] = self.text.get(key, "") + "".join(out)


def marked_text(path):
    with open(path, "rb") as f:
        doc = PDFDocument(PDFParser(f))
        rsrc = PDFResourceManager()
        device = MarkedText(rsrc)
        interp = PDFPageInterpreter(rsrc, device)
        for page in PDFPage.create_pages(doc):
            interp.process_page(page)
    return device.text


def squash(s):
    """Text compared without white space (line breaks and spacing are layout, not content)."""
    return "".join(ch for ch in s if not ch.isspace())


class Reader:
    """The reading of a PDF's structure tree: a list of (kind, text) events."""

    def __init__(self, pdf, text):
        self.pdf = pdf
        self.text = text
        self.problems = []
        self.headings = []  # (page object number, text)
        self.tables = 0  # tables met so far
        self.rows = []  # per open table, the rows met so far
        self.body_rows = 0  # table rows below a header row
        self.row_headed = 0  # of those, rows with a row header (TH, /Scope /Row)

    def kids(self, elem):
        k = elem.get("/K")
        if k is None:
            return []
        return list(k) if isinstance(k, pikepdf.Array) else [k]

    def tag(self, elem):
        return str(elem.get("/S", ""))[1:]

    def is_elem(self, node):
        return isinstance(node, pikepdf.Dictionary) and "/S" in node

    def own_text(self, elem, page=None, skip=NESTED, pages=None):
        """The text of an element's marked content, leaving out nested structures in `skip`."""
        out = []
        pg = elem.get("/Pg", page)
        for k in self.kids(elem):
            if isinstance(k, int):
                if pages is not None:
                    pages.append(pg.objgen[0])
                out.append(self.text.get((pg.objgen[0], k), ""))
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
                kpg = k.get("/Pg", pg)
                if pages is not None:
                    pages.append(kpg.objgen[0])
                out.append(self.text.get((kpg.objgen[0], int(k.MCID)), ""))
            elif self.is_elem(k) and self.tag(k) not in skip:
                out.append(self.own_text(k, pg, skip, pages))
        return "".join(out)

    def walk(self, elem, events, parent=None):
        s = self.tag(elem)
        if s == "L" and parent == "L":
            self.problems.append("an L is a child of an L (a nested list outside its item's LBody)")
        if s in HEADINGS:
            pages = []
            t = self.own_text(elem, pages=pages)
            events.append((s, squash(t)))
            if pages:
                self.headings.append((pages[0], t))
            return
        if s == "Figure":
            events.append(("Figure", squash(str(elem.get("/Alt", "")))))
            return
        if s in ("LI", "TH", "TD"):
            body = [k for k in self.kids(elem) if self.is_elem(k) and self.tag(k) == "LBody"]
            src = body[0] if s == "LI" and body else elem
            text = squash(self.own_text(src))
            kind = s
            if s in ("TH", "TD"):
                # Compared as the tree has them: the header row's cells as TH, the body's as TD
                # (a body row's label is a TH, checked by `row`); the tags are checked here.
                kind = "TH" if self.rows[-1] == 1 else "TD"
                if s == "TH" and not text:
                    self.problems.append("an empty header cell (TH) in table %d" % self.tables)
                if kind == "TH" and s == "TD" and text:
                    self.problems.append("a header row cell %r is a TD in table %d" % (text, self.tables))
            events.append((kind, text))
            self.walk_nested(src, events)
            events.append(("/" + kind, ""))
            return
        if s == "Table":
            self.tables += 1
            self.rows.append(0)
        if s == "TR":
            self.rows[-1] += 1
            if self.rows[-1] > 1:
                self.row(elem)
        if s in ("L", "Table", "TR"):
            events.append((s, ""))
        for k in self.kids(elem):
            if self.is_elem(k):
                self.walk(k, events, s)
        if s in ("L", "Table"):
            events.append(("/" + s, ""))
        if s == "Table":
            self.rows.pop()

    def row(self, tr):
        """Counts a body row, and whether one of its cells is a row header (TH, /Scope /Row)."""
        self.body_rows += 1
        for k in self.kids(tr):
            if self.is_elem(k) and self.tag(k) == "TH":
                attrs = k.get("/A")
                attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
                if any(isinstance(a, pikepdf.Dictionary) and str(a.get("/Scope", "")) == "/Row" for a in attrs):
                    self.row_headed += 1
                    return

    def walk_nested(self, elem, events):
        """The structures nested in a list item's body or a cell, in order."""
        for k in self.kids(elem):
            if not self.is_elem(k):
                continue
            if self.tag(k) in NESTED:
                self.walk(k, events, self.tag(elem))
            else:
                self.walk_nested(k, events)

    def parts(self):
        root = self.pdf.Root.StructTreeRoot
        tops = [k for k in self.kids(root) if self.is_elem(k)]
        if len(tops) == 1 and self.tag(tops[0]) == "Document":
            inner = [k for k in self.kids(tops[0]) if self.is_elem(k)]
            if inner and all(self.tag(k) == "Part" for k in inner):
                tops = inner
            else:
                tops = [tops[0]]
        readings = []
        for t in tops:
            self.body_rows = self.row_headed = 0
            events = []
            self.walk(t, events)
            readings.append((events, self.body_rows, self.row_headed))
        return readings


def literal(s):
    """A pattern for author text: a hyphen may follow any letter (the typesetter hyphenates
    words at line ends, and the hyphen it adds is shown text)."""
    return "".join(re.escape(ch) + ("-?" if ch.isalpha() else "") for ch in squash(s))


def inline_pattern(xs):
    """A regular expression for the text of inlines: a page range matches any page numbers."""
    out = ""
    for x in xs:
        t = x["type"]
        if t == "text":
            out += literal(x["text"])
        elif t in ("strong", "emph", "link"):
            out += inline_pattern(x["content"])
        elif t == "page-range":
            forms = []
            for form in (x["one"], x["many"]):
                parts = re.split(r"(\{start\}|\{end\})", squash(form))
                forms.append("".join(r"\d+" if p in ("{start}", "{end}") else re.escape(p) for p in parts))
            out += "(?:" + "|".join(forms) + ")?"
    return out


def blocks_pattern(blocks):
    return "".join(inline_pattern(b["content"]) for b in blocks if b["type"] == "paragraph")


def tree_events(blocks, events):
    for b in blocks:
        t = b["type"]
        if t == "heading":
            name = (b["number"] + " " if b.get("number") else "") + b["text"]
            events.append(("H%d" % b["level"], literal(name)))
        elif t == "list":
            events.append(("L", ""))
            for item in b["items"]:
                events.append(("LI", blocks_pattern(item)))
                tree_events([x for x in item if x["type"] in ("list", "table", "figure", "picture")], events)
                events.append(("/LI", ""))
            events.append(("/L", ""))
        elif t == "table":
            events.append(("Table", ""))
            events.append(("TR", ""))
            for c in b["columns"]:
                events += [("TH", literal(c["header"])), ("/TH", "")]
            # A cell a span covers (empty in the tree) is not in the PDF: the span's first cell is.
            covered = set()
            for sp in b.get("spans", []):
                for y in range(sp["row"], sp["row"] + sp["rows"]):
                    for x in range(sp["column"], sp["column"] + sp["columns"]):
                        if (y, x) != (sp["row"], sp["column"]):
                            covered.add((y, x))
            for y, row in enumerate(b["rows"]):
                events.append(("TR", ""))
                for x, cell in enumerate(row["cells"]):
                    if (y, x) in covered:
                        continue
                    events.append(("TD", blocks_pattern(cell)))
                    tree_events([x for x in cell if x["type"] in ("list", "table", "figure", "picture")], events)
                    events.append(("/TD", ""))
            events.append(("/Table", ""))
        elif t == "figure":
            events.append(("Figure", re.escape(squash(b.get("alt") or ""))))
        elif t == "picture":
            # A picture with no alt text is decoration: an artifact, not in the structure.
            if b.get("alt"):
                events.append(("Figure", re.escape(squash(b["alt"]))))
        elif t == "quote":
            tree_events(b["blocks"], events)


def compare(name, got, want, problems):
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else None
        w = want[i] if i < len(want) else None
        if g is None or w is None or g[0] != w[0] or not re.fullmatch(w[1], g[1]):
            context = [e[0] + (" " + e[1] if e[1] else "") for e in got[max(0, i - 3) : i]]
            problems.append(
                "%s: event %d: the PDF reads %r where the tree has %r (after: %s)" % (name, i, g, w, context)
            )
            return


def check_links(pdf, reader, problems):
    pages = {p.objgen[0]: i for i, p in enumerate(pdf.pages)}
    headings = {}
    for page, text in reader.headings:
        headings.setdefault(page, []).append(squash(text))
    named = {}
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        named = {str(k): v for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
    if "/Dests" in pdf.Root:
        named.update({str(k)[1:]: v for k, v in pdf.Root.Dests.items()})
    count = 0
    for i, page in enumerate(pdf.pages):
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") != "/Link":
                continue
            count += 1
            contents = str(a.get("/Contents", ""))
            action = a.get("/A")
            if action is not None and "/URI" in action:
                uri = str(action.URI)
                shown = re.sub(r"^(mailto|tel):", "", uri)
                if shown not in contents:
                    problems.append("page %d: the link to %s is described as %r" % (i + 1, uri, contents))
                continue
            dest = a.get("/Dest")
            if dest is None and action is not None:
                dest = action.get("/D")
            if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                dest = named.get(str(dest))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
            if not isinstance(dest, pikepdf.Array) or len(dest) == 0:
                problems.append("page %d: an internal link without an explicit destination" % (i + 1))
                continue
            target = dest[0].objgen[0]
            # A footnote's mark links to its note ("Footnote 1") and the note back to it ("1").
            if re.fullmatch(r"(Footnote )?\d+", contents):
                continue
            m = re.fullmatch(r"(.*), page \d+", contents, re.S)
            if not m or squash(m.group(1)) not in headings.get(target, []):
                problems.append(
                    "page %d: a link to page %d is described as %r, which names no heading there (%s)"
                    % (i + 1, pages.get(target, -1) + 1, contents, headings.get(target, []))
                )
    return count


def elements(pdf):
    """Every node of the structure tree once, depth first: (node, its tag, its parent's tag, the
    nearest Table at or above it)."""
    root = pdf.Root.get("/StructTreeRoot")
    seen = set()
    stack = [(root, "", None)] if root is not None else []
    while stack:
        node, parent, table = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        s = str(node.get("/S", ""))[1:]
        if s == "Table":
            table = node
        yield node, s, parent, table
        kids = node.get("/K")
        if kids is None:
            continue
        for k in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(k, pikepdf.Dictionary) and "/S" in k:
                stack.append((k, s, table))


def check_labels(pdf, problems):
    """Every Lbl is a list item's (Matterhorn 09-005); returns the number of Note elements."""
    notes = 0
    for _, s, parent, _ in elements(pdf):
        if s == "Note":
            notes += 1
        if s == "Lbl" and parent != "LI":
            problems.append("a Lbl in a %s, not in a list item (LI)" % (parent or "structure root"))
    return notes


def check_headers(pdf, problems):
    """Every table cell's /Headers (in its Table attributes) names the /ID of a header cell (TH)
    of the same table, as the structure tree's /IDTree finds it (PDF/UA: a reader announces a
    cell's headers by these IDs); returns how many were followed."""
    ids = {}
    root = pdf.Root.get("/StructTreeRoot")
    stack = [root.get("/IDTree")] if root is not None and "/IDTree" in root else []
    while stack:
        node = stack.pop()
        if node is None:
            continue
        names = list(node.get("/Names", []))
        for i in range(0, len(names) - 1, 2):
            ids[bytes(names[i])] = names[i + 1]
        stack.extend(node.get("/Kids", []))
    followed = 0
    for node, s, _, table in elements(pdf):
        attrs = node.get("/A")
        attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
        for a in attrs:
            if not isinstance(a, pikepdf.Dictionary) or "/Headers" not in a:
                continue
            for h in a.Headers:
                target = ids.get(bytes(h))
                if target is None:
                    problems.append("a %s's header %r names no element's /ID (none in the /IDTree)" % (s, bytes(h)))
                    continue
                if str(target.get("/S", ""))[1:] != "TH":
                    problems.append("a %s's header %r names a %s, not a TH" % (s, bytes(h), target.get("/S")))
                    continue
                parent = target
                for _ in range(8):
                    parent = parent.get("/P")
                    if parent is None or str(parent.get("/S", ""))[1:] == "Table":
                        break
                if table is not None and (parent is None or parent.objgen != table.objgen):
                    problems.append("a %s's header %r is a TH of another table" % (s, bytes(h)))
                    continue
                followed += 1
    return followed


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    pdf_path, trees = argv[1], argv[2:]
    pdf = pikepdf.open(pdf_path)
    reader = Reader(pdf, marked_text(pdf_path))
    readings = reader.parts()
    problems = reader.problems
    if len(readings) != len(trees):
        problems.append("the PDF has %d parts, %d trees were given" % (len(readings), len(trees)))
    for n, ((got, body_rows, row_headed), tree) in enumerate(zip(readings, trees)):
        kinds = {}
        for k, _ in got:
            kinds[k] = kinds.get(k, 0) + 1
        summary = " ".join(
            "%s=%d" % (k, kinds.get(k, 0)) for k in ("H1", "H2", "H3", "L", "LI", "Table", "TD", "Figure")
        )
        summary += " rows=%d row-headed=%d" % (body_rows, row_headed)
        if tree == "-":
            print("part %d: not compared (%s)" % (n + 1, summary))
            continue
        want = []
        with open(tree, encoding="utf-8") as f:
            tree_events(json.load(f)["blocks"], want)
        before = len(problems)
        compare("part %d (%s)" % (n + 1, tree), got, want, problems)
        verdict = "as the tree" if len(problems) == before else "NOT as the tree"
        print("part %d: %d events, %s (%s)" % (n + 1, len(got), verdict, summary))
    links = check_links(pdf, reader, problems)
    print("links: %d" % links)
    print("notes: %d" % check_labels(pdf, problems))
    print("headers: %d" % check_headers(pdf, problems))
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
