"""Scans and page images read by OCR into the same reader: the fixture's answers from a degraded
"searchable" scan whose own text layer lost a row, and a smudged digit that becomes a null with a
warning, never a wrong number. OCR is seconds a page: two renderings, read once each.

The stages around OCR (ruling lines and skew found in an image, numbers OCR is unsure of, the
reconstruction from boxes, scan pages told from text pages, the identities' check) are tested
without the models."""
import json
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from ingest.cells import printed_cells
from ingest.form import load_form
from ingest.parse import distrust_broken_identities, parse_report
from ingest.read import UNCERTAIN, boxes, ocr
from ingest.read.pdf import _chars, is_scan
from ingest.records import build_records
from renderings import degraded, image_file, page_images, pdf_lines, scan_pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PDF = FIXTURES / "word_2021.pdf"
ANSWERS = json.loads((FIXTURES / "word_2021.pdf.json").read_text(encoding="utf-8"))
LOST_ROW = "6.属于四类过程性信息"


def values(rep) -> dict:
    return {**{f"{code}:{i}": c.value for code, cs in rep.applications.items() for i, c in enumerate(cs)},
            **{f"reviews:{code}": c.value for code, c in rep.reviews.items()},
            **{f"proactive:{code}": c.value for code, c in rep.proactive.items()}}


def answers() -> dict:
    return {**{f"{code}:{i}": v for code, vs in ANSWERS["applications"].items() for i, v in enumerate(vs)},
            **{f"reviews:{code}": v for code, v in zip(load_form().review_cells, ANSWERS["reviews"])},
            **{f"proactive:{code}": v for code, v in ANSWERS["proactive"].items()}}


@pytest.fixture(scope="module")
def searchable_scan() -> bytes:
    """The fixture's pages scanned (JPEG quality 50, turned 1°) under an invisible text layer that
    lost table 三's row 6 (as OCR software's layer does)."""
    pdf = PDF.read_bytes()
    layer = [[line for line in page if not line[0].startswith(LOST_ROW[:4])] for page in pdf_lines(pdf)]
    assert sum(map(len, layer)) < sum(map(len, pdf_lines(pdf)))  # the row is gone from the layer
    pages = [degraded(p, quality=50, angle=1.0) for p in page_images(pdf, 150)]
    return scan_pdf(pages, 150, hidden_text=layer)


def test_a_searchable_scan_is_read_from_its_image_every_cell_the_answer(searchable_scan):
    rep = parse_report(searchable_scan, "scan.pdf", ".pdf")
    assert (rep.status, rep.source_format, rep.layout, rep.report_year) == ("parsed", "scan", "2021", 2023)
    assert rep.ocr_pages == 4 and rep.info_fee_yuan == 0
    assert values(rep) == pytest.approx(answers())


def _line_of(pdf: pdfium.PdfDocument, page: int, text: str) -> list:
    chars = _chars(pdf[page].get_textpage())
    return next(line for line in boxes._lines(chars) if text in "".join(c[0] for c in line))


