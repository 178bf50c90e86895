"""Stage 4, align: find tables 二, 三, 四 among the records by their content and align them to
the official form's rows, by the form's row order and fuzzy label matching.

A cell the report does not determine is None, with a warning saying why; nothing is guessed.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

from .cells import BLANK, TEXT, Token
from .digits import identity_instances, resolve_runs
from .form import LAYOUTS, Form
from .records import Record, bigrams, label_key

MATCH_MIN = 0.5  # weakest label similarity accepted as a match
VALUES_BONUS = 0.5  # a record that carries values is the likelier row
TABLE_WINDOW = 90  # records a table may span
_INNER_MARKER = re.compile(r"\([一二三四五六七八九十]{1,3}\)|\d{1,2}\.(?!\d)")


class Cell(NamedTuple):
    value: float | None
    raw: str | None
    line: int | None


@dataclass
class TableResult:
    found: bool = False
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # row code → cells
    warnings: list[str] = field(default_factory=list)
    score: float = 0.0  # complete cells plus label similarity, to compare layouts

    def complete(self) -> bool:
        return self.found and all(c.value is not None for cells in self.cells.values() for c in cells)


def record_scores(rec: Record, index: "LabelIndex") -> list[float]:
    """The record's similarity to every label of ``index``; the form's labels recur in every report,
    so scores are remembered by label text."""
    if rec.is_narrative:
        return index.zero
    return _scores_of_label(index, tuple(t.raw for t in rec.label_tokens))


@lru_cache(maxsize=1 << 16)
def _scores_of_label(index: "LabelIndex", label_tokens: tuple[str, ...]) -> list[float]:
    return index.scores(record_keys(Record(label_tokens=[Token(TEXT, raw) for raw in label_tokens]).finish()))


def record_keys(rec: Record) -> list[frozenset[str]]:
    """The bigram keys a record's label is matched by: the whole label, its last few cells (a row
    label at the end of a header it was merged into), and the part after an inner list marker."""
    if rec.is_narrative:
        return []
    keys = [bigrams(label_key(s)) for s in rec.label_suffixes()]
    label = rec.label
    inner = list(_INNER_MARKER.finditer(label))
    if inner:  # e.g. 三、本年度办理结果(一)予以公开 in one cell: the row is the part after the last marker
        keys.append(bigrams(label_key(label[inner[-1].end():])))
    return list(dict.fromkeys(k for k in keys if k))


class LabelIndex:
    """Form labels indexed by their bigrams: scores a record against every label in one pass."""

    def __init__(self, labels: list[str], groups: dict[str, slice] | None = None):
        self.labels = labels
        self.groups = groups or {}  # named runs of labels, e.g. a table's rows
        self.zero = [0.0] * len(labels)
        self.position = {label: i for i, label in enumerate(labels)}
        self.sizes = []
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            key = bigrams(label_key(label))
            self.sizes.append(len(key))
            for g in key:
                self.index[g].append(i)

    def scores(self, keys: list[frozenset[str]]) -> list[float]:
        """Best Dice similarity of each label to any of a record's keys (see ``record_keys``)."""
        best = [0.0] * len(self.labels)
        for key in keys:
            shared = Counter(chain.from_iterable(self.index.get(g, ()) for g in key))
            n = len(key)
            for i, c in shared.items():
                s = 2 * c / (n + self.sizes[i])
                if s > best[i]:
                    best[i] = s
        return best


@lru_cache(maxsize=4)
def label_index(form: Form) -> LabelIndex:
    """Every printed row label of tables 三 and 二, both layouts: each record is scored once."""
    applications = list(dict.fromkeys(r.match_zh for r in form.table_rows("applications")))
    proactive = list(dict.fromkeys(label for layout in LAYOUTS for _, label, _ in form.proactive_items(layout)))
    n = len(applications)
    return LabelIndex(applications + proactive,
                      {"applications": slice(0, n), "proactive": slice(n, n + len(proactive))})


