-- One row per real-world call: the article-level calls that share a
-- call_id (an undated call is a call of its own), with counts of reports,
-- articles and publishers, the mode, the initiator most reports agree on, and
-- the best report's date basis and evidence.

with

article_calls as (

    select * from {{ ref('int_article_calls_keyed') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

call_participants as (

    select * from {{ ref('int_call_participants_merged') }}

),

reports as (

    select
        article_calls.*,
        articles.publisher,
        case
            when articles.published_precision in ('day', 'minute')
                then articles.published_at
        end as published_at,
        articles.fetched_at

    from article_calls

    left join articles
        on article_calls.article_id = articles.article_id

),

calls as (

    select
        call_id,
        call_date,
        date_precision,
        participant_countries,
        case when bool_or(mode = 'video') then 'video' else 'phone' end as mode,
        count(*) as n_reports,
        count(distinct article_id) as n_articles,
        count(distinct coalesce(lower(publisher), article_id)) as n_publishers,
        max(confidence) as confidence,
        min(published_at) as first_reported_at,
        min(fetched_at) as first_fetched_at

    from reports

    group by call_id, call_date, date_precision, participant_countries

),

best_reports as (

    select
        call_id,
        article_call_id as primary_article_call_id,
        article_id as primary_article_id,
        sentence_index as primary_sentence_index,
        evidence_text as primary_evidence_text,
        date_basis

    from reports

    qualify row_number() over (
        partition by call_id
        order by
            confidence desc,
            coalesce(date_basis = 'explicit', false) desc,
            published_at asc nulls last,
            article_call_id asc
    ) = 1

),

initiator_country_votes as (

    select
        call_id,
        initiator_country_iso3,
        count(*) as n_reports

    from reports

    where initiator_country_iso3 is not null

    group by call_id, initiator_country_iso3

),

initiator_countries as (

    select
        call_id,
        initiator_country_iso3

    from initiator_country_votes

    qualify row_number() over (
        partition by call_id
        order by n_reports desc, initiator_country_iso3 asc
    ) = 1

),

initiator_actor_votes as (

    select
        call_id,
        initiator_actor_id,
        count(*) as n_reports

    from reports

    where initiator_actor_id is not null

    group by call_id, initiator_actor_id

),

initiator_actors as (

    select
        call_id,
        initiator_actor_id

    from initiator_actor_votes

    qualify row_number() over (
        partition by call_id
        order by n_reports desc, initiator_actor_id asc
    ) = 1

),

participant_counts as (

    select
        call_id,
        count(*) as n_participants

    from call_participants

    group by call_id

),

final as (

    select
        calls.call_id,
        calls.call_date,
        calls.date_precision,
        best_reports.date_basis,
        calls.mode,
        initiator_countries.initiator_country_iso3,
        initiator_actors.initiator_actor_id,
        calls.participant_countries,
        coalesce(participant_counts.n_participants, 0) as n_participants,
        calls.n_articles,
        calls.n_publishers,
        calls.n_reports,
        calls.confidence,
        calls.first_reported_at,
        calls.first_fetched_at,
        best_reports.primary_article_call_id,
        best_reports.primary_article_id,
        best_reports.primary_sentence_index,
        best_reports.primary_evidence_text

    from calls

    left join best_reports
        on calls.call_id = best_reports.call_id

    left join initiator_countries
        on calls.call_id = initiator_countries.call_id

    left join initiator_actors
        on calls.call_id = initiator_actors.call_id

    left join participant_counts
        on calls.call_id = participant_counts.call_id

)

select * from final
