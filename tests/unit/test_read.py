"""Stage 1, read: bytes → a Document (normalised text with cell evidence, source positions)."""
import pytest

from ingest.read import BLANK_CELL, FOOTNOTE, Unreadable, normalise, read_document
from ingest.read.document import SYMBOL

REPORT = "株洲市芦淞区人民政府2023年政府信息公开工作年度报告\n一、本年新收政府信息公开申请数量 | 20 | 0 |"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("utf-16", "utf-16-le"),  # with BOM
    ("utf-16-le", "utf-16-le"),  # no BOM
    ("utf-16-be", "utf-16-be"),
])
def test_encodings_are_detected(encoding, expected):
    doc = read_document(REPORT.encode(encoding))
    assert doc.encoding == expected
    assert doc.text.startswith("株洲市芦淞区人民政府2023年")


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    (bytes([0xff, 0x30, 0x80, 0xfe, 0xff]) * 50, "undecodable"),  # most bytes fail in every encoding
])
def test_unreadable_bytes(raw, reason):
    with pytest.raises(Unreadable) as e:
        read_document(raw)
    assert e.value.reason == reason


def test_full_width_digits_and_punctuation_are_folded():
    doc = read_document("（一）予以公开｜１２｜０｜\u3000总计：１２".encode())
    assert doc.text == "(一)予以公开|12|0| 总计:12"
    assert doc.original == "（一）予以公开｜１２｜０｜\u3000总计：１２"  # position for position


@pytest.mark.parametrize("printed, folded", [
    ("12¹", "12" + FOOTNOTE),  # a footnote marker is not a digit (NFKC would make it 121)
    ("₂", FOOTNOTE),
    ("①项", SYMBOL + "项"),  # a circled number is a list marker, not a value
    ("⑴", SYMBOL),
    ("𝟏２", "12"),  # bold and full-width digits are digits
    ("⼀", "一"),  # a Kangxi radical from a PDF is the ideograph
    ("a\r\nb\rc", "a \nb\nc"),  # line ends, one character each
    ("−3", "-3"),
])
def test_normalise_character_for_character(printed, folded):
    assert normalise(printed) == folded and len(normalise(printed)) == len(printed)
    # a whole document takes the table path: the same folding, beside characters no table covers
    # (an ideograph of plane 3, a lone surrogate left by a broken decoder)
    page = "好" * 600 + "\U00030000\ud800"
    assert normalise(page + printed + page) == page + folded + page


@pytest.mark.parametrize("tag, hidden", [
    ('<div style="display:none">', True),
    ("<div STYLE='Display : None'>", True),
    ('<div style="visibility:hidden">', True),
    ("<section hidden>", True),  # (a <p> ends at a <table> but in quirks mode: the parser's standards mode)
    ('<div style="di\u017fplay:none">', True),  # re.I reads ſ as s, and İ, ı as i: so does css.fold
    ("<section h\u0130dden>", True),
    ('<div style="display:block">', False),
    ('<div class="hidden-xs">', False),
    ('<div title="a<b" style="display:none">', True),  # a < inside the tag: the tag is the first <
    ('<div title="a>b" style="display:none">', True),  # a > inside a quoted value does not end the tag
    ('<div>display:none hidden', False),  # the words in text, not in a tag
    ('<!-- <x --><div style="display:none">', True),
    ('<div data-x="1" data-y="2"\n  style="display:none">', True),
    ('<1 hidden><div>', False),  # not a tag: < then a digit
])
def test_hidden_elements_are_found_in_any_case(tag, hidden):
    page = f"<html><body>{'<p>正文</p>' * 50}{tag}<table><tr><td>隐藏</td></tr></table></div></body></html>"
    assert ("隐藏" not in read_document(page.encode()).text) == hidden


@pytest.mark.parametrize("text, kept", [
    ("| 规章 | 0 |\n|---|:---:|\n| 1 | 2 |", "| 规章 | 0 |\n           \n| 1 | 2 |"),  # markdown table rule
    ("**规章** 0", "  规章   0"),  # emphasis
    ("— 4 —\n规章 0", "— 4 —\n规章 0"),  # a page footer is for the records stage to drop
])
def test_markdown_noise_is_blanked_in_place(text, kept):
    doc = read_document(text.encode(), ".md")
    assert doc.text == kept and len(doc.original) == len(doc.text)


