"""Writes a council's Word template for the tests, with Python's own zip library (no Word, no
cabrep): a body font (Arial, through the theme), headings in another colour under other names
("Report Heading 1", "Report Heading 2"), a table style with a filled header row, custom margins,
a logo image in the header and a PAGE field in the footer. Fictional council; written from
scratch for the tests.

    python3 make_reference.py OUT.docx [VARIANT]

VARIANT makes a hostile file instead: no-styles, macro, external-header-link, huge-image,
zip-bomb, not-zip.
"""
import struct
import sys
import zipfile
import zlib

OUT = sys.argv[1]
VARIANT = sys.argv[2] if len(sys.argv) > 2 else ""

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DRAW = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def png(width, height, rgb=(0, 94, 184)):
    """A solid PNG, written by hand (zlib + CRCs)."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def huge_png():
    """A PNG whose header claims 60000 × 60000 pixels (its data is a few bytes)."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def rels(items):
    body = "".join(
        f'<Relationship Id="{i}" Type="{t if t.startswith("http") else REL + t}" Target="{target}"{extra}/>'
        for i, t, target, extra in items)
    return DECL + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


CONTENT_TYPES = DECL + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" ContentType="MAIN"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '</Types>')
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"

DOCUMENT = DECL + f'<w:document {W}><w:body>' + (
    '<w:p><w:pPr><w:pStyle w:val="ReportHeading1"/></w:pPr><w:r><w:t>Report title</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>Body text of the council template.</w:t></w:r></w:p>'
    '<w:sectPr><w:headerReference w:type="default" r:id="rId10"/><w:footerReference w:type="default" r:id="rId11"/>'
    '<w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1701" w:right="1134" w:bottom="1418" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>'
    '</w:sectPr></w:body></w:document>')


def style(kind, sid, name, rpr="", ppr="", extra="", default=False):
    d = ' w:default="1"' if default else ""
    return (f'<w:style w:type="{kind}" w:styleId="{sid}"{d}><w:name w:val="{name}"/>{extra}'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "") + "</w:style>")


