-- Every call's participant_countries and n_participants agree with its rows
-- in bridge_call_participant (dropping a role-only participant never drops
-- a country, because it only happens when a person of that country is kept).

with

calls as (

    select * from {{ ref('fct_call') }}

),

participants as (

    select * from {{ ref('bridge_call_participant') }}

),

bridged as (

    select
        call_id,
        string_agg(distinct country_iso3, '|' order by country_iso3) as participant_countries,
        count(*) as n_participants

    from participants

    group by call_id

),

final as (

    select
        calls.call_id,
        calls.participant_countries,
        bridged.participant_countries as bridged_countries,
        calls.n_participants,
        bridged.n_participants as bridged_participants

    from calls

    left join bridged
        on calls.call_id = bridged.call_id

    where
        calls.participant_countries is distinct from bridged.participant_countries
        or calls.n_participants != coalesce(bridged.n_participants, 0)

)

select * from final
