"""Stage 4, align: find tables 二, 三 and 四 among the records and give each form row the values
printed for it.

Table 三's rows come in the form's order: an order-preserving alignment of rows to the runs of
values, scored by how much the text before each run reads like the row's label. A run holding
several rows' values (a row whose label was printed elsewhere, labels printed apart from their
numbers) feeds consecutive rows. Table 二's rows have labels no other row shares and are matched
wherever they are printed. Table 四 is the run of values after its header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .digits import identity_instances, is_run
from .form import LAYOUTS, Form, FormRow
from .labels import MARKER, LabelIndex, bigrams, label_key
from .order import Slot, settle
from .records import NUMBER, Record, Token, label_pieces

MATCH_MIN = 0.5  # weakest label similarity accepted as a match
MARGIN = 0.1  # how much more a text must read like one table-二 label than like any other
NAMED_MIN = 0.75  # a list item naming a row outright (a group header's 不予公开 reads like 予以公开 at 0.5)
VALUES_BONUS = 0.5  # a run with the row's number of values is the likelier one
CONTINUATION = 0.5  # a further row's worth of values in the run the row before took
POSITIONAL = 0.05  # a row whose label reads like nothing, between rows that do, takes the run there
TABLE_WINDOW = 120  # records a table may span
MIN_ROWS = 5  # rows with values that make table 三, not a mention of it in prose
OTHER_ROW = "other"  # 其他处理 as one row (the 2019 form), against three sub-rows (2021)
_ART20 = re.compile(r"第二十条第\s*[(（]\s*([一二三四五六七八九十]{1,2})\s*[)）]")
# headers and first rows only the tables print; the prose before the first of them and after table
# 四's header (its values printed just after it) is not read as tables
_TABLE_ANCHOR = re.compile(r"第二十条第|申请人情况|本年新收|上年结转|结果维持|尚未审结")
# table 四's header words; some print split across cells (尚未 | 总计 … 审结), so any of them counts
_LAST_HEADER = re.compile(r"尚未审结|结果维持|复议后起诉|直接起诉")
_TABLE_HEADER = re.compile(r"申请人情况|收到和处理")
HEADER_REACH = 8  # records between table 三's header and its first row's label
ANCHOR_BACKOFF = 300  # characters before the first anchor still read (a table's title and header)
VALUES_REACH = 1500  # characters after table 四's last header word its values are printed within
_LIST_NUMBER = re.compile(r"(?<!\d)(\d)\.")
_NUMERALS = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)}


@dataclass
class AlignedTable:
    """A table's rows with the value tokens printed for each (None: no row found)."""

    found: bool = False
    rows: dict[str, list[Token] | None] = field(default_factory=dict)
    score: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # table 二 only: values printed apart from their rows, with the note printed after each
    floating: dict[str, list[tuple[Token, str]]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class FormLabels:
    """The form's printed labels, indexed once per form."""

    applications: LabelIndex
    proactive: LabelIndex
    application_rows: dict[str, list[FormRow]]  # variant → rows in printed order
    list_numbers: tuple[str | None, ...]  # per label of ``applications``: its list number (2. 其他法律…)
    column: dict[str, int]  # a table 三 row code or a table 二 item → its label's position in its index
    sub_row_marks: tuple[frozenset[str], ...]  # per 2021 sub-row of 其他处理: the bigrams no other row's label has

    def application_scores(self, records: list[Record], j: int) -> tuple[float, ...]:
        """How much the label texts that may name record ``j``'s values read like each row's. Kept
        in the record (finding table 三, aligning it and the fast path ask again), for the record
        after it: the text below the values that may continue the label is that record's."""
        rec = records[j]
        after = records[j + 1] if j + 1 < len(records) else None
        kept = rec.__dict__.get("application_scores")
        if kept is not None and kept[0] is self and kept[1] is after:
            return kept[2]
        evidence = row_evidence(records, j)
        scores = self.applications.scores(evidence[0])
        if len(evidence) > 1:
            scores = tuple(map(max, scores, self.applications.scores(evidence[1])))
        rec.__dict__["application_scores"] = (self, after, scores)
        return scores


@lru_cache(maxsize=4)
def form_labels(form: Form) -> FormLabels:
    rows = form.table_rows("applications")
    apps = LabelIndex(list(dict.fromkeys(label_key(r.match_zh) for r in rows)))
    pro = LabelIndex(list(dict.fromkeys(label_key(label) for layout in LAYOUTS for _, label, _ in form.proactive_items(layout))))
    sub_rows = [r for r in rows if r.group_code == "other" and r.code != OTHER_ROW]
    variants = {
        "one_other_row": [r for r in rows if r not in sub_rows],
        "other_sub_rows": [r for r in rows if r.code != OTHER_ROW],
    }
    numbers = {label_key(r.match_zh): m.group(1) for r in rows if (m := _LIST_NUMBER.search(r.label_zh))}
    column = {r.code: apps.position[label_key(r.match_zh)] for r in rows}
    column |= {item: pro.position[label_key(label)] for layout in LAYOUTS for item, label, _ in form.proactive_items(layout)}
    others = {label_key(r.match_zh): bigrams(label_key(r.match_zh)) for r in rows}
    marks = tuple(frozenset(others[k] - frozenset().union(*(v for o, v in others.items() if o != k)))
                  for k in (label_key(r.match_zh) for r in sub_rows))
    return FormLabels(apps, pro, variants, tuple(numbers.get(label) for label in apps.labels), column, marks)


def sub_rows_printed(window: list[Record], labels: FormLabels) -> bool:
    """Whether the table prints 其他处理's 2021 sub-rows: most of what only their labels say is in
    its text, wherever it is printed (labels apart from, or after, their values too)."""
    text = bigrams(label_key("".join(rec.text for rec in window)))
    return any(mark and len(mark & text) >= 0.5 * len(mark) for mark in labels.sub_row_marks)


def tables_span(text: str) -> tuple[int, int]:
    """Where in the text the tables can be: from a little before the first header or row label
    only they print to a little after table 四's header (the whole text when they print none)."""
    m = _TABLE_ANCHOR.search(text)
    start = max(0, m.start() - ANCHOR_BACKOFF) if m else 0
    last = max((m.start() for m in _LAST_HEADER.finditer(text, start)), default=-1)
    return start, min(len(text), last + VALUES_REACH) if last >= start else len(text)


def layout_by_labels(form: Form, table_text: str) -> str | None:
    """The layout the tables' own text says, when it does: two or more of the labels and headers
    only that layout prints, and more of them than of the other's (``table_text`` as match keys)."""
    evidence = {layout: sum(m in table_text for m in form.layout_markers(layout)) for layout in LAYOUTS}
    top = max(evidence.values())
    leaders = [lay for lay in LAYOUTS if evidence[lay] == top]
    return leaders[0] if top >= 2 and len(leaders) == 1 else None


# --- table 三 -----------------------------------------------------------------------------------


def find_applications_start(records: list[Record], labels: FormLabels, n: int, after: int = 0) -> int | None:
    """The first record (from ``after`` on) with a row's worth of values whose text reads like
    table 三's first row (or second: the first may be damaged), with more of its rows after it;
    failing that, one that reads like its third row. Prose says 全年收到申请 75 件 and
    其中予以公开 11 件 too, with one value each; a row prints n (a few may be lost, or run together)."""
    first = [labels.column[r.code] for r in labels.application_rows["other_sub_rows"][:3]]
    scores: dict[int, tuple[float, ...] | None] = {}  # scored when looked at: the records after the table never are

    def score(j: int) -> tuple[float, ...] | None:
        if j not in scores:
            rec = records[j]
            scores[j] = labels.application_scores(records, j) if _row_like(rec.values, n) else None
        return scores[j]

    def strong(j: int) -> bool:
        sc = score(j)
        return sc is not None and max(sc) >= 0.8

    for starts in ((lambda sc: sc[first[0]] >= 0.6 or sc[first[1]] >= 0.8), (lambda sc: sc[first[2]] >= 0.8)):
        for j in range(after, len(records)):
            sc = score(j)
            if sc is not None and starts(sc) and sum(map(strong, range(j, min(j + 40, len(records))))) >= MIN_ROWS:
                return j
    return None


def _row_like(values: list[Token], n: int) -> bool:
    """Values that can be a row of n cells: all but a couple printed, or digits enough to cut."""
    return len(values) >= n - 2 or sum(len(t.raw) if t.is_digit_run else 1 for t in values) >= n


def align_applications(records: list[Record], labels: FormLabels, start: int | None, n: int,
                       end: int | None = None) -> tuple[AlignedTable, str, int]:
    """Table 三 aligned in both shapes of 其他处理 (one row, or three sub-rows; only the second when
    the table prints the sub-rows' labels), each settled against where its values are printed
    (``check_order``); the shape whose rows keep more values wins, then the better fit. Returns
    the table, the variant and the index of the record after its last row."""
    if start is None:
        rows = labels.application_rows["other_sub_rows"]
        return AlignedTable(rows={r.code: None for r in rows}, warnings=["table_missing:applications"]), \
            "other_sub_rows", 0
    stop = min(len(records), start + TABLE_WINDOW, end if end is not None else len(records))
    start = _header_before(records, start, n)
    window = give_back_list_numbers(records[start:stop + 1], labels)[:stop - start]
    grid = _Grid(window, labels, n)
    variants = labels.application_rows
    shared = next(i for i, (a, b) in enumerate(zip(*variants.values())) if a is not b)  # rows both shapes print
    prefix = grid.extend([], variants["one_other_row"][:shared])
    best = None
    for variant, rows in variants.items():
        if variant == "one_other_row" and sub_rows_printed(window, labels):
            continue  # the shape printed: the row counts that decide an order depend on it
        score, assignment = grid.assignment(rows, grid.extend(prefix, rows[shared:]))
        warnings = grid.check_order(rows, assignment)
        # the shape whose rows keep their values after the order check, then the better alignment
        if best is None or (len(assignment), score) > (len(best[3]), best[0]):
            best = (score, variant, rows, assignment, warnings)
    score, variant, rows, assignment, warnings = best
    table, last = grid.table(rows, assignment, score)
    table.warnings += warnings
    return table, variant, start + last + 1


def align_by_form_order(records: list[Record], form: Form, labels: FormLabels, n: int,
                        after: int = 0) -> tuple[AlignedTable, str, int] | None:
    """Table 三 whose labels are printed apart from its values, torn into pieces (pdftotext's
    reading order for a drawn table: blocks of values and blocks of label fragments in turn), read
    in the form's order: the values between table 三's heading and table 四's, row by row. Accepted
    only when every one of them is a count, there are exactly a shape's rows × n of them, and every
    identity of that shape holds (each row's total, the columns' balances), which a run misplaced
    by a row or read column by column breaks; otherwise None."""
    head = next((j for j in range(after, len(records)) if _TABLE_HEADER.search(records[j].label)), None)
    if head is None:
        return None
    end = next((j for j in range(head + 1, len(records)) if "复议" in records[j].label), None)
    if end is None:
        return None
    values = [t for rec in records[head:end] for t in rec.values]
    if any(t.kind != NUMBER or not isinstance(t.value, int) for t in values):
        return None
    for variant, rows in labels.application_rows.items():
        if len(values) != len(rows) * n:
            continue
        cells = {r.code: values[i * n:(i + 1) * n] for i, r in enumerate(rows)}
        layout = "2019" if variant == "one_other_row" else "2021"
        columns = list(form.applicants)
        for _, equation in identity_instances(form, "applications", layout, list(cells), columns):
            if sum(sign * cells[row][columns.index(col)].value for sign, (row, col) in equation) != 0:
                return None
        return AlignedTable(found=True, rows=dict(cells), warnings=["table_by_form_order:applications"]), variant, end
    return None


def _header_before(records: list[Record], start: int, n: int) -> int:
    """Where table 三 begins when a row's worth of values is printed between its header and its
    first row's label (labels printed after their values): the header's record, so that the
    alignment sees those values too; else ``start``."""
    for j in range(start - 1, max(-1, start - HEADER_REACH), -1):
        if _TABLE_HEADER.search(records[j].text):
            return j if any(_row_like(records[i].values, n) for i in range(j, start)) else start
    return start


def give_back_list_numbers(window: list[Record], labels: FormLabels) -> list[Record]:
    """A list number printed at the end of the values before its label (``…00000002.其他法律…``,
    ``… 0 2.其他法律…``) is the label's, not a cell: when the label glued after a run starts
    ``.`` or ``、`` and reads like the row numbered by the run's last digit (with the rest of it
    wrapped below the values, see ``continuation``), the digit goes back to the label. (``…0 5、本年度办理结果`` keeps its 5: no row numbered 5 reads like that.)"""
    out = list(window)
    index = labels.applications
    for j in range(len(out) - 1):
        rec, nxt = out[j], out[j + 1]
        last = rec.values[-1] if rec.values else None
        if last is None or not last.raw.isdigit() or last.raw[-1] == "0" or not nxt.glued \
                or nxt.label[0] not in ".、" or not nxt.pieces:
            continue
        scores = index.scores(nxt.pieces[:1])
        if wrapped := continuation(out, j + 1) if len(nxt.pieces) == 1 else ():
            scores = tuple(map(max, scores, index.scores(nxt.pieces[:1] + wrapped)))
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] >= MATCH_MIN and labels.list_numbers[best] == last.raw[-1]:
            kept = [last._replace(raw=last.raw[:-1], value=int(last.raw[:-1]), printed=last.printed[:len(last.raw) - 1])
                    ] if len(last.raw) > 1 else []
            out[j] = Record(rec.label, rec.values[:-1] + kept)
            out[j + 1] = Record(last.raw[-1] + nxt.label, nxt.values)
    return out


