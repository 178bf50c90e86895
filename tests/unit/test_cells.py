"""Stage 5, cells: a row's aligned tokens → its cells; null with a reason where not determined."""
import pytest

from ingest.align import AlignedTable
from ingest.cells import printed_cells, proactive_cells, review_cells
from ingest.read import normalise
from ingest.records import build_records


def tokens_of(text):
    """The value tokens of a row printed as ``text``."""
    return build_records(normalise("r " + text), original="r " + text)[0].values if text else []


def values(cells):
    return None if cells is None else [c.value for c in cells]


@pytest.mark.parametrize("text, expected, warning", [
    ("1 2 3", [1, 2, 3], None),
    ("1 ∅ 3", [1, None, 3], "cell_blank:r:2"),  # an empty cell of an HTML table
    ("1 | — | 3", [1, None, 3], "cell_blank:r:2"),
    ("∅ 1 2 3", [1, 2, 3], None),  # a padding blank beside all the printed values
    ("1 2", None, "row_incomplete:r:2/3"),  # a lost cell: which one is unknowable
    ("1 2 3 4", None, "row_overfull:r:4/3"),
    ("", None, "row_no_values:r"),
    ("12¹ 0 3", [12, 0, 3], "footnote_marker:r:12¹"),  # a footnote marker stripped, not a digit
])
def test_printed_cells(text, expected, warning):
    warnings = []
    assert values(printed_cells("r", tokens_of(text), 3, warnings)) == expected
    assert warnings == ([warning] if warning else [])


@pytest.mark.parametrize("text, expected, warning", [
    ("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", [0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0], None),
    ("10203120001200000", [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0], "digits_decoded:reviews"),  # 3 group totals
    ("000000000000000", [0] * 15, "digits_decoded:reviews"),
    ("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0", [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0], None),  # as printed, even if wrong
])
def test_review_cells(form, text, expected, warning):
    res = review_cells(tokens_of(text), form)
    assert [c[0].value for c in res.cells.values()] == expected
    assert warning is None or warning in res.warnings


def proactive(form, rows: dict[str, str], floating=None):
    table = AlignedTable(found=True, rows={item: tokens_of(text) for item, text in rows.items()},
                         floating={group: [(tokens_of(v)[0], note) for v, note in vals] for group, vals in (floating or {}).items()})
    res = proactive_cells(table, form, "2021")
    return {code: c[0].value for code, c in res.cells.items()}, res.warnings


@pytest.mark.parametrize("run, expected", [
    ("000", [0, 0, 0]),  # forced: one cut only
    ("055", [0, 5, 5]),
    ("693665", [None, None, None]),  # several cuts and no identity to choose: null
    ("0 5 5", [0, 5, 5]),
])
def test_table_two_runs_only_when_forced(form, run, expected):
    got, warnings = proactive(form, {"regulation": run})
    assert [got[f"regulation.{c}"] for c in ("issued", "abolished", "in_force")] == expected
    assert (None in expected) == ("digits_ambiguous:regulation" in warnings)


@pytest.mark.parametrize("note, expected, column", [
    ("(含自然失效 29 件)", [34, 55, 189], "normative_document.abolished"),  # the note names its column
    ("(其中修订 16 件)", [55, 34, 189], "normative_document.issued"),
    ("", [None, None, None], None),  # no note: every placement is possible
])
def test_a_value_printed_apart_from_its_row(form, note, expected, column):
    got, warnings = proactive(form, {"normative_document": "34 189"}, {"art20_1": [("55", note)]})
    assert [got[f"normative_document.{c}"] for c in ("issued", "abolished", "in_force")] == expected
    assert "cell_apart:normative_document:55" + (f":{column}" if column else "") in warnings


def test_values_apart_agreeing_in_every_placement_are_kept(form):
    got, _ = proactive(form, {"regulation": "22 235"}, {"art20_1": [("22", "")]})
    assert [got[f"regulation.{c}"] for c in ("issued", "abolished", "in_force")] == [22, None, None]


def test_numbers_a_column_cannot_hold_are_null(form):
    res = review_cells(tokens_of("0 0 0 0 0 0 0 0 0 0 0 0 0 0 123456789012345678901"), form)
    assert res.cells["litigation_after_review.total"][0].value is None
    assert "value_out_of_range:reviews:123456789012345678901" in res.warnings
    got, warnings = proactive(form, {"administrative_license": "9007199254740993"})
    assert got["administrative_license.decisions"] is None  # a double would store …992
    assert "value_out_of_range:administrative_license:9007199254740993" in warnings
