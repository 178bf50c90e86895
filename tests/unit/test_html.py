"""The HTML adapter's stages (ingest/read/html.py): the parsed page → hidden elements → footnote
marks → lines of cells, each with its source line."""
import pytest

from ingest.read import BLANK_CELL, FOOTNOTE, Unreadable, read_document
from ingest.read.html import hidden_elements, html_document, page_fields, page_lines, parse, stylesheet

B = BLANK_CELL


def lines_of(body: str, head: str = "") -> list[str]:
    return html_document(f"<html><head>{head}</head><body>{body}</body></html>").text.split("\n")


@pytest.mark.parametrize("body, lines", [
    # a row of values: a blank cell keeps its place from the first printed cell on
    ("<table><tr><td>规章</td><td>1</td><td></td><td>&nbsp;</td><td>4</td></tr></table>", [f"规章 | 1 | {B} | {B} | 4"]),
    ("<table><tr><td></td><td>3</td><td></td></tr></table>", [f"3 | {B}"]),
    # a row of words: empty cells say nothing
    ("<table><tr><td>信息内容</td><td></td><td>本年制发件数</td></tr></table>", ["信息内容 | 本年制发件数"]),
    # rowspan / colspan: each printed cell once, where the row prints it (not spread over the grid)
    ("<table><tr><td rowspan=2>三、办理结果</td><td>(一)予以公开</td><td>5</td></tr>"
     "<tr><td colspan=2>(二)部分公开</td><td>1</td></tr></table>",
     ["三、办理结果 | (一)予以公开 | 5", "(二)部分公开 | 1"]),
    ("<table><tr><th>项目</th><th colspan=3>数量</th></tr><tr><td>规章</td><td>0</td><td>2</td><td>0</td></tr></table>",
     ["项目 | 数量", "规章 | 0 | 2 | 0"]),
    # inline elements join their text; blocks inside a cell are a space
    ("<table><tr><td><span>(二)</span><b>部分</b>公开</td><td><p>1</p><p>2</p></td><td>1<br>2</td></tr></table>",
     ["(二)部分公开 | 1 2 | 1 2"]),
    # a nested table: what the outer row held before it is a line of its own
    ("<table><tr><td>布局<table><tr><td>规章</td><td>1</td></tr></table></td></tr></table>", ["布局", "规章 | 1"]),
    # blocks outside tables are lines; whitespace folds
    ("<h1>标题</h1><div>第一段\n  续</div><p>第二段</p>文字", ["标题", "第一段 续", "第二段", "文字"]),
    # scripts, styles, comments and templates are not text
    ("<script>var a = '<td>9</td>';</script><style>p{}</style><!-- 9 --><template>9</template><p>正文</p>", ["正文"]),
    ("<noscript>请启用脚本</noscript><p>正文</p>", ["正文"]),
])
def test_rows_and_blocks_become_lines(body, lines):
    assert lines_of(body) == lines


@pytest.mark.parametrize("body, lines", [
    # unclosed cells, rows and tables are closed as a browser closes them
    ("<table><tr><td>规章<td>1<tr><td>规范性文件<td>2</table>", ["规章 | 1", "规范性文件 | 2"]),
    ("<table><tr><td>规章</td><td>1", ["规章 | 1"]),
    ("<table><td>规章</td><td>1</td></table>", ["规章 | 1"]),  # cells without a row
    ("<TABLE><TR><TD>规章</TD><TD>1</TD></TR></TABLE>", ["规章 | 1"]),  # upper case
    # a > inside a quoted attribute does not end the tag (the regex scanner printed `0">` here)
    ('<table><tr><td onclick="if(a>0)">规章</td><td>1</td></tr></table>', ["规章 | 1"]),
    ("<p title='a<b'>正文</p>", ["正文"]),
    # Word's conditional comments: the part shown to a browser is read
    ("<p><![if !supportLists]><span>1.</span><![endif]>项目</p>", ["1.项目"]),
    ("<p>正文</p><!-- an unclosed comment <p>9</p>", ["正文"]),
    ("<p>a &lt; b &amp; c</p>", ["a < b & c"]),
    ("<p>a\x00b</p>", ["a b"]),  # a NUL is not a character of the text
])
def test_broken_markup_is_read_as_a_browser_shows_it(body, lines):
    assert lines_of(body) == lines


