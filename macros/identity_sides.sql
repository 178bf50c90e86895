{% macro identity_sides(cells) -%}
{#-
    Both sides of every form identity for every report, from a long relation of cells
    (report_id, layout, row_code, column_code, value) and the seeded identity terms.
    One row per report × identity × instance (the column for per-column identities, the row for
    per-row ones, '' for table 四), with status pass / fail / not_assessable (a needed cell is null).
-#}
with

cells as (

    select report_id, layout, row_code, column_code, value from {{ cells }}

),

reports as (

    select distinct report_id, layout from cells

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

report_terms as (

    select
        reports.report_id,
        expanded_terms.*,
        cells.value
    from reports
    inner join expanded_terms
        on expanded_terms.layout = reports.layout
    left join cells
        on cells.report_id = reports.report_id
        and cells.row_code = expanded_terms.row_code
        and cells.column_code = expanded_terms.column_code

),

sides as (

    select
        report_id,
        identity_id,
        form_table,
        instance,
        sum(sign * value) filter (where side = 'lhs')::bigint as lhs_sum,
        sum(sign * value) filter (where side = 'rhs')::bigint as rhs_sum,
        count(*) filter (where value is null) as null_terms,
        count(*) as terms
    from report_terms
    group by all

),

final as (

    select
        report_id,
        identity_id,
        form_table,
        instance,
        case when null_terms = 0 then lhs_sum end as lhs_value,
        case when null_terms = 0 then rhs_sum end as rhs_value,
        case when null_terms = 0 then lhs_sum - rhs_sum end as difference,
        null_terms,
        terms,
        case
            when null_terms > 0 then 'not_assessable'
            when lhs_sum = rhs_sum then 'pass'
            else 'fail'
        end as status
    from sides

)

select * from final
{%- endmacro %}
