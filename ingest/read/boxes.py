"""Table rows and cells rebuilt from the boxes of printed text and the ruling lines of a page: what
the PDF, OCR (scans, page images) and OFD adapters share.

A box is text with its place on the page (``Box``: text, left, bottom, right, top, y growing up,
as in PDF). Where a table's borders are drawn, each box lies in the cell its nearest borders
enclose: a label wrapped over several lines of a narrow cell is one cell's text, a label merged
down several rows (三、本年度办理结果) is printed with the first of them, and a row's empty cell
keeps its place. Elsewhere (prose, a table drawn without borders) boxes that overlap vertically
are one line, read left to right, and a gap wider than a character is a cell boundary. A page
number printed above or below a page's text is dropped.
"""
from __future__ import annotations

import bisect
import re
from statistics import median

from .document import row_line

CELL_GAP = 0.9  # a gap this many character heights wide separates cells (where no border is drawn)
NUMBER_GAP = 0.5  # … and this many, two numbers (digits of one number are spaced up to ~0.3)
LINE_OVERLAP = 0.5  # boxes sharing this much of the lower one's height are one line
SLACK = 2.0  # borders drawn a little short or long still meet (in the page's units: points)
_PAGE_NUMBER = re.compile(r"[-—–]*\d{1,3}[-—–]*|第\d{1,3}页(?:共\d{1,3}页)?|\d{1,3}/\d{1,3}")
_NUMBER_START = frozenset("0123456789+-")

Box = tuple[str, float, float, float, float]  # text (a character, or a word OCR read), left, bottom, right, top
Rule = tuple[float, float, float]  # position across, start, end along (a horizontal rule: y, x0, x1)


class Rules:
    """A page's ruling lines: horizontal (y, x0, x1) and vertical (x, y0, y1)."""

    def __init__(self, horizontal: list[Rule], vertical: list[Rule], slack: float = SLACK):
        self.horizontal = sorted(horizontal)
        self.vertical = sorted(vertical)
        self.slack = slack
        self._hy = [h[0] for h in self.horizontal]
        self._vx = [v[0] for v in self.vertical]

    def cell_of(self, box: Box) -> tuple[float, float, float, float] | None:
        """(left, bottom, right, top) of the bordered cell the box's centre lies in, or None."""
        if not self.vertical:
            return None
        x, y = (box[1] + box[3]) / 2, (box[2] + box[4]) / 2
        top = self._nearest(self.horizontal, self._hy, y, x, up=True)
        bottom = self._nearest(self.horizontal, self._hy, y, x, up=False)
        right = self._nearest(self.vertical, self._vx, x, y, up=True)
        left = self._nearest(self.vertical, self._vx, x, y, up=False)
        if None in (top, bottom, left, right):
            return None
        return round(left, 1), round(bottom, 1), round(right, 1), round(top, 1)

    def _nearest(self, rules, keys, at: float, across: float, up: bool) -> float | None:
        """The nearest rule above (or below) ``at`` that spans ``across``."""
        i = bisect.bisect_right(keys, at)
        indices = range(i, len(rules)) if up else range(i - 1, -1, -1)
        for k in indices:
            pos, lo, hi = rules[k]
            if lo - self.slack <= across <= hi + self.slack:
                return pos
        return None

    def columns(self, bottom: float, top: float, left: float, right: float) -> list[float]:
        """The x of every vertical border crossing the band (bottom, top) within (left, right)."""
        mid = (bottom + top) / 2
        slack = self.slack
        return sorted({round(x, 1) for x, lo, hi in self.vertical
                       if lo - slack <= mid <= hi + slack and left - slack <= x <= right + slack})


def page_lines(boxes: list[Box], rules: Rules) -> list[str]:
    """The page's text top to bottom: a line per table row and per line of other text; a page
    number above or below the text is not a line of it."""
    cells: dict[tuple[float, float, float, float], list[Box]] = {}
    loose: list[Box] = []
    for box in boxes:
        cell = rules.cell_of(box)
        if cell is None:
            loose.append(box)
        else:
            cells.setdefault(cell, []).append(box)
    items = [(top, text) for top, text in _table_rows(cells, rules)]
    items += [(max(c[4] for c in line), _spaced(line)) for line in _lines(loose)]
    lines = [text for _, text in sorted(items, key=lambda item: -item[0])]
    while lines and _PAGE_NUMBER.fullmatch(lines[0].replace("|", "").replace(" ", "")):
        lines.pop(0)
    while lines and _PAGE_NUMBER.fullmatch(lines[-1].replace("|", "").replace(" ", "")):
        lines.pop()
    return lines


def _table_rows(cells: dict, rules: Rules) -> list[tuple[float, str]]:
    """(top, line) per table row: the cells whose top border is one line, left to right, with an
    empty cell among the row's values kept as a position (a cell merged down from a row above
    is that row's)."""
    slack = rules.slack
    rows: dict[float, list] = {}
    for box in sorted(cells, key=lambda b: -b[3]):
        key = next((t for t in rows if abs(t - box[3]) <= slack), box[3])
        rows.setdefault(key, []).append(box)
    out = []
    for top, boxes in rows.items():
        bottom = max(b[1] for b in boxes)  # the row's own band: its least tall cell
        xs = rules.columns(bottom, top, min(b[0] for b in boxes), max(b[2] for b in boxes))
        texts, done = [], set()
        for left, right in zip(xs, xs[1:]):
            centre = (left + right) / 2
            box = next((b for b in boxes if b[0] - slack <= centre <= b[2] + slack), None)
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


def _cell_text(boxes: list[Box]) -> str:
    """A cell's text line by line, the lines joined (a label wrapped in a narrow cell)."""
    return "".join(_spaced(line) for line in _lines(boxes))


def _lines(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into lines by vertical overlap, top line first, each left to right."""
    lines: list[list[Box]] = []
    spans: list[list[float]] = []  # per line: [bottom, top]
    for box in sorted(boxes, key=lambda c: -(c[2] + c[4])):
        bottom, top = box[2], box[4]
        if lines:
            lo, hi = spans[-1]
            overlap = min(hi, top) - max(lo, bottom)
            if overlap >= LINE_OVERLAP * min(hi - lo, top - bottom):
                lines[-1].append(box)
                spans[-1] = [min(lo, bottom), max(hi, top)]
                continue
        lines.append([box])
        spans.append([bottom, top])
    return [sorted(line, key=lambda c: c[1]) for line in lines]


def _spaced(line: list[Box]) -> str:
    """A line's text left to right: a gap wider than a character is a cell boundary; within a
    cell only two numbers are kept apart (label text needs no spaces, and a glyph spaced from the
    next inside 4 1 1 9 or 1 .属于 is not two words)."""
    height = median(c[4] - c[2] for c in line)
    out = [line[0][0]]
    for prev, box in zip(line, line[1:]):
        gap = box[1] - prev[3]
        if gap > CELL_GAP * height:
            out.append(" | ")
        elif gap > NUMBER_GAP * height and prev[0][-1:].isdigit() and box[0][:1] in _NUMBER_START:
            out.append(" ")
        out.append(box[0])
    return "".join(out)
