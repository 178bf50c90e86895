{#- One row per reporting body across years and files (agency_key), with its division: province,
    prefecture and county names and codes, township, level and kind. -#}
with

reports as (

    select * from {{ ref('int_reports') }} where agency_key is not null

),

divisions as (

    select * from {{ ref('stg_divisions') }}

),

agencies as (

    select
        agency_key,
        -- every aggregate decides ties by value: the same staging always builds the same warehouse
        arg_max(agency, (coalesce(report_year, 0), agency)) as agency,
        list(distinct agency order by agency) as names_printed,
        min(division_code) as division_code,
        mode(division_status order by division_status) as division_status,
        mode(division_source order by division_source) as division_source,
        min(division_candidates) as division_candidates,
        list(distinct division_vintage order by division_vintage) filter (where division_vintage is not null)
            as division_vintages,
        min(township) as township,
        mode(agency_level order by agency_level) as agency_level,
        mode(agency_kind order by agency_kind) as agency_kind,
        min(report_year) as first_year,
        max(report_year) as last_year,
        count(distinct report_year) as years_reported,
        count(*) filter (where is_canonical) as canonical_reports,
        count(*) as reports
    from reports
    group by agency_key

),

final as (

    select
        agencies.agency_key,
        agencies.agency,
        agencies.names_printed,
        agencies.agency_level,
        agencies.agency_kind,
        agencies.division_status,
        agencies.division_source,
        agencies.division_code,
        division.division_name,
        division.province_code,
        province.division_name as province_name,
        division.prefecture_code,
        prefecture.division_name as prefecture_name,
        case when division.division_level = 'county' then division.division_code end as county_code,
        case when division.division_level = 'county' then division.division_name end as county_name,
        agencies.township,
        agencies.division_candidates,
        coalesce(agencies.division_vintages, []) as division_vintages,
        agencies.first_year,
        agencies.last_year,
        agencies.years_reported,
        agencies.canonical_reports,
        agencies.reports
    from agencies
    left join divisions as division on division.division_code = agencies.division_code
    left join divisions as province on province.division_code = division.province_code
    left join divisions as prefecture on prefecture.division_code = division.prefecture_code

)

select * from final
