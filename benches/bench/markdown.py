"""The document tree as Markdown: the peer pipeline's input (pandoc, then LibreOffice), the same
content as cabrep typesets. Reads `cabrep build -f tree` output; runs nothing."""

import json
import re



_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$@])")


def md_escape(s):
    """Author text as Markdown text: nothing in it may become markup."""
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # A paragraph that starts like a list item would change the block type.
    s = re.sub(r"^(\s*)(\d+)([.)])(\s)", r"\1\2\\\3\4", s)
    return re.sub(r"^(\s*)([-+])(\s)", r"\1\\\2\3", s)


def md_inlines(inlines):
    out = []
    for i in inlines:
        t = i.get("type")
        if t == "text":
            out.append(md_escape(i["text"]))
        elif t in ("strong", "emph"):
            mark = "**" if t == "strong" else "*"
            inner = md_inlines(i["content"])
            # Markdown needs the markers against the text: spaces go outside.
            lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", inner, re.S).groups()
            out.append(lead + (mark + core + mark if core else "") + trail)
        elif t == "link":
            out.append("[" + md_inlines(i["content"]) + "](" + i["url"] + ")")
        elif t == "line-break":
            out.append("\\\n")
        elif "content" in i:
            out.append(md_inlines(i["content"]))
    return "".join(out)


def cell_text(blocks):
    """A table cell on one line (pipe tables): paragraphs joined, list items as bullets."""
    parts = []
    for b in blocks:
        if b["type"] == "paragraph":
            parts.append(md_inlines(b["content"]))
        elif b["type"] == "list":
            for n, item in enumerate(b["items"], b.get("start", 1)):
                mark = f"{n}." if b["ordered"] else "•"
                parts.append(f"{mark} {cell_text(item)}")
        elif b["type"] == "heading":
            parts.append(md_escape(b["text"]))
    return " ".join(p.replace("\n", " ") for p in parts).replace("|", "\\|")


def md_blocks(blocks, indent=""):
    out = []
    for b in blocks:
        t = b["type"]
        if t == "heading":
            text = b["text"].upper() if b.get("caps") else b["text"]
            num = (b.get("number") or "").strip()
            out.append("#" * max(1, min(6, b["level"])) + " " + (num + " " if num else "") + md_escape(text))
        elif t == "paragraph":
            text = md_inlines(b["content"])
            if b.get("style") in ("header-line", "status", "banner"):
                text = f"**{text}**"
            elif b.get("style") == "aim":
                text = f"*{text}*"
            out.append(text)
        elif t == "list":
            lines = []
            for n, item in enumerate(b["items"], b.get("start", 1)):
                mark = f"{n}. " if b["ordered"] else "-   "
                body = md_blocks(item)
                pad = " " * max(4, len(mark))
                first, *rest = body.split("\n")
                lines.append(mark + first)
                lines += [(pad + r) if r else "" for r in rest]
                lines.append("")
            out.append("\n".join(lines).rstrip())
        elif t == "table":
            cols = b["columns"]
            total_w = sum(max(c.get("width", 1.0), 0.1) for c in cols) or 1.0
            head = "| " + " | ".join(md_escape(c["header"]) or " " for c in cols) + " |"
            seps = []
            for c in cols:
                # Long separators make pandoc wrap cells, with widths in proportion to the dashes.
                dashes = "-" * max(3, round(120 * max(c.get("width", 1.0), 0.1) / total_w))
                seps.append(dashes[:-1] + ":" if c.get("align") == "right" else dashes)
            rows = []
            for r in b["rows"]:
                cells = [cell_text(c) for c in r["cells"]]
                if r.get("total"):
                    cells = [f"**{c}**" if c else c for c in cells]
                rows.append("| " + " | ".join(cells) + " |")
            table = "\n".join([head, "|" + "|".join(seps) + "|"] + rows)
            if b.get("caption"):
                table += "\n\nTable: " + md_escape(b["caption"])
            out.append(table)
        elif t == "figure":
            out.append(md_figure(b))
        elif t == "page-break":
            out.append("```{=openxml}\n<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n```")
    return "\n\n".join(x for x in out if x).replace("\n", "\n" + indent) if indent else "\n\n".join(x for x in out if x)


def md_figure(b):
    """The risk matrix as a 5 x 5 table (what the chart shows), with its caption; other charts as
    their alt text."""
    chart = b.get("chart", {})
    if chart.get("kind") == "risk-matrix":
        at = {}
        for p in chart.get("points", []):
            at.setdefault((p["impact"], p["likelihood"]), []).append(str(p["number"]))
        bands = chart.get("bands", [])
        rows = []
        for impact in range(5, 0, -1):
            cells = []
            for lik in range(1, 6):
                label = bands[impact - 1][lik - 1]["label"] if len(bands) >= impact else ""
                pts = ", ".join(at.get((impact, lik), []))
                cells.append(f"{label} **{pts}**" if pts else label)
            rows.append(f"| Impact {impact} | " + " | ".join(cells) + " |")
        head = "| | " + " | ".join(f"Likelihood {i}" for i in range(1, 6)) + " |"
        sep = "|" + "|".join(["-" * 20] * 6) + "|"
        return "\n".join([head, sep] + rows) + "\n\nTable: " + md_escape(b["caption"])
    return "*" + md_escape(b["caption"]) + "*\n\n" + md_escape(b.get("alt", ""))


def tree_to_markdown(tree):
    # No `title:` in the metadata: the title is the tree's level-1 heading, and pandoc would print
    # a second one.
    lang = tree.get("meta", {}).get("lang", "en-GB")
    return "---\nlang: " + json.dumps(lang) + "\n---\n\n" + md_blocks(tree["blocks"]) + "\n"
