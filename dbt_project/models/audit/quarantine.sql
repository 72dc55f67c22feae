-- One row per fact (a call, an aid amount, or an article with all its facts)
-- held back from the marts and the row-level rule that caught it, with what
-- the fact held (as JSON) and the run that loaded its article. The rest of the
-- day publishes; validation warns while this table is not empty and fails
-- only when the share held back is systemic.

with

call_violations as (

    select * from {{ ref('int_call_rule_violations') }}

),

aid_violations as (

    select * from {{ ref('int_aid_rule_violations') }}

),

article_violations as (

    select * from {{ ref('int_article_rule_violations') }}

),

calls as (

    select * from {{ ref('int_calls_merged') }}

),

aid as (

    select * from {{ ref('int_aid_converted') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

held_back_calls as (

    select
        'call' as fact_type,
        call_violations.call_id as fact_key,
        call_violations.rule,
        to_json({
            call_date: call_violations.call_date,
            date_precision: call_violations.date_precision,
            participant_countries: call_violations.participant_countries,
            first_published_on: call_violations.first_published_on,
            first_fetched_on: call_violations.first_fetched_on,
            article_id: calls.primary_article_id,
            evidence_text: calls.primary_evidence_text
        })::varchar as values,
        articles.run_id,
        articles.loaded_at as quarantined_at

    from call_violations

    inner join calls
        on call_violations.call_id = calls.call_id

    left join articles
        on calls.primary_article_id = articles.article_id

),

held_back_aid as (

    select
        'aid' as fact_type,
        {{ generate_key(['aid_violations.aid_mention_id']) }} as fact_key,
        aid_violations.rule,
        to_json({
            donor_iso3: aid.donor_iso3,
            recipient_iso3: aid.recipient_iso3,
            amount: aid.amount,
            currency: aid.currency,
            article_id: aid.article_id,
            evidence_text: aid.evidence_text
        })::varchar as values,
        articles.run_id,
        articles.loaded_at as quarantined_at

    from aid_violations

    inner join aid
        on aid_violations.aid_mention_id = aid.aid_mention_id

    left join articles
        on aid.article_id = articles.article_id

),

held_back_articles as (

    select
        'article' as fact_type,
        article_violations.article_id as fact_key,
        article_violations.rule,
        to_json({
            article_id: article_violations.article_id,
            source_uri: article_violations.source_uri,
            title: article_violations.title,
            published_on: article_violations.published_on,
            published_precision: article_violations.published_precision,
            fetched_at: article_violations.fetched_at
        })::varchar as values,
        articles.run_id,
        articles.loaded_at as quarantined_at

    from article_violations

    inner join articles
        on article_violations.article_id = articles.article_id

),

final as (

    select * from held_back_calls

    union all

    select * from held_back_articles

    union all

    select * from held_back_aid

)

select * from final
