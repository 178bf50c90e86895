"""Stage 5, digits: runs cut with the identities, solved across the table; null when undetermined."""
from itertools import combinations

import pytest

from ingest.digits import MAX_STEPS, SearchBounded, agreed, cuts, identity_instances, solve_table

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]
ROW_TOTAL = ((0, 7),)
REVIEW_GROUPS = ((0, 5), (5, 10), (10, 15))


def brute_force(digits: str, n: int, groups=()):
    """Every cut by position (independent of the decoder's recursion)."""
    out = set()
    for cut in combinations(range(1, len(digits)), n - 1):
        bounds = (0, *cut, len(digits))
        parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        cells = tuple(map(int, parts))
        if all(sum(cells[a:b - 1]) == cells[b - 1] for a, b in groups):
            out.add(cells)
    return out


@pytest.mark.parametrize("pieces, n, groups, expected", [
    (("1010",), 3, (), {(1, 0, 10), (10, 1, 0)}),  # no leading zeros
    (("000",), 3, (), {(0, 0, 0)}),  # forced
    (("12",), 3, (), set()),
    (("640020470",), 7, ROW_TOTAL, {(64, 0, 0, 2, 0, 4, 70)}),
    (("270020130",), 7, ROW_TOTAL, {(2, 7, 0, 0, 20, 1, 30), (27, 0, 0, 2, 0, 1, 30)}),
    (("230", "000023"), 7, ROW_TOTAL, {(23, 0, 0, 0, 0, 0, 23)}),  # a printed space is always a cut
    (("2181", "-5165"), 3, (), {(2, 181, -5165), (21, 81, -5165), (218, 1, -5165), (2181, -5, 165), (2181, -51, 65),
                                (2181, -516, 5)}),  # a sign starts a cell
    (("19", "+25"), 2, (), {(19, 25)}),
    ((3, "00", None), 4, (), {(3, 0, 0, None)}),  # cells printed on their own are one cell each
    (("10203120001200000",), 15, REVIEW_GROUPS, {(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)}),
])
def test_cuts(pieces, n, groups, expected):
    assert set(cuts(pieces, n, groups)) == expected


@pytest.mark.parametrize("digits", ["10430000107", "111000012", "2200004", "0000000", "12345678901234", "99", "3200000032"])
def test_cuts_with_a_total_equal_brute_force(digits):
    assert set(cuts((digits,), 7, ROW_TOTAL)) == brute_force(digits, 7, ROW_TOTAL)


def test_enumeration_is_bounded():
    with pytest.raises(SearchBounded):
        cuts(("1234567890" * 6,), 15)  # too many cuts: null, not minutes of search
    assert MAX_STEPS <= 1_000_000


def test_agreed_keeps_what_every_option_agrees_on():
    assert agreed([(6, 9, 3665), (69, 3, 665)]) == [None, None, None]
    assert agreed([(0, 5, 10), (0, 51, 0)]) == [0, None, None]
    assert agreed([]) == []


@pytest.fixture
def intake(form):
    rows = ["new_received", "carried_over", "total_processed", "carried_forward"]
    instances = [(name, eq) for name, eq in identity_instances(form, "applications", "2021", rows, APPLICANTS)
                 if len({cell[0] for _, cell in eq}) > 1]
    return instances


def known(rows: dict):
    return {(r, c): v for r, vals in rows.items() for c, v in zip(APPLICANTS, vals)}


def options(digits):
    return list(cuts((digits,), 7, ROW_TOTAL))


