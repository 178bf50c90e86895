{#- Every hand correction (seeds/corrections.csv) and what became of it: applied, superseded by a
    later one, or no longer applicable (its report or cell is gone). -#}
with

corrections as (

    select * from {{ ref('int_corrections') }}

),

final as (

    select
        report_id,
        cell,
        corrected_value,
        reason,
        correction_source,
        corrected_on,
        correction_status
    from corrections

)

select * from final
