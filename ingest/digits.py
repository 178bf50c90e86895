"""Cells run together: ``10430000107`` with 7 cells is 104|3|0|0|0|0|107, but only the form's
identities can tell. Every way to cut the digits is tried; a decoding is taken only when exactly
one cut satisfies the identities, otherwise the cells stay null.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from .form import WILDCARD, Form

MAX_CELL_DIGITS = 6  # no table 三/四 cell reaches a million requests
MAX_RUN_DIGITS = 60

Cell = tuple[str, str]  # (row code, column code)
Instance = tuple[tuple[int, Cell], ...]  # Σ coef·value = 0 over these cells


def cuts(digits: str, n: int, max_len: int = MAX_CELL_DIGITS) -> Iterator[tuple[int, ...]]:
    """Every way to cut ``digits`` into ``n`` numbers with no leading zeros."""
    if len(digits) > MAX_RUN_DIGITS or not digits.isdigit():
        return
    parts: list[int] = []

    def rec(pos: int) -> Iterator[tuple[int, ...]]:
        left = n - len(parts)
        rest = len(digits) - pos
        if left == 0:
            if rest == 0:
                yield tuple(parts)
            return
        if rest < left or rest > left * max_len:
            return
        longest = 1 if digits[pos] == "0" else min(max_len, rest - (left - 1))
        for size in range(1, longest + 1):
            parts.append(int(digits[pos : pos + size]))
            yield from rec(pos + size)
            parts.pop()

    yield from rec(0)


def cuts_summing_to_last(digits: str, n: int, max_len: int = MAX_CELL_DIGITS) -> Iterator[tuple[int, ...]]:
    """The cuts whose first n-1 numbers sum to the last (a row total), found without enumerating
    the rest: the total is cut off first, and a prefix is abandoned once it exceeds it."""
    if len(digits) > MAX_RUN_DIGITS or not digits.isdigit() or n < 2:
        return
    for last_len in range(1, min(max_len, len(digits) - (n - 1)) + 1):
        tail = digits[len(digits) - last_len:]
        if len(tail) > 1 and tail[0] == "0":
            continue
        total = int(tail)
        head = digits[: len(digits) - last_len]
        parts: list[int] = []

        def rec(pos: int, acc: int) -> Iterator[tuple[int, ...]]:
            left = n - 1 - len(parts)
            rest = len(head) - pos
            if left == 0:
                if rest == 0 and acc == total:
                    yield (*parts, total)
                return
            if rest < left or rest > left * max_len:
                return
            longest = 1 if head[pos] == "0" else min(max_len, rest - (left - 1))
            for size in range(1, longest + 1):
                v = int(head[pos: pos + size])
                if acc + v > total:
                    break
                parts.append(v)
                yield from rec(pos + size, acc + v)
                parts.pop()

        yield from rec(0, 0)


def _is_sum_to_last(eq: Instance, columns: list[str]) -> bool:
    """Σ of every other cell of the row = its last cell (either way round)."""
    coefs = {cell[1]: coef for coef, cell in eq}
    if set(coefs) != set(columns):
        return False
    last = coefs[columns[-1]]
    return abs(last) == 1 and all(coefs[c] == -last for c in columns[:-1])


def identity_instances(form: Form, table: str, layout: str, rows: list[str], columns: list[str]) -> list[Instance]:
    """Expand the seed's identities (``*`` = for each row / column) into concrete equations."""
    out: list[Instance] = []
    for terms in form.identity_terms(table, layout).values():
        row_wild = any(t.row_code == WILDCARD for t in terms)
        col_wild = any(t.column_code == WILDCARD for t in terms)
        for r in rows if row_wild else [None]:
            for c in columns if col_wild else [None]:
                eq = tuple(
                    ((1 if t.side == "lhs" else -1) * t.sign, (r if t.row_code == WILDCARD else t.row_code,
                                                               c if t.column_code == WILDCARD else t.column_code))
                    for t in terms
                )
                out.append(eq)
    return out


def _holds(eq: Instance, value: Callable[[Cell], int | None]) -> bool | None:
    """True/False when every cell is known, None when one is not."""
    total = 0
    for coef, cell in eq:
        v = value(cell)
        if v is None:
            return None
        total += coef * v
    return total == 0


