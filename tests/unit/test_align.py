"""Stage 4, align: tables found in the record stream, each form row given its printed values."""
import pytest

from ingest.align import align_applications, align_proactive, find_applications_start, find_proactive_start, \
    find_reviews, form_labels, review_values
from ingest.records import build_records

LABELS_2021 = [  # table 三 as printed in the 2021 form, group headers where they are printed
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
    "8.属于行政查询事项", "(四)无法提供1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "(五)不予处理1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "(七)总计",
    "四、结转下年度继续办理",
]
CODES_2021 = ["new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
              "denied_law_prohibited", "denied_three_safeties", "denied_third_party", "denied_internal_affairs",
              "denied_process_info", "denied_enforcement_file", "denied_admin_inquiry", "unavailable_not_held",
              "unavailable_needs_creation", "unavailable_unclear", "not_processed_petition", "not_processed_duplicate",
              "not_processed_publication", "not_processed_excessive", "not_processed_confirmation",
              "other_overdue_correction", "other_overdue_fee", "other_misc", "total_processed", "carried_forward"]
HEADER = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"


def row_values(k: int) -> list[str]:
    return [str(k), "0", "0", "0", "0", "0", str(k)]  # row k prints k in its first and last cells


def aligned(text: str, form):
    records = build_records(text)
    labels = form_labels(form)
    start = find_applications_start(records, labels, 7)
    table, variant, _ = align_applications(records, labels, start, 7, find_reviews(records, start or 0))
    return {code: None if tokens is None else [t.raw for t in tokens] for code, tokens in table.rows.items()}, variant


def test_a_one_line_page(form):
    """The whole table on one line, no separator anywhere: each row's run is what follows its label."""
    text = "三、收到和处理政府信息公开申请情况" + HEADER + "".join(
        label + "".join(row_values(k)) for k, label in enumerate(LABELS_2021, start=1))
    rows, variant = aligned(text, form)
    assert variant == "other_sub_rows"
    # "…50000052.其他法律…", "…90000093.补正…": each list number went back to its label
    assert rows == {code: ["".join(row_values(k))] for k, code in enumerate(CODES_2021, start=1)}


def test_glued_list_number_goes_back_to_its_label(form):
    text = HEADER + "".join(label + "0000000" for label in LABELS_2021)
    rows, _ = aligned(text, form)
    assert all(v == ["0000000"] for v in rows.values())  # "00000002.其他法律…": 7 cells, not 8


@pytest.mark.parametrize("between", [" ", "\n", " | "])
def test_list_number_printed_apart_from_its_label_goes_back_to_it(form, between):
    text = HEADER + "".join(f"{label.replace('1.', chr(10) + '1.')}{between}{' '.join(row_values(k))}{between}"
                            for k, label in enumerate(LABELS_2021, start=1))
    rows, _ = aligned(text, form)
    assert rows == {code: row_values(k) for k, code in enumerate(CODES_2021, start=1)}


def test_a_damaged_header_after_a_value_keeps_the_value(form):
    """…0 5、本年度办理结果: no row numbered 5 reads like 本年度办理结果, so 5 is the row's."""
    labels = [label.replace("三、本年度", "、本年度") for label in LABELS_2021]
    text = HEADER + "".join(f"{label}{' '.join(row_values(k))}" for k, label in enumerate(labels, start=1))
    rows, _ = aligned(text, form)
    assert rows["carried_over"] == row_values(2)


def test_a_row_whose_label_was_printed_elsewhere_takes_the_run_after_the_row_before(form):
    """A converter printed a label far from its numbers: its values follow the row before's."""
    lines = [f"{label} | {' | '.join(row_values(k))}" for k, label in enumerate(LABELS_2021, start=1)]
    lines[19] = "| " + " | ".join(row_values(20))  # 5.要求行政机关确认… printed without its label …
    lines.insert(10, "5.要求行政机关确认或重新出具已获取信息")  # … which sits among other rows
    rows, _ = aligned("\n".join([HEADER] + lines), form)
    assert rows["not_processed_confirmation"] == row_values(20)
    assert rows["not_processed_excessive"] == row_values(19)


def test_labels_printed_apart_from_their_numbers(form):
    lines = [f"{label} {' '.join(row_values(k))}" for k, label in enumerate(LABELS_2021, start=1)]
    lines[15:17] = ["(五)不予处理1.信访举报投诉类申请", "2.重复申请", " ".join(row_values(16) + row_values(17))]
    rows, _ = aligned("\n".join([HEADER] + lines), form)
    assert (rows["not_processed_petition"], rows["not_processed_duplicate"]) == (row_values(16), row_values(17))