def test_html_rows_become_lines_of_cells_with_blank_cells_kept():
    html = """<html><body><p>二、主动公开政府信息情况</p>
    <table><tr><td rowspan="2">三、本年度办理结果</td><td>(一)予以公开</td><td>5</td><td>&nbsp;</td><td>5</td></tr>
    <tr><td colspan="2"><p><span>(二)</span><span>部分公开</span></p></td><td><span>1</span><span>2</span></td>
    <td>0</td><td></td></tr></table><p>六、其他需要报告的事项</p></body></html>"""
    doc = read_document(html.encode(), ".html")
    assert doc.source_format == "html"
    assert doc.text.split("\n") == [
        "二、主动公开政府信息情况",
        f"三、本年度办理结果 | (一)予以公开 | 5 | {BLANK_CELL} | 5",
        f"(二)部分公开 | 12 | 0 | {BLANK_CELL}",  # inline spans join; a trailing blank keeps its place
        "六、其他需要报告的事项",
    ]
    # every line of the text knows the source line it came from
    assert [doc.source_line(k) for k in range(1, 5)] == [1, 2, 3, 4]


def test_html_entities_and_full_width_in_cells():
    html = "<table><tr><td>行政事业性收费</td><td>２５１０００元</td><td>&#43;8</td></tr></table>"
    assert read_document(html.encode(), ".html").text == "行政事业性收费 | 251000元 | +8"


def test_html_is_sniffed_without_suffix_and_scripts_dropped():
    html = "<html><head><script>var x = '| 1 | 2 |';</script></head><body><div>标题</div>" \
           "<table><tr><td>规章</td><td>0</td></tr></table></body></html>"
    doc = read_document(html.encode(), ".txt")
    assert doc.source_format == "html"
    assert doc.text == "标题\n规章 | 0"


def test_nested_layout_tables_keep_the_inner_rows():
    html = "<table><tr><td>页面布局<table><tr><td>规章</td><td>1</td></tr>" \
           "<tr><td>行政规范性文件</td><td>2</td></tr></table></td></tr></table>"
    assert read_document(html.encode(), ".html").text == "页面布局\n规章 | 1\n行政规范性文件 | 2"


def test_gbk_html_declared_charset():
    html = '<html><head><meta charset="gbk"></head><body><table><tr><td>规章</td><td>3</td></tr></table></body></html>'
    doc = read_document(html.encode("gbk"), ".html")
    assert doc.encoding == "gb18030"
    assert doc.text == "规章 | 3"


def test_html_page_fields_are_kept():
    html = ('<html><head><meta name="ArticleTitle" content="某区2022年度政府信息公开工作年度报告"/>'
            '<meta name="PubDate" content="2023-02-20 15:07"/><title>x</title></head><body><p>正文</p></body></html>')
    assert read_document(html.encode(), ".html").meta == {"ArticleTitle": "某区2022年度政府信息公开工作年度报告",
                                                          "PubDate": "2023-02-20 15:07"}


def test_text_lines_are_source_lines_and_no_pages():
    doc = read_document("一\n二\n\n三".encode())
    assert [doc.source_line(k) for k in (1, 2, 4)] == [1, 2, 4]
    assert doc.page(1) is None


def test_a_few_broken_sequences_are_read_around_and_counted():
    """html2text cuts a multi-byte character at a cell's edge: the rest of the file is read, each
    broken sequence a space, and the file says how many there were."""
    raw = REPORT.encode("utf-8")
    cut = raw.index("申请".encode()) + 1
    doc = read_document(raw[:cut] + raw[cut + 2:])
    assert doc.encoding == "utf-8" and doc.warnings == ["encoding_errors:1"]
    assert doc.text.startswith("株洲市芦淞区人民政府2023年")


@pytest.mark.parametrize("text, line", [
    # a wrapped cell's line breaks (pymupdf4llm) and underscores filling cells (html2text) are blanks
    ("|1.属于<br>国家秘<br>密|1|0<br>0|", "|1.属于    国家秘    密|1|0    0|"),
    ("|71__|3__|0___|", "|71  |3  |0   |"),
])
def test_markdown_cell_noise_is_blanked_in_place(text, line):
    doc = read_document(text.encode(), ".md")
    assert doc.text == line and len(doc.original) == len(text)


