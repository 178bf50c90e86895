{#- Requests received, carried over from last year and carried forward to next, per applicant type. -#}
with

cells as (

    select * from {{ ref('stg_applications') }}

),

intake_rows as (

    select code, group_code from {{ ref('stg_form_rows') }}
    where form_table = 'applications' and group_code in ('intake', 'carry_forward')

),

applicants as (

    select applicant_type from {{ ref('dim_applicant_type') }} where not is_total

),

final as (

    select
        cells.report_id,
        cells.applicant_type,
        cells.row_code as flow,
        cells.value,
        cells.value is null as is_missing,
        cells.raw_text,
        cells.source_line
    from cells
    inner join intake_rows on intake_rows.code = cells.row_code
    inner join applicants using (applicant_type)

)

select * from final
