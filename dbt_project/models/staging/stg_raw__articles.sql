with

source as (

    select * from {{ source('raw', 'articles') }}

),

final as (

    select

        ----------  ids
        article_id,
        run_id,

        ---------- text
        source_uri,
        nullif(trim(url), '') as url,
        nullif(trim(publisher), '') as publisher,
        nullif(trim(title), '') as title,
        body_text,
        content_hash,
        extractor_version,

        ---------- numerics
        n_sentences,

        ---------- dates and timestamps
        published_at,
        published_on,
        lower(published_precision) as published_precision,
        published_basis,
        fetched_at,
        loaded_at

    from source

)

select * from final
