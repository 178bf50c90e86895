with

measures as (

    select * from {{ ref('stg_form_rows') }} where form_table = 'proactive'

),

final as (

    select
        code as measure,
        split_part(code, '.', 1) as item,
        match_zh as item_label_zh,
        split_part(label_en, ':', 1) as item_label_en,
        column_zh as column_label_zh,
        label_en,
        group_code as article_item,
        split_part(label_zh, ' ', 1) as article_item_zh,
        unit,
        layouts,
        form_row,
        form_column
    from measures

)

select * from final
