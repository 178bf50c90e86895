"""Synthetic reports with known answers, rendered in the shapes real reports come in.

The numbers satisfy the form's identities; the labels come from the seed, so a rendered report
reads like the official form. Used by the tests; see ``render`` for the shapes.
"""
from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
from dataclasses import dataclass, field
from itertools import combinations
from math import comb
from pathlib import Path

from .form import Form, load_form

SHAPES = ("pipe", "cell_per_line", "cell_per_line_pipe", "html", "markdown", "run_together", "one_line")
STREAM_SHAPES = ("run_together", "one_line")  # cells printed with no separator between them
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Truth:
    layout: str
    report_year: int
    agency: str
    applications: dict[str, list[int | None]]  # row code → 7 cells
    reviews: list[int | None]  # 15 cells
    proactive: dict[str, float | None]
    info_fee_yuan: float | None = 0.0
    published_at: str | None = None


@dataclass
class Row:
    cells: list[str]
    values_from: int  # index of the first value cell
    code: str | None = None  # the row's code: a table 三 row, or a table 二 item
    header: bool = False
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # cell index → (rowspan, colspan)


def random_truth(rng: random.Random, layout: str | None = None, form: Form | None = None,
                 year: int | None = None) -> Truth:
    form = form or load_form()
    if year is not None:
        layout = "2019" if year <= 2020 else "2021"  # the form in force for that year's report
    layout = layout or rng.choice(("2019", "2021"))
    year = year or (rng.choice((2019, 2020)) if layout == "2019" else rng.randint(2021, 2024))
    rows = form.application_rows(layout)
    cols = form.applicants[:-1]
    outcome_rows = [r.code for r in form.table_rows("applications", layout)
                    if r.group_code in ("outcome", "denied", "unavailable", "not_processed", "other")]
    busy = rng.random()
    apps: dict[str, list[int]] = {r: [0] * len(cols) for r in rows}
    for ci in range(len(cols)):
        scale = 0 if (ci > 0 and rng.random() < 0.6) else (3 if busy < 0.5 else 60)
        for r in outcome_rows:
            apps[r][ci] = rng.randint(0, scale) if rng.random() < 0.5 else 0
        done = sum(apps[r][ci] for r in outcome_rows)
        apps["total_processed"][ci] = done
        apps["carried_forward"][ci] = rng.randint(0, max(1, scale // 10)) if scale else 0
        apps["carried_over"][ci] = rng.randint(0, done + apps["carried_forward"][ci]) if rng.random() < 0.3 else 0
        apps["new_received"][ci] = done + apps["carried_forward"][ci] - apps["carried_over"][ci]
    full = {r: v + [sum(v)] for r, v in apps.items()}
    reviews: list[int] = []
    for _ in range(3):
        parts = [rng.randint(0, 3) if rng.random() < 0.3 else 0 for _ in range(4)]
        reviews += parts + [sum(parts)]
    proactive: dict[str, float] = {}
    for item, _, codes in form.proactive_items(layout):
        for code in codes:
            if code.endswith(".change"):
                proactive[code] = float(rng.randint(-20, 40))
            elif code.endswith(("amount_10k_yuan", ".amount")):
                proactive[code] = round(rng.uniform(0, 20000), rng.choice((0, 2, 4)))
            else:
                proactive[code] = float(rng.randint(0, 3000) if rng.random() < 0.7 else 0)
    fee = rng.choice((0.0, 0.0, 380.0, 1200.0, None))
    return Truth(layout, year, agency_name(rng.randrange(10_000)), full, reviews, proactive, fee,
                 f"{year + 1}-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}")


# real prefecture-level cities and districts of theirs, so that names resolve to real divisions
PLACES = tuple((city, district) for city, districts in (
    ("泸州", "江阳 纳溪 龙马潭"), ("烟台", "芝罘 福山 牟平 莱山"), ("株洲", "荷塘 芦淞 石峰 天元"),
    ("厦门", "思明 海沧 湖里 集美"), ("龙岩", "新罗 永定"), ("温州", "鹿城 龙湾 瓯海"), ("绵阳", "涪城 游仙"),
    ("保定", "竞秀 莲池 满城"), ("赣州", "章贡 南康"), ("南阳", "宛城 卧龙"), ("柳州", "城中 鱼峰 柳南 柳北"),
    ("曲靖", "麒麟 沾益 马龙"), ("成都", "锦江 青羊 金牛 武侯 成华"), ("杭州", "上城 拱墅 西湖 滨江"),
    ("济南", "历下 市中 槐荫")) for district in districts.split())
TOWNS = ("湖山", "青山", "白沙", "石桥", "高坪", "大田", "新塘", "龙泉", "长乐", "安平", "平安", "永和", "东坝", "西城",
         "南岭", "北岗", "清溪", "桃源", "金鸡", "凤凰", "临江", "双河", "马鞍", "黄土", "朱家", "何庄", "李集", "柳林",
         "杨湾", "松林", "梅林", "竹园", "柏树", "槐荫", "枫桥", "芦溪", "荷塘", "兰田", "菊岭", "茶山")
BODIES = ("人民政府", "发展和改革局", "教育局", "财政局", "自然资源局", "生态环境局", "卫生健康委员会", "市场监督管理局",
          "住房和城乡建设局", "交通运输局", "人民政府办公室", "司法局")


def agency_name(n: int) -> str:
    """The n-th of 23,616 plausible agencies (district × body × town): the same n, the same body."""
    (city, district), body = PLACES[n % len(PLACES)], BODIES[n // len(PLACES) % len(BODIES)]
    town = n // (len(PLACES) * len(BODIES)) % (len(TOWNS) + 1)
    return f"{city}市{district}区{TOWNS[town - 1] + '镇' if town else ''}{body}"


def _split_label(label_zh: str) -> tuple[str | None, str]:
    """(group header, row label) from a seed label such as ``(三)不予公开 1.属于国家秘密``."""
    parts = label_zh.split(" ")
    if len(parts) >= 2 and parts[1][:1].isdigit():
        return parts[0], parts[1]
    return None, parts[0]


def _fmt(v: float | int | None, signed: bool = False) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return f"+{s}" if signed and isinstance(v, int) and v > 0 else s


def proactive_rows(truth: Truth, form: Form) -> list[Row]:
    rows: list[Row] = []
    block = None
    for item, label, codes in form.proactive_items(truth.layout):
        seed = {r.code: r for r in form.table_rows("proactive", truth.layout)}
        head = seed[codes[0]].label_zh.split(" ")[0]
        if head != block:
            block = head
            rows.append(Row([head], 1, header=True, spans={0: (1, 4)}))
            columns = []
            for code in codes:
                col = seed[code].label_zh.split(" ")[2]
                m = re.search(r"\(2019: (.+)\)", seed[code].label_zh)
                columns.append(m.group(1) if m and truth.layout == "2019" else col)
            rows.append(Row(["信息内容", *columns], 1, header=True))
        rows.append(Row([label, *(_fmt(truth.proactive[c], c.endswith(".change")) for c in codes)], 1, code=item))
    return rows


def application_rows(truth: Truth, form: Form) -> list[Row]:
    applicants = [r.match_zh for r in form.table_rows("applicant")]
    rows = [
        Row(["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"], 1, header=True, spans={0: (3, 3)}),
        Row(["申请人情况"], 1, header=True, spans={0: (1, 7)}),
        Row(["自然人", "法人或其他组织", "总计"], 3, header=True, spans={0: (2, 1), 1: (1, 5), 2: (2, 1)}),
        Row(applicants[1:-1], 5, header=True),
    ]
    last_group = None
    for r in form.table_rows("applications", truth.layout):
        group, label = _split_label(r.label_zh)
        label = re.sub(r"\s*\(2019 layout.*$", "", label)
        lead = []
        if r.group_code in ("outcome", "denied", "unavailable", "not_processed", "other") and last_group is None:
            lead.append("三、本年度办理结果")
            last_group = "result"
        if group and group != last_group:
            lead.append(group)
            last_group = group
        vals = [_fmt(v) for v in truth.applications[r.code]]
        rows.append(Row([*lead, label, *vals], len(lead) + 1, code=r.code))
    return rows


def review_rows(truth: Truth) -> list[Row]:
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        Row(["行政复议", "行政诉讼"], 2, header=True, spans={0: (2, 5), 1: (1, 10)}),
        Row([*res, "未经复议直接起诉", "复议后起诉"], 7, header=True, spans={5: (1, 5), 6: (1, 5)}),
        Row(res * 2, 10, header=True),
        Row([_fmt(v) for v in truth.reviews], 0),
    ]


NARRATIVE = [
    "本年度,我单位认真贯彻落实《中华人民共和国政府信息公开条例》,坚持以公开为常态、不公开为例外。",
    "全年累计主动公开政府信息 {n} 条,办理政府信息公开申请若干件,政务公开质量稳步提升。",
    "下一步,我们将进一步加强政策解读,拓展公开渠道,不断提升政务公开工作水平。",
    "(一)主动公开情况。围绕重点领域信息公开,通过政府门户网站发布各类信息{n}条,其中政策文件{m}件。",
    "(二)依申请公开情况。严格按照法定程序办理,规范答复文书,做到依法、及时、准确答复。",
    "(三)政府信息管理。健全信息发布审核机制,落实“三审三校”制度,做好保密审查。",
    "(四)平台建设情况。优化门户网站栏目设置,加强政务新媒体管理,全年发布信息{m}条。",
    "(五)监督保障情况。将政务公开纳入绩效考核,开展业务培训{m}次,未发生责任追究情况。",
    "存在的问题:一是公开内容的深度和广度有待加强;二是政策解读形式较为单一。",
]
TITLES = ("{agency}{year}年政府信息公开工作年度报告", "{year}年{agency}政府信息公开工作年度报告",
          "{agency}{year}年度政府信息公开工作报告")
DATES = ("发布时间:{y}-{m:02d}-{d:02d} 09:30:00", "发布日期:{y}年{m}月{d}日", "时间:{y}-{m:02d}-{d:02d}")


def _fee_sentence(truth: Truth, rng: random.Random) -> str:
    if truth.info_fee_yuan is None:
        return "无。"
    if truth.info_fee_yuan == 0:
        return rng.choice(("本年度未收取信息处理费。", "本年度无收取信息处理费情况。",
                           f"{truth.report_year}年,未向申请人收取与政府信息公开申请有关的费用。"))
    return rng.choice((f"本年度共收取信息处理费{_fmt(truth.info_fee_yuan)}元。",
                       f"{truth.report_year}年实际收取信息处理费共计{_fmt(truth.info_fee_yuan)}元。"))


def _sections(truth: Truth, rng: random.Random) -> tuple[str, list[str]]:
    ref = "国办公开办函〔2019〕60号" if truth.layout == "2019" else "国办公开办函〔2021〕30号"
    title = rng.choice(TITLES).format(agency=truth.agency, year=truth.report_year)
    y, m, d = (int(x) for x in truth.published_at.split("-"))
    paragraphs = [p.format(n=rng.randint(10, 9000), m=rng.randint(1, 60)) for p in rng.sample(NARRATIVE, rng.randint(2, 6))]
    intro = [title, rng.choice(DATES).format(y=y, m=m, d=d),
             f"本报告根据《中华人民共和国政府信息公开条例》和{ref}要求编制。"
             f"本报告所列数据的统计期限自{truth.report_year}年1月1日至{truth.report_year}年12月31日止。",
             "一、总体情况", *paragraphs]
    return title, intro


def render(truth: Truth, shape: str, seed: int = 0, *, damage: bool = False, appendix: bool = False,
           drop_cells: int = 0, form: Form | None = None) -> tuple[bytes, str, Truth]:
    """Render a report; returns (bytes, file suffix, the truth as the report determines it).

    ``damage`` garbles some labels and splits headers; ``drop_cells`` removes that many cells from
    random rows of table 三 (their rows become undeterminable: null in the returned truth);
    ``appendix`` puts the tables after the narrative, numbered on their own.
    """
    form = form or load_form()
    rng = random.Random(seed)
    truth = Truth(**{**truth.__dict__, "applications": {k: list(v) for k, v in truth.applications.items()}})
    pro, app, rev = proactive_rows(truth, form), application_rows(truth, form), review_rows(truth)
    if damage:
        _damage_labels(app + pro, rng)
    for _ in range(drop_cells):
        victims = [r for r in app if r.code and truth.applications[r.code][0] is not None]
        if not victims:
            break
        row = rng.choice(victims)
        del row.cells[rng.randrange(row.values_from, len(row.cells))]
        truth.applications[row.code] = [None] * 7
    _, intro = _sections(truth, rng)
    tables = [("二、主动公开政府信息情况", pro), ("三、收到和处理政府信息公开申请情况", app),
              ("四、政府信息公开行政复议、行政诉讼情况", rev)]
    closing = ["五、存在的主要问题及改进情况", NARRATIVE[2], "六、其他需要报告的事项", _fee_sentence(truth, rng)]
    if appendix:
        tables = [(re.sub(r"^[二三四]", n, h), rows) for n, (h, rows) in zip("一二三", tables)]
        blocks = [("text", intro + closing + ["附件:政府信息公开情况统计表"])] + [("table", t) for t in tables]
    else:
        blocks = [("text", intro)] + [("table", t) for t in tables] + [("text", closing)]
    if shape in STREAM_SHAPES:  # a run is determined only where the whole table's arithmetic can confirm it
        _glue_values(pro, app, rev, truth, form, rng, glue=not drop_cells and arithmetic_holds(truth, form))
    if shape == "html":
        return _render_html(blocks, rng).encode("utf-8"), ".html", truth
    if shape == "one_line":
        return _render_one_line(blocks, truth, rng).encode("utf-8"), ".txt", truth
    lines: list[str] = []
    for kind, content in blocks:
        if kind == "text":
            lines.extend(content)
        else:
            heading, rows = content
            lines.append(heading)
            lines.extend(_render_text_table(rows, shape, rng))
    suffix = ".md" if shape == "markdown" else ".txt"
    return "\n".join(lines).encode("utf-8"), suffix, truth


def readings(printed: str, n: int, groups: tuple[tuple[int, int], ...] = ()) -> set[tuple[float, ...]]:
    """Every way to read a run of values printed without separators as n cells, by brute force over
    cut positions (independent of the parser's decoder): a space or a sign starts a cell, a cell has
    no leading zero, a decimal stays one cell; for each (a, b) in groups, cell b-1 is the total."""
    segments = re.findall(r"[+-]?[\d.]+", printed)
    splits = []  # per segment: its readings as k cells, for every k
    for seg in segments:
        sign = seg[:1] if seg[:1] in "+-" else ""
        digits = seg[len(sign):]
        whole = len(digits) == 1 or digits[0] != "0" or digits.startswith("0.")  # no leading zero
        by_count: dict[int, list[tuple[float, ...]]] = {1: [(float(seg),)] if whole else []}
        if "." not in digits:
            for k in range(2, len(digits) + 1):
                for cut in combinations(range(1, len(digits)), k - 1):
                    bounds = (0, *cut, len(digits))
                    parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
                    if all(len(p) == 1 or p[0] != "0" for p in parts):
                        by_count.setdefault(k, []).append((float(sign + parts[0]), *map(float, parts[1:])))
        splits.append(by_count)
    out = set()

    def rec(i: int, left: int, cells: tuple[float, ...]) -> None:
        if i == len(splits):
            if left == 0 and all(sum(cells[a:b - 1]) == cells[b - 1] for a, b in groups):
                out.add(cells)
            return
        for k, options in splits[i].items():
            if k <= left - (len(splits) - i - 1):
                for option in options:
                    rec(i + 1, left - k, cells + option)

    rec(0, n, ())
    return out


def arithmetic_holds(truth: Truth, form: Form) -> bool:
    """Every identity of table 三 and 四 holds in the truth (no broken total, no lost cell)."""
    apps = truth.applications
    if any(None in v or sum(v[:-1]) != v[-1] for v in apps.values()):
        return False
    outcomes = [r.code for r in form.table_rows("applications", truth.layout)
                if r.group_code in ("outcome", "denied", "unavailable", "not_processed", "other")]
    for c in range(7):
        if apps["new_received"][c] + apps["carried_over"][c] != apps["total_processed"][c] + apps["carried_forward"][c] \
                or sum(apps[r][c] for r in outcomes) != apps["total_processed"][c]:
            return False
    return all(sum(truth.reviews[a:a + 4]) == truth.reviews[a + 4] for a in (0, 5, 10))


def _glue_values(pro: list[Row], app: list[Row], rev: list[Row], truth: Truth, form: Form, rng: random.Random,
                 glue: bool = True) -> None:
    """Print each row's values as one run, a space at a few of the cell boundaries (as real page
    text does). Rows of tables 三 and 四 whose run the row's own totals do not decode, runs too long
    to check by brute force, and every row when ``glue`` is off are printed with a space between
    all cells; table 二's undetermined cells become null in the truth."""
    codes = {item: c for item, _, c in form.proactive_items(truth.layout)}  # table 二 item → its measures
    for rows, groups in ((app, ((0, 7),)), (rev, ((0, 5), (5, 10), (10, 15))), (pro, ())):
        for row in rows:
            if row.header or row.values_from >= len(row.cells):
                continue
            values = row.cells[row.values_from:]
            printed = "".join(v + (" " if rng.random() < 0.15 else "") for v in values).strip()
            complete = not groups or len(values) == groups[-1][1]  # a row that lost a cell is printed spaced
            digits = sum(ch.isdigit() for ch in printed)
            small = comb(max(digits - 1, 0), len(values) - 1) <= 5_000  # brute force only where it is quick
            found = readings(printed, len(values), groups) if complete and small else set()
            truth_cells = tuple(float(v) for v in values)
            if not small or (groups and (found != {truth_cells} or not glue)):
                printed = " ".join(values)
            elif not groups:
                for k, code in enumerate(codes[row.code]):
                    if not found or any(r[k] != truth_cells[k] for r in found):
                        truth.proactive[code] = None
            row.cells[row.values_from:] = [printed]


def _damage_labels(rows: list[Row], rng: random.Random) -> None:
    for row in rows:
        if row.header or rng.random() > 0.3:
            continue
        i = row.values_from - 1
        label = row.cells[i]
        m = re.match(r"^(\d+\.|\([一二三四五六七]\))(.)(.+)$", label)
        if m and len(m.group(3)) >= 4:
            row.cells[i] = m.group(1) + m.group(3)  # 7.属于行政执法案卷 → 7.于行政执法案卷
    for row in rows:
        for i, c in enumerate(row.cells[: row.values_from]):
            if c.startswith("三、本年度办理结果"):
                row.cells[i] = "、本年度办理结果"
            elif c.startswith("(三)不予公开"):
                row.cells[i] = "() 不予公开"


def _render_one_line(blocks: list, truth: Truth, rng: random.Random) -> str:
    """A portal's page as a crawler saved it: a header of fields, then the whole page on ONE line,
    site chrome around the report and every table cell run together."""
    title, date = blocks[0][1][0], truth.published_at
    header = [f"标题: {title}", f"发布时间: {date} 10:{rng.randint(10, 59)}", "文号: ", "发布机构: ",
              "栏目: 政府信息公开年报", f"原文链接: https://www.example.gov.cn/zfxxgk/nb/t{rng.randrange(10**6)}.htm",
              "==================== 正文 ===================="]
    body = [f"当前位置: 首页政务公开政府信息公开政府信息公开年报 {title} 来源:{truth.agency} 时间:{date} 微信 微博 "
            "QQ空间 全真版 文字版 文件下载 相关链接: -->"]
    for kind, content in blocks:
        if kind == "text":
            body += [line for line in content if line != title and not line.startswith(("发布", "时间"))]
        else:
            heading, rows = content
            body.append(heading)
            body += ["".join(row.cells) for row in rows]
    body.append("附件下载")
    return "\n".join(header) + "\n" + "".join(part + (" " if rng.random() < 0.2 else "") for part in body)


def _render_text_table(rows: list[Row], shape: str, rng: random.Random) -> list[str]:
    out: list[str] = []
    if shape == "markdown":
        width = max(len(r.cells) for r in rows)
        for k, row in enumerate(rows):
            cells = row.cells + [""] * (width - len(row.cells))
            out.append("| " + " | ".join(cells) + " |")
            if k == 0:
                out.append("|" + "---|" * width)
            if k == len(rows) // 2 and len(rows) > 10:  # a page break inside the table
                out += ["", f"— {rng.randint(2, 9)} —", ""]
                out.append("| " + " | ".join(rows[0].cells + [""] * (width - len(rows[0].cells))) + " |")
                out.append("|" + "---|" * width)
        return out
    for row in rows:
        cells = list(row.cells)
        if shape == "run_together" and not row.header and row.values_from < len(cells):
            keep = max(0, row.values_from - 1)
            cells = cells[:keep] + ["".join(cells[keep:])]
        if shape in ("pipe", "run_together"):
            line = " | ".join(cells) + " |" + "|" * rng.randint(0, 3)
            if shape == "pipe" and len(cells) > 4 and rng.random() < 0.15:  # the last value wraps
                head, last = line.rsplit(" | ", 1)
                out += [head + " |", last]
            else:
                out.append(line)
        else:
            for c in cells:
                if row.header and len(c) == 4 and rng.random() < 0.5:
                    c = c[:2] + "\n" + c[2:]  # 商业\n企业
                out.append(c + (" |" if shape == "cell_per_line_pipe" else ""))
                if rng.random() < 0.3:
                    out.append("")
    return out


def _render_html(blocks: list, rng: random.Random) -> str:
    parts = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>年度报告</title>",
             "<style>td{border:1px solid}</style></head><body><div class=\"article\">"]
    for kind, content in blocks:
        if kind == "text":
            parts += [f"<p style=\"text-indent:2em\">{html.escape(s)}</p>" for s in content]
            continue
        heading, rows = content
        parts.append(f"<p><strong>{html.escape(heading)}</strong></p><table border=\"1\"><tbody>")
        for row in rows:
            parts.append("<tr>")
            for i, c in enumerate(row.cells):
                rs, cs = row.spans.get(i, (1, 1))
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                text = html.escape(c)
                if i >= row.values_from and not row.header:
                    if rng.random() < 0.2:
                        text = text.translate(FULL_WIDTH)
                    if rng.random() < 0.3:  # Word-pasted span soup
                        text = "".join(f'<span style="font-family:宋体">{ch}</span>' for ch in text)
                    text = f'<p class="MsoNormal" align="center"><span lang="EN-US">{text}</span></p>'
                parts.append(f"<td{attrs}>{text or '&nbsp;'}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
    parts.append("</div></body></html>")
    return "\n".join(parts)


# --- a corpus with its answers -----------------------------------------------------------------

YEARS = tuple(range(2019, 2025))
WEIGHTS = {"pipe": 3, "cell_per_line": 3, "cell_per_line_pipe": 2, "html": 3, "markdown": 2, "run_together": 1,
           "one_line": 1}


def continue_from(truth: Truth, last_year: Truth) -> None:
    """This year carries over what last year carried forward (the cross-year identity), its own
    identities kept: new requests absorb the difference, or carried-forward grows when they can't."""
    apps = truth.applications
    for c in range(6):
        apps["carried_over"][c] = last_year.applications["carried_forward"][c]
        new = apps["total_processed"][c] + apps["carried_forward"][c] - apps["carried_over"][c]
        if new < 0:
            apps["carried_forward"][c] -= new
            new = 0
        apps["new_received"][c] = new
    for row in ("carried_over", "new_received", "carried_forward"):
        apps[row][6] = sum(apps[row][:6])


def break_identity(truth: Truth, rng: random.Random) -> None:
    """An agency's slip: one printed 总计 off by a few (the numbers as printed are the answer)."""
    row = rng.choice([r for r, v in truth.applications.items() if v[0] is not None])
    truth.applications[row][6] += rng.choice((-2, -1, 1, 2, 3, 10))
    truth.applications[row][6] = max(0, truth.applications[row][6])


def gold_of(truth: Truth, source: str) -> dict:
    return {"source": source, "report_year": truth.report_year, "layout": truth.layout,
            "published_at": truth.published_at, "info_fee_yuan": truth.info_fee_yuan,
            "applications": truth.applications, "reviews": truth.reviews, "proactive": truth.proactive}


def write_corpus(out: Path, n: int, seed: int = 0, broken: float = 0.05, dropped: float = 0.05,
                 damaged: float = 0.3, appendix: float = 0.1, shapes: tuple[str, ...] = SHAPES,
                 start: int = 0) -> None:
    """``n`` reports under out/raw and their answers under out/gold (the shared gold format)."""
    form = load_form()
    (out / "raw").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    weights = [WEIGHTS[sh] for sh in shapes]
    def truth_of(i: int, rng: random.Random) -> Truth:
        truth = random_truth(rng, form=form, year=YEARS[i % len(YEARS)])
        truth.agency = agency_name(i // len(YEARS))  # each body reports once a year, 2019–2024
        if i % len(YEARS):
            continue_from(truth, truth_of(i - 1, random.Random(f"{seed}:{i - 1}")))
        return truth

    for i in range(start, start + n):
        rng = random.Random(f"{seed}:{i}")
        truth = truth_of(i, rng)
        shape = rng.choices(shapes, weights)[0]
        is_broken, drops = rng.random() < broken, (rng.randint(1, 3) if rng.random() < dropped else 0)
        if is_broken:
            break_identity(truth, rng)
        data, suffix, expected = render(truth, shape, rng.randrange(2**32), damage=rng.random() < damaged,
                                        appendix=rng.random() < appendix, drop_cells=drops, form=form)
        name = f"{i:07d}_{shape}"
        (out / "raw" / f"{name}{suffix}").write_bytes(data)
        (out / "gold" / f"{name}.json").write_text(json.dumps(gold_of(expected, f"{name}{suffix}"), ensure_ascii=False),
                                                   encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.synth",
                                 description="Write synthetic OGI annual reports with known answers (gold JSON).")
    ap.add_argument("out", type=Path, help="folder: reports go to OUT/raw, answers to OUT/gold")
    ap.add_argument("-n", type=int, default=1000, help="number of reports (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    ap.add_argument("--start", type=int, default=0, help="number of the first report (to add to a corpus)")
    ap.add_argument("--broken", type=float, default=0.05, help="share of reports with a wrong printed total")
    ap.add_argument("--dropped", type=float, default=0.05, help="share of reports with dropped cells")
    ap.add_argument("--damaged", type=float, default=0.3, help="share of reports with damaged labels")
    ap.add_argument("--appendix", type=float, default=0.1, help="share with the tables after the narrative")
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated subset of {','.join(SHAPES)}")
    args = ap.parse_args(argv)
    shapes = tuple(s for s in args.shapes.split(",") if s)
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        ap.error(f"unknown shapes: {', '.join(sorted(unknown))}")
    write_corpus(args.out, args.n, args.seed, args.broken, args.dropped, args.damaged, args.appendix, shapes, args.start)
    print(f"wrote {args.n} reports to {args.out / 'raw'} and their answers to {args.out / 'gold'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