def test_a_smudged_digit_is_null_with_a_warning_not_a_wrong_number():
    """Table 三 as a long screenshot (its part of pages 2 to 4, one under the other), the 总计 110 of
    its row 3.危及… smudged."""
    data = PDF.read_bytes()
    pdf = pdfium.PdfDocument(data)
    scale = 150 / 72
    height = pdf[1].get_size()[1]
    px = lambda y: int((height - y) * scale)  # noqa: E731 (points, y up → pixels, y down)
    total = [c for c in _line_of(pdf, 1, "3.危") if c[0].isdigit()][-3:]
    assert "".join(c[0] for c in total) == "110"
    first, middle, last = page_images(data, 150, [1, 2, 3])
    x0, x1 = int(total[1][1] * scale), int(total[2][3] * scale)
    y0, y1 = px(total[0][4]), px(total[0][2])
    cv2.ellipse(first, ((x0 + x1) // 2, (y0 + y1) // 2), ((x1 - x0) // 2 + 2, (y1 - y0) // 2 + 3), 0, 0, 360, 60, -1)
    top = px(_line_of(pdf, 1, "三、收到")[0][4]) - 8
    bottom = px(_line_of(pdf, 3, "四、政府")[0][4]) - 4
    shot = np.vstack([first[top:], middle, last[:bottom]])
    rep = parse_report(image_file(degraded(shot, quality=80), ".png"), "table.png", ".png")
    assert rep.source_format == "image" and rep.ocr_pages == 1
    assert rep.applications["denied_three_safeties"][6].value is None  # the smudged 110
    # unsure (cell_uncertain), not seen at all (the row is a cell short), or misread (an identity breaks)
    assert any(w.startswith(("cell_uncertain:denied_three_safeties", "row_incomplete:denied_three_safeties",
                             "ocr_identity")) for w in rep.warnings), rep.warnings
    expected = answers()
    read = {k: v for k, v in values(rep).items() if v is not None}
    assert len(read) >= 140  # the rest of table 三 is read (of 175) …
    assert read == {k: expected[k] for k in read}  # … and not one cell wrong


@pytest.mark.parametrize("text, score, read", [
    ("776", 0.99, "776"),
    ("776", 0.6, UNCERTAIN),  # unsure: never a guess
    ("1O", 0.99, UNCERTAIN),  # a letter among digits: O for 0
    ("S5", 0.99, UNCERTAIN),
    ("10998.66", 0.98, "10998.66"),
    ("〔2021〕30", 0.97, "〔2021〕30"),
    ("申请", 0.4, "申请"),  # label text is not a number
])
def test_a_number_ocr_is_unsure_of_becomes_the_uncertain_mark(text, score, read):
    assert ocr._sure(text, score) == read


def test_an_uncertain_cell_is_null_with_its_own_warning():
    records = build_records(f"一、本年新收政府信息公开申请数量 | 1 | {UNCERTAIN} | 0 | 0 | 0 | 0 | 1")
    warnings = []
    cells = printed_cells("new_received", records[0].values, 7, warnings)
    assert [c.value for c in cells] == [1, None, 0, 0, 0, 0, 1]
    assert warnings == ["cell_uncertain:new_received:2"]


def grid(rows: int, cols: int, size=(600, 800), strokes: bool = True) -> np.ndarray:
    """A white page with a ruled table of ``rows`` × ``cols`` cells (and a few character-like strokes)."""
    h, w = size
    page = np.full((h, w), 255, np.uint8)
    ys = np.linspace(100, 500, rows + 1).astype(int)
    xs = np.linspace(100, 700, cols + 1).astype(int)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    if strokes:  # a column of short strokes, as characters stacked in a narrow cell
        for y in range(ys[0] + 8, ys[1] - 20, 24):
            cv2.line(page, (xs[0] + 20, y), (xs[0] + 20, y + 18), 0, 2)
    return page


def test_ruling_lines_are_found_and_character_strokes_are_not():
    page = grid(4, 3)
    h = page.shape[0]
    # the words OCR read over the strokes (boxes, y up): their ink is no rule
    words = [("字", 112.0, h - y - 21.0, 130.0, h - y + 1.0) for y in range(108, 180, 24)]
    rules = ocr.ruling_lines(page, words)
    assert len(rules.horizontal) == 5 and len(rules.vertical) == 4
    assert all(abs(x1 - x0 - 600) <= 4 for _, x0, x1 in rules.horizontal)
    # strokes of characters OCR did not read, stacked in a cell, end inside it: no border either
    assert len(ocr.ruling_lines(page, words[:1]).vertical) == 4


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.3])
def test_a_page_turned_a_little_is_turned_straight(angle):
    page = degraded(grid(8, 5, strokes=False), angle=angle)
    assert ocr.skew(page) == pytest.approx(-angle, abs=0.15)
    rules = ocr.ruling_lines(ocr.straightened(page), [], (150, 60))
    assert len(rules.horizontal) == 9 and len(rules.vertical) == 6


def box(text: str, left: float, bottom: float, width: float = 10, height: float = 10) -> boxes.Box:
    return (text, left, bottom, left + width, bottom + height)


RULES = boxes.Rules([(100, 0, 300), (70, 0, 300), (40, 0, 300)], [(0, 40, 100), (100, 40, 100), (200, 40, 100),
                                                                    (300, 40, 100)])


