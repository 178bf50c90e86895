{#- The outcome rows of table 三 with their hierarchy: category (予以公开 … 其他处理) → row. -#}
with

outcome_rows as (

    select * from {{ ref('stg_form_rows') }}
    where form_table = 'applications'
        and group_code in (select category_code from {{ ref('outcome_categories') }}
                           union all select 'outcome')

),

categories as (

    select * from {{ ref('outcome_categories') }}

),

final as (

    select
        outcome_rows.code as outcome_code,
        outcome_rows.match_zh as label_zh,
        outcome_rows.label_en,
        categories.category_code,
        categories.label_zh as category_label_zh,
        categories.label_en as category_label_en,
        categories.sort_order as category_sort_order,
        outcome_rows.sort_order,
        outcome_rows.layouts,
        -- a category that is also the row (予以公开, 部分公开, 2019's single 其他处理) has no sub-rows
        outcome_rows.code = categories.category_code as is_category_row
    from outcome_rows
    inner join categories
        on categories.category_code = case when outcome_rows.group_code = 'outcome' then outcome_rows.code
                                           else outcome_rows.group_code end

)

select * from final
