-- New requests per statistics year and applicant type (atomic cells: sums count each request once).
-- Reports whose cell is null are left out of the sum and counted in reports_with_missing_cells.
select
    r.report_year,
    i.applicant_type,
    t.label_zh,
    sum(i.value)::bigint as new_requests,
    count(distinct r.report_id) as reports,
    count(distinct r.report_id) filter (where i.is_missing) as reports_with_missing_cells
from {{ ref('fct_application_intake') }} as i
inner join {{ ref('dim_report') }} as r using (report_id)
inner join {{ ref('dim_applicant_type') }} as t using (applicant_type)
where i.flow = 'new_received'
group by r.report_year, i.applicant_type, t.label_zh, t.sort_order
order by r.report_year, t.sort_order
