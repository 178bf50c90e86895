-- Reports whose own arithmetic does not add up, with every failing check.
select
    r.agency,
    r.report_year,
    c.identity_id,
    c.instance,
    c.lhs_value,
    c.rhs_value,
    c.difference,
    r.source_path
from {{ ref('fct_identity_checks') }} as c
inner join {{ ref('dim_report') }} as r using (report_id)
where c.status = 'fail'
order by r.agency, r.report_year, c.identity_id, c.instance
