{#- One row per report: who reported, for which year, in which layout and format, how it parsed,
    whether it is the one counted for its agency-year, and the --manifest's own columns. -#}
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
        applications_layout,
        published_at,
        status,
        warning_count,
        warnings,
        cells_read,
        report_role,
        is_canonical,
        canonical_report_id,
        canonical_reason,
        alternate_paths,
        has_rival_report,
        agency_year_reports,
        title,
        division_code,
        division_status,
        agency_level,
        agency_kind,
        township,
        contact_address,
        source_path,
        source_paths,
        copies,
        source_format,
        encoding,
        size_bytes
        {%- for column in manifest_columns(ref('stg_reports')) %},
        "{{ column | replace('"', '""') }}"
        {%- endfor %}
    from reports

)

select * from final
