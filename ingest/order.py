"""Stage 4b, order: which values line is whose, where labels and values lines are out of step.

The alignment (``align``) reads each run of values as the row whose label is printed before it.
Converters also print a row's values before its label (markitdown on a PDF), a block's labels
apart from its values (pdftotext), a label wrapped around its values; a row whose cells are all
blank loses its values line altogether (lynx). A shift between outcome rows keeps every total,
so no identity catches it: here the placement decides.

Only a row's label printed on its values' own line ties the two (an anchor). Between two
anchors, when the stretch holds as many row-like runs as rows, the form's order gives each row
one (``row_order_inferred`` where that moves a row). Otherwise each run (a short one the alignment
gave a row too) may be the values of a row
named just before or just after it (before or after the block of runs it is printed in), and a
row takes a run only when every reading that pairs the most rows with runs gives it that run;
every other row is null (``row_out_of_step``). A row whose label reads like nothing takes the one
run left between its two placed neighbours.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class Slot(NamedTuple):
    """What the placement of one run of a row's worth of values says."""

    line: int | None  # the row (label position) named on the values' own line
    row_like: bool  # the run can be a row's values (all but a couple of its cells, or digits to cut)


Named = Callable[[int], tuple[int, ...]]  # slot → the rows named in the text before its run, in printed
# order (() inside a block); len(slots) → those named after the last run. Asked only where needed.


def settle(columns: list[int], slots: list[Slot], named: Named,
           assignment: dict[int, int]) -> tuple[dict[int, int], list[tuple[str, int]]]:
    """``columns``: each row's label position, in the form's order; ``slots``: the runs in printed
    order; ``named``: what the text before each run names; ``assignment``: row → slot as aligned.
    Returns the settled assignment and the warnings (kind, row)."""
    anchors = [(-1, -1)]
    for r in sorted(assignment):
        s = assignment[r]
        if s > anchors[-1][1] and slots[s].line == columns[r]:
            anchors.append((r, s))
    anchors.append((len(columns), len(slots)))
    taken = set(assignment.values())
    settled = {r: s for r, s in anchors[1:-1]}
    warnings: list[tuple[str, int]] = []
    for (r1, s1), (r2, s2) in zip(anchors, anchors[1:]):
        rows = list(range(r1 + 1, r2))
        if not rows:
            continue
        runs = [s for s in range(s1 + 1, s2) if slots[s].row_like]
        placed = dict(zip(rows, runs)) if len(runs) == len(rows) else _determined(
            rows, [s for s in range(s1 + 1, s2) if slots[s].row_like or s in taken], columns, slots, named, (s1, s2))
        for r in rows:
            if r in placed:
                settled[r] = placed[r]
                if assignment.get(r) != placed[r]:
                    warnings.append(("row_order_inferred", r))
            elif r in assignment:
                warnings.append(("row_out_of_step", r))
    return settled, warnings


def _determined(rows: list[int], runs: list[int], columns: list[int], slots: list[Slot], named: Named,
                bounds: tuple[int, int]) -> dict[int, int]:
    """The rows every maximum pairing of rows with adjacent runs agrees on (see the module);
    ``bounds``: the slots of the anchors around the stretch."""
    if not runs:
        return {}
    # the rows named between each run and the run before it (junk runs between them included)
    gaps = [tuple(c for t in range(prev + 1, s + 1) for c in named(t)) for prev, s in zip([runs[0] - 1, *runs], runs)]
    gaps.append(tuple(c for t in range(runs[-1] + 1, len(slots) + 1) for c in named(t)))
    # a run may be the values of a row named before or after its block (runs with no label between
    # them: a column of values lines), or, with a row named on its own line, only of that row
    allowed: list[frozenset[int]] = []
    first = 0
    for k, s in enumerate(runs):
        if gaps[k]:
            first = k
        if slots[s].line is not None:
            allowed.append(frozenset((slots[s].line,)))
            continue
        nxt = next((b for b in range(k + 1, len(runs)) if gaps[b]), len(runs))
        allowed.append(frozenset(gaps[first]) | frozenset(gaps[nxt]))
    n, m = len(rows), len(runs)
    ok = [[columns[r] in allowed[j] for j in range(m)] for r in rows]
    forward = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        above, here, row_ok = forward[i - 1], forward[i], ok[i - 1]
        for j in range(1, m + 1):
            here[j] = max(above[j], here[j - 1], above[j - 1] + row_ok[j - 1])
    backward = [[0] * (m + 2) for _ in range(n + 2)]
    for i in range(n - 1, -1, -1):
        below, here, row_ok = backward[i + 1], backward[i], ok[i]
        for j in range(m - 1, -1, -1):
            here[j] = max(below[j], here[j + 1], below[j + 1] + row_ok[j])
    best = forward[n][m]
    placed = {}
    for i, r in enumerate(rows):
        if any(forward[i][j] + backward[i + 1][j] == best for j in range(m + 1)):
            continue  # some best reading leaves the row without values
        options = [j for j in range(m) if ok[i][j] and forward[i][j] + 1 + backward[i + 1][j + 1] == best]
        if len(options) == 1:
            placed[r] = runs[options[0]]
    printed = {c for gap in gaps for c in gap}
    for r in rows:  # a label reading like nothing: the one run left between its placed neighbours
        below = placed.get(r - 1, bounds[0] if r - 1 < rows[0] else None)
        above = placed.get(r + 1, bounds[1] if r + 1 > rows[-1] else None)
        if r in placed or columns[r] in printed or below is None or above is None:
            continue
        between = [s for s in runs if below < s < above and slots[s].row_like]
        if len(between) == 1 and between[0] not in placed.values():
            placed[r] = between[0]
    return placed
