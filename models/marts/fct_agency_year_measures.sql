{#- Every measure of every canonical report on one row: each measure's value, and for a rate its
    numerator, denominator and whether it is rated (the minimum count: dbt var measure_min_count).
    The same numbers as fct_report_measures (one row per report × measure), for the CLI and BI
    tools that want a report's measures side by side. Columns: macro measure_definitions(). -#}
with

measures as (

    select * from {{ ref('fct_report_measures') }}

),

final as (

    select
        report_id,
        any_value(agency order by measure) as agency,
        any_value(agency_key order by measure) as agency_key,
        any_value(report_year order by measure) as report_year,
        any_value(layout order by measure) as layout,
        any_value(agency_level order by measure) as agency_level,
        any_value(province_name order by measure) as province_name,
        {%- for measure, numerator, denominator in measure_definitions() %}
        max(value) filter (where measure = '{{ measure }}') as {{ measure }},
        {%- if denominator %}
        max(numerator) filter (where measure = '{{ measure }}') as {{ measure }}_numerator,
        max(denominator) filter (where measure = '{{ measure }}') as {{ measure }}_denominator,
        bool_or(rated) filter (where measure = '{{ measure }}') as {{ measure }}_rated,
        {%- endif %}
        {%- endfor %}
        {{ var('measure_min_count') }} as min_count
    from measures
    group by report_id

)

select * from final
