{#- Where each rated measure of a canonical report stands among its peers: reports of the same
    year and agency level, nationally and within the province. Unrated values (a rate on fewer
    than measure_min_count requests) are neither ranked nor counted as peers. -#}
with

measures as (

    select * from {{ ref('fct_report_measures') }}
    where rated and value is not null and report_year is not null and agency_level is not null

),

final as (

    select
        report_id,
        agency_key,
        agency,
        report_year,
        agency_level,
        province_code,
        province_name,
        measure,
        measure_kind,
        value,
        count(*) over national as national_peers,
        percent_rank() over (national order by value) as national_percentile,
        quantile_cont(value, 0.25) over national as national_p25,
        quantile_cont(value, 0.5) over national as national_median,
        quantile_cont(value, 0.75) over national as national_p75,
        case when province_code is not null then count(*) over province end as province_peers,
        case when province_code is not null then percent_rank() over (province order by value) end as province_percentile,
        case when province_code is not null then quantile_cont(value, 0.25) over province end as province_p25,
        case when province_code is not null then quantile_cont(value, 0.5) over province end as province_median,
        case when province_code is not null then quantile_cont(value, 0.75) over province end as province_p75
    from measures
    window
        national as (partition by measure, report_year, agency_level),
        province as (partition by measure, report_year, agency_level, province_code)

)

select * from final