def test_a_block_printed_column_by_column(form):
    """A converter stacked each column of two rows in one cell: 16 17 | 0 0 | … ."""
    lines = [f"{label} | {' | '.join(row_values(k))}" for k, label in enumerate(LABELS_2021, start=1)]
    lines[15:17] = ["(五)不予处理1.信访举报投诉类申请", "2.重复申请 | " + " | ".join(
        f"{a} {b}" for a, b in zip(row_values(16), row_values(17)))]
    rows, _ = aligned("\n".join([HEADER] + lines), form)
    assert (rows["not_processed_petition"], rows["not_processed_duplicate"]) == (row_values(16), row_values(17))


def test_other_as_one_row_is_the_shape_printed(form):
    """The 2019 shape of 其他处理 in a report: one row, not three sub-rows."""
    labels = LABELS_2021[:20] + ["(六)其他处理"] + LABELS_2021[23:]
    text = "\n".join([HEADER] + [f"{label} {' '.join(row_values(k))}" for k, label in enumerate(labels, start=1)])
    rows, variant = aligned(text, form)
    assert variant == "one_other_row"
    assert rows["other"] == row_values(21) and rows["total_processed"] == row_values(22)
    assert "other_misc" not in rows


def test_prose_before_the_table_is_not_its_first_rows(form):
    prose = "2023年全区共受理政府信息公开申请107件,其中予以公开11件。"
    text = prose + "\n" + "\n".join([HEADER] + [f"{label} {' '.join(row_values(k))}"
                                                  for k, label in enumerate(LABELS_2021, start=1)])
    rows, _ = aligned(text, form)
    assert rows["new_received"] == row_values(1) and rows["granted"] == row_values(3)


PROACTIVE_2021 = """二、主动公开政府信息情况
第二十条第(一)项
22
(其中修订 16 件)
55
(含自然失效 29 件)
第二十条第(五)项
信息内容 本年处理决定数量
行政许可 0
第二十条第(六)项
信息内容 本年处理决定数量
行政处罚 4119
行政强制 195
第二十条第(八)项
信息内容 本年收费金额(单位:万元)
行政事业性收费 7730.28
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 22 | 235 |
| 行政规范性文件 | 34 | 189 |
三、收到和处理政府信息公开申请情况"""


def test_table_two_rows_wherever_printed_and_values_apart_from_their_rows(form):
    records = build_records(PROACTIVE_2021)
    table = align_proactive(records, form_labels(form), form, "2021", find_proactive_start(records, len(records)),
                            len(records))
    rows = {item: None if t is None else [x.raw for x in t] for item, t in table.rows.items()}
    assert rows == {"regulation": ["22", "235"], "normative_document": ["34", "189"], "administrative_license": ["0"],
                    "administrative_penalty": ["4119"], "administrative_coercion": ["195"],
                    "administrative_fee": ["7730.28"]}
    assert {g: [(t.raw, note) for t, note in v] for g, v in table.floating.items()} == \
        {"art20_1": [("22", "(其中修订 16 件)"), ("55", "(含自然失效 29 件)")]}


@pytest.mark.parametrize("text, found", [
    ("四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持 结果纠正 总计 0 1 1 0 2", True),
    ("四、因政府信息公开申请行政复议、提起行政诉讼的情况 2", False),  # prose naming the section
])
def test_reviews_header(text, found):
    assert (find_reviews(build_records(text), 0) is not None) is found


@pytest.mark.parametrize("text, values", [
    ("四、行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 0 1 1 0 2 1 0 0 0 1 0 0 0 0 0 五、",
     "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"),
    # printed column by column: each value after its own header word
    ("四、政府信息公开行政复议、行政诉讼情况 行政复议 结果维持 0 结果纠正 1 其他结果 1 尚未审结 0 总计 2 行政诉讼 "
     "未经复议直接起诉 结果维持 1 结果纠正 0 其他结果 0 尚未审结 0 总计 1 复议后起诉 结果维持 0 结果 纠正 0 其他结果 0 "
     "尚未审结 0 总计 0 五、存在的主要问题 2023 年", "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"),
    # a short run and then prose: not table 四's values
    ("行政复议 行政诉讼 结果维持 结果纠正 0 1 五、存在的主要问题 2023 年", "0 1"),
])
def test_review_values(form, text, values):
    records = build_records(text)
    at = find_reviews(records, 0)
    assert " ".join(t.raw for t in review_values(records, at, 15, form)) == values


# --- rows against their values, as converters print them ------------------------------------------


def wrapped(label: str, values: str) -> list[str]:
    """A label wrapped in a narrow cell: its list number and two characters on the values' line,
    the rest three characters a line below it (pdfplumber, pdftotext, markitdown on a PDF)."""
    cut = max(label.rfind("."), label.rfind("、"), label.rfind(")")) + 3
    head, rest = label[:cut], label[cut:]
    return [f"{head} {values}"] + [rest[i:i + 3] for i in range(0, len(rest), 3)]


