"""Tables drawn with box-drawing characters in plain text (w3m's dump, ``+---+`` grid tables) →
one line of ``|``-separated cells per table row.

A drawn grid says where every cell is: its rules separate the rows and its vertical bars the
cells, at the same display column on every line (a CJK character is two columns wide). A label
wrapped over several lines inside its cell is one cell again, and a blank cell keeps its place.
"""
from __future__ import annotations

import unicodedata

from .document import row_line

# the characters that end a cell (vertical bars and every junction), and those that draw a rule
_BARS = frozenset("│┃║├┤┼┬┴┌┐└┘┝┥┿┠┨╂┏┓┗┛┣┫╋╔╗╚╝╠╣╬╟╢╫╞╡╪╒╕╘╛╓╖╙╜┊┆╎")
_RULES = frozenset("─━═┄┈╌")
_ASCII_BARS = frozenset("+|")
_ASCII_RULES = frozenset("-=:")


def has_grid(text: str) -> bool:
    """Whether the text draws a table with box-drawing characters or ``+---+`` rules."""
    return "│" in text or "┃" in text or "║" in text or "\n+-" in text or "\n+=" in text


def grid_lines(lines: list[str]) -> list[tuple[str, int]] | None:
    """The text's lines with every drawn table's rows made one line each: (line, 0-based source
    line). None when the text draws no table."""
    out: list[tuple[str, int]] = []
    found = False
    i = 0
    while i < len(lines):
        ascii_grid = lines[i].lstrip().startswith(("+-", "+="))
        if not _in_grid(lines[i], ascii_grid):
            out.append((lines[i], i))
            i += 1
            continue
        j = i
        while j < len(lines) and _in_grid(lines[j], ascii_grid):
            j += 1
        rows = _grid_rows(lines, i, j, ascii_grid)
        if rows:
            found = True
            out += rows
        else:
            out += [(lines[k], k) for k in range(i, j)]
        i = j
    return out if found else None


def _in_grid(line: str, ascii_grid: bool) -> bool:
    s = line.lstrip()
    return bool(s) and (s[0] in _ASCII_BARS if ascii_grid else s[0] in _BARS)


def _grid_rows(lines: list[str], start: int, end: int, ascii_grid: bool) -> list[tuple[str, int]]:
    """The rows of the grid drawn on lines ``start:end``: each band of text lines between two
    rules. A line ruling off only some columns (a cell merged down over the rows it separates)
    ends the band too; its text goes on in the next one."""
    bars = _ASCII_BARS if ascii_grid else _BARS
    rules = _ASCII_RULES if ascii_grid else _RULES
    text_bars = frozenset("|") if ascii_grid else bars  # in a text line, + and - are the text's own
    out, band = [], []
    for k in range(start, end):
        line = lines[k]
        if all(ch in bars or ch in rules or ch.isspace() for ch in line):
            if band:
                out.append(_band_row(lines, band, text_bars))
            band = []
        elif not ascii_grid and any(ch in _RULES for ch in line):  # a partial rule
            if band:
                out.append(_band_row(lines, band, text_bars))
            band = [k]
        else:
            band.append(k)
    if band:
        out.append(_band_row(lines, band, text_bars))
    return out if len(out) >= 2 else []


def _band_row(lines: list[str], band: list[int], bars: frozenset) -> tuple[str, int]:
    """One table row from its text lines: each cell's pieces, line under line, joined."""
    pieces = [_pieces(lines[k], bars) for k in band]
    edges = sorted({column for line in pieces for column, _ in line})
    cells: dict[int, list[str]] = {}
    for line in pieces:
        for column, text in line:
            cells.setdefault(edges.index(column), []).append(text)
    texts = [_joined(cells.get(c, [])) for c in range(len(edges))]
    return row_line(texts) or "", band[0]


def _pieces(line: str, bars: frozenset) -> list[tuple[int, str]]:
    """(display column where the cell starts, its text) for every cell the line crosses (the
    segments of a partial rule are blank)."""
    out, column, start, text = [], 0, None, []
    for ch in line:
        if ch in bars:
            if start is not None:
                out.append((start, "".join(text).strip()))
            start, text = column + 1, []
        elif start is not None:
            text.append(" " if ch in _RULES else ch)
        column += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return out


def _joined(parts: list[str]) -> str:
    """A cell's lines as one text: CJK wraps anywhere, words at spaces."""
    out = ""
    for part in parts:
        if not part:
            continue
        out += (" " if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()
                else "") + part
    return out
