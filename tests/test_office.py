"""Legacy and other office formats, and OFD: every cell of a report with known answers, and a clear
status for an encrypted or damaged file.

Committed (made once with LibreOffice from the Word fixtures, see make_fixtures.py): word_2021.doc
(Word 97; the same bytes are read as Kingsoft .wps), word_2019.odt, word_2021.xls (tables with
merged cells as Calc lays a web page out), word_2019.rtf.gz. Made here: an .ofd written from the
PDF fixture's characters and drawn lines, an .xlsx with merged cells, a .mht of the sample web page.
"""
import gzip
import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from ingest.form import load_form
from ingest.parse import parse_report
from renderings import mht_from_html, ofd_from_pdf, xlsx_from_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def gold(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def cells(rep) -> dict:
    return {"applications": {code: [c.value for c in cs] for code, cs in rep.applications.items()},
            "reviews": [c.value for c in rep.reviews.values()],
            "proactive": {m: c.value for m, c in rep.proactive.items()}}


def assert_answers(rep, answers: dict) -> None:
    got = cells(rep)
    assert got["applications"] == answers["applications"]
    assert got["reviews"] == answers["reviews"]
    assert got["proactive"] == pytest.approx(answers["proactive"])
    assert (rep.layout, rep.report_year, rep.info_fee_yuan) == (answers["layout"], answers["report_year"],
                                                                 answers["info_fee_yuan"])


@pytest.mark.parametrize("name, suffix, fmt, answers", [
    ("word_2021.doc", ".doc", "doc", "word_2021.docx.json"),
    ("word_2021.doc", ".wps", "wps", "word_2021.docx.json"),  # WPS writes Word 97 binary
    ("word_2019.odt", ".odt", "odt", "word_2019.docx.json"),
    ("word_2021.xls", ".xls", "xls", "word_2021.docx.json"),
    ("word_2019.rtf.gz", ".rtf", "rtf", "word_2019.docx.json"),
])
def test_every_cell_of_an_office_file(name, suffix, fmt, answers):
    data = (FIXTURES / name).read_bytes()
    data = gzip.decompress(data) if name.endswith(".gz") else data
    rep = parse_report(data, f"report{suffix}", suffix)
    assert (rep.status, rep.source_format, rep.warnings) == ("parsed", fmt, [])
    assert_answers(rep, gold(answers))


@pytest.mark.parametrize("name", ["word_2021", "word_2019"])
def test_an_ofd_written_from_the_pdf_reads_like_the_pdf(name):
    ofd = ofd_from_pdf((FIXTURES / f"{name}.pdf").read_bytes())
    rep = parse_report(ofd, f"{name}.ofd", ".ofd")
    assert (rep.status, rep.source_format) == ("parsed", "ofd")
    assert_answers(rep, gold(f"{name}.pdf.json"))
    pages = {c.page for cs in rep.applications.values() for c in cs}
    assert len(pages) >= 2 and None not in pages  # table 三 over a page break, every value with its page


def test_an_xlsx_with_merged_cells_reads_as_printed():
    answers = gold("word_2021.docx.json")
    codes = list(answers["applications"])
    # the form's header: 申请人情况 merged across, 法人或其他组织 across its five columns, the row
    # block 三、本年度办理结果 merged down, each row label merged across the two label columns
    rows = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, "申请人情况"],
            [None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"],
            [None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]]
    labels = {"new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
              "total_processed": "（七）总计", "carried_forward": "四、结转下年度继续办理"}
    form_rows = {r.code: r for r in load_form().table_rows("applications", "2021")}
    merges = ["A1:B3", "C1:I1", "C2:C3", "D2:H2", "I2:I3"]
    for i, code in enumerate(codes):
        r = len(rows) + 1
        label = labels.get(code) or form_rows[code].label_zh.split(" ")[-1]
        rows.append([label, None, *answers["applications"][code]])
        merges.append(f"A{r}:B{r}")
    data = xlsx_from_rows(rows, merges)
    rep = parse_report(data, "table.xlsx", ".xlsx")
    assert rep.source_format == "xlsx"
    assert {code: [c.value for c in cs] for code, cs in rep.applications.items()} == answers["applications"]