def row_evidence(window: list[Record], j: int) -> list[tuple[str, ...]]:
    """The label texts that may name record ``j``'s values, as pieces. A list marker on the values'
    own line starts the row's label there (what is before it on the line is another cell's text: a
    group header, the tail of the label above); a label wrapped in a narrow cell goes on below the
    values' line (``5.属于 3 57 … 110`` / ``三类内`` / ``部事务信息``, see ``continuation``)."""
    rec = window[j]
    line = rec.label[rec.label.rfind("\n") + 1:]
    head = None
    for head in MARKER.finditer(line):
        pass
    own = label_pieces(line[head.start():]) if head else rec.pieces
    wrapped = continuation(window, j)
    return [own, own + wrapped] if wrapped else [own]


def continuation(window: list[Record], j: int) -> tuple[str, ...]:
    """The rest of a label wrapped around record ``j``'s values: the lines after them up to the
    next list marker or values, as pieces (none when the next text is on the values' line)."""
    nxt = window[j + 1] if j + 1 < len(window) else None
    if nxt is None or not nxt.label.lstrip(" \t|").startswith("\n"):
        return ()
    marker = MARKER.search(nxt.label)
    return label_pieces(nxt.label[:marker.start() if marker else len(nxt.label)])


class _Grid:
    """Order-preserving alignment of form rows to the slots of a window (a slot is a row's worth
    of values: a run of k·n values is k slots), by dynamic programming one row at a time, so that
    rows two alignments share are computed once."""

    def __init__(self, window: list[Record], labels: FormLabels, n: int):
        self.window, self.n, self.index, self.column = window, n, labels.applications, labels.column
        self.slots: list[tuple[int, int, int]] = []  # (record, chunk, chunks)
        self.scores: list[tuple[float, ...] | None] = []  # per slot: every label's similarity (None: a further chunk)
        self.fits: list[float] = []
        self.row_like: list[bool] = []  # per slot: the run can be a row's values (all but a couple, or digits to cut)
        for j, rec in enumerate(window):
            if not rec.values:
                continue
            k = len(rec.values) // n if len(rec.values) >= 2 * n and len(rec.values) % n == 0 else 1
            for c in range(k):
                self.slots.append((j, c, k))
                if c == 0:
                    sc = self.index.scores(rec.pieces) if k > 1 else labels.application_scores(window, j)
                    if k > 1:  # labels printed apart from their numbers: the first of them, before the others
                        sc = tuple(map(max, sc, self.index.scores(rec.pieces[: len(rec.pieces) - (k - 1)])))
                    self.scores.append(sc)
                else:
                    self.scores.append(None)
                count = len(rec.values) if k == 1 else n
                self.row_like.append(k > 1 or _row_like(rec.values, n))
                self.fits.append(VALUES_BONUS if count == n or (k == 1 and is_run(rec.values, n)) else 0.0)

    def extend(self, states: list[tuple[list[float], list[float]]], rows: list[FormRow]) -> list:
        """The DP rows after ``states`` for ``rows``: per row, (best with rows ≤ it and slots ≤ s,
        score with the row on slot s), both 1-based over slots."""
        neg, size = float("-inf"), len(self.slots) + 1
        scores, fits = self.scores, self.fits
        prev_best, prev_matched = states[-1] if states else ([0.0] * size, [neg] * size)
        out = list(states)
        for row in rows:
            col = self.column[row.code]
            best, matched = [0.0] * size, [neg] * size
            left = 0.0
            for s in range(1, size):
                sc, fit = scores[s - 1], fits[s - 1]
                if sc is None:  # a further chunk of a run: only after the row before took the chunk before
                    pm = prev_matched[s - 1]
                    score = pm + CONTINUATION + fit if pm > neg else neg
                else:
                    sim = sc[col]
                    if sim >= MATCH_MIN:
                        score = prev_best[s - 1] + sim + fit
                    elif fit:
                        score = prev_best[s - 1] + POSITIONAL + fit
                    else:
                        score = neg
                matched[s] = score
                top = prev_best[s]
                if left > top:
                    top = left
                if score > top:
                    top = score
                best[s] = left = top
            out.append((best, matched))
            prev_best, prev_matched = best, matched
        return out

    def assignment(self, rows: list[FormRow], states: list) -> tuple[float, dict[int, int]]:
        """The alignment the DP found, read back from its last cell: its score and each row's slot."""
        zero = [0.0] * (len(self.slots) + 1)
        assignment: dict[int, int] = {}
        i, s, forced = len(rows), len(self.slots), False
        while i > 0 and s > 0:
            best, matched = states[i - 1]
            above = states[i - 2][0] if i > 1 else zero
            if forced or (best[s] == matched[s] and best[s] != above[s] and best[s] != best[s - 1]):
                assignment[i - 1] = s - 1
                forced = self.scores[s - 1] is None  # a further chunk: the row before took the chunk before
                i, s = i - 1, s - 1
            elif best[s] == above[s]:
                i -= 1
            else:
                s -= 1
        return (states[-1][0][-1] if states else 0.0), assignment

    def table(self, rows: list[FormRow], assignment: dict[int, int], score: float) -> tuple[AlignedTable, int]:
        """Each row's values by its slot; and the last record a row took."""
        table = AlignedTable(found=True, score=score)
        last = 0
        for r, row in enumerate(rows):
            slot = assignment.get(r)
            if slot is None:
                table.rows[row.code] = None
                table.warnings.append(f"row_missing:{row.code}")
                continue
            j, c, k = self.slots[slot]
            table.rows[row.code] = _chunk(self.window[j].values, c, k, self.n)
            if table.rows[row.code] is None:
                table.warnings.append(f"run_order_unknown:{row.code}")
            last = max(last, j)
        return table, last

    def line_label(self, slot: int) -> int | None:
        """The row (label position) whose label is printed on the line the slot's values start on
        (and wrapped below it), if one reads like it more than like any other (None for a further
        row of a run)."""
        j, c, k = self.slots[slot]
        if c > 0:
            return None
        label = self.window[j].label
        own = label_pieces(label[label.rfind("\n") + 1:])
        if not own:
            return None
        scores = self.index.scores(own)
        if wrapped := continuation(self.window, j):
            scores = tuple(map(max, scores, self.index.scores(own + wrapped)))
        best = max(range(len(scores)), key=scores.__getitem__)
        return best if scores[best] >= MATCH_MIN and scores.count(scores[best]) == 1 else None

    def named(self, slot: int) -> tuple[int, ...]:
        """The rows (label positions) the text before the slot's run names, in printed order (from
        the values before it on: records a list number given back left without values too; none
        before a further row of a run); for ``len(slots)``, the rows named after the last run."""
        if slot == len(self.slots):
            last = self.slots[-1][0] if self.slots else -1
            return self.rows_named("".join(rec.label for rec in self.window[last + 1:]))
        j, c, k = self.slots[slot]
        if c > 0:
            return ()
        first = j
        while first > 0 and not self.window[first - 1].values:
            first -= 1
        return self.rows_named("".join(rec.label for rec in self.window[first:j + 1]))

    def rows_named(self, text: str) -> tuple[int, ...]:
        """The rows (label positions) a text names outright, one per list item in it."""
        bounds = [0, *(m.start() for m in MARKER.finditer(text) if m.start() > 0), len(text)]
        out = []
        for a, b in zip(bounds, bounds[1:]):
            scores = self.index.scores(label_pieces(text[a:b]))
            best = max(range(len(scores)), key=scores.__getitem__)
            if scores[best] >= NAMED_MIN and best not in out:
                out.append(best)
        return tuple(out)

    def check_order(self, rows: list[FormRow], assignment: dict[int, int]) -> list[str]:
        """The alignment settled against where its values are printed (see ``order``). Changes
        ``assignment``."""
        slots = [Slot(self.line_label(s), self.row_like[s]) for s in range(len(self.slots))]
        settled, warnings = settle([self.column[r.code] for r in rows], slots, self.named, assignment)
        assignment.clear()
        assignment.update(settled)
        return [f"{kind}:{rows[r].code}" for kind, r in warnings]


