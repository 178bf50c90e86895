"""The bundled real reports (samples/raw) against their hand-checked answers (samples/gold)."""
import json
from pathlib import Path

import pytest

from ingest.parse import parse_report

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
GOLD = sorted((SAMPLES / "gold").glob("*.json"))


@pytest.fixture(scope="module", params=GOLD, ids=lambda p: p.stem)
def case(request, form):
    gold = json.loads(request.param.read_text(encoding="utf-8"))
    raw = (SAMPLES / "raw" / gold["source"]).read_bytes()
    return gold, parse_report(raw, gold["source"], ".txt", form)


def test_metadata(case):
    gold, rep = case
    assert (rep.report_year, rep.layout) == (gold["report_year"], gold["layout"])
    assert (str(rep.published_at) if rep.published_at else None) == gold["published_at"]
    assert rep.info_fee_yuan == gold["info_fee_yuan"]


def test_applications_every_cell(case, form):
    gold, rep = case
    got = {code: [None if c.value is None else int(c.value) for c in cells] for code, cells in rep.applications.items()}
    assert got == gold["applications"]


def test_reviews_every_cell(case, form):
    gold, rep = case
    assert [None if c.value is None else int(c.value) for c in rep.reviews.values()] == gold["reviews"]
    assert list(rep.reviews) == [r.code for r in form.table_rows("reviews")]


def test_proactive_every_cell(case):
    gold, rep = case
    assert {m: c.value for m, c in rep.proactive.items()} == pytest.approx(gold["proactive"])


def test_status_and_warnings(case):
    gold, rep = case
    incomplete = [code for code, vals in gold["applications"].items() if None in vals]
    if incomplete or None in gold["reviews"]:
        assert rep.status == "partial"
        for code in incomplete:
            assert any(w.startswith(f"row_incomplete:{code}:") for w in rep.warnings)
    else:
        assert rep.status == "parsed"


def test_known_facts():
    rep = parse_report((SAMPLES / "raw" / "002_08e398edbd93b538.txt").read_bytes(), "002.txt")
    total = {code: int(cells[-1].value) for code, cells in rep.applications.items()}
    assert (rep.agency, rep.report_year, total["new_received"], total["unavailable_not_held"]) == ("海沧区", 2023, 107, 37)
    assert [c.raw for c in rep.reviews.values()][:5] == ["0", "1", "1", "0", "2"]
