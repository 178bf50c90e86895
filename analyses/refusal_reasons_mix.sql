-- How refusals (不予公开) split by reason, per statistics year: requests and share of all refusals.
select
    r.report_year,
    o.outcome_code,
    o.label_zh,
    sum(f.value)::bigint as requests,
    round(sum(f.value) / nullif(sum(sum(f.value)) over (partition by r.report_year), 0), 3) as share_of_refusals
from {{ ref('fct_applications') }} as f
inner join {{ ref('dim_outcome') }} as o using (outcome_code)
inner join {{ ref('dim_report') }} as r using (report_id)
where o.category_code = 'denied'
group by r.report_year, o.outcome_code, o.label_zh, o.sort_order
order by r.report_year, o.sort_order
