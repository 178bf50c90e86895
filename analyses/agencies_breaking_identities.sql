-- Reports whose own arithmetic does not add up: one row per report, with what fails and by how much.
-- Every failing check, with both sides: fct_identity_checks where status = 'fail'.
select
    r.agency,
    r.report_year,
    count(*) as failed_checks,
    list(distinct c.identity_id order by c.identity_id) as failed_identities,
    max(abs(c.difference)) as largest_difference,
    r.source_path
from {{ ref('fct_identity_checks') }} as c
inner join {{ ref('dim_report') }} as r using (report_id)
where c.status = 'fail'
group by r.report_id, r.agency, r.report_year, r.source_path
order by failed_checks desc, r.agency, r.report_year
