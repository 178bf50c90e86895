{% macro staging_report_columns() -%}
{#- The columns ingest writes to reports.parquet (ingest/staging.py REPORTS and PLACE); any other
    column there came from the user's --manifest. -#}
{{ return(['report_id', 'source_path', 'source_format', 'title', 'agency', 'report_year', 'layout',
           'applications_layout', 'published_at', 'info_fee_yuan', 'status', 'warnings', 'encoding',
           'size_bytes', 'mtime_ns', 'ingest_version', 'contact_address', 'division_code',
           'division_status', 'division_source', 'division_candidates', 'township', 'agency_level',
           'agency_kind', 'agency_key', 'division_vintage', 'warning_count', 'read_path', 'ocr_pages', 'info_fee_fen',
           'ctime_ns', 'inode']) }}
{%- endmacro %}

{% macro manifest_columns(relation) -%}
{#- The --manifest's own columns (source URL, crawl time …) in `relation` (the staged reports, or
    a model that passes them on): every column the ingest does not write itself. -#}
{% if execute %}
    {% set described = run_query("describe select * from " ~ relation) %}
    {{ return(described.columns[0].values() | reject('in', staging_report_columns()) | list) }}
{% endif %}
{{ return([]) }}
{%- endmacro %}
