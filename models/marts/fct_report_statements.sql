{#- Every number a report's prose states, beside the table cells it restates and whether they agree. -#}
with

checks as (

    select * from {{ ref('int_statement_checks') }}

),

reports as (

    select report_id, source_path from {{ ref('int_reports') }}

),

final as (

    select
        checks.report_id,
        checks.statement,
        checks.value,
        checks.table_values,
        checks.check_status,
        checks.raw_text,
        reports.source_path,
        checks.source_page,
        checks.source_line
    from checks
    inner join reports using (report_id)

)

select * from final
