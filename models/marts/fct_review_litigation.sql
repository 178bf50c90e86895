{#- Table 四's atomic cells (canonical reports): reviews and litigation by result. The printed
    总计 of each proceeding is in fct_review_litigation_totals, so a plain sum never doubles. -#}
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
        cells.result,
        cells.value,
        cells.value_as_printed,
        cells.corrected,
        cells.value is null as is_missing,
        cells.raw_text,
        reports.source_path,
        cells.source_page,
        cells.source_line
    from cells
    inner join reports using (report_id)
    where cells.result <> 'total'

)

select * from final
