with

cells as (

    select * from {{ ref('stg_proactive') }}

),

reports as (

    select report_id, layout from {{ ref('int_reports') }}

),

measures as (

    select measure, item, unit from {{ ref('dim_proactive_measure') }}

),

final as (

    select
        cells.report_id,
        reports.layout,
        cells.measure,
        measures.item,
        measures.unit,
        cells.value,
        cells.raw_text,
        cells.source_line
    from cells
    inner join reports using (report_id)
    inner join measures using (measure)

)

select * from final
