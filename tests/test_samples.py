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
    path = SAMPLES / "raw" / gold["source"]
    return gold, parse_report(path.read_bytes(), gold["source"], path.suffix, form)


def test_metadata(case):
    gold, rep = case
    assert (rep.report_year, rep.layout) == (gold["report_year"], gold["layout"])
    assert (str(rep.published_at) if rep.published_at else None) == gold["published_at"]
    assert rep.info_fee_yuan == gold["info_fee_yuan"]


def test_applications_every_cell(case, form):
    gold, rep = case
    got = {code: [c.value for c in cells] for code, cells in rep.applications.items()}
    assert got == gold["applications"]


def test_reviews_every_cell(case, form):
    gold, rep = case
    assert [c.value for c in rep.reviews.values()] == gold["reviews"]
    assert list(rep.reviews) == [r.code for r in form.table_rows("reviews")]


def test_proactive_every_cell(case):
    gold, rep = case
    assert {m: c.value for m, c in rep.proactive.items()} == pytest.approx(gold["proactive"])


def test_status_and_warnings(case):
    gold, rep = case
    incomplete = [code for code, vals in gold["applications"].items() if None in vals]
    undetermined = [m for m, v in gold["proactive"].items() if v is None]
    if incomplete or undetermined or None in gold["reviews"]:
        assert rep.status == "partial"
        for code in incomplete:  # every null cell says why
            assert any(w.split(":")[1:2] == [code] for w in rep.warnings), code
        for measure in undetermined:
            assert any(w.split(":")[1:2] == [measure.split(".")[0]] for w in rep.warnings), measure
    else:
        assert rep.status == "parsed"


def test_known_facts():
    rep = parse_report((SAMPLES / "raw" / "002_08e398edbd93b538.txt").read_bytes(), "002.txt")
    total = {code: int(cells[-1].value) for code, cells in rep.applications.items()}
    assert (rep.agency, rep.report_year, total["new_received"], total["unavailable_not_held"]) == ("海沧区", 2023, 107, 37)
    assert [c.raw for c in rep.reviews.values()][:5] == ["0", "1", "1", "0", "2"]


@pytest.mark.parametrize("name, agency, title", [
    ("005_pingtan_2021.txt", "平潭综合实验区", "平潭综合实验区2021年度政府信息公开工作年度报告"),  # crawler header
    ("007_pingtan_2022.html", "平潭综合实验区", "平潭综合实验区2022年度政府信息公开工作年度报告"),  # page chrome in <title>
    ("008_shanghai_office_2025.md", "上海市人民政府办公厅", "2025 年上海市人民政府办公厅政府信息公开工作年度报告"),  # wrapped
])
def test_agency_and_title_of_real_pages(name, agency, title):
    path = SAMPLES / "raw" / name
    rep = parse_report(path.read_bytes(), name, path.suffix)
    assert (rep.agency, rep.title) == (agency, title)


def test_provenance_of_a_decoded_run():
    """A cell cut from a run points at the digits it was printed as."""
    path = SAMPLES / "raw" / "005_pingtan_2021.txt"
    rep = parse_report(path.read_bytes(), path.name, path.suffix)
    assert [(c.value, c.raw) for c in rep.applications["new_received"]] == \
        [(64, "64"), (0, "0"), (0, "0"), (2, "2"), (0, "0"), (4, "4"), (70, "70")]
    assert {c.line for c in rep.applications["new_received"]} == {10}  # the page's one line
