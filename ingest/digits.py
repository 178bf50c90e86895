"""Stage 5, digits: cells printed without separators, cut with the form's identities.

``640020470`` for a row of 7 cells is 64|0|0|2|0|4|70 only because the form says the last cell is
the sum of the others, and the columns of the whole table must balance. Every cut is enumerated
(a printed separator is always a cut; a cell has no leading zero), the cuts of each row that fit
its row total are combined across rows, and a cell is determined when every combination that
satisfies the table's identities agrees on it. Anything else stays null.

When no combination fits, the report broke an identity as printed: the decoder drops one
identity at a time, keeps what fits the rest, and says which identity it dropped. The search is
bounded everywhere (cut enumeration, combinations), so no input is exponential: past a bound the
cells stay null with a warning.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .form import WILDCARD, Form
from .records import BLANK, Token

MAX_CELL_DIGITS = 6  # no table 三/四 cell reaches a million requests
MAX_CUTS = 4000  # cuts kept per row; beyond, the row is ambiguous
MAX_STEPS = 200_000  # enumeration steps per row, and combinations tried per table
MAX_BROKEN = 4  # identities a report's printed numbers may break and its runs still be cut with the rest

_SIGNED_DIGITS = re.compile(r"[+-]?\d+")
Piece = str | int | None  # a digit run to cut, or a cell already determined (None: blank)
CellKey = tuple[str, str]  # (row code, column code)
Instance = tuple[tuple[int, CellKey], ...]  # Σ coef·value = 0 over these cells


class SearchBounded(Exception):
    """The enumeration passed its bound: the row's cells are left null."""


@lru_cache(maxsize=1 << 10)  # results can be long: a small cache keeps memory flat over a corpus
def cuts(pieces: tuple[Piece, ...], n: int, groups: tuple[tuple[int, int], ...] = (),
         max_len: int = MAX_CELL_DIGITS) -> tuple[tuple[int | None, ...], ...]:
    """Every way to read ``pieces`` as ``n`` cells: each digit run (a str, perhaps signed) cut into
    one or more cells with no leading zeros, each other piece one cell. For each (a, b) in ``groups`` the cell
    b-1 must equal the sum of cells a..b-2 (a total); a group with a blank cell is not checked.
    Raises SearchBounded past MAX_CUTS results or MAX_STEPS steps."""
    total_of = {b - 1: a for a, b in groups}
    group_start = {a for a, _ in groups}
    out: list[tuple[int | None, ...]] = []
    cells: list[int | None] = []
    steps = 0
    capacity = [0] * (len(pieces) + 1)  # most cells the pieces from i on can give
    for i in range(len(pieces) - 1, -1, -1):
        p = pieces[i]
        capacity[i] = capacity[i + 1] + (len(p.lstrip("+-")) if isinstance(p, str) else 1)

    def rec(i: int, pos: int, partial: int | None) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            raise SearchBounded
        c = len(cells)
        if i == len(pieces):
            if c == n:
                out.append(tuple(cells))
                if len(out) > MAX_CUTS:
                    raise SearchBounded
            return
        piece = pieces[i]
        rest_here = len(piece[pos:].lstrip("+-")) if isinstance(piece, str) else 1
        left = n - c
        # every later piece gives at least one cell; this one's rest at most one cell per digit
        if left < len(pieces) - i or left > rest_here + capacity[i + 1]:
            return
        if c in group_start:
            partial = 0
        is_total = c in total_of
        if not isinstance(piece, str):
            if is_total and partial is not None and piece is not None and piece != partial:
                return
            cells.append(piece)
            rec(i + 1, 0, _add(partial, piece, is_total))
            cells.pop()
            return
        rest = piece[pos:]
        sign = rest[0] if rest[0] in "+-" else ""  # a sign starts a cell, and belongs to it
        digits = rest[len(sign):]
        if is_total and partial is not None:
            lengths = [len(str(partial))] if not sign and digits.startswith(str(partial)) else []
        else:
            lengths = [1] if digits[0] == "0" else range(1, min(max_len, len(digits)) + 1)
        for size in lengths:
            value = int(sign + digits[:size])
            cells.append(value)
            if size == len(digits):
                rec(i + 1, 0, _add(partial, value, is_total))
            else:
                rec(i, pos + len(sign) + size, _add(partial, value, is_total))
            cells.pop()

    rec(0, 0, None)
    return tuple(out)


def _add(partial: int | None, value: int | None, is_total: bool) -> int | None:
    if is_total or partial is None or value is None:
        return None
    return partial + value


def is_digits(token: Token) -> bool:
    """Digits, a sign before them kept: what may be several cells run together."""
    return _SIGNED_DIGITS.fullmatch(token.raw) is not None


