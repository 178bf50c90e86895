{#- Table 三's atomic cells (the six applicant columns, not the printed 总计) of the canonical
    report of each agency-year, with their row group and where each was printed: what
    fct_applications (outcomes) and fct_application_intake (flows) each take a part of. -#}
{{ config(materialized='view') }}
with

cells as (

    select * from {{ ref('int_applications') }}

),

reports as (

    select report_id, source_path from {{ ref('int_reports') }} where is_canonical

),

form_rows as (

    select code as row_code, group_code from {{ ref('stg_form_rows') }} where form_table = 'applications'

),

applicants as (

    select code as applicant_type from {{ ref('stg_form_rows') }} where form_table = 'applicant' and code <> 'total'

),

final as (

    select
        cells.report_id,
        cells.applicant_type,
        cells.row_code,
        form_rows.group_code,
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
    inner join form_rows using (row_code)
    inner join applicants using (applicant_type)

)

select * from final