def align(records: list[Record], score: list[list[float]]) -> list[tuple[int | None, float]]:
    """Order-preserving best alignment of form rows to records, given each row's similarity to
    each record: (record index | None, similarity) per row."""
    m, k = len(score), len(records)
    dp = [[0.0] * (k + 1) for _ in range(m + 1)]
    bonus = [VALUES_BONUS if r.values else 0.0 for r in records]
    for i in range(1, m + 1):
        row, prev, s_row = dp[i], dp[i - 1], score[i - 1]
        for j in range(1, k + 1):
            best = prev[j] if prev[j] > row[j - 1] else row[j - 1]
            s = s_row[j - 1]
            if s >= MATCH_MIN and prev[j - 1] + s + bonus[j - 1] > best:
                best = prev[j - 1] + s + bonus[j - 1]
            row[j] = best
    out: list[tuple[int | None, float]] = [(None, 0.0)] * m
    i, j = m, k
    while i > 0 and j > 0:
        s = score[i - 1][j - 1]
        if s >= MATCH_MIN and dp[i][j] == dp[i - 1][j - 1] + s + bonus[j - 1]:
            out[i - 1] = (j - 1, s)
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return out


def _cell(tok: Token | None) -> Cell:
    if tok is None:
        return Cell(None, None, None)
    return Cell(tok.value, tok.raw, tok.line)


def _integers(cells: list[Cell], code: str, warnings: list[str]) -> list[Cell]:
    """Tables 三 and 四 count requests and cases: a fraction there is a misread cell, not a value."""
    out = []
    for c in cells:
        if c.value is not None and c.value != int(c.value):
            warnings.append(f"cell_not_integer:{code}:{c.raw}")
            c = c._replace(value=None)
        out.append(c)
    return out


def row_cells(code: str, values: list[Token], n: int, warnings: list[str]) -> list[Cell] | None:
    """The n cells a record's values give, or None when they do not determine them (warned)."""
    if len(values) == n:
        for i, t in enumerate(values):
            if t.kind == BLANK:
                warnings.append(f"cell_blank:{code}:{i + 1}")
        return [_cell(t) for t in values]
    printed = [t for t in values if t.kind != BLANK]
    if len(printed) == n:  # blank cells padding the row
        return [_cell(t) for t in printed]
    if not values:
        warnings.append(f"row_no_values:{code}")
    elif len(printed) < n:
        warnings.append(f"row_incomplete:{code}:{len(printed)}/{n}")
    else:
        warnings.append(f"row_overfull:{code}:{len(printed)}/{n}")
    return None


def spread_blocks(codes: list[str], matches: list[int | None], records: list[Record], n: int) -> dict[str, list[Token]]:
    """Labels printed apart from their numbers: k label-only rows followed by one block of k·n values.

    The block is read row by row when each value sits in a cell of its own, column by column
    when it comes as n cells of k values (a converter stacking a column's values in one cell).
    """
    out: dict[str, list[Token]] = {}
    i = 0
    while i < len(codes):
        if matches[i] is None or records[matches[i]].values:
            i += 1
            continue
        run = [i]
        while run[-1] + 1 < len(codes) and matches[run[-1] + 1] is not None and not records[matches[run[-1] + 1]].values \
                and matches[run[-1] + 1] == matches[run[-1]] + 1:
            run.append(run[-1] + 1)
        nxt = matches[run[-1]] + 1
        block_row = run[-1] + 1
        if nxt < len(records):
            block = records[nxt]
            owners = list(run)
            if block_row < len(codes) and matches[block_row] == nxt:
                owners.append(block_row)
            elif any(m == nxt for m in matches):
                i = run[-1] + 1
                continue
            k = len(owners)
            vals = block.values
            if k > 1 and len(vals) == k * n:
                cells_used = {t.cell for t in vals}
                if len(cells_used) == len(vals):
                    rows = [vals[r * n:(r + 1) * n] for r in range(k)]
                elif len(cells_used) == n and all(sum(1 for t in vals if t.cell == c) == k for c in cells_used):
                    rows = [vals[r::k] for r in range(k)]
                else:
                    rows = []
                for r, owner in enumerate(owners if rows else []):
                    out[codes[owner]] = rows[r]
        i = run[-1] + 1
    return out


