"""``python -m ingest.summary``: what the built warehouse holds, printed for a person."""
from __future__ import annotations

import argparse
import sys

import duckdb

from .workspace import default_warehouse, missing

QUERIES = [
    ("Reports by status and layout",
     "select status, coalesce(layout, '-') as layout, count(*) as reports, sum(warning_count)::bigint as warnings "
     "from dim_report group by all order by all"),
    ("Agencies by province and level (dim_agency)",
     "select coalesce(province_name, '-') as province, coalesce(agency_level, '-') as level, division_status, "
     "count(*) as agencies, sum(canonical_reports)::bigint as reports from dim_agency group by all order by all"),
    ("Reports per agency-year: counted (canonical) and not",
     "select report_role, count(*) as reports from dim_report group by all order by all"),
    ("Requests per report (table 三: atomic cells summed over applicant types)",
     "select r.agency, r.report_year, r.layout, "
     "sum(i.value) filter (where i.flow = 'new_received')::bigint as new_received, "
     "sum(i.value) filter (where i.flow = 'carried_over')::bigint as carried_over, "
     "sum(i.value) filter (where i.flow = 'carried_forward')::bigint as carried_forward, "
     "count(*) filter (where i.is_missing) as missing_cells "
     "from dim_report r join fct_application_intake i using (report_id) group by all order by r.report_year, r.agency limit 30"),
    ("Identity checks (勾稽关系) by status",
     "select check_kind, identity_id, count(*) filter (where status = 'pass') as pass, "
     "count(*) filter (where status = 'fail') as fail, count(*) filter (where status = 'not_assessable') as not_assessable "
     "from fct_identity_checks group by all order by all"),
    ("Reports whose own numbers do not add up",
     "select r.agency, r.report_year, c.identity_id, c.instance, c.lhs_value, c.rhs_value, c.difference "
     "from fct_identity_checks c join dim_report r using (report_id) where c.status = 'fail' "
     "order by all limit 30"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.summary", description=__doc__)
    ap.add_argument("--warehouse", default=default_warehouse(),
                    help="DuckDB file (default: $GIA_WAREHOUSE or warehouse/gia.duckdb)")
    args = ap.parse_args(argv)
    if problem := missing(args.warehouse):
        print(problem, file=sys.stderr)
        return 2
    con = duckdb.connect(args.warehouse, read_only=True)
    print(f"Warehouse {args.warehouse}")
    for title, sql in QUERIES:
        print(f"\n{title}")
        con.sql(sql).show(max_width=160)
    return 0


if __name__ == "__main__":
    sys.exit(main())
