-- New requests per agency and year, with the change from the agency's previous report.
with

per_report as (

    select
        r.agency_key,
        any_value(r.agency) as agency,
        r.report_year,
        sum(i.value)::bigint as new_requests,
        bool_or(i.is_missing) as has_missing_cells
    from {{ ref('fct_application_intake') }} as i
    inner join {{ ref('dim_report') }} as r using (report_id)
    where i.flow = 'new_received' and r.agency_key is not null
    group by r.agency_key, r.report_year

),

final as (

    select
        *,
        new_requests - lag(new_requests) over w as change,
        round(new_requests / nullif(lag(new_requests) over w, 0) - 1, 3) as change_ratio
    from per_report
    window w as (partition by agency_key order by report_year)

)

select * from final order by agency_key, report_year