@pytest.mark.parametrize("cell, printed", [
    ("13<sup>1</sup>", "13¹"),
    ("13<sub>2</sub>", "13₂"),
    ("13<SUP><b>1</b>2</SUP>", "13¹²"),
    ("13<sup>1<sub>2</sub></sup>", "13¹²"),  # the outer mark decides
    ("13<sup>１</sup>", "13¹"),  # a full-width digit too
    ("13<sup>注</sup>", "13注"),  # not a digit: as printed
])
def test_sup_and_sub_digits_are_footnote_marks(cell, printed):
    doc = html_document(f"<table><tr><td>总计</td><td>{cell}</td></tr></table>")
    assert doc.original == f"总计 | {printed}"
    assert doc.text == "总计 | 13" + FOOTNOTE * sum(c in "¹²₂" for c in printed[2:]) + printed[2:].strip("¹²₂")


@pytest.mark.parametrize("cell", ["<sup>0</sup>", " <sup>37 </sup> ", "<sub><b>5</b></sub>"])
def test_a_raised_number_alone_in_its_cell_is_its_value(cell):
    doc = html_document(f"<table><tr><td>总计</td><td>{cell}</td><td>5</td></tr></table>")
    assert FOOTNOTE not in doc.text and doc.text.split(" | ")[1].strip().isdigit()


def test_an_unclosed_sup_ends_with_its_cell():
    doc = html_document("<table><tr><td>总计</td><td>13<sup>1</td><td>5</td></tr></table>")
    assert doc.original == "总计 | 13¹ | 5"  # the next cell's 5 is a digit


HIDDEN_ROW = "<tr><td>隐藏</td><td>9</td></tr>"


@pytest.mark.parametrize("head, body, hidden", [
    ("", '<table style="display:none">{}</table>', True),
    ("", "<table style=display:none>{}</table>", True),  # no quotes
    ("", '<table style="DISPLAY : NONE ; ">{}</table>', True),
    ("", '<table style="&#100;isplay:&#x6e;one">{}</table>', True),  # entity-encoded
    ("", '<table style="\\64 isplay:none">{}</table>', True),  # a CSS escape
    ("", '<table style="di\u017fplay:none">{}</table>', True),  # ſ compares as s (css.fold)
    ("", "<table style='visibility:collapse'>{}</table>", True),
    ("", "<table hidden>{}</table>", True),
    ("", "<table HIDDEN=''>{}</table>", True),
    ("", '<table style="display:block">{}</table>', False),
    ("", '<table class="hidden-xs" title="display:none">{}</table>', False),  # words outside a style
    ("<style>.gone{display:none}</style>", '<table class="x gone">{}</table>', True),
    ("<style>.GONE{display:none}</style>", '<table class="Gone">{}</table>', True),  # case-free (quirks)
    ("<style>#off{visibility:hidden}</style>", "<table id=off>{}</table>", True),
    ("<style>table{display:none}</style>", "<table>{}</table>", True),
    ("<style>*{display:none}</style>", "<table>{}</table>", True),
    ("<style>tr.r{display:none}</style>", '<table><tr class="r"><td>隐藏</td><td>9</td></tr></table>{}', True),
    # the cascade: !important, inline over the sheet, specificity, then order
    ("<style>.a{display:none}</style>", '<table class="a" style="display:table">{}</table>', False),
    ("<style>.a{display:none!important}</style>", '<table class="a" style="display:table">{}</table>', True),
    ("<style>#i{display:table}.a{display:none}</style>", '<table id="i" class="a">{}</table>', False),
    ("<style>.a{display:none}.a{display:table}</style>", '<table class="a">{}</table>', False),
    ("<style>@media print{.a{display:none}}</style>", '<table class="a">{}</table>', False),  # on paper only
    ("<style>div .a{display:none}</style>", '<table class="a">{}</table>', False),  # not followed: a warning
])
def test_hidden_css_cases(head, body, hidden):
    doc = html_document(f"<html><head>{head}</head><body><p>正文</p>{body.format(HIDDEN_ROW)}</body></html>")
    assert ("隐藏 | 9" not in doc.text) == hidden
    assert ("hidden_content_dropped:1" in doc.warnings) == hidden
    assert ("hidden_css_not_applied:1" in doc.warnings) == (" .a" in head)


