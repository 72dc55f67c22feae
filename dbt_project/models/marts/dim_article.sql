-- Grows with history: each run adds or replaces only the articles it (re)loaded.
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

with

articles as (

    select * from {{ ref('stg_raw__articles') }}

    {% if is_incremental() %}
        where loaded_at > (select coalesce(max(loaded_at), timestamp '1900-01-01') from {{ this }})
            or loaded_at is null
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
