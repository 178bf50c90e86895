{#- Every value a report printed, one long relation with a key per form cell: what two files of
    one agency-year are compared on. Values as text, so no type or float rounding can make two
    different numbers equal. -#}
with

applications as (

    select report_id, 'applications|' || row_code || '|' || applicant_type as cell_key, value::varchar as value
    from {{ ref('int_applications') }}
    where value is not null

),

reviews as (

    select report_id, 'reviews|' || review_cell as cell_key, value::varchar as value
    from {{ ref('int_reviews') }}
    where value is not null

),

proactive as (

    select report_id, 'proactive|' || measure as cell_key, value::varchar as value
    from {{ ref('int_proactive') }}
    where value is not null

),

final as (

    select * from applications
    union all
    select * from reviews
    union all
    select * from proactive

)

select * from final
