with

cells as (

    select * from {{ ref('stg_reviews') }}

),

final as (

    select
        report_id,
        proceeding,
        result,
        result = 'total' as is_total,
        value,
        raw_text,
        source_line
    from cells

)

select * from final
