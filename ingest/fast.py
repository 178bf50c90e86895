"""The fast path: a single pass over the records for tables printed cleanly, accepted only where
the full reader (``align``, ``order``, ``cells``, ``digits``) would read exactly the same.

Most reports print the form as it is: table 二's items and table 三's rows in the form's order,
each with its label before its values (on their line, or the line above when each cell is a
line), the label reading like the form's, every value a number of its own, the counts exact, the
identities holding. For them the full reader's dynamic programming, order check and digit
cutting only confirm what one pass sees. This pass takes the records in the form's order and
accepts only when every condition below holds; anything else (a row missing, a value blank or run
together, a label that could name another row, a table printed twice, a total that does not add
up, a layout only table 二's fit or the year decides) declines, and the full reader runs. An
accepted read gives the same cells, warnings and status as the full reader: ``tests/test_fast.py``
checks that on every corpus at hand and on generated reports, clean and damaged.

Where the full reader's own decisions are cheap (where table 三 starts, table 四's header, table
二's first block, the layout's printed evidence, each label's similarity), this pass calls the same
functions, so the two cannot disagree there; where they are costly (the alignment), it checks a
condition under which the full reader can only read the table one way (``_aligned_in_order``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .align import MARGIN, MATCH_MIN, POSITIONAL, VALUES_BONUS, FormLabels, _blocks, _header_before, \
    find_applications_start, find_proactive_start, find_reviews, form_labels, layout_by_labels, row_evidence, \
    sub_rows_printed
from .cells import Cell, TableResult, _measures, printed_cells
from .digits import identity_instances
from .form import Form, FormRow
from .labels import label_key
from .records import NUMBER, Record, Token

MAX_DIGITS = 18  # table 三 and 四 cells are int64


class CleanTables(NamedTuple):
    """The tables as the full reader's first table set would hold them (see ``parse.TableSet``)."""

    layout: str
    applications_layout: str
    applications: TableResult
    proactive: TableResult
    reviews: TableResult
    warnings: list[str]
    end: int  # the record after the set


def read_clean(records: list[Record], form: Form, reference: str | None) -> CleanTables | None:
    """The report's first table set when it is printed cleanly (see the module), else None."""
    labels = form_labels(form)
    n = len(form.applicants)
    start = find_applications_start(records, labels, n, 0)
    if start is None:
        return None
    rows = _application_rows(records, labels, start, n)
    if rows is None:
        return None
    variant, applications_layout = rows
    end = start + len(labels.application_rows[variant])  # the record after table 三's last row
    # table 四's header is the record right after table 三 (nothing between them the alignment could take)
    if find_reviews(records, start) != end or _header_before(records, start, n) != start:
        return None
    window = records[start:end]
    if variant == "one_other_row" and sub_rows_printed(window, labels):
        return None  # the full reader would align only the other shape of 其他处理 (with three sub-rows,
        # 25 rows on 25 runs outscore one row in their place whatever it tries)
    pro_start = find_proactive_start(records, start, 0)
    if pro_start is None:
        return None
    table_text = label_key("".join(records[j].text for j in range(pro_start, end)))
    layout = layout_by_labels(form, table_text) or reference
    if layout is None:
        return None  # table 二's fit or the year would decide: the full reader's call
    row_codes = tuple(r.code for r in labels.application_rows[variant])
    reviews = _values(records[end].values, len(form.review_cells))
    if reviews is None or not _identities_hold(form, applications_layout, row_codes, [rec.values for rec in window],
                                               reviews):
        return None
    proactive = _proactive(records, labels, form, layout, pro_start, start)
    if proactive is None:
        return None
    applications = TableResult(found=True, cells={code: _cells(rec.values) for code, rec in zip(row_codes, window)})
    review_table = TableResult(found=True, cells={code: [c] for code, c in zip(form.review_cells, _cells(reviews))})
    codes = form.application_rows(layout)
    printed = [c for c in row_codes if c not in codes]
    shape = "other_as_one_row" if variant == "one_other_row" else "other_sub_rows"
    warnings = [f"layout_mixed:{shape}"] if printed else []
    warnings += [f"row_not_printed:{code}" for code in codes if code not in applications.cells]
    return CleanTables(layout, applications_layout, applications, proactive, review_table, warnings, end + 1)