def _chunk(values: list[Token], c: int, k: int, n: int) -> list[Token] | None:
    """Row c of a run of k rows: read row by row when the source printed it as k lines of n values,
    column by column when as n cells of k values on one line (a converter stacking a column in one
    cell) or as n lines of k values. Without that evidence the row totals decide (a converter
    printing a block column by column puts each column's values on lines of their own): the
    reading whose rows add up, None when both or neither do and they differ."""
    if k == 1:
        return values
    lines = _grouped(values, lambda t: t.line)
    if len(lines) == k and all(len(v) == n for v in lines):
        return lines[c]
    cells = _grouped(values, lambda t: t.cell)
    if len(lines) == 1 and len(cells) == n and all(len(v) == k for v in cells) or \
            len(lines) == n and all(len(v) == k for v in lines):
        return [column[c] for column in (cells if len(lines) == 1 else lines)]
    by_row = [values[r * n:(r + 1) * n] for r in range(k)]
    by_column = [values[r::k] for r in range(k)]
    rows_add_up = all(_adds_up(row) is not False for row in by_row)
    columns_add_up = all(_adds_up(row) is not False for row in by_column)
    if rows_add_up and (not columns_add_up or by_row == by_column):
        return by_row[c]
    return by_column[c] if columns_add_up and not rows_add_up else None


