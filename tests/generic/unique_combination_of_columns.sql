{% test unique_combination_of_columns(model, columns) %}
{#- rows whose combination of `columns` is not unique. Grouping by one 64-bit hash is far cheaper
    than by several strings on tables of millions of rows; the columns themselves are compared
    only where a hash repeats, so a collision cannot fail the test. -#}
with

hashed as (

    select hash({{ columns | join(', ') }}) as row_hash, {{ columns | join(', ') }}
    from {{ model }}

),

repeated as (

    select row_hash from hashed group by row_hash having count(*) > 1

)

select {{ columns | join(', ') }}, count(*) as occurrences
from hashed
where row_hash in (select row_hash from repeated)
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
