{% macro generate_schema_name(custom_schema_name, node) -%}
{#- A layer's schema as named in dbt_project.yml (`staging`, not `main_staging`). -#}
{{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
