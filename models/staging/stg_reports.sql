with

source as (

    select * from {{ source('staging', 'reports') }}

),

renamed as (

    select
        ---------- ids
        report_id,
        source_path,

        ---------- properties
        source_format,
        title,
        agency,
        cast(report_year as integer) as report_year,
        layout,
        applications_layout,
        status,
        warnings,
        len(warnings) as warning_count,
        encoding,

        ---------- numerics
        info_fee_yuan,
        size_bytes,

        ---------- dates
        published_at

    from source

)

select * from renamed
