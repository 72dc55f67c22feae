-- One row per article and row-level rule it breaks. Such an article is held
-- back from dim_article, and every call or aid amount it reports is held back
-- too (rule reported_by_held_back_article): all are listed in
-- audit.quarantine, and the rest of the day publishes.

with

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

checked as (

    select
        article_id,
        source_uri,
        title,
        published_on,
        published_precision,
        fetched_at,
        -- published_on is a day in UTC+7; fetched_at is naive UTC
        cast(fetched_at + interval 7 hour as date) as fetched_on

    from articles

),

violations as (

    select
        'published_after_fetch' as rule,
        *
    from checked
    where published_on > fetched_on

),

final as (

    select * from violations

)

select * from final
