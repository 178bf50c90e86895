"""Rows whose cells are separated by tabs (a browser's copy of a page: ``innerText``) → one line of
``|``-separated cells each, a blank cell in its place.

A tab is exactly one cell boundary, so every cell of such a row has a known position, the blank
ones too. A page whose cells hold paragraphs comes out of the browser with each tab on a line of
its own (``label`` / ``\\t`` / ``71`` / ``\\t`` / ``3`` …): a row's cells are the texts the tab lines
join, and two tab lines with nothing between them enclose a blank cell.
"""
from __future__ import annotations

import re

from .document import row_line

_NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")

MIN_TAB_LINES = 5  # tab-only lines that make a page's copy, not a stray tab


def tab_rows(lines: list[str]) -> list[tuple[str, int]] | None:
    """The lines with each tab-separated row made one line of cells: (line, 0-based source line).
    None when no row has a blank cell to keep (the text then reads as it is)."""
    joined = _join_tab_lines(lines) if sum(_is_tab_line(line) for line in lines) >= MIN_TAB_LINES else \
        [(line, k) for k, line in enumerate(lines)]
    out, changed = [], len(joined) != len(lines)
    for line, k in joined:
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            row = row_line(cells)
            if row is not None and "" in cells[next(i for i, c in enumerate(cells) if c):]:
                out.append((row, k))
                changed = True
                continue
        out.append((line, k))
    return out if changed else None


def _is_tab_line(line: str) -> bool:
    return "\t" in line and not line.strip()


def _join_tab_lines(lines: list[str]) -> list[tuple[str, int]]:
    """Cells a tab line joins made one line, tab-separated (blank lines between them dropped)."""
    out: list[tuple[str, int]] = []
    row: list[str] | None = None
    start = 0
    after_tab = False
    for k, line in enumerate(lines):
        if _is_tab_line(line):
            if row is None:
                row, start = [""], k
            elif after_tab:
                row.append("")  # two tabs with nothing between: a blank cell
            after_tab = True
        elif line.strip():
            text = line.strip()
            # after a row's values, text is the next row's label: the tab before it closed a blank cell
            if row is not None and after_tab and (_NUMBER.fullmatch(text) or not any(map(_NUMBER.fullmatch, row))):
                row.append(text)
                after_tab = False
                continue
            if row is not None:
                out.append(("\t".join(row + ([""] if after_tab else [])), start))
            row, start, after_tab = [line.strip()], k, False
    if row is not None:
        out.append(("\t".join(row + ([""] if after_tab else [])), start))
    return out