def _grouped(values: list[Token], key) -> list[list[Token]]:
    groups: dict[int, list[Token]] = {}
    for t in values:
        groups.setdefault(key(t), []).append(t)
    return list(groups.values())


def _adds_up(row: list[Token]) -> bool | None:
    """Whether a row's last cell is the total of the others (None: a cell is not a number)."""
    if any(t.value is None or isinstance(t.value, float) for t in row):
        return None
    return sum(t.value for t in row[:-1]) == row[-1].value


# --- table 四 -----------------------------------------------------------------------------------


def is_reviews_header(rec: Record) -> bool:
    """Table 四's header: 行政复议 … 行政诉讼 … 结果维持/纠正 (its values follow it). Headings
    printed one character a line (``结 结`` / ``果 果`` / ``维 纠`` / ``持 正``) say the order of
    the columns only with the values on one line after them: a converter that also prints each
    value on a line of its own follows the PDF's drawing order, not the table's."""
    text = rec.text
    if "复议" not in text or "诉讼" not in text:
        return False
    return "维持" in text or "纠正" in text or (all(c in text for c in "维持纠正审结")
                                                and len({t.line for t in rec.values}) == 1)


def find_reviews(records: list[Record], start: int) -> int | None:
    return next((j for j in range(start, len(records)) if records[j].values and is_reviews_header(records[j])), None)


