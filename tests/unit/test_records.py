"""Stage 2, records: the character stream → label text and the values printed after it, with
the evidence the source kept (cells, lines, separators)."""
import pytest

from ingest.records import BLANK, NUMBER, build_records, number_value


def records_of(text):
    return [(r.text, [(t.kind, t.raw) for t in r.values]) for r in build_records(text)]


@pytest.mark.parametrize("raw, value", [
    ("0", 0), ("12", 12), ("+8", 8), ("-3", -3), ("15971.774796", 15971.774796), ("251000元", 251000),
    ("1,234", 1234), ("1,234,567.5", 1234567.5), ("7件", 7), ("2858.48", 2858.48), ("24252.311082", 24252.311082),
])
def test_number_value(raw, value):
    assert number_value(raw) == value
    assert isinstance(number_value(raw), float if "." in raw else int)  # integers never through a float


N = NUMBER


@pytest.mark.parametrize("text, records", [
    # one line, no separators: a record ends where text follows values
    ("一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000",
     [("一、本年新收政府信息公开申请数量", [(N, "640020470")]), ("二、上年结转政府信息公开申请数量", [(N, "0000000")])]),
    # a separator inside a run stays a boundary between two tokens
    ("情形)500000 5(三)不予公开", [("情形)", [(N, "500000"), (N, "5")]), ("(三)不予公开", [])]),
    # a digit after label text, or at the start of a line or cell, before ".label" is its list number
    ("(四)无法提供1.本机关不掌握 0", [("(四)无法提供1.本机关不掌握", [(N, "0")])]),
    ("0 |\n4.无正当理由大量反复申请 | 0", [("", [(N, "0")]), ("4.无正当理由大量反复申请", [(N, "0")])]),
    ("| 0 |6.属于 | 1", [("", [(N, "0")]), ("6.属于", [(N, "1")])]),
    # a number and a period not starting a decimal is a list number, whatever is before it (a value
    # printed with a period does not exist; a 、 after a space may be a value's: the form decides, align)
    ("秘密0000000 2.其他法律 0", [("秘密", [(N, "0000000")]), ("2.其他法律", [(N, "0")])]),
    ("1. | | 0 | 0", [("1.", [(N, "0"), (N, "0")])]),  # a list number on the values' line (a printed page)
    ("秘密0000000 2、其他法律 0", [("秘密", [(N, "0000000"), (N, "2")]), ("、其他法律", [(N, "0")])]),
    ("00000002.其他法律", [("", [(N, "00000002")]), (".其他法律", [])]),
    # signs start a number; a lone dash between separators is a blank
    ("行政许可 0 +8 -", [("行政许可", [(N, "0"), (N, "+8"), (BLANK, "-")])]),
    ("本年增/减 0", [("本年增/减", [(N, "0")])]),  # a slash inside a label is label text
    ("规章 | — | / | 无 | 3", [("规章", [(BLANK, "—"), (BLANK, "/"), (BLANK, "无"), (N, "3")])]),
    ("(四)无法提供 0", [("(四)无法提供", [(N, "0")])]),  # 无 inside a label is label text
    # page numbers are not values: footers, and one text extraction glued to a value
    ("规章 5 -3 -\n0", [("规章", [(N, "5"), (N, "0")])]),
    ("规章 0\n— 4 —\n1", [("规章", [(N, "0"), (N, "1")])]),
    ("规章 0\n第 3 页\n2", [("规章", [(N, "0"), (N, "2")])]),
    # a note's numbers are the note's
    ("22\n(其中修订 16 件)\n55", [("", [(N, "22")]), ("(其中修订16件)", [(N, "55")])]),
    ("政府集中采购13575394432.52元", [("政府集中采购", [(N, "13575394432.52元")])]),
    # prose before a label: the record's text keeps it; its pieces start after the last sentence end
    ("本年度未发生。(七)总计 13", [("本年度未发生。(七)总计", [(N, "13")])]),
    ("0 1", [("", [(N, "0"), (N, "1")])]),  # values with no text before them
])
def test_records(text, records):
    assert records_of(text) == records


@pytest.mark.parametrize("text, pieces", [
    ("5.要求行政机关确认\n或重新出具已获取信息 0", ("要求行政机关确认", "或重新出具已获取信息")),  # wrapped
    ("三、本年度办理结果(三)不予公开1.属于国家秘密 0", ("本年度办理结果", "不予公开", "属于国家秘密")),  # markers split
    ("本年度未发生。(七)总计 13", ("总计",)),
    ("社会公益 组织 0", ("社会公益", "组织")),
])
def test_label_pieces(text, pieces):
    assert build_records(text)[0].pieces == pieces


def test_cell_line_and_separator_evidence():
    values = build_records("规章 0 | 12\n3\n数量640")
    assert [(t.raw, t.line, t.cell, t.spaced) for r in values for t in r.values] == \
        [("0", 1, 0, True), ("12", 1, 1, True), ("3", 2, 2, True), ("640", 3, 3, False)]
    assert build_records("数量640二、上年")[1].glued and not build_records("数量640 二、上年")[1].glued
    assert build_records("2 55\n(含自然失效 29 件)\n第二十条")[1].leading_note == "(含自然失效 29 件)"


def test_a_span_of_the_text():
    text = "前言 2021\n规章 0 0 0"
    assert [(r.text, [t.line for t in r.values]) for r in build_records(text, text.index("规章"))] == [("规章", [2, 2, 2])]


def test_each_value_keeps_what_was_printed():
    text = "规章 １２ 12¹ ∅"
    from ingest.read import normalise
    tokens = build_records(normalise(text), original=text)[0].values
    assert [(t.raw, t.value, t.printed, t.footnote) for t in tokens] == \
        [("12", 12, "１２", False), ("12", 12, "12¹", True), ("∅", None, "∅", False)]


@pytest.mark.parametrize("text, values", [
    # a label wrapped around its values' line: the parentheses hold a row of values, not a note
    ("(二)部分公开(区分处理的,只计这一情 形,不\n4 0 0 0 0 0 4\n计其他情形)", ["4", "0", "0", "0", "0", "0", "4"]),
    ("(二)部分公开(区分 0 12 0 0 0 0 12\n处理的,只计这一\n情形,不计其他情\n形)", ["0", "12", "0", "0", "0", "0", "12"]),
    ("22(其中修订 16 件) 55", ["22", "55"]),  # one number in parentheses is a note
    ("(三)\n不\n予公开\n1.\n属于\n国家秘\n密\n0\n0", ["0", "0"]),  # a list number on a line of its own
    # a browser's print header and footer are not values
    ("规章 0\nfile:///home/u/report_2021.html 3/6\n12/6/26, 4:09 PM\n行政许可 1", ["0", "1"]),
    ("规章 0\nhttps://www.gov.cn/zwgk/2023/0213/c123.html 2/5\n行政许可 1", ["0", "1"]),
    ("规章 | 0\nfile:///home/u/report_2021.html | 3/6\n12/6/26,4:08PM\n行政许可 | 1", ["0", "1"]),
    ("本年增\n/\n减\n行政事业性收费\n2443\n+13", ["2443", "+13"]),  # a header's slash split over lines
    # … with its fi as the ligature a PDF's text layer keeps (pypdf)
    ("规章 0\n\ufb01le:///home/u/report_2021.html 5/6\n行政许可 1", ["0", "1"]),
])
def test_what_is_not_a_value(text, values):
    assert [t.raw for r in build_records(text) for t in r.values] == values
