"""The measures pages of the dashboard: 指标 an agency's measures over the years inside its peers'
band, 指标排名 a ranking of rated values with their counts, 核查 the flags to check with links to
the report page. Unrated values (a rate on fewer requests than the minimum count) are said, never
ranked or drawn as peers."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import measures_queries as mq
import queries


def _measure_picker(con, key: str) -> str:
    dictionary = mq.measures(con)
    labels = {r.measure: f"{r.label_zh} {r.label_en}" for r in dictionary.itertuples()}
    codes = list(labels)
    measure = st.selectbox("指标 Measure", codes, format_func=labels.get, key=key,
                           index=codes.index("disclosure_rate") if "disclosure_rate" in codes else 0)
    formula = dictionary.set_index("measure").formula_zh[measure]
    st.caption(f"公式 Formula: {formula}")
    return measure


def _report_link(report_id: str) -> str:
    return f"/?page=report&report={report_id}"


def agency_measures_page(con, pick, show_missing) -> None:
    st.header("指标 Measures of an agency")
    row = pick(con, queries.find_agencies, "搜索机关名称或省份 Search an agency or province", "机关 Agency",
               lambda r: f"{r.agency} · {r.province_name or '未定位'} · {r.agency_key}")
    if row is None:
        return
    measure = _measure_picker(con, "agency_measure")
    years = mq.agency_measure(con, row.agency_key, measure)
    if years.empty:
        st.info("该机关没有这个指标 No value for this agency")
        return
    rated = years[years.rated & years.value.notna()]
    band = alt.Chart(rated.dropna(subset=["national_p25"]), title="同级四分位区间（全国同年度同层级）Peers' interquartile band").mark_area(
        opacity=0.25).encode(x="report_year:O", y="national_p25:Q", y2="national_p75:Q")
    median = alt.Chart(rated.dropna(subset=["national_median"])).mark_line(strokeDash=[4, 4]).encode(
        x="report_year:O", y="national_median:Q")
    own = alt.Chart(rated).mark_line(point=True).encode(
        x="report_year:O", y=alt.Y("value:Q", title=measure),
        tooltip=["report_year", "value", "numerator", "denominator", "national_percentile", "national_peers"])
    st.altair_chart(band + median + own, width="stretch")
    unrated = years[~years.rated | years.value.isna()]
    if not unrated.empty:
        st.warning("未评级或缺失（未画出）Not rated or missing, not drawn: " + ", ".join(
            f"{r.report_year}（分母 {int(r.denominator) if pd.notna(r.denominator) else '空'}）" for r in unrated.itertuples()))
    st.dataframe(show_missing(years), hide_index=True, width="stretch")


def measure_ranking_page(con) -> None:
    st.header("指标排名 Ranking by measure")
    measure = _measure_picker(con, "ranking_measure")
    options = queries.choices(con)
    c1, c2, c3 = st.columns(3)
    province = c1.selectbox("省份 Province", [None, *options["provinces"]], format_func=lambda p: p or "全部 all",
                            key="mr_province")
    level = c2.selectbox("层级 Level", [None, *options["levels"]], format_func=lambda v: v or "全部 all", key="mr_level")
    year = c3.selectbox("年度 Year", [None, *options["years"]], format_func=lambda y: str(y) if y else "全部 all",
                        key="mr_year")
    ranked = mq.measure_ranking(con, measure, province, level, year)
    left_out = mq.unrated_count(con, measure, province, level, year)
    st.caption(f"只排已评级的值（比率的分母不少于最低计数）；未评级 {left_out} 份报告不参加排名。 Only rated values are ranked; "
               f"{left_out} unrated reports are left out. Counts (numerator, denominator) beside every value.")
    if ranked.empty:
        st.info("没有符合条件的报告 No report qualifies")
        return
    ranked.insert(0, "report", ranked.report_id.map(_report_link))
    st.dataframe(ranked, hide_index=True, width="stretch",
                 column_config={"report": st.column_config.LinkColumn("报告 report", display_text="打开 open")})


def flags_page(con, show_missing) -> None:
    st.header("核查 Flags: what to check")
    counts = mq.flag_counts(con)
    if counts.empty:
        st.info("没有待核查事项 Nothing to check")
        return
    st.dataframe(counts, hide_index=True, width="stretch")
    codes = [None, *counts.flag_code]
    labels = dict(zip(counts.flag_code, counts.label_zh + " " + counts.label_en))
    chosen = st.selectbox("核查项 Flag", codes, format_func=lambda c: labels.get(c, "全部 all"))
    found = mq.flags(con, chosen)
    found["report"] = found.report_id.map(_report_link)
    st.caption("每条都指向报告页（原文路径、页码、行号与原文） Each links to the report page with its provenance.")
    shown = show_missing(found.drop(columns=["report"]))
    shown.insert(0, "report", found.report)
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={"report": st.column_config.LinkColumn("报告 report", display_text="打开 open")})
