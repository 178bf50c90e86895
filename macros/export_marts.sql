{% macro export_marts(path='export') %}
{#- `dbt run-operation export_marts --args '{path: DIR}'`: every mart as DIR/<name>.parquet (zstd). -#}
{% for node in graph.nodes.values() | sort(attribute='name')
       if node.resource_type == 'model' and 'marts' in node.fqn %}
    {% set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) %}
    {% do run_query("copy (select * from " ~ relation ~ ") to '" ~ path ~ "/" ~ node.name ~ ".parquet' (format parquet, compression zstd)") %}
    {{ log("exported " ~ node.name ~ " → " ~ path ~ "/" ~ node.name ~ ".parquet", info=True) }}
{% endfor %}
{% endmacro %}
