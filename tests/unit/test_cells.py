"""Stage 2: cell lines → tokens."""
import pytest

from ingest.cells import BLANK, NUMBER, TEXT, is_page_footer, parse_number, tokenize


@pytest.mark.parametrize("raw, value", [
    ("0", 0), ("12", 12), ("+8", 8), ("-3", -3), ("15971.774796", 15971.774796), ("251000元", 251000),
    ("1,234", 1234), ("1,234,567.5", 1234567.5), ("7件", 7), ("2858.48", 2858.48),
    ("1.属于国家秘密", None), ("2021年", None), ("1.", None), ("12,34", None), ("abc", None), ("", None),
])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


@pytest.mark.parametrize("line, footer", [
    ("— 4 —", True), ("- 12 -", True), ("第 3 页", True), ("第3页 共10页", True), ("4 / 10", True),
    ("4", False), ("一、总体情况", False), ("2021年1月14日", False),
])
def test_page_footers(line, footer):
    assert is_page_footer(line) is footer


def kinds(lines):
    return [(t.kind, t.raw) for t in tokenize(lines, list(range(1, len(lines) + 1)))]


def test_labels_numbers_blanks_and_null_markers():
    assert kinds([["规章", "0", "—", "/", "3"], ["行政许可", None, "12"]]) == [
        (TEXT, "规章"), (NUMBER, "0"), (BLANK, "—"), (BLANK, "/"), (NUMBER, "3"),
        (TEXT, "行政许可"), (BLANK, ""), (NUMBER, "12"),
    ]


def test_space_separated_numbers_in_one_cell_and_split_labels():
    assert kinds([["(七)总计 13 0 0"], ["商业 企业"]]) == [
        (TEXT, "(七)总计"), (NUMBER, "13"), (NUMBER, "0"), (NUMBER, "0"), (TEXT, "商业企业"),
    ]


@pytest.mark.parametrize("cell, tokens", [
    ("一、本年新收政府信息公开申请数量10430000107", [(TEXT, "一、本年新收政府信息公开申请数量"), (NUMBER, "10430000107")]),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)1000001", [(TEXT, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"), (NUMBER, "1000001")]),
    ("行政事业性收费6294.26", [(TEXT, "行政事业性收费"), (NUMBER, "6294.26")]),
    ("截至2021年", [(TEXT, "截至2021年")]),
    ("H5", [(TEXT, "H5")]),
])
def test_digits_run_into_a_label_are_split_off(cell, tokens):
    assert kinds([[cell]]) == tokens


def test_page_footer_lines_are_dropped_and_markdown_emphasis_stripped():
    assert kinds([["**规章**", "1"], ["— 4 —"], ["行政许可", "2"]]) == [
        (TEXT, "规章"), (NUMBER, "1"), (TEXT, "行政许可"), (NUMBER, "2"),
    ]
