-- One row per call per participant, ready for dashboards: the call's date and
-- mode, a display name for every participant and a participant key that is
-- the actor_id of a named person, or `<ISO3>:<role>` when the articles name
-- only a role (e.g. `USA:president`).

with

calls as (

    select * from {{ ref('fct_call') }}

),

participants as (

    select * from {{ ref('bridge_call_participant') }}

),

actors as (

    select * from {{ ref('dim_actor') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

-- one name per person, whatever the role row
actor_names as (

    select
        actor_id,
        min(canonical_name) as canonical_name,
        min(name_vi) as name_vi

    from actors

    group by actor_id

),

named as (

    select
        participants.call_participant_id,
        participants.call_id,
        participants.actor_id,
        participants.actor_key,
        participants.country_iso3,
        countries.name_en as country_name,
        participants.role_at_call,
        participants.name_as_reported,
        participants.actor_id is not null as is_named,
        participants.is_reference,
        coalesce(
            participants.actor_id,
            participants.country_iso3 || ':' || coalesce(participants.role_at_call, 'official')
        ) as participant_key,
        coalesce(
            role_rows.canonical_name,
            actor_names.canonical_name,
            participants.canonical_name,
            case
                when participants.actor_id is null
                    then
                        coalesce(countries.name_en, participants.country_iso3)
                        || ' ' || coalesce(participants.role_at_call, 'official')
                        || ' (unnamed)'
            end,
            participants.name_as_reported
        ) as participant_name,
        coalesce(
            role_rows.name_vi, actor_names.name_vi, participants.name_as_reported
        ) as participant_name_vi

    from participants

    left join actors as role_rows
        on participants.actor_key = role_rows.actor_key

    left join actor_names
        on participants.actor_id = actor_names.actor_id

    left join countries
        on participants.country_iso3 = countries.country_iso3

),

final as (

    select
        named.call_participant_id,
        named.call_id,
        named.participant_key,
        named.actor_id,
        named.actor_key,
        named.participant_name,
        named.participant_name_vi,
        named.name_as_reported,
        named.country_iso3,
        named.country_name,
        named.role_at_call,
        named.is_named,
        named.is_reference,
        coalesce(named.actor_id = calls.initiator_actor_id, false) as is_initiator,
        coalesce(named.country_iso3 = calls.initiator_country_iso3, false) as is_initiator_country,
        calls.call_date,
        calls.date_precision,
        calls.mode,
        calls.participant_countries,
        calls.n_articles,
        calls.n_publishers

    from named

    inner join calls
        on named.call_id = calls.call_id

)

select * from final
