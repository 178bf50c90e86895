{#- One row per report: copies of the same bytes (same report_id) collapse into one. -#}
with

files as (

    select * from {{ ref('stg_reports') }}

),

agency_keys as (

    select * from {{ ref('int_agency_keys') }}

),

numbered as (

    select
        *,
        row_number() over (partition by report_id order by source_path) as copy_number,
        count(*) over (partition by report_id) as copies,
        list(source_path) over (
            partition by report_id order by source_path
            rows between unbounded preceding and unbounded following
        ) as source_paths
    from files

),

final as (

    select
        numbered.* exclude (copy_number),
        agency_keys.agency_key
    from numbered
    left join agency_keys on agency_keys.name_key = {{ normalize_agency('numbered.agency') }}
    where numbered.copy_number = 1

)

select * from final