def test_what_follows_a_hidden_element_is_read_and_nested_hidden_counts_once():
    doc = html_document("<html><body><p>前<span hidden>9</span>后</p>"
                        "<div style='display:none'>说明1<div hidden>数字2</div></div><p>结尾</p></body></html>")
    assert doc.text.split("\n") == ["前后", "结尾"]
    assert doc.warnings == ["hidden_content_dropped:1"]  # the outer element; 9 alone is not a label and a value


def test_a_hidden_cell_leaves_the_rest_of_its_row():
    doc = html_document("<table><tr><td>规章</td><td style='display:none'>9</td><td>1</td><td>2</td></tr></table>")
    assert doc.text == "规章 | 1 | 2"


@pytest.mark.parametrize("page, judged", [
    ('<p style="display:none">a</p><p style="color:red">b</p><p style="display:none">c</p>', ["a", "c"]),
    ('<p style="color:red" hidden>a</p><p>b</p>', ["a"]),
    ("<p>a</p>", []),
])
def test_hidden_elements_stage(page, judged):
    root = parse(page.encode())
    assert sorted(e.text for e in hidden_elements(root, stylesheet(root), page)) == judged


def test_rows_keep_their_source_lines():
    page = ("<html>\n<body>\n<p>二、主动公开</p>\n<table>\n<tr\n style='height:1pt'>\n<td>规章</td>\n<td>1</td></tr>\n"
            "<tr><td>规范性文件</td><td>2</td></tr>\n</table>\n<p class=x\n>六、其他</p>\n</body></html>")
    root = parse(page.encode())
    lines, numbers, dropped = page_lines(root, set())
    assert lines == ["二、主动公开", "规章 | 1", "规范性文件 | 2", "六、其他"]
    assert numbers == [3, 6, 9, 12]  # a row: where its <tr> ends; a block: where its text starts
    assert dropped == 0


def test_page_fields_are_the_heads_meta():
    root = parse('<html><head><meta name="ArticleTitle" content=" 某区&amp;报告 "><meta name=PubDate content=2023-02-20>'
                 '<meta name="empty" content=""><meta content="no name"></head><body><meta name="x" content="body">'
                 "</body></html>".encode())
    assert page_fields(root) == {"ArticleTitle": "某区&报告", "PubDate": "2023-02-20"}


@pytest.mark.parametrize("raw, encoding", [
    ('<html><head><meta charset="gbk"></head><body><table><tr><td>规章</td><td>3</td></tr></table></body></html>'
     .encode("gbk"), "gb18030"),
    ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><table><tr>'
     "<td>规章</td><td>3</td></tr></table></body></html>".encode("gb2312"), "gb18030"),
    ("<table><tr><td>规章</td><td>3</td></tr></table>".encode("gb18030"), "gb18030"),  # no declaration
    ('<?xml version="1.0" encoding="gbk"?><html><body><table><tr><td>规章</td><td>3</td></tr></table></body></html>'
     .encode("gbk"), "gb18030"),  # an XML declaration naming the encoding the reader already undid
    ('<html><head><meta charset="utf-8"></head><body><table><tr><td>规章</td><td>3</td></tr></table></body></html>'
     .encode("gbk"), "gb18030"),  # declared UTF-8, written GBK: the parser does not decode again
    ("\ufeff<table><tr><td>规章</td><td>3</td></tr></table>".encode("utf-16-le"), "utf-16-le"),
])
def test_pages_in_any_charset(raw, encoding):
    doc = read_document(raw, ".html")
    assert doc.encoding == encoding and doc.text == "规章 | 3"


def test_a_page_nested_past_the_parsers_depth_is_refused():
    with pytest.raises(Unreadable) as e:
        html_document("<div>" * 3000 + "<table><tr><td>规章</td><td>1</td></tr></table>")
    assert e.value.reason == "html_too_deep"
    assert html_document("<div>" * 1000 + "<table><tr><td>规章</td><td>1</td></tr></table>").text == "规章 | 1"


def test_a_page_of_blanks_is_empty():
    assert html_document("  \n ").text == ""
