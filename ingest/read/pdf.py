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

import bisect
import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from . import boxes
from .document import Document, Unreadable, normalise

RULE = 2.5  # a drawn path this thin (points) is a border
RULE_MIN = 6.0  # … and at least this long
MAX_PAGE = 2**15 - 1  # pages past this are staged without a page number (a warning says so)
SCRIPT_SIZE = 0.8  # a digit in a font this much smaller than the glyph before it, raised or lowered, is a mark
SCRIPT_SHIFT = 0.15  # … by this many of that glyph's font size (its baseline moved)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class NoTextLayer(Unreadable):
    """A PDF of page images (a scan): nothing to read without OCR."""

    def __init__(self) -> None:
        super().__init__("no_text_layer")


def pdf_document(raw: bytes, ocr: bool = True) -> Document:
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as e:
        reason = "encrypted" if "password" in str(e).lower() else "broken"
        raise Unreadable(f"pdf_{reason}") from None
    read: dict[int, list[str]] = {}  # page index → its lines
    scans: list[int] = []  # pages that are images of paper: read by OCR, their text layer not trusted
    warnings: list[str] = []
    invalid = [0]
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            if is_scan(page):
                scans.append(number)
            else:
                read[number] = page_lines(page, invalid)
            page.close()
        if scans and ocr:
            read.update(_ocr_pages(pdf, scans, warnings))
    finally:
        pdf.close()
    if invalid[0]:
        warnings.append(f"code_point_invalid:{invalid[0]}")
    ocr_pages = sum(n in read for n in scans)
    return paged_document([(number + 1, read[number]) for number in sorted(read)], "scan" if ocr_pages else "pdf",
                          warnings, ocr_pages)


def paged_document(pages: list[tuple[int, list[str]]], source_format: str, warnings: list[str],
                   ocr_pages: int = 0) -> Document:
    """A Document of pages' lines (page number, lines): each line knows its page and its line on
    that page. NoTextLayer when no page printed anything."""
    lines: list[str] = []
    line_pages: list[int | None] = []
    source_lines: list[int] = []
    for number, page in pages:
        lines += page
        line_pages += [number] * len(page)
        source_lines += range(1, len(page) + 1)
    if not any(line.strip() for line in lines):
        raise NoTextLayer()
    if line_pages and line_pages[-1] > MAX_PAGE:  # a page number is staged as int16
        warnings.append(f"page_out_of_range:{line_pages[-1]}")
        line_pages = [page if page <= MAX_PAGE else None for page in line_pages]
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format=source_format, source_lines=source_lines,
                    line_pages=line_pages, ocr_pages=ocr_pages, warnings=warnings)


def is_scan(page: pdfium.PdfPage) -> bool:
    """A page that is an image of paper: no characters over an image, or an image covering most of
    the page with no visible text drawn over it (a "searchable" scan's text layer, invisible or
    hidden under the image, is OCR of its own and not trusted). Text drawn over a full-page
    background image is the page's text."""
    width, height = page.get_size()
    largest, cover_at = 0.0, None  # the largest image's area and its place in the drawing order
    texts, invisible, visible_after = 0, 0, []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    handle = page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(handle)):
        obj = pdfium_c.FPDFPage_GetObject(handle, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            texts += 1
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                invisible += 1
            else:
                visible_after.append(i)
        elif kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM) \
                and (kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or _holds_image(obj)) \
                and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            w = min(right.value, width) - max(left.value, 0)
            h = min(top.value, height) - max(bottom.value, 0)
            if max(w, 0) * max(h, 0) > largest:
                largest, cover_at = max(w, 0) * max(h, 0), i
    if not largest:
        return False
    if texts == invisible:
        return True
    return largest >= SCAN_COVER * width * height and not any(i > cover_at for i in visible_after)


SCAN_COVER = 0.8  # an image over this share of the page makes it a scan


def _holds_image(form) -> bool:
    for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE or (kind == pdfium_c.FPDF_PAGEOBJ_FORM and _holds_image(obj)):
            return True
    return False


