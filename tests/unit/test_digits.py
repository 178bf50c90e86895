"""Run-together digits: a decoding only when exactly one cut fits the identities."""
import pytest

from ingest.digits import cuts, cuts_summing_to_last, identity_instances, resolve_runs

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]


def test_cuts_have_no_leading_zeros():
    assert sorted(cuts("1010", 3)) == [(1, 0, 10), (10, 1, 0)]
    assert list(cuts("000", 3)) == [(0, 0, 0)]
    assert list(cuts("12", 3)) == []


@pytest.mark.parametrize("digits", ["10430000107", "111000012", "2200004", "0000000", "12345678901234", "99"])
def test_pruned_enumeration_finds_exactly_the_row_total_cuts(digits):
    brute = sorted(c for c in cuts(digits, 7) if sum(c[:-1]) == c[-1])
    assert sorted(cuts_summing_to_last(digits, 7)) == brute


@pytest.fixture
def intake(form):
    rows = ["new_received", "carried_over", "total_processed", "carried_forward"]
    return rows, identity_instances(form, "applications", "2021", rows, APPLICANTS)


def grid_with(rows: dict):
    return {(r, c): v for r, vals in rows.items() for c, v in zip(APPLICANTS, vals)}


@pytest.mark.parametrize("digits, expected", [
    ("10430000107", (104, 3, 0, 0, 0, 0, 107)),  # the example: unique by the row total
    ("0000000", (0, 0, 0, 0, 0, 0, 0)),
    ("2200004", (2, 2, 0, 0, 0, 0, 4)),
])
def test_unique_cut_is_taken(form, intake, digits, expected):
    rows, instances = intake
    grid = grid_with({"carried_over": [0] * 7, "total_processed": list(expected), "carried_forward": [0] * 7})
    decided, failed = resolve_runs(grid, {"new_received": digits}, APPLICANTS, instances)
    assert decided == {"new_received": expected} and failed == {}


def test_ambiguous_cut_stays_null(form, intake):
    rows, instances = intake
    # 111000012 fits the row total three ways; nothing else is known to choose between them
    grid = grid_with({"carried_over": [None] * 7, "total_processed": [None] * 7, "carried_forward": [0] * 7})
    decided, failed = resolve_runs(grid, {"new_received": "111000012"}, APPLICANTS, instances)
    assert decided == {}
    assert set(failed) == {"new_received"}


def test_column_balance_chooses_between_cuts(form, intake):
    rows, instances = intake
    grid = grid_with({"carried_over": [0] * 7, "total_processed": [11, 1, 0, 0, 0, 0, 12], "carried_forward": [0] * 7})
    decided, _ = resolve_runs(grid, {"new_received": "111000012"}, APPLICANTS, instances)
    assert decided == {"new_received": (11, 1, 0, 0, 0, 0, 12)}


def test_two_runs_resolved_together(form, intake):
    rows, instances = intake
    # each run alone fits its row total several ways (3 and 2); only one pair balances every column
    grid = grid_with({"carried_over": [0] * 7, "carried_forward": [0, 1, 0, 0, 0, 0, 1]})
    decided, failed = resolve_runs(grid, {"new_received": "111000012", "total_processed": "101000011"},
                                   APPLICANTS, instances)
    assert failed == {}
    assert decided == {"new_received": (1, 1, 10, 0, 0, 0, 12), "total_processed": (1, 0, 10, 0, 0, 0, 11)}


def test_no_fit_when_the_row_total_cannot_hold(form, intake):
    rows, instances = intake
    decided, failed = resolve_runs(grid_with({}), {"new_received": "11000011"}, APPLICANTS, instances)
    assert decided == {} and failed == {"new_received": "no_fit"}


def test_unverified_when_no_column_identity_can_check_the_cut(form, intake):
    rows, instances = intake
    # 4000048 cuts only one way (every digit a cell), which is also what a row with a dropped cell
    # looks like; with the rest of the column unknown, nothing confirms it
    decided, failed = resolve_runs(grid_with({}), {"new_received": "4000048"}, APPLICANTS, instances)
    assert decided == {} and failed == {"new_received": "unverified"}


def test_review_row_decodes_on_its_own_identities(form):
    codes = [r.code for r in form.table_rows("reviews")]
    instances = [tuple((c, ("reviews", cell[0])) for c, cell in eq)
                 for eq in identity_instances(form, "reviews", "2021", [], [])]
    decided, failed = resolve_runs({}, {"reviews": "011020000000000"}, codes, instances)
    assert decided == {"reviews": (0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)} and failed == {}
