"""What the dashboard asks the warehouse: one function per view, each a read-only query returning a
DataFrame. Kept apart from the Streamlit code so each can be tested on its own.

Many people read at once: `Warehouse.cursor()` gives each reader (a browser session's script run, a
thread) a connection of its own, and opens the file again once a publish has replaced it.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import duckdb
import numpy as np
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
WITH_NUMBERS = ("parsed", "partial")  # statuses whose reports have cells


class Warehouse:
    """The warehouse file, read-only, for many readers at once.

    A DuckDB connection serves one thread at a time (two threads sharing one get each other's
    results), so every reader takes its own cursor. The file is attached to an in-memory database
    rather than opened by path: DuckDB keeps one instance per open path, and a connection opened
    after a publish renamed a new file over the old one would be handed the old file. The file's
    identity (device, inode, size, mtime) is checked at every cursor; when it changed, the new file
    is attached and new cursors read it. Cursors already out finish on the old one: the old
    database is dropped, never closed (closing it would close them), and goes with its last cursor.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self._lock = threading.Lock()
        self._identity: tuple | None = None
        self._database: duckdb.DuckDBPyConnection | None = None

    def _file_identity(self) -> tuple:
        st = os.stat(self.path)
        return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns

    def cursor(self) -> duckdb.DuckDBPyConnection:
        identity = self._file_identity()
        with self._lock:
            if identity != self._identity:
                database = duckdb.connect(":memory:")
                quoted = self.path.replace("'", "''")  # ATTACH takes no parameters: a quoted literal
                database.execute(f"attach '{quoted}' as warehouse (read_only)")
                self._database, self._identity = database, identity
            cursor = self._database.cursor()
        cursor.execute("use warehouse")
        return cursor


