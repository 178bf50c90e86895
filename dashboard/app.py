"""政府信息公开年报数据仓库 · 看板 / dashboard: `make app` (streamlit run dashboard/app.py -- --warehouse FILE).

Reads the warehouse read-only. Pages: 总览 overview, 机关 one agency over the years, 报告 one
report as printed, 排名 agencies ranked by a rate, and the measures pages (measures_pages.py): 指标
an agency's measures inside its peers' band, 指标排名 rated values ranked, 核查 the flags to check. Missing values are shown as missing, never as 0:
charts leave them out and say which are missing.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measures_pages  # noqa: E402
import queries  # noqa: E402

PAGES = ("总览 Overview", "机关 Agency", "报告 Report", "排名 Ranking", "指标 Measures", "指标排名 Measure ranking",
         "核查 Flags")
MISSING = "（空）"


def warehouse_path() -> str:
    ap = argparse.ArgumentParser()
    ap.add_argument("--warehouse", default=os.environ.get("GIA_WAREHOUSE", "warehouse/gia.duckdb"))
    path = ap.parse_known_args(sys.argv[1:])[0].warehouse
    if not Path(path).is_file() and Path("demo/gia.duckdb").is_file():
        return "demo/gia.duckdb"
    return path


@st.cache_resource
def connection(path: str):
    return queries.connect(path)


def show_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """As text, nulls written out, so a blank is never read as 0 (and 21.0 shows as printed: 21)."""
    def cell(v) -> str:
        if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
            return MISSING
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return frame.apply(lambda column: column.map(cell))


def bar(frame: pd.DataFrame, x: str, y: str, color: str | None = None, title: str = ""):
    chart = alt.Chart(frame.dropna(subset=[y.split(":")[0]]), title=title).mark_bar().encode(
        x=alt.X(x, sort=None), y=alt.Y(y), tooltip=list(frame.columns))
    if color:
        chart = chart.encode(color=color)
    st.altair_chart(chart, width="stretch")


def overview(con) -> None:
    st.header("总览 Overview")
    counts = queries.overview_counts(con)
    cols = st.columns(4)
    cols[0].metric("报告 reports", int(counts.reports.sum()))
    cols[1].metric("计入统计 counted", int(counts[counts.report_role.isin(["canonical", "unplaced"])].reports.sum()))
    cols[2].metric("已解析 parsed", int(counts[counts.status == "parsed"].reports.sum()))
    cols[3].metric("机关 agencies", int(queries.coverage(con).agencies.sum()))
    by_year = counts.groupby(["report_year", "layout"], as_index=False).reports.sum()
    bar(by_year, "report_year:N", "reports:Q", "layout:N", "各年度报告数（按版式）Reports by year and layout")
    left, right = st.columns(2)
    left.subheader("格式 Format")
    left.dataframe(counts.groupby("source_format", as_index=False).reports.sum(), hide_index=True)
    right.subheader("状态 Status")
    right.dataframe(counts.groupby("status", as_index=False).reports.sum(), hide_index=True)
    st.subheader("覆盖：省份与层级 Coverage by province and level")
    st.dataframe(queries.coverage(con), hide_index=True, width="stretch")
    st.subheader("最常不成立的勾稽关系 Identity checks that fail most")
    st.dataframe(queries.failing_checks(con), hide_index=True, width="stretch")


def pick(con, search, prompt: str, label: str, describe):
    """A search box and a choice among what it finds: the chosen row, or None when nothing matches."""
    text = st.text_input(prompt, value="")
    found = search(con, text.strip())
    if found.empty:
        st.info("没有找到 Nothing found")
        return None
    labels = [describe(r) for r in found.itertuples()]
    return found.iloc[st.selectbox(label, range(len(labels)), format_func=lambda i: labels[i])]


def agency_page(con) -> None:
    st.header("机关 Agency")
    row = pick(con, queries.find_agencies, "搜索机关名称或省份 Search an agency or province", "机关 Agency",
               lambda r: f"{r.agency} · {r.province_name or '未定位'} · {r.agency_key}")
    if row is None:
        return
    st.caption(f"区划 {row.province_name or ''} {row.prefecture_name or ''} {row.county_name or ''} · 层级 {row.agency_level} · "
               f"定位 {row.division_status} · {row.first_year}–{row.last_year}")
    years = queries.agency_years(con, row.agency_key)
    long = years.melt(id_vars="report_year", value_vars=["new_received", "processed", "granted", "denied", "unavailable"],
                      var_name="measure", value_name="requests")
    missing = long[long.requests.isna()]
    st.altair_chart(alt.Chart(long.dropna(), title="申请与办理结果 Requests and outcomes").mark_line(point=True).encode(
        x="report_year:O", y="requests:Q", color="measure:N", tooltip=["report_year", "measure", "requests"]),
        width="stretch")
    if not missing.empty:
        st.warning("缺失（未画出，不是0）Missing, not drawn: " +
                   ", ".join(f"{r.report_year} {r.measure}" for r in missing.itertuples()))
    st.dataframe(show_missing(years), hide_index=True, width="stretch")
    st.subheader("不予公开的理由 Refusal reasons")
    refusals = queries.agency_refusals(con, row.agency_key)
    if not refusals.empty:
        bar(refusals, "report_year:O", "requests:Q", "reason:N")
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


def report_page(con) -> None:
    st.header("报告 Report")
    linked = st.query_params.get("report")  # ?page=report&report=ID: a link from the flags or a ranking
    chosen = None if linked else pick(con, queries.reports, "按机关或路径筛选 Filter by agency or path", "报告 Report",
                                      lambda r: f"{r.agency or '?'} · {r.report_year or '?'} · {r.source_path}")
    if chosen is None and not linked:
        return
    rid = linked or chosen.report_id
    meta = queries.report(con, rid)
    st.caption(f"{meta['title'] or ''} · 版式 {meta['layout']} · {meta['source_format']} · 状态 {meta['status']} · "
               f"角色 {meta['report_role']} · {meta['source_path']}")
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
    with st.expander("每个数值的出处 Where every value was printed (path, page, line, text)"):
        st.dataframe(show_missing(cells[["label_zh", "applicant_label", "value", "raw_text", "source_page", "source_line"]]),
                     hide_index=True, width="stretch")


def ranking_page(con) -> None:
    st.header("排名 Ranking")
    options = queries.choices(con)
    measure = st.selectbox("指标 Measure", list(queries.RANKINGS))
    c1, c2, c3, c4 = st.columns(4)
    province = c1.selectbox("省份 Province", [None, *options["provinces"]], format_func=lambda p: p or "全部 all")
    level = c2.selectbox("层级 Level", [None, *options["levels"]], format_func=lambda v: v or "全部 all")
    year = c3.selectbox("年度 Year", [None, *options["years"]], format_func=lambda y: str(y) if y else "全部 all")
    minimum = c4.number_input("分母至少 Minimum denominator", min_value=1, value=10)
    ranked = queries.ranking(con, measure, province, level, int(minimum), year)
    st.caption("分子或分母为空的报告不参加排名（不当作0）Reports with a null numerator or denominator are left out.")
    if ranked.empty:
        st.info("没有符合条件的报告 No report qualifies")
        return
    st.dataframe(ranked, hide_index=True, width="stretch")
    bar(ranked.head(20), "agency:N", "rate:Q", title=measure)


def main() -> None:
    st.set_page_config(page_title="政府信息公开年报 · 看板", layout="wide")
    path = warehouse_path()
    if not Path(path).is_file():
        st.error(f"没有找到数据仓库 No warehouse at {path}: run `make demo` or `make build` first")
        return
    con = connection(path)
    st.sidebar.title("政府信息公开年报")
    st.sidebar.caption(f"数据仓库 warehouse: {path}")
    slugs = ("overview", "agency", "report", "ranking", "measures", "measure_ranking", "flags")  # ?page=agency opens that page
    asked = st.query_params.get("page")
    page = st.sidebar.radio("页面 Page", PAGES, index=slugs.index(asked) if asked in slugs else 0)
    {PAGES[0]: overview, PAGES[1]: agency_page, PAGES[2]: report_page, PAGES[3]: ranking_page,
     PAGES[4]: lambda c: measures_pages.agency_measures_page(c, pick, show_missing),
     PAGES[5]: measures_pages.measure_ranking_page,
     PAGES[6]: lambda c: measures_pages.flags_page(c, show_missing)}[page](con)


main()
