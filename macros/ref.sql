{% macro ref() -%}
{#- References without the catalog (`main.dim_report`, not `gia.main.dim_report`): DuckDB names a
    file's catalog after the file, so a view or analysis that named it would break when the
    warehouse is copied or opened under another name. -#}
{{ return(builtins.ref(*varargs, **kwargs).include(database=False)) }}
{%- endmacro %}
