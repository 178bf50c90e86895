"""Stage 4b, order: the alignment settled against where each run of values is printed."""
import pytest

from ingest.order import Slot, settle

COLUMNS = [0, 1, 2, 3]  # four rows, each named by its own label position


def line(row):  # a run printed on its row's label line
    return Slot(line=row, row_like=True), (row,)


def after(*rows):  # a run printed after a text naming these rows
    return Slot(line=None, row_like=True), rows


@pytest.mark.parametrize("slots, trailing, aligned, settled, warnings", [
    # every row on its values' line: nothing moves
    ([line(0), line(1), line(2), line(3)], (), {0: 0, 1: 1, 2: 2, 3: 3}, {0: 0, 1: 1, 2: 2, 3: 3}, []),
    # rows 1–2 print their values before their labels: as many runs as rows between the anchors,
    # so the form's order gives them theirs (the alignment had read each run as the label's above)
    ([line(0), after(), after(1), line(3)], (), {0: 0, 1: 2, 3: 3}, {0: 0, 1: 1, 2: 2, 3: 3},
     [("row_order_inferred", 1), ("row_order_inferred", 2)]),
    # a label before each run, one lost row (its label printed, no values): either of the two rows
    # named before the second run may own it, and the first run may be the second row's: all null
    ([after(0), after(1, 2)], (3,), {0: 0, 2: 1}, {}, [("row_out_of_step", 0), ("row_out_of_step", 2)]),
    # a label before each run, the last row printing nothing at all: only one reading pairs three
    ([after(0), after(1), after(2)], (), {0: 0, 1: 1, 2: 2}, {0: 0, 1: 1, 2: 2}, []),
    # a block of labels, then its runs (pdftotext): each run by its place in the block
    ([line(0), after(1, 2), after(), line(3)], (), {0: 0, 1: 1, 2: 2, 3: 3}, {0: 0, 1: 1, 2: 2, 3: 3}, []),
    # a label that reads like nothing: the one run between its placed neighbours, with a short junk run
    ([after(0), (Slot(None, False), ()), after(), after(2), after(3)], (), {0: 0, 1: 2, 2: 3, 3: 4},
     {0: 0, 1: 2, 2: 3, 3: 4}, []),
])
def test_settle(slots, trailing, aligned, settled, warnings):
    named = [before for _, before in slots] + [trailing]
    got, said = settle(COLUMNS, [slot for slot, _ in slots], named.__getitem__, dict(aligned))
    assert got == settled
    assert said == warnings
