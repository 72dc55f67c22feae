-- Grows with history: each run adds or replaces only the articles it (re)loaded.
-- The post-hook drops articles raw no longer holds (the earlier version of an input
-- that now reads differently: an edited file, a new extractor) and articles held
-- back by a row-level rule (they are in audit.quarantine).
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="delete from {{ this }} where article_id not in (select article_id from {{ ref('stg_raw__articles') }}) or article_id in (select article_id from {{ ref('int_article_rule_violations') }})"
    )
}}

with

articles as (

    select * from {{ ref('stg_raw__articles') }} as staged

    -- an article held back by a row-level rule is in audit.quarantine instead
    where
        article_id not in (
            select violations.article_id from {{ ref('int_article_rule_violations') }} as violations
        )
        {% if is_incremental() %}
            and {{ reloaded_since_built('staged') }}
        {% endif %}

),

final as (

    select
        article_id,
        source_uri,
        url,
        publisher,
        title,
        case
            when published_precision in ('day', 'minute') then published_at
        end as published_at,
        published_on,
        published_precision,
        published_basis,
        fetched_at,
        n_sentences,
        content_hash,
        extractor_version,
        run_id,
        loaded_at

    from articles

)

select * from final
