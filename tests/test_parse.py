"""Whole reports written by hand for shapes the generator does not make."""
import pytest

from ingest.parse import parse_report

SHANGHAI_2019 = """<html><head><meta charset="utf-8"><title>2019年上海市某区人民政府办公室政府信息公开工作年度报告</title></head>
<body><h1>2019年上海市某区人民政府办公室政府信息公开工作年度报告</h1><p>发布日期：2020年1月31日</p>
<p>二、主动公开政府信息情况</p><table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>
<tr><td>规章</td><td>&nbsp;</td><td>0</td><td>0</td></tr>
<tr><td>规范性文件</td><td>３</td><td>３</td><td>１２</td></tr>
<tr><td colspan="4">第二十条第（五）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政许可</td><td>40</td><td>+1036</td><td>1,234</td></tr>
<tr><td>其他对外管理服务事项</td><td>2</td><td>-3</td><td>5</td></tr>
<tr><td colspan="4">第二十条第（六）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>
<tr><td>行政处罚</td><td>1</td><td>0</td><td>7</td></tr><tr><td>行政强制</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="4">第二十条第（八）项</td></tr>
<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td></td></tr>
<tr><td>行政事业性收费</td><td>1</td><td>0</td><td></td></tr>
<tr><td colspan="4">第二十条第（九）项</td></tr>
<tr><td>信息内容</td><td>采购项目数量</td><td>采购总金额</td><td></td></tr>
<tr><td>政府集中采购</td><td>2</td><td>251000元</td><td></td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>859</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>859</td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td><td>18</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>18</td></tr>
<tr><td rowspan="20">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>500</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr>
<tr><td colspan="2">（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>100</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr>
""" + "".join(
    f'<tr>{"<td rowspan=%d>%s</td>" % (n, g) if i == 0 else ""}<td>{i + 1}.{label}</td>'
    f'<td>{v}</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr>\n'
    for g, n, items in [("（三）不予公开", 8, ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
                                          "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"]),
                        ("（四）无法提供", 3, ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"]),
                        ("（五）不予处理", 5, ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                                          "要求行政机关确认或重新出具已获取信息"])]
    for i, (label, v) in enumerate(zip(items, [5, 0, 0, 40, 0, 60, 0, 0] if n == 8 else [80, 5, 5] if n == 3 else [10, 0, 0, 0, 0]))
) + """<tr><td colspan="2">（六）其他处理</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td></tr>
<tr><td colspan="2">（七）总计</td><td>805</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>805</td></tr>
<tr><td colspan="3">四、结转下年度继续办理</td><td>72</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>72</td></tr></table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><table>
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td>
<td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>3</td><td>1</td><td>0</td><td>1</td><td>5</td><td>2</td><td>0</td><td>0</td><td>1</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table><p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p></body></html>"""


def test_shanghai_style_2019_html():
    rep = parse_report(SHANGHAI_2019.encode("utf-8"), "sh.html", ".html")
    assert (rep.layout, rep.report_year, rep.source_format) == ("2019", 2019, "html")
    assert str(rep.published_at) == "2020-01-31"
    assert rep.agency == "上海市某区人民政府办公室"
    apps = rep.applications
    assert [c.value for c in apps["new_received"]] == [859, 0, 0, 0, 0, 0, 859]
    assert [c.value for c in apps["denied_third_party"]] == [40, 0, 0, 0, 0, 0, None]  # blank 总计: null, not 40
    assert [c.value for c in apps["total_processed"]] == [805, 0, 0, 0, 0, 0, 805]
    assert "cell_blank:denied_third_party:7" in rep.warnings
    pro = {m: c.value for m, c in rep.proactive.items()}
    assert pro["regulation.newly_made"] is None and "cell_blank:regulation:1" in rep.warnings
    assert (pro["normative_document.total_published"], pro["administrative_license.change"],
            pro["administrative_license.decisions"], pro["other_management_service.change"]) == (12, 1036, 1234, -3)
    assert (pro["centralized_procurement.amount"], rep.proactive["centralized_procurement.amount"].raw) == (251000, "251000元")
    assert [c.value for c in rep.reviews.values()] == [3, 1, 0, 1, 5, 2, 0, 0, 1, 3, 0, 0, 0, 0, 0]
    assert rep.info_fee_yuan == 0
    assert rep.status == "partial"


