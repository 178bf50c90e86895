{#- The totals each canonical report prints (总计 column, (七)总计 row), kept apart from the atomic
    facts: what the identity checks compare the atomic cells with. -#}
with

cells as (

    select * from {{ ref('int_applications') }}

),

reports as (

    select report_id, source_path from {{ ref('int_reports') }} where is_canonical

),

final as (

    select
        cells.report_id,
        cells.row_code,
        cells.applicant_type,
        case when cells.applicant_type = 'total' then 'row_total' else 'outcome_total' end as total_kind,
        cells.value as reported_value,
        cells.value_as_printed,
        cells.corrected,
        cells.raw_text,
        reports.source_path,
        cells.source_page,
        cells.source_line
    from cells
    inner join reports using (report_id)
    where cells.applicant_type = 'total' or cells.row_code = 'total_processed'

)

select * from final
