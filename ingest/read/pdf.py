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
import re
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .document import Document, Unreadable, normalise, row_line

CELL_GAP = 0.9  # a gap this many character heights wide separates cells (where no border is drawn)
NUMBER_GAP = 0.5  # … and this many, two numbers (digits of one number are spaced up to ~0.3)
LINE_OVERLAP = 0.5  # characters whose boxes share this much of the lower one's height are one line
RULE = 2.5  # a drawn path this thin (points) is a border
RULE_MIN = 6.0  # … and at least this long
SLACK = 2.0  # borders drawn a little short or long still meet
MAX_PAGE = 2**15 - 1  # pages past this are staged without a page number (a warning says so)
_PAGE_NUMBER = re.compile(r"[-—–]*\d{1,3}[-—–]*|第\d{1,3}页(?:共\d{1,3}页)?|\d{1,3}/\d{1,3}")
_NUMBER_START = frozenset("0123456789+-")
SCRIPT_SIZE = 0.8  # a digit in a font this much smaller than the glyph before it, raised or lowered, is a mark
SCRIPT_SHIFT = 0.15  # … by this many of that glyph's font size (its baseline moved)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

Char = tuple[str, float, float, float, float]  # character, left, bottom, right, top


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
    invalid = [0]
    try:
        for number in range(len(pdf)):
            page = pdf[number]
            for line in page_lines(page, invalid):
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
    warnings = [f"code_point_invalid:{invalid[0]}"] if invalid[0] else []
    if pages and pages[-1] > MAX_PAGE:  # a page number is staged as int16
        warnings.append(f"page_out_of_range:{pages[-1]}")
        pages = [page if page <= MAX_PAGE else None for page in pages]
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="pdf", source_lines=source_lines,
                    line_pages=pages, warnings=warnings)


def page_lines(page: pdfium.PdfPage, invalid: list[int] | None = None) -> list[str]:
    """The page's text top to bottom: a line per table row and per line of other text; a page
    number above or below the text is not a line of it."""
    textpage = page.get_textpage()
    chars, indices = _chars(textpage, invalid if invalid is not None else [0])
    chars = _script_marks(textpage, chars, indices)
    textpage.close()
    borders = _Borders(page)
    cells: dict[tuple[float, float, float, float], list[Char]] = {}
    loose: list[Char] = []
    for ch in chars:
        box = borders.cell_of(ch)
        if box is None:
            loose.append(ch)
        else:
            cells.setdefault(box, []).append(ch)
    items = [(top, text) for top, text in _table_rows(cells, borders)]
    items += [(max(c[4] for c in line), _spaced(line)) for line in _lines(loose)]
    lines = [text for _, text in sorted(items, key=lambda item: -item[0])]
    while lines and _PAGE_NUMBER.fullmatch(lines[0].replace("|", "").replace(" ", "")):
        lines.pop(0)
    while lines and _PAGE_NUMBER.fullmatch(lines[-1].replace("|", "").replace(" ", "")):
        lines.pop()
    return lines


def _chars(textpage: pdfium.PdfTextPage, invalid: list[int]) -> tuple[list[Char], list[int]]:
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


def _script_marks(textpage: pdfium.PdfTextPage, chars: list[Char], indices: list[int]) -> list[Char]:
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