def fill_gaps_by_position(matches: list[int | None], records: list[Record], lo: int, hi: int) -> list[int | None]:
    """Rows left unmatched between two matched neighbours take the unmatched value records between
    them, in order, when their numbers agree (damaged labels the fuzzy match missed)."""
    out = list(matches)
    taken = {m for m in matches if m is not None}
    i = 0
    while i < len(out):
        if out[i] is not None:
            i += 1
            continue
        start = i
        while i < len(out) and out[i] is None:
            i += 1
        prev_rec = out[start - 1] if start > 0 else lo - 1
        next_rec = out[i] if i < len(out) else hi
        if prev_rec is None or next_rec is None:
            continue
        free = [j for j in range(prev_rec + 1, next_rec) if j not in taken and records[j].values
                and not records[j].is_narrative]
        if len(free) == i - start and start > 0 and i < len(out):
            for r, j in zip(range(start, i), free):
                out[r] = j
    return out


# --- the tables ---------------------------------------------------------------------------------


def find_applications_start(records: list[Record], scores: list[list[float]], form: Form) -> int | None:
    """The first record that reads like table 三's first rows, with more of its rows after it."""
    index = label_index(form)
    table = index.groups["applications"]
    first = [index.position[r.match_zh] for r in form.table_rows("applications", "2021")[:3]]
    strong = [max(sc[table]) >= 0.8 for sc in scores]
    for j, sc in enumerate(scores):
        if sc[first[0]] < 0.6 and max(sc[i] for i in first[1:]) < 0.8:
            continue
        if sum(strong[j + 1: j + 40]) >= 5:
            return j
    return None


def _score_matrix(labels: list[str], index: LabelIndex, scores: list[list[float]]) -> list[list[float]]:
    cols = [index.position[label] for label in labels]
    return [[sc[c] for sc in scores] for c in cols]


def window_end(records: list[Record], start: int, stop: int | None = None) -> int:
    end = min(len(records), start + TABLE_WINDOW, stop if stop is not None else len(records))
    for j in range(start + 1, end):
        if records[j].is_narrative:
            return j
    return end


def parse_applications(records: list[Record], scores: list[list[float]], form: Form, layout: str,
                       start: int | None) -> tuple[TableResult, int]:
    res = TableResult()
    rows = form.table_rows("applications", layout)
    codes = [r.code for r in rows]
    applicants = form.applicants
    n = len(applicants)
    if start is None:
        res.warnings.append("table_missing:applications")
        res.cells = {c: [Cell(None, None, None) for _ in range(n)] for c in codes}
        return res, 0
    end = window_end(records, start)
    end = next((j for j in range(start + 1, end) if is_reviews_header(records[j])), end)  # table 四 follows
    window = records[start:end]
    matches = align(window, _score_matrix([r.match_zh for r in rows], label_index(form), scores[start:end]))
    idx = [m for m, _ in matches]
    idx = fill_gaps_by_position(idx, window, 0, len(window))
    spread = spread_blocks(codes, idx, window, n)
    res.found = True
    grid: dict[tuple[str, str], int | None] = {}
    runs: dict[str, str] = {}
    for (m, sim), code, j in zip(matches, codes, idx):
        res.score += sim
        if j is None:
            res.warnings.append(f"row_missing:{code}")
            res.cells[code] = [Cell(None, None, None) for _ in range(n)]
            continue
        values = spread.get(code, window[j].values)
        if len(values) == 1 and values[0].is_digit_run and len(values[0].raw) >= n:
            runs[code] = values[0].raw
            res.cells[code] = [Cell(None, values[0].raw, values[0].line) for _ in range(n)]
            continue
        cells = row_cells(code, values, n, res.warnings)
        if cells is None:
            res.cells[code] = [Cell(None, None, None) for _ in range(n)]
            continue
        res.cells[code] = _integers(cells, code, res.warnings)
    for code, cells in res.cells.items():
        for col, c in zip(applicants, cells):
            grid[(code, col)] = int(c.value) if c.value is not None else None
    if runs:
        instances = identity_instances(form, "applications", layout, codes, applicants)
        decoded, failed = resolve_runs(grid, runs, applicants, instances)
        for code, cut in decoded.items():
            line = res.cells[code][0].line
            res.cells[code] = [Cell(float(v), str(v), line) for v in cut]
            res.warnings.append(f"digits_decoded:{code}:{runs[code]}")
        for code, why in failed.items():
            res.warnings.append(f"digits_{why.split(':')[0]}:{code}:{runs[code]}")
            res.cells[code] = [Cell(None, runs[code], res.cells[code][0].line) for _ in range(n)]
    res.score += sum(1 for cells in res.cells.values() for c in cells if c.value is not None)
    last = max((j for j in idx if j is not None), default=0)
    return res, start + last + 1


