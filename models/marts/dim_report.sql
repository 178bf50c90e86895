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
        source_format,
        encoding,
        size_bytes
    from reports

)

select * from final
