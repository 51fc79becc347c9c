"""Writes a council's Word template with python-docx (Debian package python3-docx), not with
cabrep: Calibri body text, purple headings in Cambria under the council's own style names
("Report Heading 1" to 3), margins of 30, 18, 22 and 28 mm (top, right, bottom, left), a PNG logo
of 45 x 15 mm in the header, a PAGE field in the footer, and a first page and even pages with a
header and footer of their own.

Usage: make_word_template.py OUT.docx   (the logo is also written to OUT.docx.logo.png)
"""
import struct
import sys
import zlib

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

out = sys.argv[1]


def png(w, h):
    """A plain blue PNG, written by hand (no imaging library needed)."""
    raw = b''.join(b'\x00' + bytes([0x00, 0x5e, 0xb8]) * w for _ in range(h))

    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)

    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def page_field(paragraph):
    run = paragraph.add_run()
    for kind, text in [('begin', None), (None, ' PAGE '), ('end', None)]:
        if kind:
            e = OxmlElement('w:fldChar')
            e.set(qn('w:fldCharType'), kind)
        else:
            e = OxmlElement('w:instrText')
            e.set(qn('xml:space'), 'preserve')
            e.text = text
        run._r.append(e)


logo = out + '.logo.png'
with open(logo, 'wb') as f:
    f.write(png(120, 40))

d = docx.Document()
normal = d.styles['Normal']
normal.font.name = 'Calibri'
normal.font.size = Pt(11)
for i, size in enumerate([20, 16, 13], 1):
    s = d.styles.add_style(f'Report Heading {i}', WD_STYLE_TYPE.PARAGRAPH)
    s.base_style = normal
    s.font.name = 'Cambria'
    s.font.size = Pt(size)
    s.font.bold = True
    s.font.color.rgb = RGBColor.from_string('7B2C83')

sec = d.sections[0]
sec.page_width, sec.page_height = Mm(210), Mm(297)
sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = Mm(30), Mm(18), Mm(22), Mm(28)
sec.header.paragraphs[0].add_run().add_picture(logo, width=Mm(45), height=Mm(15))
footer = sec.footer.paragraphs[0]
footer.add_run('Example Borough Council, page ')
page_field(footer)

sec.different_first_page_header_footer = True
d.settings.odd_and_even_pages_header_footer = True
sec.first_page_header.paragraphs[0].add_run('First page header')
sec.first_page_footer.paragraphs[0].add_run('First page footer')
sec.even_page_header.paragraphs[0].add_run('Even page header')
even_footer = sec.even_page_footer.paragraphs[0]
even_footer.add_run('Even page footer, page ')
page_field(even_footer)

d.add_paragraph('Council report template', style='Report Heading 1')
d.save(out)
