-- One row per real-world call per participant, merged over the articles
-- that report the call. A participant is the person (actor_id) or, when an
-- article names only a role, the country. When a country has a named person
-- in one report and only a role in another, the named person is kept.

with

article_calls as (

    select * from {{ ref('int_article_calls_keyed') }}

),

participants as (

    select * from {{ ref('stg_raw__article_call_participants') }}

),

call_participants as (

    select
        article_calls.call_id,
        article_calls.call_date,
        article_calls.date_precision,
        article_calls.confidence,
        participants.article_call_id,
        participants.participant_index,
        participants.actor_id,
        participants.country_iso3,
        participants.role,
        participants.name_as_reported,
        participants.canonical_name,
        participants.is_reference_actor,
        coalesce(participants.actor_id, participants.country_iso3) as participant_key

    from participants

    inner join article_calls
        on participants.article_call_id = article_calls.article_call_id

),

named_countries as (

    select distinct
        call_id,
        country_iso3

    from call_participants

    where actor_id is not null

),

kept_participants as (

    select call_participants.*

    from call_participants

    left join named_countries
        on
            call_participants.call_id = named_countries.call_id
            and call_participants.country_iso3 = named_countries.country_iso3

    where
        call_participants.actor_id is not null
        or named_countries.call_id is null

),

participant_reports as (

    select
        call_id,
        participant_key,
        count(distinct article_call_id) as n_reports,
        bool_or(is_reference_actor) as is_reference_actor

    from kept_participants

    group by call_id, participant_key

),

ranked_participants as (

    select
        *,
        {{ generate_key(['call_id', 'participant_key']) }} as call_participant_id,
        row_number() over (
            partition by call_id, participant_key
            order by
                role is not null desc,
                confidence desc,
                article_call_id asc,
                participant_index asc
        ) as participant_rank

    from kept_participants

),

final as (

    select
        ranked_participants.call_participant_id,
        ranked_participants.call_id,
        ranked_participants.participant_key,
        ranked_participants.call_date,
        ranked_participants.date_precision,
        ranked_participants.actor_id,
        ranked_participants.country_iso3,
        ranked_participants.role as role_as_reported,
        ranked_participants.name_as_reported,
        ranked_participants.canonical_name,
        participant_reports.is_reference_actor,
        participant_reports.n_reports

    from ranked_participants

    inner join participant_reports
        on
            ranked_participants.call_id = participant_reports.call_id
            and ranked_participants.participant_key = participant_reports.participant_key

    where ranked_participants.participant_rank = 1

)

select * from final
