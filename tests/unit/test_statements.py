"""The narrative reader: numbers the prose states, read only in fixed shapes, never a part or another year's."""
import csv
import json
from pathlib import Path

import pytest

from ingest.form import seeds_dir
from ingest.parse import parse_report
from ingest.statements import CODES, read_statements

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize("text, year, expected", [
    ("2021年,全区共受理依申请公开件13件(含上年结转1件),办结13件。其中予以公开11件,部分公开1件,不予公开1件(属机关过程性信息)。", 2021,
     {"requests_received": 13, "requests_carried_over": 1, "requests_concluded": 13, "requests_granted": 11,
      "requests_partially_granted": 1, "requests_denied": 1}),
    ("本年度全区共收到70件申请,及时依法依规办结69件,1件结转下年度继续办理。", None,
     {"requests_received": 70, "requests_concluded": 69, "requests_carried_forward": 1}),
    ("市政府共受理政府信息公开申请 1,295 件,办结 1191 件(含\n上年结转 189 件)。", 2025,
     {"requests_received": 1295, "requests_concluded": 1191, "requests_carried_over": 189}),
    ("2022年,全区政府信息公开工作方面共有行政诉讼案件1件、行政复议案件2件,均已结案。", 2022, {"lawsuits": 1, "reviews": 2}),
    ("全年主动公开政府信息10143条,办结政府信息公开申请103件。", 2023, {"proactive_items": 10143, "requests_concluded": 103}),
    # two things counted together, or a part of them: not read
    ("其中,予以公开及部分公开 208 件(17.46%)。", 2025, {}),
    ("因政府信息公开被申请行政复议、提起行政诉讼3件。", 2023, {}),
    ("(其中机构职能类信息25条,其他应主动公开政府信息856条)", 2019, {}),
    ("全区共收到申请100件,其中区本级收到政府信息公开申请30件。", 2023, {"requests_received": 100}),
    # another year, a comparison, an approximation, another count
    ("2022年收到政府信息公开申请50件,2023年收到政府信息公开申请60件。", 2023, {"requests_received": 60}),
    ("收到申请同比增加20件。", 2023, {}),
    ("办结申请300余件,办结率100%。", 2023, {}),
    ("受理行政复议申请2件,受理各类群众诉求259起。", 2023, {"reviews": 2}),
    ("全年未收到政府信息公开申请,未发生行政复议。", 2023, {}),
])
def test_statements_read_only_in_fixed_shapes(text, year, expected):
    statements, _ = read_statements(text, text, year)
    assert {s.statement: s.value for s in statements} == expected


def test_two_numbers_for_one_thing_keep_neither():
    text = "全年收到政府信息公开申请12件。……本年度收到政府信息公开申请15件。"
    statements, warnings = read_statements(text, text, None)
    assert statements == [] and warnings == ["statement_conflict:requests_received:12/15"]


def test_the_clause_and_its_line_are_kept():
    text = "一、总体情况\n2023年全区受理政府信息公开申请21件,均在法定期限答复。"
    (statement,), _ = read_statements(text, text.replace("21", "２１"), 2023)
    assert (statement.line, statement.raw) == (2, "2023年全区受理政府信息公开申请２１件")


def test_the_codes_are_the_seed():
    with open(seeds_dir() / "statements.csv", encoding="utf-8") as f:
        assert tuple(r["statement"] for r in csv.DictReader(f)) == CODES


def test_dev_reports_statements_agree_with_the_hand_read_values():
    """Every statement read from the ten dev reports is one read by hand, with the same number (a
    wrong statement is worse than none); and most of those read by hand are read."""
    hand = json.loads((ROOT / "tests" / "fixtures" / "statements_dev.json").read_text(encoding="utf-8"))
    read, wrong = 0, []
    for path in sorted((ROOT / "samples" / "raw").iterdir()):
        rep = parse_report(path.read_bytes(), path.name, path.suffix)
        for s in rep.statements:
            if hand[path.name].get(s.statement) != s.value:
                wrong.append((path.name, s.statement, s.value))
            assert s.line is not None and s.raw and str(s.value) in s.raw.replace(",", "").replace(" ", "")
        read += len(rep.statements)
    stated = sum(len(v) for k, v in hand.items() if not k.startswith("_"))
    assert wrong == []
    assert (read, stated) == (34, 36)  # 000's 累计公开 and 006's 共公布 are outside the shapes