def parse_reviews(records: list[Record], form: Form, layout: str, start: int) -> TableResult:
    res = TableResult()
    codes = form.review_cells
    n = len(codes)
    for j in range(start, len(records)):
        rec = records[j]
        if rec.values and is_reviews_header(rec):
            break
    else:
        res.warnings.append("table_missing:reviews")
        res.cells = {c: [Cell(None, None, None)] for c in codes}
        return res
    res.found = True
    values = rec.values
    if len(values) == 1 and values[0].is_digit_run and len(values[0].raw) >= n:
        instances = [tuple((coef, ("reviews", cell[0])) for coef, cell in eq)
                     for eq in identity_instances(form, "reviews", layout, [], [])]
        decoded, failed = resolve_runs({}, {"reviews": values[0].raw}, codes, instances)
        if decoded:
            res.warnings.append(f"digits_decoded:reviews:{values[0].raw}")
            cells = [Cell(float(v), str(v), values[0].line) for v in decoded["reviews"]]
        else:
            res.warnings.append(f"digits_{failed['reviews'].split(':')[0]}:reviews:{values[0].raw}")
            cells = None
    else:
        cells = row_cells("reviews", values, n, res.warnings)
    cells = _integers(cells or [Cell(None, None, None) for _ in range(n)], "reviews", res.warnings)
    res.cells = {code: [c] for code, c in zip(codes, cells)}
    res.score = sum(1 for c in cells if c.value is not None)
    return res


def is_reviews_header(rec: Record) -> bool:
    """Table 四's header: 行政复议 … 行政诉讼 … 结果维持/纠正 (its values follow it)."""
    label = rec.label
    return "复议" in label and "诉讼" in label and ("维持" in label or "纠正" in label) and not rec.is_narrative


def find_proactive_start(records: list[Record]) -> int | None:
    for j, rec in enumerate(records):
        if "第二十条" in rec.label and not rec.is_narrative:
            return j
    return None


def parse_proactive(records: list[Record], scores: list[list[float]], form: Form, layout: str, start: int | None,
                    stop: int | None) -> TableResult:
    res = TableResult()
    items = form.proactive_items(layout)
    if start is None:
        res.warnings.append("table_missing:proactive")
        res.cells = {code: [Cell(None, None, None)] for _, _, codes in items for code in codes}
        return res
    end = window_end(records, start, stop if stop is not None and stop > start else None)
    window = records[start:end]
    matches = align(window, _score_matrix([label for _, label, _ in items], label_index(form), scores[start:end]))
    res.found = True
    for (j, sim), (item, _, codes) in zip(matches, items):
        res.score += sim
        n = len(codes)
        cells = None
        if j is None:
            res.warnings.append(f"row_missing:{item}")
        else:
            cells = row_cells(item, window[j].values, n, res.warnings)
        cells = cells or [Cell(None, None, None) for _ in range(n)]
        for code, c in zip(codes, cells):
            res.cells[code] = [c]
            res.score += c.value is not None
    return res
