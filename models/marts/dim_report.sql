with

reports as (

    select * from {{ ref('int_reports') }}

),

final as (

    select
        report_id,
        agency,
        agency_key,
        report_year,
        layout,
        published_at,
        status,
        warning_count,
        warnings,
        title,
        source_path,
        source_paths,
        copies,
        coalesce(agency_year_reports > 1, false) as has_rival_report,
        source_format,
        encoding,
        size_bytes
    from reports

)

select * from final
