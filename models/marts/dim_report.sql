{#- One row per report: who reported, for which year, in which layout and format, how it parsed,
    whether it is the one counted for its agency-year, and the --manifest's own columns. -#}
with

reports as (

    select * from {{ ref('int_reports') }}

),

-- the Regulations' deadlines: departments by 31 January, governments by 31 March of the next year
deadlines as (

    select
        *,
        case agency_kind
            when 'department' then make_date(report_year + 1, 1, 31)
            when 'government' then make_date(report_year + 1, 3, 31)
        end as publication_deadline
    from reports

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
        publication_deadline,
        case when published_at is not null and publication_deadline is not null
             then published_at > publication_deadline end as published_late,
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
        size_bytes,
        read_path,
        ocr_pages
        {%- for column in manifest_columns(ref('stg_reports')) %},
        "{{ column | replace('"', '""') }}"
        {%- endfor %}
    from deadlines

)

select * from final
