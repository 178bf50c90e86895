"""Stage 5, cells: the value tokens aligned to each form row → the row's cells.

A row printed with one token per cell is read as printed. A row with fewer tokens than cells is
a run (cut with the identities, see ``digits``) when it holds digit runs, else it lost cells and
stays null: which cell dropped is unknowable. Every null says why in a warning; nothing is guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from .align import AlignedTable
from .digits import MAX_CELL_DIGITS, Piece, SearchBounded, agreed, cuts, identity_instances, is_digits, is_run, pieces_of, \
    solve_table
from .form import Form
from .read import BLANK_CELL, FOOTNOTE, UNCERTAIN, normalise
from .records import BLANK, Token


class Cell(NamedTuple):
    value: int | float | None
    raw: str | None  # the cell as printed: a token, or the digits a run was cut into
    line: int | None  # the line it is printed on (of the document text; of the source, once staged)
    page: int | None = None  # the page, for formats with pages


NULL = Cell(None, None, None)
MAX_MEASURE_DIGITS = 15  # table 二 counts decisions (millions at a ministry) and amounts


@dataclass
class TableResult:
    found: bool = False
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # row code (table 二: measure) → cells
    warnings: list[str] = field(default_factory=list)

    def complete(self) -> bool:
        return self.found and all(c.value is not None for cells in self.cells.values() for c in cells)

    @property
    def filled(self) -> int:
        return sum(c.value is not None for cells in self.cells.values() for c in cells)


def _cell(tok: Token) -> Cell:
    return Cell(None if tok.kind == BLANK else tok.value, "" if tok.raw in (BLANK_CELL, UNCERTAIN) else tok.printed,
                tok.line)


def printed_cells(code: str, tokens: list[Token] | None, n: int, warnings: list[str]) -> list[Cell] | None:
    """The n cells a row prints one token each, or None (warned) when its tokens do not give them."""
    if tokens is None:
        return None
    for t in tokens:
        if t.footnote:
            warnings.append(f"footnote_marker:{code}:{t.printed}")
    if len(tokens) == n:
        for i, t in enumerate(tokens):
            if t.kind == BLANK:  # a number OCR could not read with confidence, or a cell printed blank
                warnings.append(f"{'cell_uncertain' if t.raw == UNCERTAIN else 'cell_blank'}:{code}:{i + 1}")
        return [_cell(t) for t in tokens]
    printed = [t for t in tokens if t.kind != BLANK]
    if len(printed) == n:  # blank cells padding the row
        return [_cell(t) for t in printed]
    if not tokens:
        warnings.append(f"row_no_values:{code}")
    elif len(printed) < n:
        warnings.append(f"row_incomplete:{code}:{len(printed)}/{n}")
    else:
        warnings.append(f"row_overfull:{code}:{len(printed)}/{n}")
    return None


def _integers(code: str, cells: list[Cell], warnings: list[str]) -> list[Cell]:
    """Tables 三 and 四 count requests and cases: a fraction there is a misread cell, and a count
    past what a 64-bit integer holds is no count."""
    out = []
    for c in cells:
        if isinstance(c.value, float):
            warnings.append(f"cell_not_integer:{code}:{c.raw}")
            c = c._replace(value=None)
        elif c.value is not None and not_a_count(c.raw):
            warnings.append(f"cell_not_count:{code}:{c.raw}")
            c = c._replace(value=None)
        elif c.value is not None and abs(c.value) >= 2**63:
            warnings.append(f"value_out_of_range:{code}:{c.raw}")
            c = c._replace(value=None)
        out.append(c)
    return out


def not_a_count(raw: str | None) -> bool:
    """A share or an amount printed in a cell that counts (12%, 1万元, 300元): not the count."""
    if not raw or "0" <= raw[-1] <= "9":  # most cells: digits only
        return False
    return normalise(raw).rstrip(FOOTNOTE).endswith(("%", "元"))


def _measures(code: str, cells: list[Cell], rows: list, warnings: list[str]) -> list[Cell]:
    """Table 二 holds doubles: a number a double does not hold exactly (past 2^53, or more than 15
    significant digits) would be stored as another number. Its counts are integers, as in 三."""
    out = []
    for c, row in zip(cells, rows):
        if c.value is not None and not exact_as_double(c.value, c.raw):
            warnings.append(f"value_out_of_range:{code}:{c.raw}")
            c = c._replace(value=None)
        elif c.value is not None and row.is_count and (isinstance(c.value, float) or not_a_count(c.raw)):
            warnings.append(f"cell_not_{'integer' if isinstance(c.value, float) else 'count'}:{row.code}:{c.raw}")
            c = c._replace(value=None)
        out.append(c)
    return out


def exact_as_double(value: int | float, raw: str | None) -> bool:
    """Whether a double holds the number printed: an integer up to 2^53, a decimal of up to 15
    significant digits (the raw text's, not the parsed float's: 1.0000000000000001 is not 1.0)."""
    if isinstance(value, int):
        return abs(value) <= 2**53
    digits = "".join(ch for ch in normalise(raw or "") if ch.isdigit()).lstrip("0")
    return math.isfinite(value) and len(digits) <= 15


def _cut_cells(tokens: list[Token], values: list[int | None]) -> list[Cell]:
    """Cells of a cut run, each with the digits it was printed as and where (where a cell stays
    undetermined, the cells after it can only point at the run)."""
    out, i, pos = [], 0, 0
    for v in values:
        if v is None or i >= len(tokens):
            out.append(Cell(v, None if v is None else str(v), tokens[0].line))
            i = len(tokens)  # positions after an undetermined cell are unknown
            continue
        tok = tokens[i]
        if not is_digits(tok):  # a cell printed on its own
            out.append(Cell(v, tok.raw, tok.line))
            i += 1
            continue
        width = len(str(abs(v))) + (tok.raw[pos] in "+-")
        out.append(Cell(v, tok.printed[pos:pos + width], tok.line))
        pos += width
        if pos >= len(tok.raw):
            i, pos = i + 1, 0
    return out


def _run_options(code: str, pieces: tuple[Piece, ...], n: int, groups: tuple[tuple[int, int], ...],
                 warnings: list[str], max_len: int = MAX_CELL_DIGITS) -> list[tuple[int | None, ...]] | None:
    """The cuts of a run that fit its own totals, or None (warned). A run no cut of which fits its
    own total is left null: it lost a cell, or its total is wrong, and it cannot say which."""
    try:
        found = cuts(pieces, n, groups, max_len)
    except SearchBounded:
        warnings.append(f"digits_bounded:{code}")
        return None
    if not found:
        warnings.append(f"digits_no_fit:{code}")
        return None
    return list(found)


# --- table 三 -----------------------------------------------------------------------------------


def application_cells(aligned: AlignedTable, form: Form, layout: str) -> TableResult:
    applicants = form.applicants
    n = len(applicants)
    res = TableResult(found=aligned.found, warnings=list(aligned.warnings))
    runs: dict[str, list[Token]] = {}
    options: dict[str, list[tuple[int | None, ...]]] = {}
    for code, tokens in aligned.rows.items():
        res.cells[code] = [NULL] * n
        if tokens is not None and is_run(tokens, n):
            runs[code] = tokens
            found = _run_options(code, pieces_of(tokens), n, ((0, n),), res.warnings)
            if found is not None:
                options[code] = found
            continue
        cells = printed_cells(code, tokens, n, res.warnings)
        if cells:
            res.cells[code] = _integers(code, cells, res.warnings)
    if options:
        known = {(code, col): c.value for code, cells in res.cells.items() if code not in options
                 for col, c in zip(applicants, cells)}
        instances = [(name, eq) for name, eq in identity_instances(form, "applications", layout, list(aligned.rows), applicants)
                     if len({cell[0] for _, cell in eq}) > 1]
        decoding = solve_table(known, options, applicants, instances)
        res.warnings += decoding.warnings
        for code, values in decoding.cells.items():
            res.cells[code] = _cut_cells(runs[code], values)
    return res


# --- table 四 -----------------------------------------------------------------------------------


def review_cells(tokens: list[Token] | None, form: Form) -> TableResult:
    codes = form.review_cells
    n = len(codes)
    res = TableResult(found=tokens is not None)
    if tokens is None:
        res.warnings.append("table_missing:reviews")
        res.cells = {c: [NULL] for c in codes}
        return res
    groups = _review_groups(form, codes)
    if is_run(tokens, n):
        found = _run_options("reviews", pieces_of(tokens), n, groups, res.warnings)
        values = agreed(found) if found else [None] * n
        if found and len(found) > 1:
            res.warnings.append("digits_ambiguous:reviews")
        elif found:
            res.warnings.append("digits_decoded:reviews")
        cells = _cut_cells(tokens, values) if found else [NULL] * n
    else:
        cells = _integers("reviews", printed_cells("reviews", tokens, n, res.warnings) or [NULL] * n, res.warnings)
    res.cells = {code: [c] for code, c in zip(codes, cells)}
    return res


def _review_groups(form: Form, codes: list[str]) -> tuple[tuple[int, int], ...]:
    """Table 四's identities as (first, total + 1) cell ranges: each group's last cell is its total."""
    groups = []
    for _, eq in identity_instances(form, "reviews", "2021", [], []):
        positions = sorted(codes.index(cell[0]) for _, cell in eq)
        groups.append((positions[0], positions[-1] + 1))
    return tuple(sorted(groups))


# --- table 二 -----------------------------------------------------------------------------------


def proactive_cells(aligned: AlignedTable, form: Form, layout: str) -> TableResult:
    res = TableResult(found=aligned.found, warnings=list(aligned.warnings))
    rows = form.table_rows("proactive", layout)
    by_code = {r.code: r for r in rows}
    floating = {group: list(values) for group, values in aligned.floating.items()}
    short = {}  # block → items printed one cell short, in order
    for item, _, codes in form.proactive_items(layout):
        tokens = aligned.rows.get(item)
        if tokens is not None and len(codes) > 1 and len(tokens) == len(codes) - 1:
            short.setdefault(next(r.group_code for r in rows if r.item == item), []).append(item)
    for item, _, codes in form.proactive_items(layout):
        n = len(codes)
        tokens = aligned.rows.get(item)
        group = next(r.group_code for r in rows if r.item == item)
        if tokens is not None and item in short.get(group, ()) and len(floating.get(group, ())) == len(short[group]):
            cells = _with_floating_value(item, tokens, floating[group][short[group].index(item)],
                                         [r for r in rows if r.item == item], res.warnings)
        elif tokens is not None and is_run(tokens, n):
            found = _run_options(item, pieces_of(tokens), n, (), res.warnings, MAX_MEASURE_DIGITS)
            values = agreed(found) if found else [None] * n
            if found and None in values:
                res.warnings.append(f"digits_ambiguous:{item}")
            cells = _cut_cells(tokens, values) if found else [NULL] * n
        else:
            cells = printed_cells(item, tokens, n, res.warnings) or [NULL] * n
        for code, c in zip(codes, _measures(item, cells, [by_code[code] for code in codes], res.warnings)):
            res.cells[code] = [c]
    return res


def _with_floating_value(item: str, tokens: list[Token], floating: tuple[Token, str], columns: list,
                         warnings: list[str]) -> list[Cell]:
    """A row printed one cell short, and a value of its block printed apart from it: the note
    beside the value names its column (seeded words), else only cells every placement agrees on."""
    value, note = floating
    named = [k for k, r in enumerate(columns) if r.note_zh and any(w in note for w in r.note_zh.split("|"))]
    places = named if len(named) == 1 else range(len(columns))
    placements = [[*map(_cell, tokens[:k]), _cell(value), *map(_cell, tokens[k:])] for k in places]
    values = agreed([[c.value for c in p] for p in placements])
    warnings.append(f"cell_apart:{item}:{value.raw}" + (f":{columns[named[0]].code}" if len(named) == 1 else ""))
    return [c if v is not None else NULL for c, v in zip(placements[0], values)]
