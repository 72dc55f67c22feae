with

articles as (

    select * from {{ ref('stg_raw__articles') }}

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
        run_id

    from articles

)

select * from final
