{#
    Stable text key: md5 of the natural-key columns joined with '|'.
    Nulls become empty strings so a missing part never shifts the others;
    with no nulls this is exactly md5(concat_ws('|', ...)).
#}
{% macro generate_key(columns) -%}
    md5(concat_ws('|'
    {%- for column in columns %}, coalesce(cast({{ column }} as varchar), ''){% endfor -%}
    ))
{%- endmacro %}
