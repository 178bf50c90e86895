"""``python -m ingest.summary``: what the built warehouse holds, printed for a person."""
from __future__ import annotations

import argparse
import os
import sys

import duckdb

QUERIES = [
    ("Reports by status and layout",
     "select status, coalesce(layout, '-') as layout, count(*) as reports, sum(warning_count) as warnings "
     "from stg_reports group by all order by all"),
    ("Requests per report (table 三, 总计 column)",
     "select r.agency, r.report_year, r.layout, "
     "max(a.value) filter (where a.row_code = 'new_received') as new_received, "
     "max(a.value) filter (where a.row_code = 'total_processed') as total_processed, "
     "max(a.value) filter (where a.row_code = 'carried_forward') as carried_forward, "
     "count(*) filter (where a.value is null) as null_cells "
     "from stg_reports r join stg_applications a using (report_id) "
     "where a.applicant_type = 'total' group by all order by r.report_year, r.agency"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.summary", description=__doc__)
    ap.add_argument("--warehouse", default=os.environ.get("GIA_WAREHOUSE", "warehouse/gia.duckdb"),
                    help="DuckDB file (default: $GIA_WAREHOUSE or warehouse/gia.duckdb)")
    args = ap.parse_args(argv)
    if not os.path.exists(args.warehouse):
        print(f"no warehouse at {args.warehouse}: run `make demo` (or `dbt build`) first", file=sys.stderr)
        return 1
    con = duckdb.connect(args.warehouse, read_only=True)
    print(f"Warehouse {args.warehouse}")
    for title, sql in QUERIES:
        print(f"\n{title}")
        con.sql(sql).show(max_width=160)
    return 0


if __name__ == "__main__":
    sys.exit(main())