def test_a_mht_reads_as_its_web_page():
    html = (SAMPLES / "raw" / "007_pingtan_2022.html").read_bytes()
    page = parse_report(html, "page.html", ".html")
    text = html.decode("utf-8")
    for charset in ("gb2312", "utf-8"):
        rep = parse_report(mht_from_html(text, charset), "page.mht", ".mht")
        assert (rep.status, rep.source_format) == (page.status, "mht")
        assert cells(rep) == cells(page) and (rep.title, rep.agency) == (page.title, page.agency)


def _encrypted_doc() -> bytes:
    """The .doc fixture with its FIB's fEncrypted flag set (as Word marks a password-protected file)."""
    import olefile

    data = bytearray((FIXTURES / "word_2021.doc").read_bytes())
    ole = olefile.OleFileIO(bytes(data))
    start = ole.openstream("WordDocument").read(12)
    ole.close()
    at = data.find(start)
    flags = struct.unpack_from("<H", data, at + 10)[0] | 0x0100
    struct.pack_into("<H", data, at + 10, flags)
    return bytes(data)


def _zip(members: dict[str, bytes], encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(buf.getvalue())
    if encrypted:  # the general-purpose flag's bit 0 in every local and central header
        for sig in (b"PK\x03\x04", b"PK\x01\x02"):
            at = raw.find(sig)
            while at >= 0:
                offset = at + (6 if sig == b"PK\x03\x04" else 8)
                raw[offset] |= 1
                at = raw.find(sig, at + 4)
    return bytes(raw)


def _claiming(members: dict[str, bytes], size: int) -> bytes:
    """A zip whose central directory claims its members inflate to ``size`` bytes (a zip bomb's)."""
    raw = bytearray(_zip(members))
    at = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, at + 24, min(size, 0xFFFFFFFE))
    return bytes(raw)


@pytest.mark.parametrize("name, data, reason", [
    ("locked.doc", _encrypted_doc(), "doc_encrypted"),
    ("cut.doc", (FIXTURES / "word_2021.doc").read_bytes()[:3000], "doc_broken:not_ole"),
    ("fake.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "wps_broken:not_ole"),
    ("cut.rtf", b"{\\rtf1\\ansi", None),
    ("not.rtf", b"<html>", "rtf_broken:not_rtf"),
    ("locked.odt", _zip({"content.xml": b"<x/>"}, encrypted=True), "odt_encrypted"),
    ("entities.odt", _zip({"content.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}), "odt_broken:doctype"),
    ("empty.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt_broken:no_content.xml"),
    ("bomb.ofd", _claiming({"OFD.xml": b"<a/>"}, 2**40), "ofd_too_large"),
    ("broken.ofd", b"PK\x03\x04 not a zip", "ofd_broken:not_a_zip"),
    ("noroot.ofd", _zip({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"}), "ofd_broken:no_doc_root"),
    ("broken.xlsx", b"PK\x03\x04 not a zip", "xlsx_broken:not_a_zip"),
    ("broken.xls", b"\xd0\xcf\x11\xe0 not a workbook", "xls_broken"),
    ("locked.xlsx", _zip({"[Content_Types].xml": b"<x/>"}, encrypted=True), "xlsx_encrypted"),
    ("empty.mht", b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello", "mht_broken:no_html_part"),
])
def test_an_encrypted_or_damaged_file_is_unreadable_with_its_reason(name, data, reason):
    rep = parse_report(data, name, Path(name).suffix)
    if reason is None:  # a cut RTF reads what it holds: nothing, and says so
        assert (rep.status, rep.warnings) == ("no_tables", ["no_tables"])
    else:
        assert (rep.status, rep.warnings) == ("unreadable", [f"unreadable:{reason}"])
