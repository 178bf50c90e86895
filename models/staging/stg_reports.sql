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
        read_path,

        ---------- where the agency sits (ingest/agency.py)
        agency_key,
        division_code,
        division_status,
        division_source,
        division_candidates,
        division_vintage,
        township,
        agency_level,
        agency_kind,
        contact_address,

        ---------- numerics
        info_fee_yuan,
        size_bytes,
        ocr_pages,

        ---------- dates
        published_at,

        ---------- the --manifest's own columns (source URL, crawl time …), as given
        {%- for column in manifest_columns(source('staging', 'reports')) %}
        "{{ column | replace('"', '""') }}",
        {%- endfor %}

        ---------- when the ingest read the file
        ingest_version

    from source

)

select * from renamed
