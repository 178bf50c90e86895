{#-
    The check no single report can make: this year's 上年结转 (carried_over) should equal last
    year's 结转下年度继续办理 (carried_forward) for the same agency (agency_key), per applicant column.
    Only canonical reports of agencies placed in a division (or central) are compared: a name
    several divisions share (市中区) or none could place may be two bodies.
-#}
with

reports as (

    select report_id, agency_key, report_year
    from {{ ref('int_reports') }}
    where is_canonical and division_status in ('mapped', 'central')
        and report_year is not null and layout is not null

),

pairs as (

    select
        this_year.report_id,
        last_year.report_id as previous_report_id
    from reports as this_year
    inner join reports as last_year
        on last_year.agency_key = this_year.agency_key
        and last_year.report_year = this_year.report_year - 1

),

carry as materialized (

    select
        report_id,
        applicant_type,
        max(value) filter (where row_code = 'carried_over') as carried_over,
        max(value) filter (where row_code = 'carried_forward') as carried_forward
    from {{ ref('int_applications') }}
    where row_code in ('carried_over', 'carried_forward')
    group by all

),

-- every join on a report key: joining the two years' carries on applicant_type alone first
-- (7 values) is the plan a cost-based optimizer may pick, and it squares the table
this_year as materialized (

    select pairs.report_id, pairs.previous_report_id, carry.applicant_type, carry.carried_over
    from pairs
    inner join carry using (report_id)

),

final as (

    select
        this_year.report_id,
        'carried_over_matches_last_year' as identity_id,
        'applications' as form_table,
        this_year.applicant_type as instance,
        this_year.carried_over as lhs_value,
        last_year.carried_forward as rhs_value,
        this_year.carried_over - last_year.carried_forward as difference,
        this_year.previous_report_id,
        case
            when this_year.carried_over is null or last_year.carried_forward is null then 'not_assessable'
            when this_year.carried_over = last_year.carried_forward then 'pass'
            else 'fail'
        end as status
    from this_year
    inner join carry as last_year
        on last_year.report_id = this_year.previous_report_id
        and last_year.applicant_type = this_year.applicant_type

)

select * from final
