"""Label similarity: damaged, wrapped and glued labels still read like the form's."""
import pytest

from ingest.labels import LabelIndex, candidates, label_key
from ingest.records import build_records


def similarity(printed: str, official: str) -> float:
    rec = build_records(printed + " 0")[0]
    return LabelIndex([label_key(official)]).scores(rec.pieces)[0]


@pytest.mark.parametrize("printed, official, at_least", [
    ("7.于行政执法案卷", "属于行政执法案卷", 0.9),  # a character lost
    ("2.其他法律行政止公开", "其他法律行政法规禁止公开", 0.7),  # characters lost and one wrong
    ("3.危及三安全一稳定", "危及“三安全一稳定”", 0.99),  # quotes are noise
    ("社会公益 组织", "社会公益组织", 0.99),  # a space inside a label
    ("(二)部分公开(区分处理的,只计这一情\n形,不计其他情形)", "部分公开(区分处理的,只计这一情形,不计其他情形)", 0.99),  # wrapped
    ("信息内容本年制发件数本年废止件数现行有效件数规章", "规章", 0.99),  # glued to the header before it
    ("三\n、\n本\n年\n度\n办\n理\n结\n果\n(一)予以公开", "予以公开", 0.99),  # a vertical label before it
    ("2.申请人逾期未按收费通知要求交纳费用、行政机关不再处理其政府信息公开申请",
     "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 0.9),
])
def test_damaged_labels_stay_similar(printed, official, at_least):
    assert similarity(printed, official) >= at_least


@pytest.mark.parametrize("printed, official", [
    ("1.属于国家秘密", "重复申请"),
    ("全年共收到申请", "本年新收政府信息公开申请数量"),
])
def test_unrelated_labels_are_not_similar(printed, official):
    assert similarity(printed, official) < 0.5


def test_candidates_are_the_last_pieces_and_tails():
    assert candidates(("信息内容", "规章"))[:2] == ["规章", "信息内容规章"]
    assert "规章" in candidates(("信息内容规章",))  # a tail of the glued text
