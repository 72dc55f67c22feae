{#
    A key that orders a fact by its date, then its id, for arg_max ("the latest call").
    An undated call (call_date null) sorts before every dated one instead of making the key null.
#}
{% macro recency_key(date_column, id_column) -%}
    coalesce(cast({{ date_column }} as varchar), '0000') || '|' || {{ id_column }}
{%- endmacro %}