def test_a_label_wrapped_around_its_values_line(form):
    lines = [HEADER]
    for k, label in enumerate(LABELS_2021, start=1):
        lines += wrapped(label, " ".join(row_values(k)))
    rows, _ = aligned("\n".join(lines), form)
    assert rows == {code: row_values(k) for k, code in enumerate(CODES_2021, start=1)}


def test_a_list_number_apart_from_its_wrapped_label_goes_back_to_it(form):
    """``(三)不 1.属于 0 0 …`` / ``予公开 国家秘`` / ``密``: the 1 is the row's list number."""
    lines = [HEADER]
    for k, label in enumerate(LABELS_2021, start=1):
        lines += wrapped(label.replace("(三)不予公开1.", "(三)不 1."), " ".join(row_values(k)))
    rows, _ = aligned("\n".join(lines), form)
    assert rows["denied_state_secret"] == row_values(5) and rows["granted"] == row_values(3)


def labels_after(rows_after: range, drop: int | None = None) -> str:
    """Table 三 with each row on one line, except ``rows_after``: their values line printed before
    the label (markitdown on a PDF); ``drop``: a row whose values line is lost."""
    lines = [HEADER]
    for k, label in enumerate(LABELS_2021, start=1):
        values = " | ".join(row_values(k + 10))
        if k in rows_after:
            lines += ([] if k == drop else [f"| | {values} |"]) + [label]
        else:
            lines.append(f"| {label} | {values} |")
    return "\n".join(lines)


def test_labels_printed_after_their_values_take_them_in_the_forms_order(form):
    """Rows 5–14 print their values before their labels: the rows around them anchor the
    stretch, which holds as many values lines as rows, so the form's order decides."""
    rows, _ = aligned(labels_after(range(5, 15)), form)
    assert rows == {code: row_values(k + 10) for k, code in enumerate(CODES_2021, start=1)}


def test_labels_after_their_values_with_a_values_line_lost_are_null_never_shifted(form):
    rows, _ = aligned(labels_after(range(5, 15), drop=9), form)
    for k, code in enumerate(CODES_2021, start=1):
        assert rows[code] is None or rows[code] == row_values(k + 10), code
    assert rows["denied_third_party"] is None and rows["denied_internal_affairs"] is None
    assert rows["granted"] == row_values(13) and rows["unavailable_unclear"] == row_values(25)


def test_labels_printed_in_a_column_before_their_values(form):
    """pdftotext prints a block's labels one per line, then its values one row per line: the
    values lines follow the last label, so they are counted off in the form's order."""
    lines = [HEADER, *(f"{label} {' '.join(row_values(k))}" for k, label in enumerate(LABELS_2021[:4], start=1))]
    lines += LABELS_2021[4:12] + [" ".join(row_values(k)) for k in range(5, 13)]
    lines += [f"{label} {' '.join(row_values(k))}" for k, label in enumerate(LABELS_2021[12:], start=13)]
    rows, _ = aligned("\n".join(lines), form)
    assert rows == {code: row_values(k) for k, code in enumerate(CODES_2021, start=1)}


@pytest.mark.parametrize("layout, expected", [
    # each value on a line of its own, a block of two rows column by column: the row totals decide
    ("column", {"not_processed_petition": row_values(16), "not_processed_duplicate": ["17", "0", "0", "0", "0", "0", "17"]}),
    # both readings add up and differ (0 0 0 0 0 0 0 / 0 0 0 0 1 0 1 read either way): neither is taken
    ("ambiguous", {"not_processed_petition": None, "not_processed_duplicate": None}),
])
def test_a_block_of_rows_read_by_its_row_totals(form, layout, expected):
    first, second = (row_values(16), row_values(17)) if layout == "column" else \
        (["0"] * 7, ["0", "0", "0", "0", "0", "1", "1"])
    interleaved = [v for pair in zip(first, second) for v in pair]
    lines = [f"{label} {' '.join(row_values(k))}" for k, label in enumerate(LABELS_2021, start=1)]
    lines[15:17] = ["(五)不予处理1.信访举报投诉类申请 2.重复申请", *interleaved]
    rows, _ = aligned("\n".join([HEADER] + lines), form)
    assert {code: rows[code] for code in expected} == expected


@pytest.mark.parametrize("text, found", [
    # column headings one character a line, the values on one line after them: table 四
    ("四、行政复议、行政诉讼情况 行政复议 行政诉讼\n结 结 其 尚\n果 果 他 未 总\n维 纠 结 审 计\n持 正 果 结\n"
     "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", True),
    # … each value on a line of its own (pdftotext's drawing order): the columns' order is not known
    ("四、行政复议、行政诉讼情况 行政复议 行政诉讼\n结 结 其 尚\n果 果 他 未 总\n维 纠 结 审 计\n持 正 果 结\n"
     + "\n".join("3 0 1 1 0 0 0 0 0 0 1 0 1 5 0".split()), False),
])
def test_reviews_header_printed_a_character_a_line(text, found):
    assert (find_reviews(build_records(text), 0) is not None) is found