def review_values(records: list[Record], at: int, n: int, form: Form) -> list[Token]:
    """Table 四's values: the run after its header, and when that run is short, the runs after
    it that only table 四's own header words separate (a table printed column by column:
    结果维持 0 结果纠正 1 …)."""
    values = list(records[at].values)
    words = _review_words(form)
    j = at + 1
    while len(values) < n and j < len(records) and records[j].values and not words.sub("", records[j].text):
        values += records[j].values
        j += 1
    return values


@lru_cache(maxsize=4)
def _review_words(form: Form) -> re.Pattern:
    """Table 四's header words, and their halves (a narrow cell wraps 结果维持 as 结果 / 维持)."""
    words = {w for r in form.table_rows("reviews") for w in (*r.label_zh.split(), r.column_zh) if w}
    words |= {w[:k] for w in words for k in (2,)} | {w[2:] for w in words if len(w) == 4}
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r"|[\W_]")


# --- table 二 -----------------------------------------------------------------------------------


def find_proactive_start(records: list[Record], before: int | None, after: int = 0) -> int | None:
    """The first record (from ``after`` on) printing a 第二十条第(…)项 header, within a table's
    reach of table 三."""
    earliest = after if before is None else max(after, before - TABLE_WINDOW)
    stop = len(records) if before is None else before
    return next((j for j in range(earliest, stop) if _ART20.search(records[j].text)), None)