def _application_rows(records: list[Record], labels: FormLabels, start: int, n: int) -> tuple[str, str] | None:
    """(variant, the layout table 三 follows) when the records from ``start`` are table 三's rows in
    the form's order, each of ``n`` clean values, its label reading like its row (see
    ``_named_alike``), and the alignment can only read them one row per record (see
    ``_aligned_in_order``); else None."""
    variants = labels.application_rows
    shared = _shared_rows(labels)
    rows = variants["other_sub_rows"]
    scores = []
    for i in range(len(rows)):
        j = start + i
        if j >= len(records) or _values(records[j].values, n) is None or _glued(records, j):
            return None
        scores.append(labels.application_scores(records, j))
        if i == shared:  # 其他处理: one row (2019) or three sub-rows (2021), as the label reads
            best = max(range(len(scores[i])), key=scores[i].__getitem__)
            variant = next((v for v, vrows in variants.items() if labels.column[vrows[shared].code] == best), None)
            if variant is None:
                return None
            rows = variants[variant]
        if i == len(rows) - 1:
            break
    # the alignment sees table 三 alone: its last row's label has no text after it to continue in
    scores[-1] = labels.application_scores(records[start:start + len(rows)], len(rows) - 1)
    columns = [labels.column[r.code] for r in rows]
    named = all(_named_alike(records, start + i, sc, row, col)
                for i, (sc, row, col) in enumerate(zip(scores, rows, columns)))
    if not named or not _aligned_in_order(scores, columns):
        return None
    return variant, "2019" if variant == "one_other_row" else "2021"


def _named_alike(records: list[Record], j: int, scores: tuple[float, ...], row: FormRow, column: int) -> bool:
    """Record ``j``'s label reads like the row's (what the alignment counts a match), or is the
    row's label printed without its parenthetical note (``(二)部分公开``)."""
    if scores[column] >= MATCH_MIN:
        return True
    short = _without_note(row.match_zh)
    return short is not None and row_evidence(records, j)[0][-1:] == (short,)


@lru_cache(maxsize=64)
def _without_note(label: str) -> str | None:
    key = label_key(label.split("(")[0])
    return key if key and key != label_key(label) else None


def _aligned_in_order(scores: list[tuple[float, ...]], columns: list[int]) -> bool:
    """Whether the alignment's best reading of these runs (one per row, every run a row's worth of
    values) is row i on run i, and no other reading scores as much.

    The alignment scores a row on a run by its label's similarity there (at least ``MATCH_MIN``),
    else by position, plus the same bonus for a full run. Any other order-preserving reading of n
    rows on n runs leaves a row without values, losing at least the least any row scores on its
    own run; what it can win is at most, summed over rows, how much more a row scores on some
    other run than on its own. When that sum is less, reading them in order is the only best."""
    def gain(similarity: float) -> float:
        return (similarity if similarity >= MATCH_MIN else POSITIONAL) + VALUES_BONUS

    own = [gain(sc[col]) for sc, col in zip(scores, columns)]
    row_of = {col: r for r, col in enumerate(columns)}
    excess = [0.0] * len(columns)
    for s, sc in enumerate(scores):
        for col in [col for col, similarity in enumerate(sc) if similarity >= MATCH_MIN]:
            r = row_of.get(col)
            if r is not None and r != s and (more := gain(sc[col]) - own[r]) > excess[r]:
                excess[r] = more
    return sum(excess) < min(own)


@lru_cache(maxsize=4)
def _shared_rows(labels: FormLabels) -> int:
    """How many of table 三's first rows both shapes of 其他处理 print."""
    one, sub = labels.application_rows["one_other_row"], labels.application_rows["other_sub_rows"]
    return next(i for i, (a, b) in enumerate(zip(one, sub)) if a is not b)


def _glued(records: list[Record], j: int) -> bool:
    """The next label is printed right after record ``j``'s last value (a list number there may be the label's)."""
    return j + 1 < len(records) and records[j + 1].glued


