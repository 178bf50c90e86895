{#- Every arithmetic check on every report: the form's identities and the cross-year carry-over. -#}
with

final as (

    select *, 'form' as check_kind from {{ ref('int_identity_checks') }}
    union all by name  -- form checks have no previous report; cross-year ones no term counts
    select *, 'cross_year' as check_kind from {{ ref('int_cross_year_checks') }}

)

select
    report_id,
    identity_id,
    check_kind,
    form_table,
    instance,
    lhs_value,
    rhs_value,
    difference,
    status,
    previous_report_id
from final
