{#- Atomic cells of table 三's outcome rows (canonical reports): summing value never double counts. -#}
with

cells as (

    select * from {{ ref('int_application_cells') }}

),

outcomes as (

    select outcome_code from {{ ref('dim_outcome') }}

),

final as (

    select
        cells.report_id,
        cells.applicant_type,
        cells.row_code as outcome_code,
        cells.value,
        cells.value_as_printed,
        cells.corrected,
        cells.is_missing,
        cells.raw_text,
        cells.source_path,
        cells.source_page,
        cells.source_line
    from cells
    inner join outcomes on outcomes.outcome_code = cells.row_code

)

select * from final
