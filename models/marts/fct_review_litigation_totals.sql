{#- The 总计 table 四 prints for each proceeding (canonical reports), as printed: compare with the
    sum of fct_review_litigation (fct_identity_checks does). -#}
with

cells as (

    select * from {{ ref('int_reviews') }}

),

reports as (

    select report_id, source_path from {{ ref('int_reports') }} where is_canonical

),

final as (

    select
        cells.report_id,
        cells.proceeding,
        cells.value as reported_value,
        cells.value_as_printed,
        cells.corrected,
        cells.raw_text,
        reports.source_path,
        cells.source_page,
        cells.source_line
    from cells
    inner join reports using (report_id)
    where cells.result = 'total'

)

select * from final
