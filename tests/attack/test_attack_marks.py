"""Printed marks that are not digits (a footnote mark raised or lowered, text the page hides),
counts that are not integers, amounts a float would round: null or kept out, with a warning."""
import ctypes
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from ingest.cells import exact_as_double
from ingest.metadata import find_info_fee
from ingest.parse import fee_in_fen, parse_report
from ingest.read import read_document
from ingest.read.pdf import pdf_document

ROOT = Path(__file__).resolve().parents[2]
PIPES = (ROOT / "samples" / "raw" / "000_b871b4d2c0ca5613.txt").read_text(encoding="utf-8")  # 新收 12, 总计 13
FIXTURES = ROOT / "tests" / "fixtures"


def html_of(text: str, total_cell: str = "13", head: str = "", before_table: str = "") -> str:
    """The pipe rows of a text report as an HTML page, with table 三's 总计 cell as given."""
    rows = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 8:
            if cells[0].startswith("(七)总计"):
                cells[1] = total_cell
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells if c) + "</tr>")
        elif line.strip():
            rows.append(f"<tr><td>{line.strip()}</td></tr>")
    return f"<html><head>{head}</head><body>{before_table}<table>{''.join(rows)}</table></body></html>"


@pytest.mark.parametrize("cell, printed", [("13<sup>1</sup>", "13¹"), ("13<SUB>2</SUB>", "13₂"),
                                           ("13<sup><b>1</b></sup>", "13¹")])
def test_html_sup_and_sub_are_marks_not_digits(cell, printed):
    rep = parse_report(html_of(PIPES, cell).encode(), "p.html", ".html")
    total = rep.applications["total_processed"][0]
    assert (total.value, total.raw) == (13, printed)  # not 131 / 132
    assert f"footnote_marker:total_processed:{printed}" in rep.warnings


HIDDEN_ROW = "<tr><td>(七)总计</td><td>9</td></tr>"


@pytest.mark.parametrize("head, wrapper", [
    ("", '<table style=display:none>{}</table>'),  # no quotes
    ("", '<table style=" display : none ; ">{}</table>'),
    ("", '<table style="&#100;isplay:&#110;one">{}</table>'),  # entity-encoded
    ("", "<table style='visibility:hidden'>{}</table>"),
    ("", '<table style="\\64 isplay:none">{}</table>'),  # a CSS escape
    ("<style>.gone { display: none }</style>", '<table class="x gone">{}</table>'),
    ("<style>#off{visibility:collapse}</style>", '<table id=off>{}</table>'),
    ("<style>td.cell{display:none!important}</style>", '<table><tr><td class=cell style="display:block">9</td></tr></table>{}'),
    ("<style>.A{display:none}</style>", '<table class="a">{}</table>'),  # quirks mode: case-free
])
def test_css_the_page_applies_hides_what_it_hides(head, wrapper):
    rep = parse_report(html_of(PIPES, head=head, before_table=wrapper.format(HIDDEN_ROW)).encode(), "h.html", ".html")
    total = rep.applications["total_processed"][0]
    assert total.value == 13  # the page shows 13; the hidden row's 9 is not read
    assert "hidden_content_dropped:1" in rep.warnings or "9" not in (total.raw or "")


@pytest.mark.parametrize("head, wrapper", [
    ("<style>.gone{display:none}</style>", '<table class="x" style="display:block">{}</table>'),
    ("<style>@media print{.p{display:none}}</style>", '<table class="p">{}</table>'),  # hidden on paper only
    ("<style>.a{display:none}.a{display:table}</style>", '<table class="a">{}</table>'),  # the later rule wins
])
def test_what_the_page_shows_is_read(head, wrapper):
    doc = read_document(html_of("x", head=head, before_table=wrapper.format("<tr><td>可见99</td></tr>")).encode(), ".html")
    assert "可见99" in doc.text and not doc.warnings


def test_a_hiding_rule_not_followed_says_so():
    doc = read_document(html_of("x", head="<style>div > .g{display:none}</style>").encode(), ".html")
    assert doc.warnings == ["hidden_css_not_applied:1"]


def test_a_hidden_void_element_hides_nothing_after_it():
    doc = read_document("<html><body><p>前<img style=display:none>后</p><table><tr><td>a</td></tr></table></body></html>".encode(), ".html")
    assert "前后" in doc.text


