{#
    Use a model's custom schema as-is (`marts`, not `main_marts`), so the
    warehouse schemas are the same in every target. Models without a custom
    schema land in the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
