{% macro identity_sides(cells) -%}
{#-
    Both sides of every form identity for every report, from a long relation of cells
    (report_id, layout, row_code, column_code, value) and the seeded identity terms: each cell is
    joined to the few terms it is part of (the small term list is the join's build side).
    One row per report × identity × instance (the column for per-column identities, the row for
    per-row ones, '' for table 四), with status pass / fail / not_assessable (a needed cell is null).
-#}
with

cells as (

    select report_id, layout, form_table, row_code, column_code, value from {{ cells }}

),

layout_rows as (

    select code as row_code, unnest(layouts) as layout
    from {{ ref('stg_form_rows') }}
    where form_table = 'applications'

),

applicant_columns as (

    select code as column_code from {{ ref('stg_form_rows') }} where form_table = 'applicant'

),

terms as (

    select *, unnest(layouts) as layout from {{ ref('stg_form_identities') }}

),

expanded_terms as (

    select
        terms.layout,
        terms.identity_id,
        terms.form_table,
        terms.side,
        terms.sign,
        coalesce(layout_rows.row_code, terms.row_code) as row_code,
        coalesce(applicant_columns.column_code, terms.column_code) as column_code,
        coalesce(layout_rows.row_code, applicant_columns.column_code, '') as instance
    from terms
    left join layout_rows
        on terms.row_code = '*' and layout_rows.layout = terms.layout
    left join applicant_columns
        on terms.column_code = '*'

),

term_counts as (

    select layout, identity_id, min(form_table) as form_table, instance, count(*) as terms
    from expanded_terms
    group by layout, identity_id, instance

),

matched as (

    select
        cells.report_id,
        expanded_terms.identity_id,
        expanded_terms.instance,
        expanded_terms.side,
        expanded_terms.sign,
        cells.value
    from cells
    inner join expanded_terms
        on expanded_terms.layout = cells.layout
        and expanded_terms.row_code = cells.row_code
        and expanded_terms.column_code = cells.column_code

),

sums as (

    select
        report_id,
        identity_id,
        instance,
        sum(sign * value) filter (where side = 'lhs')::bigint as lhs_sum,
        sum(sign * value) filter (where side = 'rhs')::bigint as rhs_sum,
        count(value) as known_terms
    from matched
    group by report_id, identity_id, instance

),

-- every identity instance of a report's layout, found in its cells or not
report_instances as (

    select reports.report_id, term_counts.*
    from (select distinct report_id, layout, form_table from cells) as reports
    inner join term_counts using (layout, form_table)

),

final as (

    select
        report_instances.report_id,
        report_instances.identity_id,
        report_instances.form_table,
        report_instances.instance,
        case when sums.known_terms = report_instances.terms then sums.lhs_sum end as lhs_value,
        case when sums.known_terms = report_instances.terms then sums.rhs_sum end as rhs_value,
        case when sums.known_terms = report_instances.terms then sums.lhs_sum - sums.rhs_sum end as difference,
        report_instances.terms - coalesce(sums.known_terms, 0) as null_terms,
        report_instances.terms,
        case
            when coalesce(sums.known_terms, 0) < report_instances.terms then 'not_assessable'
            when sums.lhs_sum = sums.rhs_sum then 'pass'
            else 'fail'
        end as status
    from report_instances
    left join sums using (report_id, identity_id, instance)

)

select * from final
{%- endmacro %}