def pieces_of(tokens: Sequence[Token]) -> tuple[Piece, ...]:
    """A row's tokens as the decoder takes them: digits (a sign before them kept) to cut, anything
    else (a blank, a decimal, 1,234, 251000元) one cell."""
    return tuple(t.raw if is_digits(t) else (None if t.kind == BLANK else t.value) for t in tokens)


def is_run(tokens: Sequence[Token], n: int) -> bool:
    """Whether a row's tokens are cells printed without separators: fewer tokens than cells, digits
    enough to cut, and not each token in a cell of its own (then the source kept its cell
    boundaries, and the row lost cells rather than printed them run together)."""
    if len(tokens) >= n or (len(tokens) > 1 and len({t.cell for t in tokens}) == len(tokens)):
        return False
    return is_cuttable(pieces_of(tokens), n)


def is_cuttable(pieces: Sequence[Piece], n: int) -> bool:
    """Whether the pieces need cutting to give n cells: fewer pieces than cells, and digit runs
    with enough digits."""
    return len(pieces) < n <= sum(len(p.lstrip("+-")) if isinstance(p, str) else 1 for p in pieces)


def agreed(options: Sequence[Sequence[int | None]]) -> list[int | None]:
    """Per position, the value every option agrees on (None where they differ, or no option)."""
    if not options:
        return []
    first = options[0]
    return [v if all(o[i] == v for o in options) else None for i, v in enumerate(first)]


# --- a table's identities, solved across its rows ------------------------------------------------


def identity_instances(form: Form, table: str, layout: str, rows: Sequence[str],
                       columns: Sequence[str]) -> tuple[tuple[str, Instance], ...]:
    """The seed's identities (``*`` = for each row / column) as concrete equations, each with a name
    such as ``outcome_total:natural_person``."""
    return _identity_instances(form, table, layout, tuple(rows), tuple(columns))


@lru_cache(maxsize=64)  # a table's rows come in a few shapes: built once, not per report
def _identity_instances(form: Form, table: str, layout: str, rows: tuple[str, ...],
                        columns: tuple[str, ...]) -> tuple[tuple[str, Instance], ...]:
    out: list[tuple[str, Instance]] = []
    for identity_id, terms in form.identity_terms(table, layout).items():
        row_wild = any(t.row_code == WILDCARD for t in terms)
        col_wild = any(t.column_code == WILDCARD for t in terms)
        for r in rows if row_wild else [None]:
            for c in columns if col_wild else [None]:
                eq = tuple(((1 if t.side == "lhs" else -1) * t.sign,
                            (r if t.row_code == WILDCARD else t.row_code, c if t.column_code == WILDCARD else t.column_code))
                           for t in terms)
                out.append((":".join(x for x in (identity_id, r, c) if x), eq))
    return tuple(out)


@dataclass
class Decoding:
    cells: dict[str, list[int | None]] = field(default_factory=dict)  # run row → its cells (None: undetermined)
    warnings: list[str] = field(default_factory=list)


def solve_table(known: dict[CellKey, int | None], options: dict[str, list[tuple[int | None, ...]]], columns: list[str],
                instances: list[tuple[str, Instance]]) -> Decoding:
    """Decide the run rows of a table jointly.

    ``known`` holds the table's other cells (None where unknown), ``options`` each run row's cuts
    (already fitting the row's own total), ``instances`` the cross-row identities. A combination of
    one cut per row survives when every identity whose cells are all known holds; a cell is decided
    when all survivors agree on it, and an identity across rows that holds confirmed it: a row's
    own total alone cannot tell a run from one that lost a cell (0 0 0 0 0 55 fits as …|5|5 when
    it lost its 总计 55). When no combination fits, the report broke identities as printed: the
    combinations that break the fewest (up to MAX_BROKEN) survive, every identity one of them
    breaks is dropped (named in a warning), and the identities left confirm what they decide.
    """
    result = Decoding()
    rows = list(options)
    if not rows:
        return result
    col = {c: i for i, c in enumerate(columns)}
    checkable = [(name, eq) for name, eq in instances
                 if any(cell[0] in options for _, cell in eq)
                 and all(cell[0] in options or known.get(cell) is not None for _, cell in eq)]
    equations = [eq for _, eq in checkable]
    found: list | None = []
    for budget in range(MAX_BROKEN + 1):  # the fewest identities the printed numbers break
        found = _combinations(options, known, col, equations, budget)
        if found != []:
            break
    if not found:
        why = "bounded" if found is None else "no_fit"
        result.warnings += [f"digits_{why}:{row}" for row in rows]
        result.cells = {row: [None] * len(columns) for row in rows}
        return result
    # an identity some best reading breaks is dropped: it confirms nothing
    dropped = [name for name, eq in checkable if any(not _holds(eq, combo, known, col) for combo in found)]
    result.warnings += [f"identity_dropped:{name}" for name in dropped]
    confirmed = {cell for name, eq in checkable if name not in dropped for _, cell in eq}
    for row in rows:
        values = agreed([combo[row] for combo in found])
        result.cells[row] = [v if (row, c) in confirmed else None for v, c in zip(values, columns)]
        if None not in result.cells[row]:
            result.warnings.append(f"digits_decoded:{row}")
        elif None in values:
            result.warnings.append(f"digits_ambiguous:{row}")
        else:
            result.warnings.append(f"digits_unverified:{row}")
    return result


