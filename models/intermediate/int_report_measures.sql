{#-
    The one definition of every measure (seed `measures` holds their names and the formulas in
    words): per canonical report, each measure's numerator, denominator and value. Table 三 sums
    are over the six applicant columns and the rows of the form the report printed; a sum is null
    when any cell it needs is null (never a partial sum passed off as whole). A rate with a zero
    denominator is null, not 0; it is `rated` only when its denominator reaches the dbt var
    measure_min_count (default 30). Values are corrected cells (seeds/corrections.csv).
-#}
{%- set reasons = ['state_secret', 'law_prohibited', 'three_safeties', 'third_party', 'internal_affairs',
                   'process_info', 'enforcement_file', 'admin_inquiry'] %}
{%- set outcome_groups = "('outcome', 'denied', 'unavailable', 'not_processed', 'other')" %}
{%- set application_sums = [
    ('received', "row_code = 'new_received'"),
    ('processed', "group_code in " ~ outcome_groups),
    ('granted', "row_code = 'granted'"),
    ('partially_granted', "row_code = 'partially_granted'"),
    ('denied', "group_code = 'denied'"),
    ('unavailable', "group_code = 'unavailable'"),
    ('not_held', "row_code = 'unavailable_not_held'"),
    ('not_processed', "group_code = 'not_processed'"),
    ('other_handling', "group_code = 'other'"),
    ('carried_forward', "row_code = 'carried_forward'"),
] %}
{%- for reason in reasons %}{% do application_sums.append(('denied_' ~ reason, "row_code = 'denied_" ~ reason ~ "'")) %}{% endfor %}
{%- set review_sums = [
    ('review_corrected', "proceeding = 'review' and result = 'corrected'"),
    ('review_concluded', "proceeding = 'review' and result in ('upheld', 'corrected', 'other')"),
    ('litigation_corrected', "proceeding like 'litigation%' and result = 'corrected'"),
    ('litigation_concluded', "proceeding like 'litigation%' and result in ('upheld', 'corrected', 'other')"),
] %}
{%- set proactive_concepts = [
    ('proactive_regulations_issued', 'regulation.issued'),
    ('proactive_normative_documents_issued', 'normative_document.issued'),
    ('proactive_license_decisions', 'administrative_license.decisions'),
    ('proactive_penalty_decisions', 'administrative_penalty.decisions'),
    ('proactive_coercion_decisions', 'administrative_coercion.decisions'),
] %}
{%- set measures = measure_definitions() %}

with

reports as (

    select report_id, coalesce(applications_layout, layout) as applications_layout
    from {{ ref('int_reports') }}
    where is_canonical and layout is not null

),

form_rows as (

    select code as row_code, layouts from {{ ref('stg_form_rows') }} where form_table = 'applications'

),

application_cells as (

    select cells.report_id, cells.row_code, cells.group_code, cells.value
    from {{ ref('int_application_cells') }} as cells
    inner join reports using (report_id)
    inner join form_rows using (row_code)
    where list_contains(form_rows.layouts, reports.applications_layout)

),

applications as (

    select
        report_id,
        {%- for name, condition in application_sums %}
        case when bool_or(value is null) filter (where {{ condition }}) then null
             else sum(value) filter (where {{ condition }}) end as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from application_cells
    group by report_id

),

reviews as (

    select
        report_id,
        {%- for name, condition in review_sums %}
        case when bool_or(value is null) filter (where {{ condition }}) then null
             else sum(value) filter (where {{ condition }}) end as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_reviews') }}
    inner join reports using (report_id)
    group by report_id

),

proactive as (

    select
        cells.report_id,
        {%- for measure, concept in proactive_concepts %}
        max(cells.value) filter (where concepts.concept = '{{ concept }}') as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('int_proactive') }} as cells
    inner join reports using (report_id)
    inner join {{ ref('proactive_concepts') }} as concepts using (measure)
    group by cells.report_id

),

quantities as (

    select *
    from reports
    left join applications using (report_id)
    left join reviews using (report_id)
    left join proactive using (report_id)

),

measures as (

    {%- for measure, numerator, denominator in measures %}
    select
        report_id,
        '{{ measure }}' as measure,
        ({{ numerator }})::double as numerator,
        {{ '(' ~ denominator ~ ')::double' if denominator else 'null::double' }} as denominator
    from quantities
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

dictionary as (

    select measure, kind from {{ ref('measures') }}

),

final as (

    select
        measures.report_id,
        measures.measure,
        dictionary.kind as measure_kind,
        measures.numerator,
        measures.denominator,
        case
            when dictionary.kind = 'count' then measures.numerator
            when measures.denominator > 0 then measures.numerator / measures.denominator
        end as value,
        case
            when dictionary.kind = 'count' then measures.numerator is not null
            else coalesce(measures.numerator is not null and measures.denominator >= {{ var('measure_min_count') }}, false)
        end as rated
    from measures
    left join dictionary using (measure)

)

select * from final