def align_proactive(records: list[Record], labels: FormLabels, form: Form, layout: str, start: int | None,
                    stop: int | None) -> AlignedTable:
    """Each item of table 二 takes the run after the text that reads most like its label (each run
    once), a text reading as much like another item's label naming neither (``行政`` of a label cut
    short: 许可, 处罚 or 强制); each 第二十条 block is then settled against where its runs are printed
    (labels after their values, cut short: see ``order``); runs left over inside a block are values
    printed apart from their rows."""
    items = form.proactive_items(layout)
    table = AlignedTable()
    if start is None:
        table.rows = {item: None for item, _, _ in items}
        table.warnings.append("table_missing:proactive")
        return table
    end = min(len(records), start + TABLE_WINDOW, stop if stop is not None and stop > start else len(records))
    index = labels.proactive
    cols = [labels.column[item] for item, _, _ in items]
    pairs = []
    for j in range(start, end):
        if records[j].values:
            sc = index.scores(records[j].pieces)
            mine = sorted((sc[col] for col in cols), reverse=True)
            pairs += [(sc[col], -j, k) for k, col in enumerate(cols)
                      if sc[col] >= MATCH_MIN and sc[col] == mine[0] and (len(mine) < 2 or mine[1] < sc[col] - MARGIN)]
    taken: dict[int, int] = {}  # item → record
    used: set[int] = set()
    for sim, neg_j, k in sorted(pairs, reverse=True):
        if k not in taken and -neg_j not in used:
            taken[k] = -neg_j
            used.add(-neg_j)
            table.score += sim
    table.found = True
    blocks = _blocks(records, start, end)
    group_of = {r.item: r.group_code for r in form.table_rows("proactive", layout)}
    for group in dict.fromkeys(group_of.values()):
        runs = [j for j in range(start, end) if records[j].values and blocks[j - start] == group]
        # the block's items, but those whose label is printed with their values elsewhere
        members = [k for k, (item, _, _) in enumerate(items) if group_of[item] == group and (k not in taken or taken[k] in runs)]
        if runs and members:
            settled, said = _settle_block(records, runs, [cols[k] for k in members], index,
                                          {m: runs.index(taken[k]) for m, k in enumerate(members) if taken.get(k) in runs},
                                          len(items[members[0]][2]))
            for k in members:
                used.discard(taken.pop(k, None))
            for m, slot in settled.items():
                taken[members[m]] = runs[slot]
                used.add(runs[slot])
            table.warnings += [f"{kind}:{items[members[m]][0]}" for kind, m in said]
    for k, (item, _, codes) in enumerate(items):
        j = taken.get(k)
        table.rows[item] = None if j is None else records[j].values
        if j is None:
            table.warnings.append(f"row_missing:{item}")
    for j in range(start, end):
        if records[j].values and j not in used and blocks[j - start]:
            note = records[j + 1].leading_note if j + 1 < len(records) else ""
            for item, group in group_of.items():
                if group == blocks[j - start] and item in table.rows:
                    values = records[j].values  # the note is printed after the last of them
                    table.floating.setdefault(group, []).extend((t, note if t is values[-1] else "") for t in values)
                    break
    return table


