{% macro normalize_agency(expr) -%}
{#-
    A key under which one body's name matches across years: no spaces or punctuation, no leading
    province, no trailing 人民政府/政府 (the title says 泸州市纳溪区, the contact line 泸州市纳溪区人民政府).
    A leading city is kept here; int_agency_keys joins 海沧区 to 厦门市海沧区 where that is unambiguous.
-#}
nullif(
    regexp_replace(
        regexp_replace(
            regexp_replace({{ expr }}, '[[:space:][:punct:]（）()《》“”、，。：]', '', 'g'),
            '^[^省]{2,8}(省|自治区)', ''),
        '(人民政府|政府)$', ''),
    '')
{%- endmacro %}