@pytest.mark.parametrize("case, grid, runs, cells, warning", [
    ("unique by the row total", {"carried_over": [0] * 7, "total_processed": [104, 3, 0, 0, 0, 0, 107], "carried_forward": [0] * 7},
     {"new_received": "10430000107"}, {"new_received": [104, 3, 0, 0, 0, 0, 107]}, "digits_decoded:new_received"),
    ("the columns choose between cuts", {"carried_over": [0] * 7, "total_processed": [11, 1, 0, 0, 0, 0, 12], "carried_forward": [0] * 7},
     {"new_received": "111000012"}, {"new_received": [11, 1, 0, 0, 0, 0, 12]}, "digits_decoded:new_received"),
    ("two runs decided together", {"carried_over": [0] * 7, "carried_forward": [0, 1, 0, 0, 0, 0, 1]},
     {"new_received": "111000012", "total_processed": "101000011"},
     {"new_received": [1, 1, 10, 0, 0, 0, 12], "total_processed": [1, 0, 10, 0, 0, 0, 11]}, "digits_decoded:total_processed"),
    ("nothing known to choose: ambiguous", {"carried_over": [0] * 7, "carried_forward": [0] * 7},
     {"new_received": "111000012", "total_processed": "111000012"},
     {"new_received": [None, None, None, 0, 0, 0, 12], "total_processed": [None, None, None, 0, 0, 0, 12]},
     "digits_ambiguous:new_received"),
    # a run that fits its own total one way only is a run, or a row that lost a cell: the columns
    # must confirm it (0 0 0 0 0 55 reads as …|5|5 when its 总计 55 was lost)
    ("nothing else known: unverified", {}, {"new_received": "000005 5"}, {"new_received": [None] * 7},
     "digits_unverified:new_received"),
])
def test_joint_decoding(intake, case, grid, runs, cells, warning):
    decoding = solve_table(known(grid), {row: list(cuts(tuple(d.split()), 7, ROW_TOTAL)) for row, d in runs.items()},
                           APPLICANTS, intake)
    assert decoding.cells == cells, case
    assert warning in decoding.warnings


def test_a_broken_identity_is_dropped_and_the_rest_decides(intake):
    # the report's own numbers break one identity: its 本年新收 for natural persons (printed as a run,
    # 12 by its row total) plus 0 carried over is not the 11 it says it processed. No cut fits every
    # identity; with that one dropped, the rest choose the cut.
    grid = {"carried_over": [0] * 7, "total_processed": [11, 1, 0, 0, 0, 0, 13], "carried_forward": [0] * 7}
    assert options("121000013") == [(1, 2, 10, 0, 0, 0, 13), (12, 1, 0, 0, 0, 0, 13)]
    decoding = solve_table(known(grid), {"new_received": options("121000013")}, APPLICANTS, intake)
    assert decoding.cells == {"new_received": [None, 1, 0, 0, 0, 0, 13]}  # what the dropped identity confirmed: null
    assert "identity_dropped:intake_balance:natural_person" in decoding.warnings


def test_two_broken_identities_are_dropped_and_those_that_hold_decide(intake):
    # either cut breaks two column identities (1|2|10 breaks natural persons and research bodies,
    # 12|1|0 natural persons and enterprises): the cells every best reading agrees on and an
    # identity that holds in all of them confirms are decided, the rest null
    grid = {"carried_over": [0] * 7, "total_processed": [11, 2, 0, 0, 0, 0, 13], "carried_forward": [0] * 7}
    decoding = solve_table(known(grid), {"new_received": options("121000013")}, APPLICANTS, intake)
    assert decoding.cells == {"new_received": [None, None, None, 0, 0, 0, 13]}
    assert {w for w in decoding.warnings if w.startswith("identity_dropped")} == {
        f"identity_dropped:intake_balance:{c}" for c in ("natural_person", "commercial_enterprise", "research_institution")}


def test_more_broken_identities_than_a_report_plausibly_prints_leave_the_run_null(intake):
    grid = {"carried_over": [0] * 7, "total_processed": [3, 5, 7, 9, 11, 2, 37], "carried_forward": [0] * 7}
    decoding = solve_table(known(grid), {"new_received": options("121000013")}, APPLICANTS, intake)
    assert decoding.cells == {"new_received": [None] * 7}
    assert "digits_no_fit:new_received" in decoding.warnings
