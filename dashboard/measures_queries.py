"""What the measures pages ask the warehouse (fct_report_measures, fct_peer_percentiles,
fct_report_flags): read-only queries returning DataFrames, testable without Streamlit."""
from __future__ import annotations

import pandas as pd


def measures(con) -> pd.DataFrame:
    """The measure dictionary: code, names, formula in words, kind."""
    return con.sql("""
        select l.code as measure, l.label_zh, l.label_en, l.meaning_zh as formula_zh, m.kind, m.sort_order
        from dim_code_label l join reference.measures m on m.measure = l.code
        where l.code_set = 'measure' order by m.sort_order""").df()


def agency_measure(con, agency_key: str, measure: str) -> pd.DataFrame:
    """One agency's measure over the years, with its peers' quartiles (same year and level, national)
    where the value is rated."""
    return con.execute("""
        select m.report_year, m.numerator, m.denominator, m.value, m.rated, p.national_peers,
               p.national_percentile, p.national_p25, p.national_median, p.national_p75,
               p.province_peers, p.province_percentile, m.report_id
        from fct_report_measures m
        left join fct_peer_percentiles p using (report_id, measure)
        where m.agency_key = ? and m.measure = ?
        order by m.report_year""", [agency_key, measure]).df()


def measure_ranking(con, measure: str, province: str | None, level: str | None, year: int | None,
                    limit: int = 100) -> pd.DataFrame:
    """Rated values of a measure, highest first, with numerator and denominator beside the value
    and the percentile among peers; unrated values are left out (and counted in `unrated`)."""
    return con.execute("""
        select m.agency, m.province_name, m.agency_level, m.report_year, m.numerator, m.denominator,
               round(m.value, 4) as value, round(p.national_percentile, 3) as national_percentile, m.report_id
        from fct_report_measures m
        left join fct_peer_percentiles p using (report_id, measure)
        where m.measure = ? and m.rated and m.value is not null
          and (?::varchar is null or m.province_name = ?) and (?::varchar is null or m.agency_level = ?)
          and (?::integer is null or m.report_year = ?)
        order by m.value desc, m.denominator desc limit ?""",
                       [measure, province, province, level, level, year, year, limit]).df()


def unrated_count(con, measure: str, province: str | None, level: str | None, year: int | None) -> int:
    return con.execute("""
        select count(*) from fct_report_measures
        where measure = ? and not rated and (?::varchar is null or province_name = ?)
          and (?::varchar is null or agency_level = ?) and (?::integer is null or report_year = ?)""",
                       [measure, province, province, level, level, year, year]).fetchone()[0]


def flags(con, flag_code: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """What to check: each flag in words with what to do, the values and where they are printed."""
    return con.execute("""
        select l.label_zh as flag, f.agency, f.report_year, f.subject, f.observed_value, f.expected_value,
               l.action_zh as what_to_do, f.source_path, f.source_page, f.source_line, f.raw_text,
               f.related_report_id, f.report_id, f.flag_code
        from fct_report_flags f
        left join dim_code_label l on l.code_set = 'flag' and l.code = f.flag_code
        where ?::varchar is null or f.flag_code = ?
        order by f.flag_code, f.agency, f.report_year limit ?""", [flag_code, flag_code, limit]).df()


def flag_counts(con) -> pd.DataFrame:
    return con.sql("""
        select f.flag_code, l.label_zh, l.label_en, count(*) as findings, count(distinct f.report_id) as reports
        from fct_report_flags f left join dim_code_label l on l.code_set = 'flag' and l.code = f.flag_code
        group by all order by findings desc""").df()
