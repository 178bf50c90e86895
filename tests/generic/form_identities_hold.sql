{% test form_identities_hold(model) %}
{#-
    Every identity of the form (seeds/form_identities.csv), in both layouts, checked on a long
    relation of cells. Returns one row per broken identity instance: a report's own arithmetic.
    Use with severity: warn and store_failures: true, so violations are kept and queryable.
-#}
select * from ({{ identity_sides(model) }}) as checks
where status = 'fail'
{% endtest %}