class _Borders:
    """The page's drawn cell borders: thin paths (lines, or thin filled rectangles) and the edges
    of stroked rectangles. Filled shapes larger than a line (cell shading, a filler behind prose)
    are not borders."""

    def __init__(self, page: pdfium.PdfPage):
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
        self.horizontal = sorted(horizontal)
        self.vertical = sorted(vertical)
        self._hy = [h[0] for h in self.horizontal]
        self._vx = [v[0] for v in self.vertical]

    def cell_of(self, ch: Char) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of the bordered cell the character lies in, or None."""
        if not self.vertical:
            return None
        x, y = (ch[1] + ch[3]) / 2, (ch[2] + ch[4]) / 2
        top = self._nearest(self.horizontal, self._hy, y, x, up=True)
        bottom = self._nearest(self.horizontal, self._hy, y, x, up=False)
        right = self._nearest(self.vertical, self._vx, x, y, up=True)
        left = self._nearest(self.vertical, self._vx, x, y, up=False)
        if None in (top, bottom, left, right):
            return None
        return round(left, 1), round(bottom, 1), round(right, 1), round(top, 1)

    @staticmethod
    def _nearest(rules, keys, at: float, across: float, up: bool) -> float | None:
        """The nearest rule above (or below) ``at`` that spans ``across``."""
        i = bisect.bisect_right(keys, at)
        indices = range(i, len(rules)) if up else range(i - 1, -1, -1)
        for k in indices:
            pos, lo, hi = rules[k]
            if lo - SLACK <= across <= hi + SLACK:
                return pos
        return None

    def columns(self, bottom: float, top: float, left: float, right: float) -> list[float]:
        """The x of every vertical border crossing the band (bottom, top) within (left, right)."""
        mid = (bottom + top) / 2
        xs = sorted({round(x, 1) for x, lo, hi in self.vertical
                     if lo - SLACK <= mid <= hi + SLACK and left - SLACK <= x <= right + SLACK})
        return xs


def _table_rows(cells: dict, borders: _Borders) -> list[tuple[float, str]]:
    """(top, line) per table row: the cells whose top border is one line, left to right, with an
    empty cell among the row's values kept as a position (a cell merged down from a row above
    is that row's)."""
    rows: dict[float, list] = {}
    for box in sorted(cells, key=lambda b: -b[3]):
        key = next((t for t in rows if abs(t - box[3]) <= SLACK), box[3])
        rows.setdefault(key, []).append(box)
    out = []
    for top, boxes in rows.items():
        bottom = max(b[1] for b in boxes)  # the row's own band: its least tall cell
        xs = borders.columns(bottom, top, min(b[0] for b in boxes), max(b[2] for b in boxes))
        texts, done = [], set()
        for left, right in zip(xs, xs[1:]):
            centre = (left + right) / 2
            box = next((b for b in boxes if b[0] - SLACK <= centre <= b[2] + SLACK), None)
            if box is None:
                texts.append("")
            elif box not in done:
                done.add(box)
                texts.append(_cell_text(cells[box]))
        texts += [_cell_text(cells[b]) for b in boxes if b not in done]  # a cell the borders did not place
        line = row_line(texts)
        if line is not None:
            out.append((top, line))
    return out


def _cell_text(chars: list[Char]) -> str:
    """A cell's characters line by line, the lines joined (a label wrapped in a narrow cell)."""
    return "".join(_spaced(line) for line in _lines(chars))


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by vertical overlap, top line first, each left to right."""
    lines: list[list[Char]] = []
    spans: list[list[float]] = []  # per line: [bottom, top]
    for ch in sorted(chars, key=lambda c: -(c[2] + c[4])):
        bottom, top = ch[2], ch[4]
        if lines:
            lo, hi = spans[-1]
            overlap = min(hi, top) - max(lo, bottom)
            if overlap >= LINE_OVERLAP * min(hi - lo, top - bottom):
                lines[-1].append(ch)
                spans[-1] = [min(lo, bottom), max(hi, top)]
                continue
        lines.append([ch])
        spans.append([bottom, top])
    return [sorted(line, key=lambda c: c[1]) for line in lines]


def _spaced(line: list[Char]) -> str:
    """A line's characters left to right: a gap wider than a character is a cell boundary; within
    a cell only two numbers are kept apart (label text needs no spaces, and a glyph spaced from the
    next inside 4 1 1 9 or 1 .属于 is not two words)."""
    height = median(c[4] - c[2] for c in line)
    out = [line[0][0]]
    for prev, ch in zip(line, line[1:]):
        gap = ch[1] - prev[3]
        if gap > CELL_GAP * height:
            out.append(" | ")
        elif gap > NUMBER_GAP * height and prev[0].isdigit() and ch[0] in _NUMBER_START:
            out.append(" ")
        out.append(ch[0])
    return "".join(out)
