{#- Table 三 and 四 cells in one long relation: what the identities are checked on. A view: its
    two readers scan it once each, cheaper than writing it out. Table 三's cells are checked in
    the form it printed (a 2021 report printing 其他处理 as one row: the 2019 one). -#}
{{ config(materialized='view') }}
with

reports as (

    select report_id, layout, coalesce(applications_layout, layout) as applications_layout
    from {{ ref('int_reports') }}
    where layout is not null

),

applications as (

    select report_id, 'applications' as form_table, row_code, applicant_type as column_code, value
    from {{ ref('int_applications') }}

),

reviews as (

    select report_id, 'reviews' as form_table, review_cell as row_code, '' as column_code, value
    from {{ ref('int_reviews') }}

),

final as (

    select
        case when cells.form_table = 'applications' then reports.applications_layout else reports.layout end as layout,
        cells.*
    from (select * from applications union all select * from reviews) as cells
    inner join reports using (report_id)

)

select * from final
