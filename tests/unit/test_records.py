"""Stage 3: tokens → records (label + values)."""
import pytest

from ingest.cells import tokenize
from ingest.align import LabelIndex, record_keys
from ingest.records import build_records, strip_marker


def records_of(lines):
    recs = build_records(tokenize(lines, list(range(1, len(lines) + 1))))
    return [(r.label, [t.raw for t in r.values]) for r in recs]


def test_one_cell_per_line_with_wrapped_label():
    lines = [["5.要求行政机关确认"], ["或重新出具已获取信息"], ["0"], ["0"], ["(六)其他处理"], ["1"]]
    assert records_of(lines) == [("5.要求行政机关确认或重新出具已获取信息", ["0", "0"]), ("(六)其他处理", ["1"])]


def test_markers_start_records_even_without_values_between():
    lines = [["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密", "0", "0"]]
    assert records_of(lines) == [("三、本年度办理结果", []), ("(三)不予公开", []), ("1.属于国家秘密", ["0", "0"])]


def test_a_wrapped_value_stays_with_its_row():
    lines = [["2.申请人逾期未按收费通知要求交纳费用", "0", "0"], ["0"], ["3.其他", "1"]]
    assert records_of(lines) == [("2.申请人逾期未按收费通知要求交纳费用", ["0", "0", "0"]), ("3.其他", ["1"])]


@pytest.mark.parametrize("label, stripped", [
    ("三、本年度办理结果", "本年度办理结果"), ("、本年度办理结果", "本年度办理结果"), ("() 不予公开", "不予公开"),
    ("(三)不予公开", "不予公开"), ("7.于行政执法案卷", "于行政执法案卷"), ("第二十条第(一)项", "第(一)项"),
    ("规章", "规章"),
])
def test_strip_marker(label, stripped):
    assert strip_marker(label) == stripped


@pytest.mark.parametrize("printed, official, at_least", [
    ("7.于行政执法案卷", "属于行政执法案卷", 0.9),
    ("3.危及三安全一稳定", "危及“三安全一稳定”", 0.99),
    ("(二)部分公开", "部分公开(区分处理的,只计这一情形,不计其他情形)", 0.2),
    ("2.申请人逾期未按收费通知要求交纳费用、行政机关不再处理其政府信息公开申请",
     "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 0.9),
])
def test_damaged_labels_stay_similar(printed, official, at_least):
    assert LabelIndex([official]).scores(record_keys(build_records(tokenize([[printed, "0"]], [1]))[0])) >= [at_least]


def test_unrelated_labels_are_not_similar():
    assert LabelIndex(["重复申请"]).scores(record_keys(build_records(tokenize([["1.属于国家秘密", "0"]], [1]))[0])) == [0.0]


def test_a_row_label_at_the_end_of_a_merged_header_still_matches():
    header = build_records(tokenize([["第二十条第(一)项"], ["信息内容"], ["本年制发件数"], ["规章"], ["0"]], [1, 2, 3, 4, 5]))
    assert len(header) == 1
    assert LabelIndex(["规章", "行政许可"]).scores(record_keys(header[0])) == [1.0, 0.0]
