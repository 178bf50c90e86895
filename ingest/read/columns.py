"""Blank cells of text tables known only by the column a value is printed in: fixed-width tables
(pdftotext -layout, pdfplumber and pypdf layout modes, w3m and pandoc without rules) and pipe
tables whose merged cells are padded with empty ones (markdownify, markitdown, trafilatura).

A row printing fewer values than the table has columns lost cells somewhere: which ones, only
the positions say. Where the rows around it print every column at the same positions, each of
its values is in one of those columns, and the columns it leaves empty are its blank cells
(``BLANK_CELL``); anything less clear is left as it is (the row stays incomplete, null).
Positions are counted in characters (pdftotext, pdfplumber) or in display columns, a CJK
character two wide (w3m): the unit in which the full rows line up is the one used.
"""
from __future__ import annotations

import re
import unicodedata

from .document import BLANK_CELL

_NUMBER = re.compile(r"(?<!\S)[+-]?\d[\d,]*(?:\.\d+)?(?!\S)")
_SPREAD = 2  # how far the same column's values may start apart on the rows around
_REACH = 20  # lines around a row whose full rows say where its columns are
_MIN_FULL = 2  # full rows, lined up, needed to trust the columns


def fill_blank_columns(lines: list[str], width: int) -> list[str] | None:
    """``lines`` with each row of fewer than ``width`` values given its blank cells, where the full
    rows of ``width`` values around it say which columns it left empty. None when no row changed."""
    numbers = [_numbers(line) for line in lines]
    full = [k for k, spans in enumerate(numbers) if spans is not None and len(spans) == width]
    if len(full) < _MIN_FULL:
        return None
    out, changed = list(lines), False
    for k, spans in enumerate(numbers):
        if spans is None or not 0 < len(spans) < width:
            continue
        near = [f for f in full if abs(f - k) <= _REACH]
        for unit in (_chars, _display):
            columns = _columns([unit(lines[f], numbers[f]) for f in near])
            placed = columns and _placed(unit(lines[k], spans), columns)
            if placed:
                out[k] = _with_blanks(lines[k], spans, placed, width)
                changed = True
                break
    return out if changed else None


def _numbers(line: str) -> list[tuple[int, int]] | None:
    """The spans of the values a fixed-width row prints (each apart from the next by two spaces or
    more), None for a line that is not such a row."""
    if "|" in line or "\t" in line:
        return None  # cells already separated
    spans = [m.span() for m in _NUMBER.finditer(line)]
    if len(spans) < 2 or any(line[a:b] != " " * (b - a) or b - a < 2 for (_, a), (b, _) in zip(spans, spans[1:])):
        return None
    return spans


def _chars(line: str, spans: list[tuple[int, int]]) -> list[int]:
    return [a for a, _ in spans]


def _display(line: str, spans: list[tuple[int, int]]) -> list[int]:
    column, out, at = 0, [], {a for a, _ in spans}
    for i, ch in enumerate(line):
        if i in at:
            out.append(column)
        column += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return out


def _columns(rows: list[list[int]]) -> list[tuple[int, int]] | None:
    """Each column's range of starting positions over the full rows, when they line up."""
    if len(rows) < _MIN_FULL:
        return None
    columns = [(min(starts), max(starts)) for starts in zip(*rows)]
    if any(hi - lo > _SPREAD for lo, hi in columns) or any(a[1] >= b[0] for a, b in zip(columns, columns[1:])):
        return None
    return columns


def _placed(starts: list[int], columns: list[tuple[int, int]]) -> list[int] | None:
    """The column of each value (in order, one each), when every value starts within one column's range."""
    out = []
    for s in starts:
        hits = [c for c, (lo, hi) in enumerate(columns) if lo - _SPREAD <= s <= hi + _SPREAD]
        if len(hits) != 1 or (out and hits[0] <= out[-1]):
            return None
        out.append(hits[0])
    return out


def _with_blanks(line: str, spans: list[tuple[int, int]], placed: list[int], width: int) -> str:
    """The row's values in their columns, a blank cell in every column it leaves empty."""
    values = dict(zip(placed, (line[a:b] for a, b in spans)))
    cells = [values.get(c, BLANK_CELL) for c in range(width)]
    return line[:spans[0][0]] + "  ".join(cells) + line[spans[-1][1]:]


def fill_blank_pipe_cells(lines: list[str], width: int) -> list[str] | None:
    """``lines`` with the blank cells of pipe-table rows marked, where the table's full rows print
    their ``width`` values in its last ``width`` cells: an empty cell there is a blank cell of the
    row (a merged cell's padding comes before them). None when no row changed."""
    out, changed, k = list(lines), False, 0
    while k < len(lines):
        if lines[k].count("|") < 3:
            k += 1
            continue
        end = k
        while end < len(lines) and (lines[end].count("|") >= 3 or not lines[end].strip(" -|:")):
            end += 1
        rows = {i: _pipe_cells(lines[i]) for i in range(k, end) if lines[i].count("|") >= 3}
        full = [cells for cells in rows.values() if sum(map(_is_number, cells)) == width]
        if len(full) >= _MIN_FULL and all(len(c) >= width and all(map(_is_number, c[-width:])) for c in full):
            for i, cells in rows.items():
                tail = cells[-width:]
                if len(cells) >= width and any(tail) and "" in tail and not any(map(_is_number, cells[:-width])) \
                        and all(c == "" or _is_number(c) for c in tail):
                    out[i] = " | ".join(cells[:-width] + [c or BLANK_CELL for c in tail])
                    changed = True
        k = end
    return out if changed else None


def _pipe_cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.strip().split("|")]
    if line.strip().startswith("|"):
        cells = cells[1:]
    if line.strip().endswith("|") and cells:
        cells = cells[:-1]
    return cells


def _is_number(cell: str) -> bool:
    return bool(_NUMBER.fullmatch(cell))
