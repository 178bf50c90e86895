"""政府信息公开年报数据仓库 · 看板 / dashboard: `make app` (streamlit run dashboard/app.py -- --warehouse FILE
[--raw DIR]).

Reads the warehouse read-only. Pages: 总览 overview, 机关 one agency over the years, 报告 one
report as printed, 排名 reports ranked by a rate, the measures pages (measures_pages.py: 指标 an
agency's measures inside its peers' band, 指标排名 rated values ranked, 核查 the flags to check), and
说明 what the statuses, checks and warnings mean.
Missing values are shown as missing, never as 0: charts leave them out and say which are missing.
Rates are per report (one agency, one year) and never added up. Every code is shown with its
Chinese label (dim_code_label). The URL names the page, the agency and the report, so a view can be
shared; every table can be downloaded as shown.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]
import measures_pages  # noqa: E402
import queries  # noqa: E402
from ingest.workspace import default_warehouse, missing  # noqa: E402

PAGES = {"overview": "总览 Overview", "agency": "机关 Agency", "report": "报告 Report", "ranking": "排名 Ranking",
         "measures": "指标 Measures", "measure_ranking": "指标排名 Measure ranking", "flags": "核查 Flags",
         "about": "说明 About"}  # slug (the URL's ?page=) → the page's name
MISSING = "（空）"
SUMMARY_MEASURES = ["new_received", "processed", "granted", "denied", "unavailable"]  # the agency page's chart


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", default=default_warehouse())
    ap.add_argument("--raw", default=os.environ.get("GIA_RAW_DIR"), help="the folder the reports were read from: offers each original file")
    return ap.parse_known_args(sys.argv[1:])[0]


@st.cache_resource
def warehouse(path: str) -> queries.Warehouse:
    return queries.Warehouse(path)


def present(value) -> bool:
    return value is not None and not (not isinstance(value, (list, tuple)) and pd.isna(value))


def show_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """As text, nulls written out, so a blank is never read as 0 (and 21.0 shows as printed: 21)."""
    def cell(v) -> str:
        if not present(v):
            return MISSING
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return frame.apply(lambda column: column.map(cell))


class Labels:
    """Chinese labels of codes (dim_code_label), the code itself where the set has none."""

    def __init__(self, con):
        self._con, self._sets = con, {}

    def __call__(self, code_set: str, code) -> str:
        if not present(code):
            return MISSING
        if code_set not in self._sets:
            self._sets[code_set] = queries.labels(self._con, code_set)
        return self._sets[code_set].get(str(code), str(code))


def download(frame: pd.DataFrame, name: str) -> None:
    """The table as shown, as CSV that Excel opens (UTF-8 with a BOM; nulls as empty cells)."""
    st.download_button("下载此表 Download this table (CSV)", frame.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"{name}.csv", mime="text/csv", key=f"download_{name}")


def link(page: str, **params) -> str:
    """A link to a view of this dashboard (a relative URL: it works wherever the app is served)."""
    return "?" + urlencode({"page": page, **params})


def year_axis(years: pd.Series) -> alt.X:
    """Years as numbers on a continuous axis: 2019 and 2021 stand two years apart, never side by side."""
    known = [int(y) for y in years.dropna()]
    low, high = (min(known), max(known)) if known else (0, 0)
    return alt.X("report_year:Q", title="年度 year", scale=alt.Scale(domain=[low - 0.5, high + 0.5], nice=False),
                 axis=alt.Axis(format="d", values=list(range(low, high + 1))))


def count_axis(field: str, title: str) -> alt.Y:
    return alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1))


def overview(con, say: Labels) -> None:
    st.header("总览 Overview")
    counts = queries.overview_counts(con)
    coverage = queries.coverage(con)
    cols = st.columns(4)
    cols[0].metric("文件 files", int(counts.reports.sum()))
    cols[1].metric("计入统计 counted", int(counts[counts.counted.fillna(False).astype(bool)].reports.sum()),
                   help="每个机关每年度一份、读出了数字的报告 One report per agency and year, with numbers read")
    cols[2].metric("已解析 parsed", int(counts[counts.status == "parsed"].reports.sum()))
    cols[3].metric("机关 agencies", int(coverage.agencies.sum()))
    dated = counts[counts.report_year.notna()].copy()
    if not dated.empty:
        dated["layout"] = dated.layout.map(lambda v: say("layout", v) if present(v) else "无表格 no tables")
        by_year = dated.groupby(["report_year", "layout"], as_index=False).reports.sum()
        st.altair_chart(alt.Chart(by_year, title="各年度报告数（按版式）Reports by year and layout").mark_bar(size=24).encode(
            x=year_axis(by_year.report_year), y=count_axis("reports", "报告数 reports"),
            color=alt.Color("layout:N", title="版式 layout"), tooltip=list(by_year.columns)), width="stretch")
    undated = int(counts[counts.report_year.isna()].reports.sum())
    if undated:
        st.caption(f"另有 {undated} 个文件没有年度（无法读取、格式不支持、无表格等），未画入上图，见下方“状态”表。"
                   f" {undated} files have no year (unreadable, unsupported, no tables …): not drawn, see Status below.")
    left, right = st.columns(2)
    left.subheader("格式 Format")
    formats = counts.assign(format=counts.source_format.map(lambda v: say("source_format", v)))
    left.dataframe(formats.groupby("format", as_index=False).reports.sum(), hide_index=True)
    right.subheader("状态 Status")
    statuses = counts.assign(status=counts.status.map(lambda v: say("status", v)))
    right.dataframe(statuses.groupby("status", as_index=False).reports.sum(), hide_index=True)
    st.subheader("覆盖：省份与层级 Coverage by province and level")
    st.dataframe(coverage, hide_index=True, width="stretch")
    download(coverage, "coverage")
    st.subheader("最常不成立的勾稽关系 Identity checks that fail most")
    checks = queries.failing_checks(con)
    st.dataframe(checks, hide_index=True, width="stretch")
    download(checks, "identity_checks")


def choose(found: pd.DataFrame, id_column: str, prompt: str, describe, key: str):
    """A choice among the rows found, by their ids (so a choice survives the list changing order):
    the chosen row, or None when nothing matches."""
    if found.empty:
        st.info("没有找到 Nothing found")
        return None
    names = {getattr(r, id_column): describe(r) for r in found.itertuples()}
    chosen = st.selectbox(prompt, list(names), format_func=names.get, key=key)
    return found[found[id_column] == chosen].iloc[0]


def pick(con, search, prompt: str, label: str, describe):
    """A search box and a choice among what it finds (the measures pages' picker): the chosen row,
    or None when nothing matches."""
    text = st.text_input(prompt, value="", key=f"search_{label}")
    found = search(con, text.strip())
    id_column = "agency_key" if "agency_key" in found.columns else "report_id"
    return choose(found, id_column, label, describe, key=f"pick_{label}")


def place(row) -> str:
    parts = [p for p in (row.province_name, row.prefecture_name, row.county_name) if present(p)]
    return " ".join(dict.fromkeys(parts)) or "未定位 unplaced"


def agency_page(con, say: Labels) -> None:
    st.header("机关 Agency")
    text = st.text_input("搜索机关名称或省份 Search an agency or province", value="", key="agency_search")
    # a shared link's agency heads the list until the user searches for another
    found = queries.find_agencies(con, text.strip(), include=None if text.strip() else st.query_params.get("agency"))
    row = choose(found, "agency_key", "机关 Agency", lambda r: f"{r.agency} · {place(r)} · {r.agency_key}", "agency_pick")
    if row is None:
        return
    st.query_params.update({"page": "agency", "agency": row.agency_key})
    years_known = [int(y) for y in (row.first_year, row.last_year) if present(y)]
    st.caption(f"区划 {place(row)} · 层级 {row.level_label if present(row.level_label) else MISSING} · "
               f"定位 {row.division_label if present(row.division_label) else MISSING}"
               + (f" · {years_known[0]}–{years_known[-1]}" if years_known else "")
               + f" · [本页链接 link to this view]({link('agency', agency=row.agency_key)})")
    years = queries.agency_years(con, row.agency_key)
    if years.empty:
        st.info("这个机关没有读出数字的报告 No report of this agency has numbers: see 报告 Report")
        return
    long = years.melt(id_vars="report_year", value_vars=SUMMARY_MEASURES, var_name="measure", value_name="requests")
    long["measure"] = long.measure.map(lambda m: say("summary_measure", m))
    gaps = long[long.requests.isna()]
    drawn = long.dropna(subset=["requests"])
    st.altair_chart(alt.Chart(drawn, title="申请与办理结果 Requests and outcomes").mark_line(point=True).encode(
        x=year_axis(years.report_year), y=count_axis("requests", "申请数 requests"),
        color=alt.Color("measure:N", title="指标 measure"), tooltip=["report_year", "measure", "requests"]),
        width="stretch")
    if not gaps.empty:
        st.warning("缺失（未画出，不是0）Missing, not drawn: " +
                   ", ".join(f"{r.report_year} {r.measure}" for r in gaps.itertuples()))
    shown = years.rename(columns={c: f"{say('summary_measure', c)} {c}" for c in years.columns
                                  if c in queries.labels(con, "summary_measure")})
    st.dataframe(show_missing(shown), hide_index=True, width="stretch")
    download(shown, f"agency_{row.agency_key}")
    st.markdown("各年度报告 Each year's report: " + " · ".join(
        f"[{y}]({link('report', report=rid)})" for y, rid in zip(years.report_year, years.report_id)))
    st.subheader("不予公开的理由 Refusal reasons")
    refusals = queries.agency_refusals(con, row.agency_key)
    if not refusals.empty:
        counted = refusals.dropna(subset=["requests"])
        st.altair_chart(alt.Chart(counted).mark_bar(size=24).encode(
            x=year_axis(refusals.report_year), y=count_axis("requests", "申请数 requests"),
            color=alt.Color("reason:N", title="理由 reason"), tooltip=list(counted.columns)), width="stretch")
        st.dataframe(show_missing(refusals), hide_index=True)
    st.subheader("行政复议与诉讼 Reviews and litigation")
    st.dataframe(show_missing(years[["report_year", "review", "review_corrected", "litigation_direct",
                                     "litigation_after_review"]]), hide_index=True)
    st.subheader("跨年度检查 Cross-year check (上年结转 = 去年结转下年度)")
    cross = queries.agency_cross_year(con, row.agency_key)
    if cross.empty:
        st.caption("没有可比的相邻年度 No consecutive years to compare")
    else:
        st.dataframe(show_missing(cross), hide_index=True)


def _highlight(failing: set[tuple[str, str]], columns: list[str]):
    def style(row: pd.Series) -> list[str]:
        return ["background-color: #f8d7da" if (row.name, c) in failing else "" for c in columns]
    return style


def report_source(meta: dict, raw_dir: str | None) -> None:
    """Where the report came from: the manifest's web address, and the original file itself when
    the app was given the folder it was read from."""
    url = queries.source_url(meta)
    if url:
        st.markdown(f"原网页 Source page: [{url}]({url})")
    original = queries.source_file(raw_dir, meta["report_id"], meta["source_path"])
    if original:
        st.download_button("下载原文件 Download the original file", original.read_bytes(), file_name=original.name,
                           key="download_original")


def report_page(con, say: Labels, raw_dir: str | None) -> None:
    st.header("报告 Report")
    text = st.text_input("按机关或路径筛选 Filter by agency or path", value="", key="report_search")
    found = queries.reports(con, text.strip(), include=None if text.strip() else st.query_params.get("report"))
    chosen = choose(found, "report_id", "报告 Report", lambda r: f"{r.agency if present(r.agency) else '（机关未知）'} · "
                    f"{int(r.report_year) if present(r.report_year) else '（年度未知）'} · {say('status', r.status)} · "
                    f"{r.source_path}", "report_pick")
    if chosen is None:
        return
    rid = chosen.report_id
    st.query_params.update({"page": "report", "report": rid})
    meta = queries.report(con, rid)
    st.caption(" · ".join([meta["title"] or "（无标题 no title）", f"版式 {say('layout', meta['layout'])}",
                           f"格式 {say('source_format', meta['source_format'])}", f"状态 {say('status', meta['status'])}",
                           f"角色 {say('report_role', meta['report_role'])}", f"文件 {meta['source_path']}",
                           f"[本页链接 link to this view]({link('report', report=rid)})"]))
    report_source(meta, raw_dir)
    if meta["status"] not in queries.WITH_NUMBERS:
        status = queries.about(con)["status"].set_index("code")
        if meta["status"] in status.index:
            why = status.loc[meta["status"]]
            st.info(f"{why.label_zh}：{why.meaning_zh}。{why.action_zh or ''} / {why.meaning_en}. {why.action_en or ''}")
    failing = queries.failing_cells(con, rid)
    cells = queries.report_applications(con, rid)
    if not cells.empty:
        st.subheader("表三 申请与办理结果（如实照录；红色：不成立的勾稽关系所涉单元格）Table 三 as printed")
        cells["column"] = cells.applicant_label + " " + cells.applicant_type
        rows = cells.drop_duplicates("row_code")
        columns = list(cells.drop_duplicates("applicant_type").sort_values("column_order").column)
        grid = cells.pivot(index="row_code", columns="column", values="value").reindex(index=rows.row_code,
                                                                                      columns=columns)
        grid.insert(0, "label_zh", list(rows.label_zh))
        by_code = dict(zip(cells.applicant_type, cells.column))
        marked = {(row, by_code.get(col, col)) for table, row, col, _ in failing.itertuples(index=False)
                  if table == "applications"}
        shown = show_missing(grid)
        st.dataframe(shown.style.apply(_highlight(marked, list(shown.columns)), axis=1), width="stretch")
    reviews = queries.report_reviews(con, rid)
    if not reviews.empty:
        st.subheader("表四 行政复议与诉讼 Table 四")
        bad = {row for table, row, _, _ in failing.itertuples(index=False) if table == "reviews"}
        shown = show_missing(reviews.set_index("review_cell"))
        st.dataframe(shown.style.apply(lambda r: ["background-color: #f8d7da" if r.name in bad else ""] * len(r), axis=1),
                     width="stretch")
    proactive = queries.report_proactive(con, rid)
    if not proactive.empty:
        st.subheader("表二 主动公开 Table 二")
        st.dataframe(show_missing(proactive), hide_index=True, width="stretch")
    st.subheader("警告 Warnings")
    warnings = queries.report_warnings(con, rid)
    if warnings.empty:
        st.caption("没有警告 No warnings")
    else:
        st.dataframe(show_missing(warnings), hide_index=True, width="stretch")
    if not cells.empty:
        with st.expander("每个数值的出处 Where every value was printed (path, page, line, text)"):
            where = cells[["label_zh", "applicant_label", "value", "raw_text", "source_page", "source_line"]]
            st.dataframe(show_missing(where), hide_index=True, width="stretch")
        download(cells.drop(columns=["sort_order", "column_order", "column"]), f"report_{rid}")


def ranking_page(con, say: Labels) -> None:
    st.header("排名 Ranking")
    options = queries.choices(con)
    measure = st.selectbox("指标 Measure", list(queries.RANKINGS))
    c1, c2, c3, c4 = st.columns(4)
    province = c1.selectbox("省份 Province", [None, *options["provinces"]], format_func=lambda p: p or "全部 all")
    level = c2.selectbox("层级 Level", [None, *options["levels"]],
                         format_func=lambda v: say("agency_level", v) if v else "全部 all")
    year = c3.selectbox("年度 Year", [None, *options["years"]], format_func=lambda y: str(y) if y else "全部 all")
    minimum = c4.number_input("分母至少 Minimum denominator", min_value=1, value=10)
    ranked = queries.ranking(con, measure, province, level, int(minimum), year)
    st.caption("每一行是一份报告（一个机关的一个年度）：比率从不跨年度或跨机关相加。分子或分母为空的报告不参加排名（不当作0）。"
               " Each row is one report (one agency, one year): rates are never added across years or agencies. "
               "Reports with a null numerator or denominator are left out.")
    if ranked.empty:
        st.info("没有符合条件的报告 No report qualifies")
        return
    st.dataframe(ranked, hide_index=True, width="stretch",
                 column_config={"rate": st.column_config.NumberColumn("比率 rate", format="percent"),
                                "report_id": None, "agency_key": None})
    download(ranked, "ranking")
    top = ranked.head(20).copy()
    top["report"] = [f"{a} {int(y)}" for a, y in zip(top.agency, top.report_year)]
    if top.report.duplicated().any():  # two bodies of one name (unplaced): told apart by their report
        top["report"] = top.report + " · " + top.report_id.str[:6]
    st.altair_chart(alt.Chart(top, title=measure).mark_bar().encode(
        x=alt.X("report:N", sort="-y", title="报告（机关 年度）report (agency, year)"),
        y=alt.Y("rate:Q", title="比率 rate", axis=alt.Axis(format="%")),
        tooltip=["agency", "report_year", "numerator", "denominator", alt.Tooltip("rate:Q", format=".1%")]),
        width="stretch")


ABOUT = """
**这个看板显示什么 What this shows.** 每个政府机关每年发布的《政府信息公开工作年度报告》中的三张表：
二 主动公开、三 依申请公开（申请与办理结果）、四 行政复议与行政诉讼，按原文如实读出。
The three tables of each body's yearly report, read as printed.

- **空值不是0 A blank is not 0.** 原文没有确定的单元格为空（写作 （空）），并有一条警告说明原因；图表不画空值，并列出缺了什么。
  A cell the file does not determine is null with a warning saying why; charts leave it out and say so.
- **每个机关每年度一份 One report per agency and year.** 同一报告的副本（其他编码、格式）只计一次；
  数字不同的另一份是“冲突报告”，不计入统计。 Copies count once; a rival report with other numbers is not counted.
- **比率按报告计算 Rates per report.** 排名中的比率是一份报告自己的分子除以分母，不跨年度、不跨机关相加。
  A rate is one report's numerator over its denominator, never summed across years or agencies.
- **勾稽关系 Identities.** 表格自身的算术关系（如 收支平衡）。不成立说明报告本身的数字有问题，不是解析错误；
  数字照原文保留，报告页以红色标出所涉单元格。 A failing identity is a finding about the report, not a parse error.
"""


def about_page(con, say: Labels) -> None:
    st.header("说明 About")
    st.markdown(ABOUT)
    sets = queries.about(con)
    headers = {"code": "代码 code", "label_zh": "名称", "label_en": "name", "meaning_zh": "含义",
               "meaning_en": "meaning", "action_zh": "处理办法", "action_en": "what to do"}
    for code_set, title in (("status", "文件状态 File statuses"), ("report_role", "报告角色 Report roles"),
                            ("identity", "勾稽关系 Identities"), ("check_status", "检查结果 Check results"),
                            ("warning", "为什么一个单元格是空的：警告 Why a cell is null: warnings")):
        st.subheader(title)
        st.dataframe(show_missing(sets[code_set].rename(columns=headers)), hide_index=True, width="stretch")


def main() -> None:
    st.set_page_config(page_title="政府信息公开年报 · 看板", layout="wide")
    args = arguments()
    if problem := missing(args.warehouse):
        st.error(problem)
        return
    con = warehouse(args.warehouse).cursor()  # this run's own connection
    try:
        say = Labels(con)
        st.sidebar.title("政府信息公开年报")
        st.sidebar.caption(f"数据仓库 warehouse: {args.warehouse}")
        asked = st.query_params.get("page")
        if "page" not in st.session_state:  # a session opens on the page its URL names
            st.session_state.page = PAGES.get(asked, PAGES["overview"])
        slug = {name: slug for slug, name in PAGES.items()}[st.sidebar.radio("页面 Page", list(PAGES.values()),
                                                                             key="page")]
        if slug != asked:
            st.query_params.clear()  # another page: the agency or report of the last one goes
            st.query_params["page"] = slug
        pages = {"overview": lambda: overview(con, say), "agency": lambda: agency_page(con, say),
                 "report": lambda: report_page(con, say, args.raw), "ranking": lambda: ranking_page(con, say),
                 "measures": lambda: measures_pages.agency_measures_page(con, pick, show_missing),
                 "measure_ranking": lambda: measures_pages.measure_ranking_page(con),
                 "flags": lambda: measures_pages.flags_page(con, show_missing), "about": lambda: about_page(con, say)}
        pages[slug]()
    finally:
        con.close()


main()
