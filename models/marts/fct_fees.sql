{#- What was charged: 信息处理费 (section 六) and 行政事业性收费 (table 二). -#}
with

reports as (

    select report_id, layout, info_fee_yuan from {{ ref('int_reports') }} where is_canonical and status <> 'unreadable'

),

fee_cells as (

    select
        report_id,
        max(value) filter (where measure = 'administrative_fee.amount_10k_yuan') as administrative_fee_10k_yuan,
        max(value) filter (where measure = 'administrative_fee.prev_year_items') as administrative_fee_items_last_year,
        max(value) filter (where measure = 'administrative_fee.change') as administrative_fee_items_change
    from {{ ref('int_proactive') }}
    where measure like 'administrative_fee.%'
    group by all

),

final as (

    select
        reports.report_id,
        reports.layout,
        reports.info_fee_yuan,
        fee_cells.administrative_fee_10k_yuan,
        fee_cells.administrative_fee_10k_yuan * 10000 as administrative_fee_yuan,
        fee_cells.administrative_fee_items_last_year,
        fee_cells.administrative_fee_items_change
    from reports
    left join fee_cells using (report_id)

)

select * from final
