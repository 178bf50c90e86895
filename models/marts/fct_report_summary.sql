{#- One row per canonical report with its headline numbers: what a spreadsheet user wants side by
    side. A sum is null when any cell it needs is null (never a partial sum passed off as whole);
    table 三 is summed over the rows of the form the report printed (applications_layout). -#}
with

reports as (

    select * from {{ ref('int_reports') }} where is_canonical

),

agencies as (

    select agency_key, province_name, prefecture_name, county_name from {{ ref('dim_agency') }}

),

outcomes as (

    select outcome_code, category_code, layouts from {{ ref('dim_outcome') }}

),

intake as (

    select
        report_id,
        {%- for flow in ['new_received', 'carried_over', 'carried_forward'] %}
        case when bool_or(is_missing) filter (where flow = '{{ flow }}') then null
             else sum(value) filter (where flow = '{{ flow }}') end::bigint as {{ flow }},
        {%- endfor %}
    from {{ ref('fct_application_intake') }}
    where applicant_type <> 'total'
    group by report_id

),

outcome_cells as (

    select f.report_id, o.category_code, f.value, f.is_missing
    from {{ ref('fct_applications') }} as f
    inner join outcomes as o using (outcome_code)
    inner join reports as r using (report_id)
    where list_contains(o.layouts, coalesce(r.applications_layout, r.layout))

),

outcome_sums as (

    select
        report_id,
        {%- for category in ['granted', 'partially_granted', 'denied', 'unavailable', 'not_processed', 'other'] %}
        case when bool_or(is_missing) filter (where category_code = '{{ category }}') then null
             else sum(value) filter (where category_code = '{{ category }}') end::bigint as {{ category }},
        {%- endfor %}
        case when bool_or(is_missing) then null else sum(value) end::bigint as processed
    from outcome_cells
    group by report_id

),

reviews as (

    select
        report_id,
        {%- for proceeding in ['review', 'litigation_direct', 'litigation_after_review'] %}
        case when bool_or(is_missing) filter (where proceeding = '{{ proceeding }}') then null
             else sum(value) filter (where proceeding = '{{ proceeding }}') end::bigint as {{ proceeding }},
        sum(value) filter (where proceeding = '{{ proceeding }}' and result = 'corrected')::bigint
            as {{ proceeding }}_corrected,
        {%- endfor %}
    from {{ ref('fct_review_litigation') }}
    group by report_id

),

quality as (

    select report_id, null_cells, checks_failed, arithmetic_holds from {{ ref('fct_report_quality') }}

),

final as (

    select
        reports.report_id,
        reports.agency,
        reports.agency_key,
        agencies.province_name,
        agencies.prefecture_name,
        agencies.county_name,
        reports.agency_level,
        reports.agency_kind,
        reports.report_year,
        reports.layout,
        reports.source_format,
        reports.status,
        intake.new_received,
        intake.carried_over,
        outcome_sums.processed,
        outcome_sums.granted,
        outcome_sums.partially_granted,
        outcome_sums.denied,
        outcome_sums.unavailable,
        outcome_sums.not_processed,
        outcome_sums.other,
        intake.carried_forward,
        reviews.review,
        reviews.review_corrected,
        reviews.litigation_direct,
        reviews.litigation_direct_corrected,
        reviews.litigation_after_review,
        reviews.litigation_after_review_corrected,
        reports.info_fee_yuan,
        quality.null_cells,
        quality.checks_failed,
        quality.arithmetic_holds,
        reports.has_rival_report,
        reports.source_path
    from reports
    left join agencies using (agency_key)
    left join intake using (report_id)
    left join outcome_sums using (report_id)
    left join reviews using (report_id)
    left join quality using (report_id)

)

select * from final
