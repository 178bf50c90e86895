"""Stage 3, records: the token stream → text before a run of values, and the values."""
import pytest

from ingest.lexer import lex
from ingest.records import build_records


def records_of(text):
    return [(r.text, r.pieces, [t.raw for t in r.values]) for r in build_records(lex(text))]


@pytest.mark.parametrize("text, records", [
    # one line, no separators: a record ends where text follows values
    ("一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000",
     [("一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量",), ["640020470"]),
      ("二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量",), ["0000000"])]),
    # one cell per line, a wrapped label: one record, the label in pieces
    ("5.要求行政机关确认\n或重新出具已获取信息\n0\n0\n(六)其他处理\n1",
     [("5.要求行政机关确认或重新出具已获取信息", ("要求行政机关确认", "或重新出具已获取信息"), ["0", "0"]),
      ("(六)其他处理", ("其他处理",), ["1"])]),
    # a header and a row label with no separator between them: list markers split the pieces
    ("三、本年度办理结果(三)不予公开1.属于国家秘密 0 0",
     [("三、本年度办理结果(三)不予公开1.属于国家秘密", ("本年度办理结果", "不予公开", "属于国家秘密"), ["0", "0"])]),
    # prose before a label: only the text after the last sentence end is a label
    ("本年度未发生。(七)总计 13", [("本年度未发生。(七)总计", ("总计",), ["13"])]),
    # values with no text before them
    ("0 1", [("", (), ["0", "1"])]),
])
def test_records(text, records):
    assert records_of(text) == records
