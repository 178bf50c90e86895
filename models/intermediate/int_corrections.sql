{#-
    Every correction in seeds/corrections.csv, with what became of it: `applied` (the report and
    its cell exist: the cell's value is replaced in int_applications, int_reviews, int_proactive),
    `superseded` (a later correction of the same cell is applied), `report_missing` (no report has
    that id: the file changed or left the corpus), `cell_missing` (the report has no such cell) or
    `not_a_count` (a fraction for a cell of tables 三 or 四, which count).
    Nothing is dropped silently: fct_corrections lists them all, and a warning test reports those
    that no longer apply.
-#}
with

corrections as (

    select * from {{ ref('corrections') }}

),

reports as (

    select distinct report_id from {{ ref('stg_reports') }}

),

cells as (

    select report_id, 'applications|' || row_code || '|' || applicant_type as cell from {{ ref('stg_applications') }}
    union all
    select report_id, 'reviews|' || review_cell from {{ ref('stg_reviews') }}
    union all
    select report_id, 'proactive|' || measure from {{ ref('stg_proactive') }}

),

ranked as (

    select
        corrections.*,
        row_number() over (
            partition by corrections.report_id, corrections.cell
            order by corrections.corrected_on desc nulls last, corrections.corrected_value
        ) as recency,
        reports.report_id is not null as report_exists,
        cells.cell is not null as cell_exists
    from corrections
    left join reports using (report_id)
    left join cells using (report_id, cell)

),

final as (

    select
        report_id,
        cell,
        split_part(cell, '|', 1) as form_table,
        corrected_value,
        reason,
        correction_source,
        corrected_on,
        case
            when not report_exists then 'report_missing'
            when not cell_exists then 'cell_missing'
            when recency > 1 then 'superseded'
            -- tables 三 and 四 count requests and cases: a fraction is no correction of a count
            when split_part(cell, '|', 1) in ('applications', 'reviews')
                and corrected_value <> round(corrected_value) then 'not_a_count'
            else 'applied'
        end as correction_status
    from ranked

)

select * from final