def _holds(eq: Instance, combo: dict[str, tuple[int | None, ...]], known: dict[CellKey, int | None],
           col: dict[str, int]) -> bool:
    """Whether an identity holds under a combination of cuts (a blank cell: it cannot be checked)."""
    total = 0
    for coef, cell in eq:
        v = combo[cell[0]][col[cell[1]]] if cell[0] in combo else known[cell]
        if v is None:
            return True
        total += coef * v
    return total == 0


MAX_SUMS = 20_000  # reachable sums tracked per identity while pruning


def _combinations(options: dict[str, list[tuple[int | None, ...]]], known: dict[CellKey, int | None],
                  col: dict[str, int], equations: list[Instance],
                  budget: int = 0) -> list[dict[str, tuple[int | None, ...]]] | None:
    """Every combination of one cut per row under which all ``equations`` but at most ``budget``
    hold (None past the bounds).

    With every identity to hold, cuts that no combination could complete are pruned first (each
    identity against the sums the other rows can still reach), so the combinations left to try
    are few."""
    domains = {row: list(cuts_) for row, cuts_ in options.items()}
    terms = []  # per equation: (constant from known cells, {row: [(coef, column index)]})
    for eq in equations:
        const, by_row = 0, {}
        for coef, cell in eq:
            if cell[0] in domains:
                by_row.setdefault(cell[0], []).append((coef, col[cell[1]]))
            else:
                const += coef * known[cell]
        terms.append((const, by_row))
    if budget == 0 and not _prune(domains, terms):
        return []
    order = sorted(domains, key=lambda r: len(domains[r]))
    position = {r: i for i, r in enumerate(order)}
    due: dict[int, list[tuple[int, dict]]] = {}  # each equation checked once its last row is assigned
    for const, by_row in terms:
        due.setdefault(max(position[r] for r in by_row), []).append((const, by_row))
    combo: dict[str, tuple[int | None, ...]] = {}
    found: list[dict[str, tuple[int | None, ...]]] = []
    steps = 0

    def holds(const: int, by_row: dict) -> bool:
        total = const
        for row, row_terms in by_row.items():
            for coef, i in row_terms:
                v = combo[row][i]
                if v is None:
                    return True  # a blank cell: the identity cannot be checked
                total += coef * v
        return total == 0

    def rec(i: int, broken: int) -> None:
        nonlocal steps
        if i == len(order):
            found.append(dict(combo))
            return
        row = order[i]
        for cut in domains[row]:
            steps += 1
            if steps > MAX_STEPS or len(found) > MAX_CUTS:
                raise SearchBounded
            combo[row] = cut
            now = broken + sum(not holds(const, by_row) for const, by_row in due.get(i, ()))
            if now <= budget:
                rec(i + 1, now)
        del combo[row]

    try:
        rec(0, 0)
    except SearchBounded:
        return None
    return found


def _prune(domains: dict[str, list[tuple[int | None, ...]]], terms: list[tuple[int, dict]]) -> bool:
    """Drop cuts that cannot satisfy some equation whatever the other rows take; False when a row
    is left with none."""
    def contribution(row_terms, cut) -> int | None:
        total = 0
        for coef, i in row_terms:
            if cut[i] is None:
                return None
            total += coef * cut[i]
        return total

    changed = True
    while changed:
        changed = False
        for const, by_row in terms:
            values = {row: [contribution(rt, cut) for cut in domains[row]] for row, rt in by_row.items()}
            if any(v is None for vs in values.values() for v in vs):
                continue
            distinct = {row: set(vs) for row, vs in values.items()}
            # rows with one possible contribution add a constant; the others are pruned against each other
            base = const + sum(next(iter(d)) for d in distinct.values() if len(d) == 1)
            free = [row for row, d in distinct.items() if len(d) > 1]
            if not free and base != 0:
                return False
            for row in free:
                reachable = {base}
                for other in free:
                    if other != row:
                        reachable = {s + v for s in reachable for v in distinct[other]}
                        if len(reachable) > MAX_SUMS:
                            break
                else:
                    kept = [k for k, v in enumerate(values[row]) if -v in reachable]
                    if len(kept) < len(domains[row]):
                        if not kept:
                            return False
                        domains[row] = [domains[row][k] for k in kept]
                        values[row] = [values[row][k] for k in kept]
                        distinct[row] = set(values[row])
                        changed = True
    return True
