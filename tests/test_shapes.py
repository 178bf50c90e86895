"""Every input shape round-trips: reports rendered from known numbers parse back to those numbers."""
import random

import pytest

from ingest.parse import parse_report
from ingest.synth import SHAPES, STREAM_SHAPES, random_truth, render


def parse_back(shape, seed, **kw):
    truth = random_truth(random.Random(seed))
    raw, suffix, expected = render(truth, shape, seed, **kw)
    rep = parse_report(raw, f"r{suffix}", suffix)
    return rep, expected


def got_applications(rep):
    return {code: [None if c.value is None else int(c.value) for c in cells] for code, cells in rep.applications.items()}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("variant", [{}, {"damage": True}, {"appendix": True}], ids=["plain", "damaged", "appendix"])
def test_shape_round_trips_exactly(shape, seed, variant):
    rep, expected = parse_back(shape, seed, **variant)
    assert (rep.layout, rep.report_year, rep.agency) == (expected.layout, expected.report_year, expected.agency)
    assert got_applications(rep) == expected.applications
    assert [None if c.value is None else int(c.value) for c in rep.reviews.values()] == expected.reviews
    assert {m: c.value for m, c in rep.proactive.items()} == expected.proactive
    assert rep.info_fee_yuan == expected.info_fee_yuan
    assert str(rep.published_at) == expected.published_at
    if shape not in STREAM_SHAPES:  # a run of table 二 values may not determine its cells
        assert rep.status == "parsed", rep.warnings


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", range(6))
def test_dropped_cells_are_null_never_wrong(shape, seed):
    rep, expected = parse_back(shape, seed, drop_cells=3)
    got = got_applications(rep)
    for code, cells in expected.applications.items():
        for want, have in zip(cells, got[code]):
            assert have is None or have == want, (code, cells, got[code])
    assert rep.status == "partial"
    if shape not in STREAM_SHAPES:  # dropped rows are exactly the null ones, with a warning each
        assert got == expected.applications
        assert any(w.startswith("row_incomplete:") for w in rep.warnings)
