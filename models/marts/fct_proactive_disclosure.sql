{#- Table 二 (第二十条 items) per canonical report × measure, the layout on every row, the
    concept comparable across layouts, and amounts in yuan. -#}
with

cells as (

    select * from {{ ref('int_proactive') }}

),

reports as (

    select report_id, layout, source_path from {{ ref('int_reports') }} where is_canonical

),

measures as (

    select measure, item, unit from {{ ref('dim_proactive_measure') }}

),

concepts as (

    select measure, concept, comparability, amount_unit from {{ ref('proactive_concepts') }}

),

-- an amount's unit: the form's (万元 in the 2021 header), else what the cell prints (2019 采购总金额)
units as (

    select
        cells.*,
        case
            when concepts.amount_unit = '10k_yuan' then '10k_yuan'
            when concepts.amount_unit = 'as_printed' and cells.raw_text like '%万元' then '10k_yuan'
            when concepts.amount_unit = 'as_printed' and cells.raw_text like '%元' then 'yuan'
        end as amount_unit,
        concepts.amount_unit is not null as is_amount
    from cells
    left join concepts using (measure)

),

final as (

    select
        units.report_id,
        reports.layout,
        units.measure,
        measures.item,
        measures.unit,
        concepts.concept,
        concepts.comparability,
        units.value,
        units.value_as_printed,
        units.corrected,
        case
            when not units.is_amount then null
            when units.value = 0 then 0  -- nothing, in any unit
            when units.amount_unit = '10k_yuan' then units.value * 10000
            when units.amount_unit = 'yuan' then units.value
        end as amount_yuan,
        units.amount_unit,
        units.raw_text,
        reports.source_path,
        units.source_page,
        units.source_line
    from units
    inner join reports using (report_id)
    inner join measures using (measure)
    left join concepts using (measure)

)

select * from final