def _ocr_pages(pdf: pdfium.PdfDocument, scans: list[int], warnings: list[str]) -> dict[int, list[str]]:
    """The lines of the scanned pages the reader needs, by OCR: the first page (title, period),
    the pages printing a ruled table and the two after the last of them (the fee sentence); every
    page when none prints a ruled table (at most ocr.MAX_PAGES)."""
    from . import ocr

    images = {}
    for number in scans[: ocr.MAX_PAGES]:
        page = pdf[number]
        images[number] = page.render(scale=ocr.DPI / 72, grayscale=True).to_numpy()
        page.close()
    if len(scans) > ocr.MAX_PAGES:
        warnings.append(f"ocr_pages_limit:{ocr.MAX_PAGES}/{len(scans)}")
    tables = [n for n in images if ocr.has_table(images[n])]
    wanted = set(images) if not tables else {min(images), *tables, *(n for n in images if 0 < n - max(tables) <= 2)}
    ocr.more_time(len(wanted))
    return {n: ocr.page_text(images[n]) for n in sorted(wanted)}


def page_lines(page: pdfium.PdfPage, invalid: list[int] | None = None) -> list[str]:
    """The page's text top to bottom (see boxes.page_lines); a footnote mark is a mark."""
    textpage = page.get_textpage()
    chars, indices = _indexed_chars(textpage, invalid if invalid is not None else [0])
    chars = _script_marks(textpage, chars, indices)
    textpage.close()
    return boxes.page_lines(chars, _borders(page))


def _chars(textpage: pdfium.PdfTextPage) -> list[boxes.Box]:
    """Every printed character with its box (see ``_indexed_chars``)."""
    return _indexed_chars(textpage, [0])[0]


def _indexed_chars(textpage: pdfium.PdfTextPage, invalid: list[int]) -> tuple[list[boxes.Box], list[int]]:
    """Every printed character with its box (PDFium's generated spaces and line breaks dropped:
    the boxes say where the gaps are), and its index in the text page. A font may map a glyph to
    what is no character (a lone surrogate, past U+10FFFF): U+FFFD, counted in ``invalid``."""
    handle = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out, indices = [], []
    for i in range(pdfium_c.FPDFText_CountChars(handle)):
        code = pdfium_c.FPDFText_GetUnicode(handle, i)
        if code in (0, 9, 10, 13, 32, 0xFFFE, 0xFFFF) or pdfium_c.FPDFText_IsGenerated(handle, i) == 1:
            continue
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            invalid[0] += 1
            code = 0xFFFD
        if pdfium_c.FPDFText_GetCharBox(handle, i, left, right, bottom, top) and top.value > bottom.value:
            out.append((chr(code), left.value, bottom.value, right.value, top.value))
            indices.append(i)
    return out, indices


def _script_marks(textpage: pdfium.PdfTextPage, chars: list[boxes.Box], indices: list[int]) -> list[boxes.Box]:
    """A digit printed in a smaller font than the glyph just before it and off that glyph's
    baseline (PDF text rise) is a footnote mark (12¹), not a digit of the number: it becomes a
    superscript (or subscript) digit, given that glyph's line so it reads right after it."""
    handle = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()

    def size_and_baseline(i: int) -> tuple[float, float]:
        pdfium_c.FPDFText_GetCharOrigin(handle, indices[i], x, y)
        return pdfium_c.FPDFText_GetFontSize(handle, indices[i]), y.value

    by_right = sorted(range(len(chars)), key=lambda i: chars[i][3])
    rights = [chars[by_right[j]][3] for j in range(len(by_right))]
    out = chars
    for k, ch in enumerate(chars):
        if not ("0" <= ch[0] <= "9"):
            continue
        height = ch[4] - ch[2]
        before = next((i for i in reversed(by_right[bisect.bisect_left(rights, ch[1] - height):
                                                    bisect.bisect_right(rights, ch[1] + 0.3 * height)])
                       if i != k and chars[i][2] < ch[4] and ch[2] < chars[i][4]), None)  # beside it, overlapping
        if before is None:
            continue
        size, baseline = size_and_baseline(k)
        before_size, before_baseline = size_and_baseline(before)
        if not size < SCRIPT_SIZE * before_size:
            continue
        script = _SUPERSCRIPT if baseline > before_baseline + SCRIPT_SHIFT * before_size else \
            _SUBSCRIPT if baseline < before_baseline - SCRIPT_SHIFT * before_size else None
        if script is not None:
            out = out if out is not chars else list(chars)
            out[k] = (ch[0].translate(script), ch[1], chars[before][2], ch[3], chars[before][4])
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

