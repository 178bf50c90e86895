{#- Atomic cells of table 三's outcome rows: summing value never double counts. -#}
with

cells as (

    select * from {{ ref('stg_applications') }}

),

outcomes as (

    select outcome_code from {{ ref('dim_outcome') }}

),

applicants as (

    select applicant_type from {{ ref('dim_applicant_type') }} where not is_total

),

final as (

    select
        cells.report_id,
        cells.applicant_type,
        cells.row_code as outcome_code,
        cells.value,
        cells.value is null as is_missing,
        cells.raw_text,
        cells.source_line
    from cells
    inner join outcomes on outcomes.outcome_code = cells.row_code
    inner join applicants using (applicant_type)

)

select * from final