STYLES = DECL + f'<w:styles {W}>' + (
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi" w:cs="Arial"/>'
    '<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    + style("paragraph", "Normal", "Normal", default=True)
    + style("paragraph", "ReportHeading1", "Report Heading 1",
            rpr='<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:b/><w:color w:val="005EB8"/><w:sz w:val="40"/>',
            ppr='<w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/>',
            extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>')
    + style("paragraph", "ReportHeading2", "Report Heading 2",
            rpr='<w:b/><w:color w:val="005EB8"/><w:sz w:val="30"/>',
            ppr='<w:keepNext/><w:outlineLvl w:val="1"/>',
            extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>')
    + style("paragraph", "Heading3", "heading 3", rpr='<w:b/><w:color w:val="1F3864"/><w:sz w:val="26"/>',
            ppr='<w:keepNext/><w:outlineLvl w:val="2"/>', extra='<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>')
    + style("paragraph", "ListBullet", "List Bullet", ppr='<w:numPr><w:numId w:val="3"/></w:numPr>',
            extra='<w:basedOn w:val="Normal"/>')
    + style("paragraph", "Header", "header", extra='<w:basedOn w:val="Normal"/>')
    + style("paragraph", "Footer", "footer", rpr='<w:sz w:val="18"/>', extra='<w:basedOn w:val="Normal"/>')
    + '<w:style w:type="table" w:styleId="CouncilTable"><w:name w:val="Council Table"/>'
      '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="005EB8"/>'
      '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="005EB8"/></w:tblBorders></w:tblPr>'
      '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DCE6F2"/></w:tcPr></w:tblStylePr>'
      '</w:style>'
    + '</w:styles>')

THEME = DECL + (
    '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Exampleshire">'
    '<a:themeElements><a:clrScheme name="Exampleshire">'
    + "".join(f'<a:{n}><a:srgbClr val="{v}"/></a:{n}>' for n, v in [
        ("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F3864"), ("lt2", "E7E6E6"), ("accent1", "005EB8"),
        ("accent2", "ED7D31"), ("accent3", "A5A5A5"), ("accent4", "FFC000"), ("accent5", "5B9BD5"),
        ("accent6", "70AD47"), ("hlink", "0563C1"), ("folHlink", "954F72")])
    + '</a:clrScheme><a:fontScheme name="Exampleshire">'
    '<a:majorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Arial"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>'
    '<a:fmtScheme name="Office"><a:fillStyleLst>' + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' * 3
    + '</a:fillStyleLst><a:lnStyleLst>' + '<a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>' * 3
    + '</a:lnStyleLst><a:effectStyleLst>' + '<a:effectStyle><a:effectLst/></a:effectStyle>' * 3
    + '</a:effectStyleLst><a:bgFillStyleLst>' + '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' * 3
    + '</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>')

FONTS = DECL + f'<w:fonts {W}><w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>'

SETTINGS = DECL + f'<w:settings {W}><w:attachedTemplate r:id="rId1"/><w:defaultTabStop w:val="720"/></w:settings>'

HEADER = DECL + f'<w:hdr {W} {DRAW}><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>' + (
    '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1440000" cy="720000"/>'
    '<wp:docPr id="1" name="Exampleshire logo" descr="Exampleshire Council logo"/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
    '<pic:nvPicPr><pic:cNvPr id="0" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1440000" cy="720000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    '<w:r><w:t xml:space="preserve"> Exampleshire Council</w:t></w:r></w:p></w:hdr>')

FOOTER = DECL + f'<w:ftr {W}><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>' + (
    '<w:r><w:t xml:space="preserve">Exampleshire Council · Page </w:t></w:r>'
    '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>')

LOGO = png(48, 24)

doc_rels = [
    ("rId1", "styles", "styles.xml", ""),
    ("rId2", "settings", "settings.xml", ""),
    ("rId3", "fontTable", "fontTable.xml", ""),
    ("rId4", "theme", "theme/theme1.xml", ""),
    ("rId10", "header", "header1.xml", ""),
    ("rId11", "footer", "footer1.xml", ""),
]
header_rels = [("rIdLogo", "image", "media/logo.png", "")]
logo = LOGO
styles = STYLES
main_type = MAIN
extra_parts = []

if VARIANT == "not-zip":
    open(OUT, "wb").write(b"This is a letter, not a Word file.\n" * 10)
    sys.exit(0)
if VARIANT == "no-styles":
    doc_rels = [r for r in doc_rels if r[1] != "styles"]
    styles = None
if VARIANT == "macro":
    main_type = MACRO_MAIN
    extra_parts.append(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro project"))
if VARIANT == "external-header-link":
    header_rels = [("rIdLogo", "image", "https://tracker.example/logo.png", ' TargetMode="External"')]
if VARIANT == "huge-image":
    logo = huge_png()
if VARIANT == "zip-bomb":
    # styles.xml padded with 200 MB of spaces inside the root element: about 200 kB deflated.
    styles = STYLES.replace("</w:styles>", " " * (200 * 1024 * 1024) + "</w:styles>")

with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
    def put(name, data):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    put("[Content_Types].xml", CONTENT_TYPES.replace("MAIN", main_type))
    put("_rels/.rels", rels([("rId1", "officeDocument", "word/document.xml", "")]))
    put("word/document.xml", DOCUMENT)
    put("word/_rels/document.xml.rels", rels(doc_rels))
    if styles is not None:
        put("word/styles.xml", styles)
    put("word/settings.xml", SETTINGS)
    # Word's link to the template it was made from: outside the package, never copied.
    put("word/_rels/settings.xml.rels", rels([("rId1", "attachedTemplate",
                                               "file:///C:/Templates/Exampleshire.dotm", ' TargetMode="External"')]))
    put("word/fontTable.xml", FONTS)
    put("word/theme/theme1.xml", THEME)
    put("word/header1.xml", HEADER)
    put("word/_rels/header1.xml.rels", rels(header_rels))
    put("word/footer1.xml", FOOTER)
    if VARIANT != "external-header-link":
        put("word/media/logo.png", logo)
    for name, data in extra_parts:
        put(name, data)