def connect(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """One read-only connection of one's own (scripts and tests)."""
    return Warehouse(path).cursor()


def like_pattern(text: str) -> str:
    r"""``%text%`` for ``ilike … escape '\'``: a % or _ typed in a search is that character."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def labels(con, code_set: str) -> dict[str, str]:
    """code → Chinese label of one code set of dim_code_label."""
    return dict(con.execute("select code, label_zh from dim_code_label where code_set = ?", [code_set]).fetchall())


def overview_counts(con) -> pd.DataFrame:
    """Files by year, layout, format, status and role; ``counted``: its numbers are in the facts
    (the agency-year's canonical report, or one the warehouse cannot place, with cells read)."""
    return con.execute("""
        select report_year, layout, source_format, status, report_role,
               is_canonical and status in (?, ?) as counted, count(*) as reports
        from dim_report group by all order by all""", list(WITH_NUMBERS)).df()


def coverage(con) -> pd.DataFrame:
    return con.sql("""
        select coalesce(a.province_name, '未定位 unplaced') as province,
               coalesce(l.label_zh, a.agency_level, '未知 unknown') as level, count(distinct a.agency_key) as agencies,
               sum(a.canonical_reports)::bigint as reports
        from dim_agency a
        left join dim_code_label l on l.code_set = 'agency_level' and l.code = a.agency_level
        group by all order by reports desc, province""").df()


def failing_checks(con) -> pd.DataFrame:
    return con.sql("""
        select coalesce(i.label_zh, c.identity_id) as identity, coalesce(k.label_zh, c.check_kind) as kind,
               count(*) filter (where c.status = 'fail') as failed,
               count(distinct c.report_id) filter (where c.status = 'fail') as reports_failing,
               count(*) filter (where c.status = 'not_assessable') as not_assessable, count(*) as checks,
               c.identity_id
        from fct_identity_checks c
        left join dim_code_label i on i.code_set = 'identity' and i.code = c.identity_id
        left join dim_code_label k on k.code_set = 'check_kind' and k.code = c.check_kind
        group by all order by failed desc, c.identity_id""").df()


def find_agencies(con, text: str, include: str | None = None, limit: int = 200) -> pd.DataFrame:
    """Agencies whose name (or a name printed for them) contains ``text``, or in the province
    named ``text``; ``include`` (an agency_key, from a shared link) comes first when it exists."""
    return con.execute(r"""
        select a.agency_key, a.agency, a.province_name, a.prefecture_name, a.county_name, a.agency_level,
               coalesce(l.label_zh, a.agency_level) as level_label, a.division_status,
               coalesce(d.label_zh, a.division_status) as division_label, a.first_year, a.last_year,
               a.canonical_reports
        from dim_agency a
        left join dim_code_label l on l.code_set = 'agency_level' and l.code = a.agency_level
        left join dim_code_label d on d.code_set = 'division_status' and d.code = a.division_status
        where a.agency ilike ? escape '\' or list_contains(a.names_printed, ?) or a.province_name = ?
              or a.agency_key = ?
        order by a.agency_key = ? desc, a.canonical_reports desc, a.agency limit ?""",
                       [like_pattern(text), text, text, include, include, limit]).df()


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
        select r.report_year, coalesce(a.label_zh, c.instance) as applicant_type, c.lhs_value as carried_over,
               c.rhs_value as carried_forward_last_year, c.difference, coalesce(s.label_zh, c.status) as status
        from fct_identity_checks c join dim_report r using (report_id)
        left join dim_code_label a on a.code_set = 'applicant_type' and a.code = c.instance
        left join dim_code_label s on s.code_set = 'check_status' and s.code = c.status
        where c.check_kind = 'cross_year' and r.agency_key = ?
        order by r.report_year, c.instance""", [agency_key]).df()


def reports(con, text: str = "", include: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Reports whose agency or path contains ``text``; ``include`` (a report_id, from a shared
    link) comes first when it exists."""
    pattern = like_pattern(text)
    return con.execute(r"""
        select report_id, agency, report_year, layout, source_format, status, report_role, source_path
        from dim_report
        where ? = '' or agency ilike ? escape '\' or source_path ilike ? escape '\' or report_id = ?
        order by report_id = ? desc nulls last, agency, report_year, source_path limit ?""",
                       [text, pattern, pattern, include, include, limit]).df()


def _plain(value):
    """A pandas missing value (NaN, NA, NaT) as None; lists and everything else as they are."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return None if pd.isna(value) else value


def report(con, report_id: str) -> dict:
    """One row of dim_report, every column (the --manifest's too), missing values as None."""
    frame = con.execute("select * from dim_report where report_id = ?", [report_id]).df()
    return {k: _plain(v) for k, v in frame.iloc[0].to_dict().items()}


def source_url(meta: dict) -> str | None:
    """The web address a --manifest gave for the report (a column named like url or link), if it
    is an http(s) address: nothing else is made a link."""
    for name, value in meta.items():
        if isinstance(value, str) and ("url" in name.lower() or "link" in name.lower()) \
                and value.lower().startswith(("http://", "https://")):
            return value
    return None


def source_file(raw_dir: str | os.PathLike | None, report_id: str, source_path: str) -> Path | None:
    """The original file under ``raw_dir``, when it is there and still holds the bytes the report
    was read from (its report_id is their hash): never another file under the same name."""
    if not raw_dir or not report_id:
        return None
    root = Path(raw_dir).resolve()
    path = (root / source_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return path if digest.hexdigest()[:len(report_id)] == report_id else None


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
    """One row per report (an agency's year): a rate is never added across years or agencies."""
    numerator, denominator = RANKINGS[measure]
    num_sql = {"not_held": "h.not_held", "disclosed": "s.granted + s.partially_granted"}.get(numerator, f"s.{numerator}")
    return con.execute(f"""
        with not_held as (
            select report_id, case when bool_or(is_missing) then null else sum(value) end as not_held
            from fct_applications where outcome_code = 'unavailable_not_held' group by report_id
        ),
        rows as (
            select s.agency, s.province_name, s.agency_level, s.report_year, {num_sql} as numerator,
                   s.{denominator} as denominator, s.report_id, s.agency_key
            from fct_report_summary s left join not_held h using (report_id)
            where (?::varchar is null or s.province_name = ?) and (?::varchar is null or s.agency_level = ?)
              and (?::integer is null or s.report_year = ?)
        )
        select r.agency, r.province_name, coalesce(l.label_zh, r.agency_level, '未知 unknown') as level, r.report_year,
               r.numerator, r.denominator, round(r.numerator / r.denominator, 4) as rate, r.report_id, r.agency_key
        from rows r
        left join dim_code_label l on l.code_set = 'agency_level' and l.code = r.agency_level
        where r.numerator is not null and r.denominator is not null and r.denominator >= ? and r.denominator > 0
        order by rate desc, r.denominator desc, r.agency, r.report_year limit ?""",
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


def about(con) -> dict[str, pd.DataFrame]:
    """The code sets the 说明 page explains, from dim_code_label (so it says what the data says)."""
    return {code_set: con.execute("""
        select code, label_zh, label_en, meaning_zh, meaning_en, action_zh, action_en
        from dim_code_label where code_set = ? order by code""", [code_set]).df()
            for code_set in ("status", "report_role", "identity", "check_status", "warning")}
