"""PDF with a text layer → Document: table rows and cells rebuilt from the characters' boxes and
the drawn cell borders; other text as lines.

PDFium (pypdfium2) gives every character and its box, and every drawn path. Where a table's
borders are drawn, each character lies in the cell its nearest borders enclose: a label wrapped
over several lines of a narrow cell is one cell's text, a label merged down several rows
(三、本年度办理结果) is printed with the first of them, and a row's empty cell keeps its place.
Elsewhere (prose, a table drawn without borders) characters whose boxes overlap vertically are one
line, read left to right, and a gap wider than a character is a cell boundary. Pages follow each
other with nothing between them, so a table split over a page break reads on; a page number
printed above or below a page's text is dropped, and every line keeps its page.
A PDF whose pages have no characters is a scan: it has no text layer to read.
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from . import boxes
from .document import Document, Unreadable, normalise

RULE = 2.5  # a drawn path this thin (points) is a border
RULE_MIN = 6.0  # … and at least this long


class NoTextLayer(Unreadable):
    """A PDF of page images (a scan): nothing to read without OCR."""

    def __init__(self) -> None:
        super().__init__("no_text_layer")


def pdf_document(raw: bytes) -> Document:
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as e:
        reason = "encrypted" if "password" in str(e).lower() else "broken"
        raise Unreadable(f"pdf_{reason}") from None
    lines: list[str] = []
    pages: list[int] = []
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            for line in page_lines(page):
                lines.append(line)
                pages.append(number + 1)
            page.close()
    finally:
        pdf.close()
    if not any(line.strip() for line in lines):
        raise NoTextLayer()
    source_lines = []  # a PDF line's number is its line on its page
    for i, page in enumerate(pages):
        source_lines.append(source_lines[-1] + 1 if i and pages[i - 1] == page else 1)
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="pdf", source_lines=source_lines,
                    line_pages=pages)


def page_lines(page: pdfium.PdfPage) -> list[str]:
    """The page's text top to bottom (see boxes.page_lines)."""
    textpage = page.get_textpage()
    chars = _chars(textpage)
    textpage.close()
    return boxes.page_lines(chars, _borders(page))


def _chars(textpage: pdfium.PdfTextPage) -> list[boxes.Box]:
    """Every printed character with its box (PDFium's generated spaces and line breaks dropped:
    the boxes say where the gaps are)."""
    handle = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    for i in range(pdfium_c.FPDFText_CountChars(handle)):
        code = pdfium_c.FPDFText_GetUnicode(handle, i)
        if code in (0, 9, 10, 13, 32, 0xFFFE, 0xFFFF) or pdfium_c.FPDFText_IsGenerated(handle, i) == 1:
            continue
        if pdfium_c.FPDFText_GetCharBox(handle, i, left, right, bottom, top) and top.value > bottom.value:
            out.append((chr(code), left.value, bottom.value, right.value, top.value))
    return out


def _borders(page: pdfium.PdfPage) -> boxes.Rules:
    """The page's drawn cell borders: thin paths (lines, or thin filled rectangles) and the edges
    of stroked rectangles. Filled shapes larger than a line (cell shading, a filler behind prose)
    are not borders."""
    horizontal, vertical = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    handle = page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(handle)):  # the raw API: no wrapper per object
        obj = pdfium_c.FPDFPage_GetObject(handle, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH \
                or not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        width, height = x1 - x0, y1 - y0
        if height <= RULE and width >= RULE_MIN:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif width <= RULE and height >= RULE_MIN:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) and stroke.value \
                and pdfium_c.FPDFPath_CountSegments(obj) <= 6:  # a stroked rectangle: four borders
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    return boxes.Rules(horizontal, vertical)
