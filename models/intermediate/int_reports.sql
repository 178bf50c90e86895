{#- One row per report: copies of the same bytes (same report_id) collapse into one. -#}
with

files as (

    select * from {{ ref('stg_reports') }}

),

agency_keys as (

    select * from {{ ref('int_agency_keys') }}

),

copies as (

    select
        report_id,
        min(source_path) as source_path,
        count(*) as copies,
        list(source_path order by source_path) as source_paths
    from files
    group by report_id

),

keyed as (

    select
        files.*,
        copies.copies,
        copies.source_paths,
        agency_keys.agency_key
    from copies
    inner join files using (report_id, source_path)
    left join agency_keys on agency_keys.name_key = {{ normalize_agency('files.agency') }}

),

final as (

    select
        *,
        -- different files for one agency and year: all kept, flagged (a revision, or a misread name)
        case when agency_key is not null and report_year is not null
             then count(*) over (partition by agency_key, report_year) end as agency_year_reports
    from keyed

)

select * from final
