{#- Per report: how complete the tables are and whether their arithmetic holds. -#}
with

reports as (

    select report_id, status, warning_count from {{ ref('int_reports') }}

),

cells as (

    select report_id, count(*) as cells, count(*) filter (where value is null) as null_cells
    from (
        select report_id, value from {{ ref('int_applications') }}
        union all select report_id, value from {{ ref('int_reviews') }}
        union all select report_id, value from {{ ref('int_proactive') }}
    )
    group by all

),

checks as (

    select
        report_id,
        count(*) filter (where check_kind = 'form' and status = 'pass') as checks_passed,
        count(*) filter (where check_kind = 'form' and status = 'fail') as checks_failed,
        count(*) filter (where check_kind = 'form' and status = 'not_assessable') as checks_not_assessable,
        count(*) filter (where check_kind = 'cross_year' and status = 'fail') as cross_year_failed,
        list(distinct identity_id order by identity_id) filter (where status = 'fail') as failed_identities
    from {{ ref('fct_identity_checks') }}
    group by all

),

final as (

    select
        reports.report_id,
        reports.status,
        reports.warning_count,
        coalesce(cells.cells, 0) as cells,
        coalesce(cells.null_cells, 0) as null_cells,
        coalesce(checks.checks_passed, 0) as checks_passed,
        coalesce(checks.checks_failed, 0) as checks_failed,
        coalesce(checks.checks_not_assessable, 0) as checks_not_assessable,
        coalesce(checks.cross_year_failed, 0) as cross_year_failed,
        coalesce(checks.failed_identities, []) as failed_identities,
        case when checks.report_id is not null then checks.checks_failed = 0 end as arithmetic_holds
    from reports
    left join cells using (report_id)
    left join checks using (report_id)

)

select * from final