@pytest.mark.parametrize("words, lines", [
    # a label wrapped in its cell is one cell; a blank cell among values keeps its place
    ([box("申", 5, 85), box("请", 15, 85), box("数", 5, 75), box("12", 120, 80, 20), box("3", 220, 80)],
     ["申请数 | 12 | 3"]),
    ([box("其", 5, 45), box("他", 15, 45), box("7", 220, 50)], ["其他 | ∅ | 7"]),
    # outside the table: boxes on one line, a wide gap a cell boundary, numbers apart
    ([box("总", 0, 200), box("计", 10, 200), box("4", 60, 200), box("5", 77, 200)], ["总计 | 4 5"]),
    # a page number below the text is not a line of it
    ([box("正", 0, 200), box("文", 10, 200), box("3", 150, 5)], ["正文"]),
])
def test_rows_and_cells_from_boxes_and_ruling_lines(words, lines):
    assert boxes.page_lines(words, RULES) == lines


def test_scan_pages_are_told_from_text_pages():
    pdf = PDF.read_bytes()
    page = page_images(pdf, 40, [0])
    text = pdf_lines(pdf)[:1]
    plain = scan_pdf(page, 40)
    searchable = scan_pdf(page, 40, hidden_text=text)
    background = scan_pdf(page, 40, hidden_text=text, visible=True)  # text drawn over a page-size image
    for data, scanned in ((pdf, False), (plain, True), (searchable, True), (background, False)):
        doc = pdfium.PdfDocument(data)
        assert is_scan(doc[0]) is scanned


def test_ocr_is_not_imported_by_a_run_without_scans():
    import subprocess
    import sys

    code = ("import sys; from ingest.parse import parse_report; from pathlib import Path; "
            f"p = Path({str(SAMPLES / 'raw' / '009_hongze_2023.pdf')!r}); parse_report(p.read_bytes(), p.name, '.pdf'); "
            "print(sorted(m for m in ('cv2', 'rapidocr', 'onnxruntime') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_identities_decide_what_ocr_read():
    """A cell of an identity that breaks is null, and so is every cell of one whose row was not read;
    a report whose identities hold keeps every cell."""
    form = load_form()
    path = SAMPLES / "raw" / "005_pingtan_2021.txt"
    rep = parse_report(path.read_bytes(), path.name, ".txt", form)
    before = values(rep)
    distrust_broken_identities(rep, form)
    assert values(rep) == before  # its identities hold
    granted = rep.applications["granted"]
    granted[0] = granted[0]._replace(value=granted[0].value + 1)  # a misread digit
    distrust_broken_identities(rep, form)
    after = values(rep)
    assert any(w.startswith("ocr_identity_broken:row_total:granted") for w in rep.warnings)
    assert all(after[f"granted:{i}"] is None for i in range(7))  # its row …
    assert after["total_processed:0"] is None and after["denied_third_party:0"] is None
    # … and its column's outcome total; the intake balance, which holds, keeps its cells
    assert after["new_received:0"] == before["new_received:0"] is not None
    rep = parse_report(path.read_bytes(), path.name, ".txt", form)
    # a row read with a cell it could not read keeps its place; a row no label matched does not
    rep.applications["granted"][2] = rep.applications["granted"][2]._replace(value=None)
    distrust_broken_identities(rep, form)
    assert not any(w.startswith("ocr_identity") for w in rep.warnings)
    rep.applications["denied_state_secret"] = [c._replace(value=None) for c in rep.applications["denied_state_secret"]]
    rep.warnings.append("row_missing:denied_state_secret")
    distrust_broken_identities(rep, form)
    assert any(w.startswith("ocr_identity_unverified:outcome_total") for w in rep.warnings)
    assert all(v is None for k, v in values(rep).items() if k.startswith(("granted:", "denied_third_party:")))
    assert rep.status == "partial"


def test_without_ocr_a_scan_and_an_image_are_no_text_layer(tmp_path):
    pdf = PDF.read_bytes()
    page = page_images(pdf, 40, [0])
    searchable = scan_pdf(page, 40, hidden_text=pdf_lines(pdf)[:1])  # its text layer is not read either
    for data, suffix in ((searchable, ".pdf"), (image_file(page[0], ".png"), ".png")):
        rep = parse_report(data, f"scan{suffix}", suffix, ocr=False)
        assert (rep.status, rep.warnings, rep.ocr_pages) == ("no_text_layer", ["no_text_layer"], 0)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "scan.pdf").write_bytes(searchable)
    from ingest.cli import main
    assert main([str(tmp_path / "raw"), "--out", str(tmp_path / "staging"), "--no-ocr", "--jobs", "1", "--quiet"]) == 0
    import duckdb
    assert duckdb.sql(f"select source_format, status, ocr_pages from '{tmp_path}/staging/reports.parquet'").fetchall() \
        == [("pdf", "no_text_layer", 0)]