@pytest.mark.parametrize("text, expected", [
    # pdftotext -layout: positions in characters; the full rows around say which column is blank
    ("一、本年新收                341    0     0     308    0    776\n"
     "二、上年结转          55    0      0     0     0      0    55\n"
     "(一)予以公开          0     10     0           52     0    62\n"
     "(二)部分公开          0     12     0     0     0      0    12",
     [f"{BLANK_CELL}  341  0  0  308  0  776", f"0  10  0  {BLANK_CELL}  52  0  62"]),
    # w3m: positions in display columns (a CJK character two wide)
    ("一、本年新收政府信息公开          341      0        0        308      0       776\n"
     "二、上年结转政府信息公开  55      0        0        0        0        0       55\n"
     "理结果  (二)部分公开(区   0       12       0        0        0        0       12",
     [f"{BLANK_CELL}  341  0  0  308  0  776"]),
])
def test_fixed_width_rows_get_their_blank_cells_by_column(text, expected):
    lines = read_document(text.encode(), ".txt").text.split("\n")
    assert len(lines) == len(text.split("\n"))  # line for line
    assert [line.split(None, 1)[1].strip() for line in lines if BLANK_CELL in line] == expected


def test_fixed_width_rows_not_lined_up_are_left_incomplete():
    text = ("一、本年新收 341 0 0 308 0 776\n二、上年结转 55 0 0 0 0 0 55\n(一)予以公开 0 10 0 0 52 0 62")
    assert BLANK_CELL not in read_document(text.encode(), ".txt").text


def test_markdown_carrying_an_html_table_keeps_its_lines():
    """pandoc writes a table it cannot draw with pipes as HTML: that table's rows are read as the
    HTML adapter reads them, the pipe rows and their blank cells as markdown, other tags blanks."""
    text = ("# 某区2023年报告\n\n| 规章 | <span style=\"font-size: 14pt;\">0</span> | | 3 |\n|---|---|---|---|\n"
            "| 行政规范性文件 | 1 | 2 | 3 |\n| 行政许可 | 5 | 6 | 7 |\n\n<table><tr><td>行政复议</td><td>1</td><td></td><td>1</td></tr></table>\n正文")
    doc = read_document(text.encode(), ".md")
    assert doc.source_format == "text"
    lines = doc.text.split("\n")
    assert f"行政复议 | 1 | {BLANK_CELL} | 1" in lines
    assert lines[-1] == "正文" and doc.source_line(len(lines)) == text.count("\n") + 1
    assert "14pt" not in doc.text and "span" not in doc.text


@pytest.mark.parametrize("printed, read", [
    ("⼀、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),  # Kangxi radicals (NFKC folds them)
    ("⻓期有效 ⺠政局 ⻔户⽹站", "长期有效 民政局 门户网站"),  # radicals supplement (wkhtmltopdf's text layer)
])
def test_cjk_radicals_are_read_as_the_characters_they_stand_for(printed, read):
    assert normalise(printed) == read and normalise(printed * 100) == read * 100


@pytest.mark.parametrize("text, values", [
    # pymupdf4llm flags a glyph off the baseline: a raised number alone in its cell is the cell's value
    ("|2.其他法律|<sup>0</sup>|0|", ["0", "0"]),
    ("|1.本机关不掌握| <sup>37 </sup> |<sup>0</sup>|37|", ["37", "0", "37"]),
    # after a value it marks the value: a footnote, never a digit or a cell of its own
    ("|行政许可|12<sup>1</sup>|3|", ["12", "3"]),
    ("行政许可 12<SUB>23</SUB> 3", ["12", "3"]),
])
def test_raised_digits_in_text_are_values_only_when_they_fill_a_cell(text, values):
    from ingest.records import build_records
    records = build_records(read_document(text.encode(), ".md").text)
    assert [t.raw for rec in records for t in rec.values] == values


def test_pandoc_spans_are_read_as_their_text():
    """pandoc's markdown of a styled page: spans with attributes, nested, around labels and values
    (the digits of 14pt and 仿宋_GB2312 are markup); the page's own tables left as HTML in it."""
    text = ('  [[第二十条第（一）项]{style="font-family:仿宋_GB2312"}[ ]{style="font-size: 14pt;"}]{style="x"}\n'
            '  [规章]{style="font-size: 14pt;"}[]{style="a"}    [3]{style="font-size: 14pt;"}[]{style="a"}'
            '    [0]{style="b"}    [12]{style="c"}\n'
            '<table><tr><td>一、本年新收政府信息公开申请数量</td><td>7</td></tr></table>\n')
    doc = read_document(text.encode(), ".md")
    assert doc.source_format == "text"
    assert doc.text.split("\n")[1].split() == ["规章", "3", "0", "12"]
    assert "2312" not in doc.text and "14" not in doc.text
    assert "一、本年新收政府信息公开申请数量 | 7" in doc.text.split("\n")
