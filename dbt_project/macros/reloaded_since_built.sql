{#- An article this incremental model has not yet built from its current load.
    Compared per article, not against max(loaded_at): a clock that steps back cannot hide an article. -#}
{% macro reloaded_since_built(articles_alias) %}
    not exists (
        select 1
        from {{ this }} as built
        where
            built.article_id = {{ articles_alias }}.article_id
            and built.loaded_at is not distinct from {{ articles_alias }}.loaded_at
    )
{% endmacro %}
