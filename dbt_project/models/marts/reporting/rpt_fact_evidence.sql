-- One row per fact per supporting sentence: every call (fct_call_mention)
-- and every aid amount (fct_aid) traced back to the article, outlet and
-- sentence that state it. The drill-down behind every number on the dashboard.

with

mentions as (

    select * from {{ ref('fct_call_mention') }}

),

calls as (

    select * from {{ ref('fct_call') }}

),

aid as (

    select * from {{ ref('fct_aid') }}

),

articles as (

    select * from {{ ref('dim_article') }}

),

call_evidence as (

    select
        'call' as fact_type,
        mentions.call_id as fact_id,
        calls.call_date as fact_date,
        mentions.article_id,
        mentions.sentence_index,
        mentions.evidence_text,
        mentions.is_primary_sentence

    from mentions

    inner join calls
        on mentions.call_id = calls.call_id

),

aid_evidence as (

    select
        'aid' as fact_type,
        aid_id as fact_id,
        reported_date as fact_date,
        article_id,
        sentence_index,
        evidence_text,
        true as is_primary_sentence

    from aid

),

evidence as (

    select * from call_evidence

    union all

    select * from aid_evidence

),

final as (

    select
        {{ generate_key([
            'evidence.fact_type', 'evidence.fact_id', 'evidence.article_id', 'evidence.sentence_index'
        ]) }} as fact_evidence_id,
        evidence.fact_type,
        evidence.fact_id,
        evidence.fact_date,
        evidence.article_id,
        articles.publisher,
        articles.title,
        articles.url,
        articles.source_uri,
        articles.published_at,
        articles.published_on,
        evidence.sentence_index,
        evidence.evidence_text,
        evidence.is_primary_sentence

    from evidence

    left join articles
        on evidence.article_id = articles.article_id

)

select * from final