def test_pre_2019_report_has_no_tables():
    text = ("某县人民政府2017年政府信息公开工作年度报告\n一、概述\n2017年,我县共主动公开政府信息1200条。\n"
            "二、依申请公开情况\n全年共受理申请12件,均已按时答复。\n三、收费及减免情况\n未收取任何费用。")
    rep = parse_report(text.encode("gbk"), "old.txt", ".txt")
    assert (rep.status, rep.layout, rep.report_year, rep.encoding) == ("no_tables", None, 2017, "gb18030")
    assert rep.applications == {} and "no_tables" in rep.warnings


def test_markdown_pdf_conversion_with_labels_apart_footers_and_repeated_headers(form):
    """A PDF converter's markdown: each label row apart from its numbers, a page footer and the
    header repeated where the table crosses a page."""
    import random

    from ingest.synth import application_rows, random_truth

    truth = random_truth(random.Random(7), "2021")
    header = "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"
    md = ["# 某局2022年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", header, "|---|---|---|---|---|---|---|---|"]
    for k, row in enumerate(application_rows(truth, form)):
        if row.header:
            continue
        md += ["| " + " | ".join(row.cells[: row.values_from]) + " | | | |", "| " + " | ".join(row.cells[row.values_from:]) + " |"]
        if k == 12:
            md += ["", "— 7 —", "", header, "|---|---|---|---|---|---|---|---|"]
    rep = parse_report("\n".join(md).encode(), "r.md", ".md")
    got = {code: [None if c.value is None else int(c.value) for c in cells] for code, cells in rep.applications.items()}
    assert got == truth.applications
    assert rep.layout == "2021"


MIXED = """淮安市某区人民政府2023年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第(一)项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 0 5 5
第二十条第(五)项
信息内容 本年处理决定数量
行政许可 550
第二十条第(六)项
信息内容 本年处理决定数量
行政处罚 4119
行政强制 195
第二十条第(八)项
信息内容 本年收费金额(单位:万元)
行政事业性收费 7730.28
三、收到和处理政府信息公开申请情况
""" + "\n".join(f"{label} {k} 0 0 0 0 0 {k}" for k, label in enumerate([
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
    "8.属于行政查询事项", "(四)无法提供1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "(五)不予处理1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息", "(六)其他处理", "(七)总计", "四、结转下年度继续办理"])) + """
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计
10 1 0 0 0 0 0 0 0 0 5 0 0 0 0
"""


def test_mixed_layout_other_as_one_row():
    """Table 二 in the 2021 form, 其他处理 printed as one row (the 2019 shape): the report is
    2021, its `other` row holds what was printed and the three 2021 sub-rows are null."""
    rep = parse_report(MIXED.encode(), "mixed.txt", ".txt")
    assert rep.layout == "2021"
    assert [c.value for c in rep.applications["other"]] == [20, 0, 0, 0, 0, 0, 20]
    for code in ("other_overdue_correction", "other_overdue_fee", "other_misc"):
        assert [c.value for c in rep.applications[code]] == [None] * 7
        assert f"row_not_printed:{code}" in rep.warnings
    assert "layout_mixed:other_as_one_row" in rep.warnings
    assert [c.value for c in rep.applications["total_processed"]] == [21, 0, 0, 0, 0, 0, 21]
    assert rep.proactive["normative_document.abolished"].value == 5
    # table 四 as printed, though 复议's total does not add up: a finding, not a correction
    assert [c.value for c in rep.reviews.values()][:5] == [10, 1, 0, 0, 0]


@pytest.mark.parametrize("text", [
    # a notice about the form: it names the tables and their rows, but prints no report's numbers
    "关于做好2023年政府信息公开工作年度报告编制工作的通知\n各单位要按照格式填报第二十条第(一)项规章、行政规范性文件,"
    "以及本年新收政府信息公开申请数量、上年结转政府信息公开申请数量、予以公开、部分公开等情况,并于2024年1月31日前报送。",
    "某县人民政府2017年政府信息公开工作年度报告\n一、概述\n2017年,我县共主动公开政府信息1200条。",
])
def test_a_document_that_is_not_a_report_has_no_tables(text):
    rep = parse_report(text.encode(), "note.txt", ".txt")
    assert rep.status == "no_tables" and rep.applications == {}
