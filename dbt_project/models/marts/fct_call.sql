with

calls as (

    select * from {{ ref('int_calls_merged') }}

),

held_back as (

    select distinct call_id from {{ ref('int_call_rule_violations') }}

),

final as (

    select
        call_id,
        call_date,
        date_precision,
        date_basis,
        mode,
        initiator_country_iso3,
        initiator_actor_id,
        participant_countries,
        n_participants,
        n_articles,
        n_publishers,
        n_reports,
        confidence,
        first_reported_at,
        first_fetched_at,
        primary_article_id,
        primary_sentence_index,
        primary_evidence_text

    from calls

    -- a call that breaks a row-level rule is in audit.quarantine instead
    where call_id not in (select held_back.call_id from held_back)

)

select * from final