def _text_pdf(runs: list[tuple[str, float, float, float]]) -> bytes:
    """A one-page PDF of Helvetica text runs (text, x, baseline y, size)."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(300, 200)
    for text, x, y, size in runs:
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(size))
        buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_pdf_raised_and_lowered_small_glyphs_are_marks():
    raw = _text_pdf([("Total 12", 20, 100, 12), ("1", 63.4, 105, 7), ("  5", 70, 100, 12),
                     ("Sum 34", 20, 60, 12), ("2", 59, 57, 7)])
    doc = pdf_document(raw)
    assert doc.original.split("\n") == ["Total12¹ | 5", "Sum34₂"]  # not 121 and 342
    assert doc.text.split("\n")[0] == "Total12\ue001 | 5"  # normalised: a footnote marker, no digit
    same_size = pdf_document(_text_pdf([("Total 12", 20, 100, 12), ("1", 63.4, 101, 12)]))
    assert same_size.original == "Total121"  # a digit of the same size is a digit, raised or not


def _docx_with(xml_edit) -> bytes:
    src = zipfile.ZipFile(FIXTURES / "word_2021.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            z.writestr(item, xml_edit(data.decode()).encode() if item.filename == "word/document.xml" else data)
    return out.getvalue()


def test_docx_superscript_and_hidden_runs_are_not_digits():
    def edit(xml: str) -> str:
        xml = xml.replace("<w:t>776</w:t></w:r>", "<w:t>776</w:t></w:r><w:r><w:rPr><w:vertAlign "
                          'w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>', 1)
        return xml.replace("<w:r><w:rPr><w:sz w:val=\"18\"/></w:rPr><w:t>127</w:t>",
                           "<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r>"
                           "<w:r><w:rPr><w:sz w:val=\"18\"/></w:rPr><w:t>127</w:t>", 1)
    rep = parse_report(_docx_with(edit), "w.docx", ".docx")
    values = [c.value for c in rep.applications["new_received"]]
    assert values == [127, 341, 0, 0, 308, 0, 776]  # not 9127 and 7761
    assert "footnote_marker:new_received:776¹" in rep.warnings and "hidden_content_dropped:1" in rep.warnings


def test_a_docx_raised_number_alone_in_its_cell_is_its_value():
    def edit(xml: str) -> str:  # the 776 of new_received's total printed raised
        return xml.replace("<w:t>776</w:t></w:r>", "<w:t></w:t></w:r><w:r><w:rPr><w:vertAlign "
                           'w:val="superscript"/></w:rPr><w:t>776</w:t></w:r>', 1)
    rep = parse_report(_docx_with(edit), "w.docx", ".docx")
    assert [c.value for c in rep.applications["new_received"]] == [127, 341, 0, 0, 308, 0, 776]


def test_a_docx_bomb_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document>" + b"<w:p/>" * (6 * 2**20) + b"</w:document>")  # 36 MB
    assert len(out.getvalue()) < 2**20
    rep = parse_report(out.getvalue(), "bomb.docx", ".docx")
    assert rep.status == "unreadable" and rep.warnings == ["unreadable:resource_limit:docx_xml_over_32MB"]
    entities = _docx_with(lambda xml: '<!DOCTYPE d [<!ENTITY a "1234567890">]>' + xml[xml.index("<w:document"):])
    assert parse_report(entities, "e.docx", ".docx").warnings == ["unreadable:docx_broken:dtd"]


@pytest.mark.parametrize("printed, value, warning", [
    ("12%", None, "cell_not_count:total_processed:12%"),
    ("1万元", None, "cell_not_count:total_processed:1万元"),
    ("300元", None, "cell_not_count:total_processed:300元"),
    ("3.5", None, "cell_not_integer:total_processed:3.5"),
    ("13件", 13, None),  # a count with its unit is a count
])
def test_count_cells_take_integers_only(printed, value, warning):
    rep = parse_report(PIPES.replace("(七)总计 | 13 |", f"(七)总计 | {printed} |").encode(), "c.txt", ".txt")
    total = rep.applications["total_processed"][0]
    assert (total.value, total.raw) == (value, printed)
    assert (warning in rep.warnings) if warning else not any(w.startswith("cell_not") for w in rep.warnings)


@pytest.mark.parametrize("sentence, fen, yuan, warning", [
    ("本年度收取信息处理费12345678901234567890元。", None, None, "fee_out_of_range:12345678901234567890"),
    ("本年度收取信息处理费" + "9" * 400 + "元。", None, None, "fee_out_of_range:" + "9" * 400),
    ("本年度收取信息处理费12.345元。", None, None, "fee_out_of_range:12.345"),
    ("本年度收取信息处理费9999999999999.99元。", 999999999999999, 9999999999999.99, None),  # exact both ways
    ("本年度收取信息处理费0.12万元。", 120000, 1200.0, None),
])
def test_fees_are_exact_or_null(sentence, fen, yuan, warning):
    warnings = []
    fee, _ = find_info_fee(sentence)
    assert fee_in_fen(fee, warnings) == (fen, yuan)
    assert warnings == ([warning] if warning else [])
    if yuan is not None:
        assert Decimal(repr(yuan)) * 100 == fen


@pytest.mark.parametrize("value, raw, exact", [
    (2**53, "9007199254740992", True), (2**53 + 1, "9007199254740993", False),
    (12345678901234.5, "12345678901234.5", True), (1.0, "1.0000000000000001", False),
    (float("inf"), "1" + "0" * 400, False),
])
def test_table_two_amounts_are_exact_as_doubles_or_null(value, raw, exact):
    assert exact_as_double(value, raw) is exact