def test_table_two_labels_after_their_values_take_them_in_the_blocks_order(form):
    """markitdown on a PDF: a block's values lines before their labels."""
    text = ("二、主动公开政府信息情况\n第二十条第(一)项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "| | 294 | 974 | 0 |\n规章\n| | 1435 | 1140 | 0 |\n行政规范性文件\n第二十条第(五)项\n"
            "| 信息内容 | 本年处理决定数量 |\n| 行政许可 | 7 |\n三、收到和处理政府信息公开申请情况")
    records = build_records(text)
    table = align_proactive(records, form_labels(form), form, "2021", find_proactive_start(records, len(records)),
                            len(records))
    rows = {item: None if t is None else [x.raw for x in t] for item, t in table.rows.items()}
    assert rows["regulation"] == ["294", "974", "0"] and rows["normative_document"] == ["1435", "1140", "0"]
    assert rows["administrative_license"] == ["7"]


@pytest.mark.parametrize("cut", ["行政", "行政许"])
def test_table_two_label_cut_short_names_no_item_but_its_blocks_order_does(form, cut):
    """html2text cut 行政许可 / 行政处罚 / 行政强制 to 行政…: each block's runs in the form's order."""
    text = (f"第二十条第(五)项\n|信息内容|本年处理决定数量|\n|{cut}|10690|\n第二十条第(六)项\n|信息内容|本年处理决定数量|\n"
            f"|{cut}|2113|\n|{cut}|0|\n第二十条第(八)项\n|信息内容|本年收费金额(单位:万元)|\n|行政事业性收费|9116.36|\n三、收到")
    records = build_records(text)
    table = align_proactive(records, form_labels(form), form, "2021", find_proactive_start(records, len(records)),
                            len(records))
    rows = {item: None if t is None else [x.raw for x in t] for item, t in table.rows.items()}
    assert (rows["administrative_license"], rows["administrative_penalty"], rows["administrative_coercion"]) == \
        (["10690"], ["2113"], ["0"])


def _pdftotext_order(values: list[int]) -> str:
    """Table 三 as pdftotext's default order prints a drawn table: a block of values, label
    fragments torn from their cells, the rest of the values, more fragments, then table 四."""
    half = len(values) // 2
    block = lambda vs: "\n\n".join(map(str, vs))  # noqa: E731
    return ("三、收到和处理政府信息公开申请情况\n\n" + HEADER + "\n\n" + block(values[:half]) +
            "\n\n一、本年新收政府信息公开申\n\n请数量\n\n(三)不\n\n1.属于\n\n国家秘\n\n密\n\n" + block(values[half:]) +
            "\n\n(七)总计\n\n四、结转下年度继续办理\n\n四、政府信息公开行政复议、行政诉讼情况\n\n行政复议\n\n0\n\n1")


def _form_order_table(form):
    from ingest.synth import random_truth
    import random
    truth = random_truth(random.Random(5), "2021")
    assert truth.applications["total_processed"][0] > 0  # a table whose rows are not all alike
    return truth.applications


@pytest.mark.parametrize("damage, read", [
    (None, True),  # every value a count, 25 × 7 of them, every identity holding: the form's order
    ("swap_in_row", False),  # two cells of a row exchanged: its total breaks
    ("drop", False),  # a value lost: not a whole table
    ("by_column", False),  # a converter's column order: the rows do not add up
])
def test_labels_torn_from_their_values_read_in_the_forms_order_only_when_all_holds(form, damage, read):
    from ingest.align import align_by_form_order
    table = _form_order_table(form)
    rows = [table[code] for code in CODES_2021]
    values = [v for row in rows for v in row]
    if damage == "swap_in_row":
        k = next(i for i, row in enumerate(rows) if row[0] != row[-1])
        values[k * 7], values[k * 7 + 6] = values[k * 7 + 6], values[k * 7]
    elif damage == "drop":
        values = values[:-1]
    elif damage == "by_column":
        values = [row[c] for c in range(7) for row in rows]
    got = align_by_form_order(build_records(_pdftotext_order(values)), form, form_labels(form), 7)
    if not read:
        assert got is None
        return
    aligned_table, variant, _ = got
    assert variant == "other_sub_rows" and aligned_table.warnings == ["table_by_form_order:applications"]
    assert {code: [t.value for t in tokens] for code, tokens in aligned_table.rows.items()} == \
        {code: table[code] for code in CODES_2021}
