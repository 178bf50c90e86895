{#- The totals each report prints (总计 column, (七)总计 row), kept apart from the atomic facts. -#}
with

cells as (

    select * from {{ ref('stg_applications') }}

),

final as (

    select
        report_id,
        row_code,
        applicant_type,
        case when applicant_type = 'total' then 'row_total' else 'outcome_total' end as total_kind,
        value as reported_value,
        raw_text,
        source_line
    from cells
    where applicant_type = 'total' or row_code = 'total_processed'

)

select * from final