def resolve_runs(
    grid: dict[Cell, int | None], runs: dict[str, str], columns: list[str], instances: list[Instance]
) -> tuple[dict[str, tuple[int, ...]], dict[str, str]]:
    """Decode each row's digit run against the identities.

    ``grid`` holds the table's other cells (None where unknown); ``runs`` maps a row code to its
    run of digits. A cut survives only while every identity it is part of can still hold given the
    other runs' surviving cuts; identities with an unknown cell cannot be checked and are skipped.
    Returns the decoded rows and, for the rest, why not (``no_fit`` or ``ambiguous:N``).
    """
    failures: dict[str, str] = {}
    initial: dict[str, list[tuple[int, ...]]] = {}
    for row, digits in runs.items():
        own = [eq for eq in instances if all(cell[0] == row for _, cell in eq)]
        row_total = next((eq for eq in own if _is_sum_to_last(eq, columns)), None)
        if row_total is not None:
            own = [eq for eq in own if eq is not row_total]
            enumerate_cuts = cuts_summing_to_last(digits, len(columns))
        else:
            enumerate_cuts = cuts(digits, len(columns))
        found = []
        for cut in enumerate_cuts:
            vals = dict(zip(columns, cut))
            if all(_holds(eq, lambda cell: vals.get(cell[1])) is not False for eq in own):
                found.append(cut)
                if len(found) > MAX_CANDIDATES:
                    break
        if not found:
            failures[row] = "no_fit"
        elif len(found) > MAX_CANDIDATES:
            failures[row] = f"ambiguous:{len(found)}+"
        else:
            initial[row] = found
    # a run emptied by propagation contradicts the identities: it leaves the system (its cells become
    # unknown) and the others start again, so one contradiction cannot wipe out its neighbours
    while True:
        cands = {row: list(c) for row, c in initial.items()}
        checked = _propagate(cands, grid, columns, instances)
        emptied = [row for row, c in cands.items() if not c]
        if not emptied:
            break
        for row in emptied:
            failures[row] = "no_fit"
            del initial[row]
    # a run of n digits always cuts one way, dropped cells or not: where the form links a row to
    # others, its cut counts only when a column identity confirmed every one of its cells
    linked = {cell[0] for eq in instances if len({c[0] for _, c in eq}) > 1 for _, cell in eq}
    for row in list(cands):
        if row in linked and checked.get(row, set()) != set(range(len(columns))):
            failures[row] = "unverified"
            del cands[row]
    decided = {row: c[0] for row, c in cands.items() if len(c) == 1}
    open_rows = {row: c for row, c in cands.items() if len(c) > 1}
    if open_rows:
        _resolve_jointly(open_rows, decided, grid, columns, instances)
    for row, c in open_rows.items():
        if row not in decided:
            failures[row] = f"ambiguous:{len(c)}"
    return decided, failures


def _propagate(cands: dict[str, list[tuple[int, ...]]], grid: dict[Cell, int | None], columns: list[str],
               instances: list[Instance]) -> dict[str, set[int]]:
    """Prune cuts to those every checkable identity still allows; returns, per run, the columns a
    cross-row identity checked."""
    col_index = {c: i for i, c in enumerate(columns)}
    checked: dict[str, set[int]] = {}
    checkable = []
    for eq in instances:
        if not any(cell[0] in cands for _, cell in eq):
            continue
        fixed = [(coef, grid.get(cell)) for coef, cell in eq if cell[0] not in cands]
        if any(v is None for _, v in fixed):
            continue
        terms: dict[str, list[tuple[int, int]]] = {}
        for coef, cell in eq:
            if cell[0] in cands:
                terms.setdefault(cell[0], []).append((coef, col_index[cell[1]]))
        checkable.append((sum(c * v for c, v in fixed), terms))
        if len({cell[0] for _, cell in eq}) > 1:
            for row, row_terms in terms.items():
                checked.setdefault(row, set()).update(i for _, i in row_terms)

    def contribution(terms: list[tuple[int, int]], cut: tuple[int, ...]) -> int:
        return sum(coef * cut[i] for coef, i in terms)

    changed = True
    while changed:
        changed = False
        for const, terms in checkable:
            values = {row: [contribution(terms[row], cut) for cut in cands[row]] for row in terms}
            for row in terms:
                reachable = {const}
                for other in terms:
                    if other != row:
                        reachable = {s + v for s in reachable for v in set(values[other])}
                        if len(reachable) > MAX_SUMS:
                            break
                else:
                    kept = [i for i, v in enumerate(values[row]) if -v in reachable]
                    if len(kept) < len(cands[row]):
                        cands[row] = [cands[row][i] for i in kept]
                        values[row] = [values[row][i] for i in kept]
                        changed = True
    return checked


MAX_CANDIDATES = 5000
MAX_SUMS = 20_000
MAX_JOINT = 200_000


def _resolve_jointly(candidates: dict[str, list[tuple[int, ...]]], decided: dict[str, tuple[int, ...]],
                     grid: dict[Cell, int | None], columns: list[str], instances: list[Instance]) -> None:
    """Rows still ambiguous after propagation: every combination is tried, and a row is decided
    when all combinations that fit agree on it."""
    rows = list(candidates)
    size = 1
    for r in rows:
        size *= len(candidates[r])
    if size > MAX_JOINT:
        return
    relevant = [eq for eq in instances if any(cell[0] in candidates for _, cell in eq)]
    fits: list[dict[str, tuple[int, ...]]] = []

    def value(combo: dict[str, tuple[int, ...]], cell: Cell) -> int | None:
        row, col = cell
        if row in combo:
            return combo[row][columns.index(col)]
        if row in decided:
            return decided[row][columns.index(col)]
        return grid.get(cell)

    def rec(i: int, combo: dict[str, tuple[int, ...]]) -> None:
        if i == len(rows):
            if all(_holds(eq, lambda cell: value(combo, cell)) is not False for eq in relevant):
                fits.append(dict(combo))
            return
        for cut in candidates[rows[i]]:
            combo[rows[i]] = cut
            rec(i + 1, combo)
        del combo[rows[i]]

    rec(0, {})
    for r in rows:
        options = {f[r] for f in fits}
        if len(options) == 1:
            decided[r] = options.pop()
        candidates[r] = sorted(options)
