"""Metadata: title, agency, statistics year, publication date, layout reference, fees."""
import datetime as dt

import pytest

from ingest.metadata import extract, find_info_fee, find_layout_reference, find_published_at, find_title


@pytest.mark.parametrize("text, title, agency, year", [
    ("泸州市纳溪区2021年政府信息公开工作年度报告", "泸州市纳溪区2021年政府信息公开工作年度报告", "泸州市纳溪区", 2021),
    ("中国政府网| 湖南省政府网\n株洲市芦淞区人民政府2023年政府信息公开工作年度报告",
     "株洲市芦淞区人民政府2023年政府信息公开工作年度报告", "株洲市芦淞区人民政府", 2023),
    ("2022年度北京市海淀区教育委员会政府信息公开工作年度报告",
     "2022年度北京市海淀区教育委员会政府信息公开工作年度报告", "北京市海淀区教育委员会", 2022),
    ("| 湖山乡人民政府2020年政府信息公开工作年度报告 |", "湖山乡人民政府2020年政府信息公开工作年度报告", "湖山乡人民政府", 2020),
    ("2020年政府信息公开工作年度报告", "2020年政府信息公开工作年度报告", None, 2020),
    # a crawler's header field: the field name is not the agency
    ("标题: 平潭综合实验区2021年度政府信息公开工作年度报告\n发布时间: 2022-02-08 16:34",
     "平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区", 2021),
    # a title wrapped over lines by a PDF converter, after a converter's 正文
    ("正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告根据",
     "2025 年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2025),
    # site chrome around the title on one line
    ("当前位置: 首页政务公开政府信息公开年报 平潭综合实验区2021年度政府信息公开工作年度报告 来源:平潭县人民政府",
     "平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区", 2021),
])
def test_title(text, title, agency, year):
    assert find_title(text) == (title, agency, year)


def test_page_title_field_first():
    meta = {"ArticleTitle": "平潭综合实验区2022年度政府信息公开工作年度报告"}
    text = "平潭综合实验区2022年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会"
    assert find_title(text, meta) == ("平潭综合实验区2022年度政府信息公开工作年度报告", "平潭综合实验区", 2022)


@pytest.mark.parametrize("text, meta, date", [
    ("发布时间:2020-12-31 14:38:32", {}, dt.date(2020, 12, 31)),
    ("时间:2021-01-14 17:03", {}, dt.date(2021, 1, 14)),
    ("发布日期:2022年3月5日", {}, dt.date(2022, 3, 5)),
    ("公开日期:2022.03.05", {}, dt.date(2022, 3, 5)),
    ("发布时间:2024-02-04 16:04浏览次数:", {}, dt.date(2024, 2, 4)),
    ("来源:平潭县人民政府 时间:2022-02-08 16:34 微信", {}, dt.date(2022, 2, 8)),
    ("报告期为2021年1月1日至2021年12月31日", {}, None),
    ("统计时间:2021年1月1日至12月31日", {}, None),  # the statistics period is not a publication date
    ("正文", {"PubDate": "2023-02-20 15:07"}, dt.date(2023, 2, 20)),
    # what the text labels as published beats a bare 时间 (a crawler's), a crawl time is never one
    ("时间:2024-05-01 10:00\n标题:某区2023年报告\n" + "正文" * 4000 + "公开日期:2024-01-20", {}, dt.date(2024, 1, 20)),
    ("抓取时间:2024-05-01 10:00\n采集日期:2024-05-01\n正文", {}, None),
    ("成文日期:2024-01-10 发布日期:2024-01-20", {}, dt.date(2024, 1, 20)),
    # a bare 时间 only in the head of the text; a page's markup blanked out takes no room there
    ("正文" * 4000 + "时间:2024-01-20", {}, None),
    (" " * 20000 + "时间:2024-01-20", {}, dt.date(2024, 1, 20)),
])
def test_published_at(text, meta, date):
    assert find_published_at(text, meta) == date


@pytest.mark.parametrize("text, layout", [
    ("(国办公开办函〔2021〕30号)要求", "2021"), ("国办公开办函[2019]60号", "2019"),
    ("国办公开办函〔2019〕30号", None), ("无", None),
])
def test_layout_reference(text, layout):
    assert find_layout_reference(text) == layout


@pytest.mark.parametrize("text, fee", [
    ("本年度无收取信息处理费情况。", 0),
    ("2023年,我区未向社会公众收取与政府信息公开申请有关的费用。", 0),
    ("2023年未向申请人收取信息处理费。", 0),
    ("2025 年度本机关未收取信息公开处理费。", 0),
    ("2025年全市实际收取信息处理费共计400元。", 400),
    ("2025 年有 1 件政府信息公开申请案件收取信息处理费 380 元。", 380),
    ("本年度收取信息处理费0.12万元。", 1200),
    ("六、其他需要报告的事项\n无", None),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0", None),
    ("六、其他需要报告的事项\n本年度本机关未收取\n信息处理费。", 0),  # a sentence wrapped over lines
    ("信息处理费\n| 0 | 0 |", None),  # a heading and a table's line are not a sentence
])
def test_info_fee(text, fee):
    assert find_info_fee(text)[0] == fee


def test_conflicting_fee_sentences_are_null_with_a_warning():
    fee, warnings = find_info_fee("本年度未收取信息处理费。本年度收取信息处理费200元。")
    assert fee is None and warnings == ["fee_conflict:0.0/200.0"]


def test_year_and_agency_without_a_title():
    text = ("根据国办公开办函〔2021〕30号要求,编制本报告。\n一、总体情况\n2023年以来,海沧区政府信息公开工作坚持……"
            "2023年全区共受理申请107件。2022年度……")
    md = extract(text)
    assert (md.title, md.agency, md.report_year, md.layout_reference) == (None, "海沧区", 2023, "2021")
    assert md.warnings == ["agency_from_text", "year_from_text"]


def test_statistics_period_gives_the_year():
    text = "本报告所列数据的统计期限自2023年1月1日至2023年12月31日止。2024年将继续……"
    assert extract(text).report_year == 2023