def _values(values: list[Token], n: int) -> list[Token] | None:
    """A row's ``n`` values when each is a count printed on its own (no blank, sign, comma, unit or
    footnote mark: then its characters are all digits, as many as printed, fewer than int64 holds)."""
    if len(values) != n:
        return None
    digits = "".join([t.raw for t in values])
    if not digits.isdigit() or len("".join([t.printed for t in values])) != len(digits) \
            or len(digits) > MAX_DIGITS and max(len(t.raw) for t in values) > MAX_DIGITS:
        return None
    return values


def _cells(values: list[Token]) -> list[Cell]:
    new = tuple.__new__  # Cell(…) costs a Python call per cell
    return [new(Cell, (t.value, t.printed, t.line, None)) for t in values]


def _proactive(records: list[Record], labels: FormLabels, form: Form, layout: str, start: int,
               stop: int) -> TableResult | None:
    """Table 二 when the records from ``start`` to ``stop`` are its items in the form's order, one
    record each, in its block, each value printed on its own, as many as the item has columns (or
    as many numbers and blank cells padding them), each record reading like its own item by
    ``MARGIN`` more than like any other (as ``align_proactive`` pairs them); else None. Its cells
    are made by the full reader's own functions."""
    items = form.proactive_items(layout)
    if stop - start != len(items):
        return None
    index = labels.proactive
    cols = [labels.column[item] for item, _, _ in items]
    group_of = {r.item: r.group_code for r in form.table_rows("proactive", layout)}
    form_rows = {r.code: r for r in form.table_rows("proactive", layout)}
    blocks = _blocks(records, start, stop)
    width = {}  # a block's first item's columns (what the block's settling counts a row's worth by)
    for item, _, codes in items:
        width.setdefault(group_of[item], len(codes))
    res = TableResult(found=True)
    for k, (item, _, codes) in enumerate(items):
        rec = records[start + k]
        values = rec.values
        if len(values) < width[group_of[item]] - 1 or blocks[k] != group_of[item]:
            return None
        scores = index.scores(rec.pieces)
        mine = sorted((scores[c] for c in cols), reverse=True)
        if scores[cols[k]] != mine[0] or mine[0] < MATCH_MIN or (len(mine) > 1 and mine[1] >= mine[0] - MARGIN):
            return None
        if len(values) < len(codes) or not all(t.spaced for t in values):
            return None  # a cell short (a value printed apart, or cells run together): the full reader's call
        # the cells as the full reader makes them of a row printed cell by cell (blank cells, blank
        # cells padding the row, footnote marks, values a double would not hold: the same warnings)
        cells = printed_cells(item, values, len(codes), res.warnings)
        if cells is None:
            return None
        for code, c in zip(codes, _measures(item, cells, [form_rows[code] for code in codes], res.warnings)):
            res.cells[code] = [c]
    return res


def _identities_hold(form: Form, layout: str, codes: tuple[str, ...], rows: list[list[Token]],
                     reviews: list[Token]) -> bool:
    """Every identity of tables 三 (``rows``, the values of the rows ``codes``) and 四 holds as printed."""
    values = [[t.value for t in row] for row in rows]
    values.append([t.value for t in reviews])  # row -1
    for equation in _equations(form, layout, codes):
        if sum([coef * values[r][c] for coef, r, c in equation]):
            return False
    return True


@lru_cache(maxsize=4)
def _equations(form: Form, layout: str, codes: tuple[str, ...]) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    """The form's identities of tables 三 (its rows ``codes``) and 四 as terms (coefficient, row,
    column), row -1 for table 四's cells."""
    row_of = {code: i for i, code in enumerate(codes)}
    column_of = {code: i for i, code in enumerate(form.applicants)}
    cell_of = {code: i for i, code in enumerate(form.review_cells)}
    out = [tuple((coef, row_of[row], column_of[col]) for coef, (row, col) in eq)
           for _, eq in identity_instances(form, "applications", layout, list(codes), list(form.applicants))]
    out += [tuple((coef, -1, cell_of[cell]) for coef, (cell, _) in eq)
            for _, eq in identity_instances(form, "reviews", layout, [], [])]
    return tuple(out)
