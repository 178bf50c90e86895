{% test form_identities_hold(model) %}
{#-
    Every identity of the form (seeds/form_identities.csv), in both layouts, holds: one row per
    broken identity instance, i.e. a report's own arithmetic. `model` is a relation of checks made
    by the identity_sides macro (int_identity_checks), so the identities are computed once per
    build. Use with severity: warn and store_failures: true, so violations are kept and queryable.
-#}
select report_id, identity_id, form_table, instance, lhs_value, rhs_value, difference
from {{ model }}
where status = 'fail'
{% endtest %}
