{#- Every arithmetic check on every report: the form's identities and the cross-year carry-over. -#}
with

form_checks as (

    select
        report_id,
        identity_id,
        'form' as check_kind,
        form_table,
        instance,
        lhs_value,
        rhs_value,
        difference,
        status,
        cast(null as varchar) as previous_report_id
    from {{ ref('int_identity_checks') }}

),

cross_year_checks as (

    select
        report_id,
        identity_id,
        'cross_year' as check_kind,
        form_table,
        instance,
        lhs_value,
        rhs_value,
        difference,
        status,
        previous_report_id
    from {{ ref('int_cross_year_checks') }}

),

final as (

    select * from form_checks
    union all
    select * from cross_year_checks

)

select * from final