def _settle_block(records: list[Record], runs: list[int], columns: list[int], index: LabelIndex,
                  assignment: dict[int, int], width: int) -> tuple[dict[int, int], list[tuple[str, int]]]:
    """A 第二十条 block's items settled against where its runs are printed (see ``order``): the
    labels printed on a run's line, and those between it and the run before (the block's header
    and what follows the next block's header are not its)."""
    def named(text: str) -> tuple[int, ...]:
        out = []
        for piece in label_pieces(text):
            scores = index.scores((piece,))
            best = max(columns, key=scores.__getitem__)
            if scores[best] >= NAMED_MIN and best not in out:
                out.append(best)
        return tuple(out)

    def on_line(label: str) -> int | None:
        scores = index.scores(label_pieces(label[label.rfind("\n") + 1:]))
        best = max(columns, key=scores.__getitem__)
        return best if scores[best] >= MATCH_MIN and sum(scores[c] == scores[best] for c in columns) == 1 else None

    def before(slot: int) -> tuple[int, ...]:
        if slot == len(runs):  # after the last run, up to the next block's header
            after = records[runs[-1] + 1].label if runs[-1] + 1 < len(records) else ""
            head = _ART20.search(after)
            return named(after[:head.start()] if head else after)
        text = "".join(records[i].label for i in range((runs[slot - 1] if slot else runs[0] - 1) + 1, runs[slot] + 1))
        heads = list(_ART20.finditer(text))
        return named(text[heads[-1].end():] if heads else text)

    slots = [Slot(on_line(records[j].label), len(records[j].values) >= width - 1) for j in runs]
    return settle(columns, slots, before, assignment)


def _blocks(records: list[Record], start: int, end: int) -> list[str | None]:
    """The 第二十条 block (``art20_1`` …) each record of the window is printed in."""
    out, current = [], None
    for j in range(start, end):
        heads = _ART20.findall(records[j].text)
        if heads:
            current = f"art20_{_NUMERALS.get(heads[-1], 0)}"
        out.append(current)
    return out
