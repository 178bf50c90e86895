-- New requests per agency and year (canonical reports), with the change from the agency's
-- previous year. Agencies are matched across years by dim_agency's key (division + body), so
-- 广东省教育厅 and 湖南省教育厅 never meet; names no division could place are left out.
with

per_year as (

    select
        a.agency_key,
        a.agency,
        a.province_name,
        r.report_year,
        sum(i.value)::bigint as new_requests,
        bool_or(i.is_missing) as has_missing_cells
    from {{ ref('fct_application_intake') }} as i
    inner join {{ ref('dim_report') }} as r using (report_id)
    inner join {{ ref('dim_agency') }} as a using (agency_key)
    where i.flow = 'new_received' and a.division_status in ('mapped', 'central')
    group by all

),

final as (

    select
        *,
        lag(report_year) over w as previous_year,
        new_requests - lag(new_requests) over w as change,
        round(new_requests / nullif(lag(new_requests) over w, 0) - 1, 3) as change_ratio
    from per_year
    window w as (partition by agency_key order by report_year)

)

select * from final order by agency_key, report_year
