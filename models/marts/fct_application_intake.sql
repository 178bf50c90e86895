{#- Requests received, carried over from last year and carried forward to next, per applicant
    type (canonical reports). -#}
with

cells as (

    select * from {{ ref('int_application_cells') }}

),

final as (

    select
        report_id,
        applicant_type,
        row_code as flow,
        value,
        value_as_printed,
        corrected,
        is_missing,
        raw_text,
        source_path,
        source_page,
        source_line
    from cells
    where group_code in ('intake', 'carry_forward')

)

select * from final
