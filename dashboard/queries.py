"""What the dashboard asks the warehouse: one function per view, each a read-only query returning a
DataFrame. Kept apart from the Streamlit code so each can be tested on its own."""
from __future__ import annotations

import duckdb
import pandas as pd

# 排名 measures: numerator and denominator over fct_report_summary, both required (a report with
# either null is left out, never counted as 0)
RANKINGS = {
    "不予公开率 refusal rate": ("denied", "processed"),
    "无法提供率 cannot-provide rate": ("unavailable", "processed"),
    "本机关不掌握占比 share not held": ("not_held", "processed"),
    "行政复议纠错率 review correction rate": ("review_corrected", "review"),
    "公开率（含部分公开）disclosure rate": ("disclosed", "processed"),
}


def connect(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


def overview_counts(con) -> pd.DataFrame:
    return con.sql("""
        select coalesce(report_year::varchar, '未知') as report_year, coalesce(layout, '无表格') as layout,
               source_format, status, report_role, count(*) as reports
        from dim_report group by all order by all""").df()


def coverage(con) -> pd.DataFrame:
    return con.sql("""
        select coalesce(a.province_name, '未定位 unplaced') as province,
               coalesce(l.label_zh, '未知') as level, count(distinct a.agency_key) as agencies,
               sum(a.canonical_reports)::bigint as reports
        from dim_agency a
        left join dim_code_label l on l.code_set = 'agency_level' and l.code = a.agency_level
        group by all order by reports desc, province""").df()


def failing_checks(con) -> pd.DataFrame:
    return con.sql("""
        select identity_id, check_kind, count(*) filter (where status = 'fail') as failed,
               count(distinct report_id) filter (where status = 'fail') as reports_failing,
               count(*) filter (where status = 'not_assessable') as not_assessable, count(*) as checks
        from fct_identity_checks group by all order by failed desc, identity_id""").df()


def find_agencies(con, text: str, limit: int = 200) -> pd.DataFrame:
    return con.execute("""
        select agency_key, agency, province_name, prefecture_name, county_name, agency_level, division_status,
               first_year, last_year, canonical_reports
        from dim_agency where agency ilike ? or list_contains(names_printed, ?) or province_name = ?
        order by canonical_reports desc, agency limit ?""", [f"%{text}%", text, text, limit]).df()


def agency_years(con, agency_key: str) -> pd.DataFrame:
    return con.execute("""
        select report_year, new_received, carried_over, processed, granted, partially_granted, denied,
               unavailable, not_processed, other, carried_forward, review, review_corrected,
               litigation_direct, litigation_after_review, arithmetic_holds, report_id, source_path
        from fct_report_summary where agency_key = ? order by report_year""", [agency_key]).df()


def agency_refusals(con, agency_key: str) -> pd.DataFrame:
    return con.execute("""
        select r.report_year, o.label_zh as reason, sum(f.value)::bigint as requests,
               bool_or(f.is_missing) as has_missing
        from fct_applications f join dim_outcome o using (outcome_code) join dim_report r using (report_id)
        where r.agency_key = ? and o.category_code = 'denied'
        group by all order by r.report_year, reason""", [agency_key]).df()


def agency_cross_year(con, agency_key: str) -> pd.DataFrame:
    return con.execute("""
        select r.report_year, c.instance as applicant_type, c.lhs_value as carried_over,
               c.rhs_value as carried_forward_last_year, c.difference, c.status
        from fct_identity_checks c join dim_report r using (report_id)
        where c.check_kind = 'cross_year' and r.agency_key = ?
        order by r.report_year, c.instance""", [agency_key]).df()


def reports(con, text: str = "", limit: int = 500) -> pd.DataFrame:
    return con.execute("""
        select report_id, agency, report_year, layout, source_format, status, report_role, source_path
        from dim_report where ? = '' or agency ilike ? or source_path ilike ?
        order by agency, report_year, source_path limit ?""", [text, f"%{text}%", f"%{text}%", limit]).df()


def report(con, report_id: str) -> dict:
    return con.execute("select * from dim_report where report_id = ?", [report_id]).df().iloc[0].to_dict()


def report_applications(con, report_id: str) -> pd.DataFrame:
    """Table 三 as printed: one row per form row, one column per applicant type (总计 included)."""
    return con.execute("""
        with cells as (
            select row_code, applicant_type, value, raw_text, source_page, source_line
            from staging.stg_applications where report_id = ?
        )
        select c.row_code, coalesce(l.label_zh, c.row_code) as label_zh, c.applicant_type,
               a.label_zh as applicant_label, c.value, c.raw_text, c.source_page, c.source_line,
               f.sort_order, a.sort_order as column_order
        from cells c
        left join main.dim_code_label l on l.code_set = 'application_row' and l.code = c.row_code
        left join main.dim_applicant_type a using (applicant_type)
        left join reference.form_rows f on f."table" = 'applications' and f.code = c.row_code
        order by f.sort_order, a.sort_order""", [report_id]).df()


def failing_cells(con, report_id: str) -> pd.DataFrame:
    """Every cell that is a term of a failing identity of the report: (form_table, row_code,
    column_code, identity_id). A '*' in the identity's terms stands for the check's instance."""
    return con.execute("""
        select distinct c.form_table,
               case when f.row_code = '*' then c.instance else f.row_code end as row_code,
               case when f.column_code = '*' then c.instance else f.column_code end as column_code,
               c.identity_id
        from fct_identity_checks c
        join reference.form_identities f on f.identity_id = c.identity_id and f."table" = c.form_table
        where c.report_id = ? and c.status = 'fail' and c.check_kind = 'form'""", [report_id]).df()


def report_reviews(con, report_id: str) -> pd.DataFrame:
    return con.execute("""
        select s.review_cell, coalesce(l.label_zh, s.review_cell) as label_zh, s.value, s.raw_text,
               s.source_page, s.source_line
        from staging.stg_reviews s
        left join main.dim_code_label l on l.code_set = 'review_cell' and l.code = s.review_cell
        where s.report_id = ? order by s.review_cell""", [report_id]).df()


def report_proactive(con, report_id: str) -> pd.DataFrame:
    return con.execute("""
        select m.item_label_zh as item, m.column_label_zh as column_label, s.value, s.raw_text, s.source_page,
               s.source_line
        from staging.stg_proactive s join main.dim_proactive_measure m using (measure)
        where s.report_id = ? order by m.form_row, m.form_column""", [report_id]).df()


def report_warnings(con, report_id: str) -> pd.DataFrame:
    return con.execute("""
        with w as (select unnest(warnings) as warning from dim_report where report_id = ?)
        select w.warning, l.label_zh, l.meaning_zh, l.action_zh, l.label_en
        from w left join dim_code_label l on l.code_set = 'warning' and l.code = split_part(w.warning, ':', 1)""",
                       [report_id]).df()


def ranking(con, measure: str, province: str | None, level: str | None, min_denominator: int,
            year: int | None, limit: int = 100) -> pd.DataFrame:
    numerator, denominator = RANKINGS[measure]
    num_sql = {"not_held": "h.not_held", "disclosed": "s.granted + s.partially_granted"}.get(numerator, f"s.{numerator}")
    return con.execute(f"""
        with not_held as (
            select report_id, case when bool_or(is_missing) then null else sum(value) end as not_held
            from fct_applications where outcome_code = 'unavailable_not_held' group by report_id
        ),
        rows as (
            select s.agency, s.province_name, s.agency_level, s.report_year, {num_sql} as numerator,
                   s.{denominator} as denominator, s.report_id
            from fct_report_summary s left join not_held h using (report_id)
            where (?::varchar is null or s.province_name = ?) and (?::varchar is null or s.agency_level = ?)
              and (?::integer is null or s.report_year = ?)
        )
        select agency, province_name, agency_level, report_year, numerator, denominator,
               round(numerator / denominator, 4) as rate, report_id
        from rows
        where numerator is not null and denominator is not null and denominator >= ? and denominator > 0
        order by rate desc, denominator desc limit ?""",
                       [province, province, level, level, year, year, min_denominator, limit]).df()


def choices(con) -> dict:
    return {
        "provinces": [p for p, in con.sql("select distinct province_name from dim_agency where province_name is not null "
                                          "order by 1").fetchall()],
        "levels": [r for r, in con.sql("select distinct agency_level from dim_agency where agency_level is not null "
                                       "order by 1").fetchall()],
        "years": [y for y, in con.sql("select distinct report_year from fct_report_summary where report_year is not null "
                                      "order by 1 desc").fetchall()],
    }
