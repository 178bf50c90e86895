{#- Table 三's cells with the corrections applied: `value` is what the warehouse counts,
    `value_as_printed` what the report prints (they differ only where `corrected`). -#}
with

cells as (

    select * from {{ ref('stg_applications') }}

),

corrections as (

    select cell, report_id, corrected_value, reason
    from {{ ref('int_corrections') }}
    where form_table = 'applications' and correction_status = 'applied'

),

final as (

    select
        cells.report_id,
        cells.row_code,
        cells.applicant_type,
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
        and corrections.cell = 'applications|' || cells.row_code || '|' || cells.applicant_type

)

select * from final
