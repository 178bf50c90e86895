"""Stage 4: records aligned to the form's rows."""
import pytest

from ingest.align import LabelIndex, align, record_keys, row_cells, spread_blocks
from ingest.cells import tokenize
from ingest.records import build_records


def recs(lines):
    return build_records(tokenize(lines, list(range(1, len(lines) + 1))))


def values(cells):
    return None if cells is None else [c.value for c in cells]


@pytest.mark.parametrize("line, expected, warning", [
    (["r", "1", "2", "3"], [1, 2, 3], None),
    (["r", "1", None, "3"], [1, None, 3], "cell_blank:r:2"),
    (["r", "1", "—", "3"], [1, None, 3], "cell_blank:r:2"),
    (["r", None, "1", "2", "3"], [1, 2, 3], None),  # a padding blank beside all the printed values
    (["r", "1", "2"], None, "row_incomplete:r:2/3"),
    (["r", "1", "2", "3", "4"], None, "row_overfull:r:4/3"),
    (["r"], None, "row_no_values:r"),
])
def test_row_cells(line, expected, warning):
    warnings = []
    rec = recs([line])[0]
    assert values(row_cells("r", rec.values, 3, warnings)) == expected
    assert warnings == ([warning] if warning else [])


def test_alignment_skips_headers_and_keeps_order():
    lines = [["申请人情况自然人商业企业其他总计"], ["一、本年新收政府信息公开申请数量", "1"], ["三、本年度办理结果"],
             ["(一)予以公开", "1"], ["(七)总计", "1"]]
    records = recs(lines)
    index = LabelIndex(["本年新收政府信息公开申请数量", "予以公开", "其他", "总计"])
    by_record = [index.scores(record_keys(r)) for r in records]
    score = [[sc[i] for sc in by_record] for i in range(4)]
    got = [m for m, _ in align(records, score)]
    assert got == [1, 3, None, 4]


def test_spread_labels_printed_apart_from_their_numbers_row_by_row():
    records = recs([["1.重复申请"], ["2.其他申请"], ["1"], ["2"], ["3"], ["4"]])
    assert len(records) == 2  # the second label carries all four numbers
    spread = spread_blocks(["a", "b"], [0, 1], records, 2)
    assert {k: [t.raw for t in v] for k, v in spread.items()} == {"a": ["1", "2"], "b": ["3", "4"]}


def test_spread_column_major_block():
    # a PDF converter stacked each column's values in one cell: 1 3 | 2 4
    records = recs([["1.重复申请"], ["2.其他申请", "1 3", "2 4"]])
    spread = spread_blocks(["a", "b"], [0, 1], records, 2)
    assert {k: [t.raw for t in v] for k, v in spread.items()} == {"a": ["1", "2"], "b": ["3", "4"]}
