{#- Table 四's cells with the corrections applied (see int_applications). -#}
with

cells as (

    select * from {{ ref('stg_reviews') }}

),

corrections as (

    select cell, report_id, corrected_value, reason
    from {{ ref('int_corrections') }}
    where form_table = 'reviews' and correction_status = 'applied'

),

final as (

    select
        cells.report_id,
        cells.review_cell,
        cells.proceeding,
        cells.result,
        coalesce(cast(corrections.corrected_value as bigint), cells.value) as value,  -- a count stays an integer
        cells.value as value_as_printed,
        corrections.cell is not null as corrected,
        corrections.reason as correction_reason,
        cells.raw_text,
        cells.source_line,
        cells.source_page
    from cells
    left join corrections
        on corrections.report_id = cells.report_id
        and corrections.cell = 'reviews|' || cells.review_cell

)

select * from final
