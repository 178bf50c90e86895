with

applicants as (

    select * from {{ ref('stg_form_rows') }} where form_table = 'applicant'

),

final as (

    select
        code as applicant_type,
        match_zh as label_zh,
        label_en,
        -- 法人或其他组织 groups the five organisation columns
        case when contains(label_zh, ' ') then split_part(label_zh, ' ', 1) else label_zh end as applicant_group_zh,
        code = 'total' as is_total,
        form_column as sort_order
    from applicants

)

select * from final
