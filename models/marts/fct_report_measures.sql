{#- Every measure of every canonical report (one row per report × measure), with who reported,
    for which year, and where: what rankings, peers and year-on-year comparisons start from. -#}
with

measures as (

    select * from {{ ref('int_report_measures') }}

),

reports as (

    select report_id, agency, agency_key, report_year, layout, agency_level, agency_kind, division_status
    from {{ ref('int_reports') }}
    where is_canonical

),

agencies as (

    select agency_key, province_code, province_name, prefecture_name, county_name from {{ ref('dim_agency') }}

),

final as (

    select
        measures.report_id,
        reports.agency,
        reports.agency_key,
        reports.report_year,
        make_date(reports.report_year, 1, 1) as report_year_start,
        reports.layout,
        reports.agency_level,
        reports.agency_kind,
        reports.division_status,
        agencies.province_code,
        agencies.province_name,
        agencies.prefecture_name,
        agencies.county_name,
        measures.measure,
        measures.measure_kind,
        measures.numerator,
        measures.denominator,
        measures.value,
        measures.rated,
        {{ var('measure_min_count') }} as min_count
    from measures
    inner join reports using (report_id)
    left join agencies using (agency_key)

)

select * from final
