-- The README's example queries: scripts/readme_examples.py runs each on the demo warehouse with the
-- DuckDB CLI and writes its output into README.md; tests/test_readme.py checks both still agree.

-- example: requests_per_report
-- requests received and decided per report (fct_report_summary: one row per counted report, a sum
-- is null when any cell it needs is null: 湖山乡's rows are incomplete)
select agency, report_year, new_received, processed, denied
from fct_report_summary
order by new_received desc nulls last, agency, report_year;

-- example: outcomes_2023
-- how 2023's requests ended, by outcome category, with the cells the reports left blank counted
select o.category_label_zh as outcome, sum(f.value) as requests,
       count(*) filter (where f.is_missing) as missing_cells
from fct_applications f join dim_outcome o using (outcome_code) join dim_report r using (report_id)
where r.report_year = 2023
group by o.category_label_zh, o.category_sort_order order by o.category_sort_order;

-- example: report_quality
-- which reports are complete and add up
select r.agency, r.report_year, q.status, q.null_cells, q.checks_passed, q.checks_failed,
       q.checks_not_assessable
from fct_report_quality q join dim_report r using (report_id)
order by q.null_cells desc, r.agency, r.report_year;

-- example: disclosure_rate
-- 公开率 per report, rated first, counts beside the rate (a rate on fewer than 30 decided requests is
-- kept but not rated)
select agency, report_year, numerator, denominator, round(value, 3) as rate, rated
from fct_report_measures where measure = 'disclosure_rate' and value is not null
order by rated desc, rate desc, agency, report_year;

-- example: column_comments
-- what a column means: every column carries a Chinese and English COMMENT (`describe` does not show it)
select column_name, comment
from duckdb_columns()
where table_name = 'fct_report_summary' and column_name in ('new_received', 'processed', 'denied')
order by column_index;
