"""Stage 2, lex: the character stream → label text, numbers and blanks, with cell evidence."""
import pytest

from ingest.lexer import BLANK, NUMBER, TEXT, lex, number_value


def kinds(text):
    return [(t.kind, t.raw) for t in lex(text)]


@pytest.mark.parametrize("raw, value", [
    ("0", 0), ("12", 12), ("+8", 8), ("-3", -3), ("15971.774796", 15971.774796), ("251000元", 251000),
    ("1,234", 1234), ("1,234,567.5", 1234567.5), ("7件", 7), ("2858.48", 2858.48), ("24252.311082", 24252.311082),
])
def test_number_value(raw, value):
    assert number_value(raw) == value
    assert isinstance(number_value(raw), float if "." in raw else int)  # integers never through a float


@pytest.mark.parametrize("text, tokens", [
    # digits glued to the label before and after them: a one-line page
    ("数量640020470二、上年结转", [(TEXT, "数量"), (NUMBER, "640020470"), (TEXT, "二、上年结转")]),
    # a separator inside a run is kept as a boundary; the label's parentheses stay text
    ("情形)500000 5(三)不予公开", [(TEXT, "情形)"), (NUMBER, "500000"), (NUMBER, "5"), (TEXT, "("), (TEXT, "三)不予公开")]),
    # a digit standing alone before ".label" is the label's list number
    ("秘密0000000 2.其他法律", [(TEXT, "秘密"), (NUMBER, "0000000"), (TEXT, "2.其他法律")]),
    ("3200000032 6.属于", [(NUMBER, "3200000032"), (TEXT, "6.属于")]),
    # glued to a longer run, the list number stays with the run here (the form tells them apart later)
    ("00000002.其他法律", [(NUMBER, "00000002"), (TEXT, ".其他法律")]),
    # signs start a number; a lone dash between separators is a blank
    ("行政许可 0 +8 -", [(TEXT, "行政许可"), (NUMBER, "0"), (NUMBER, "+8"), (BLANK, "-")]),
    ("增/减", [(TEXT, "增/减")]),  # a slash inside a label is text
    ("规章 | — | / | 无 | 3", [(TEXT, "规章"), (BLANK, "—"), (BLANK, "/"), (BLANK, "无"), (NUMBER, "3")]),
    ("(四)无法提供", [(TEXT, "("), (TEXT, "四)无法提供")]),  # 无 inside a label is text
    # page numbers are not values: footers, and a page number text extraction glued to a value
    ("5 -3 -\n0", [(NUMBER, "5"), (NUMBER, "0")]),
    ("0\n— 4 —\n1", [(NUMBER, "0"), (NUMBER, "1")]),
    ("第 3 页\n2", [(NUMBER, "2")]),
    # a note's numbers are the note's
    ("22\n(其中修订 16 件)\n55", [(NUMBER, "22"), (TEXT, "(其中修订 16 件)"), (NUMBER, "55")]),
    ("政府集中采购13575394432.52元", [(TEXT, "政府集中采购"), (NUMBER, "13575394432.52元")]),
])
def test_tokens(text, tokens):
    assert kinds(text) == tokens


def test_cell_evidence():
    tokens = lex("规章 0 | 12\n3")
    assert [(t.raw, t.cell, t.spaced) for t in tokens] == [("规章", 0, True), ("0", 0, True), ("12", 1, True), ("3", 2, True)]
    glued = lex("数量640")
    assert [(t.raw, t.spaced) for t in glued] == [("数量", True), ("640", False)]
    assert [t.start for t in lex("ab 12")] == [0, 3]
