-- One row per unordered pair of participants who were on the same call at
-- least once: the edges of the who-talks-to-whom network between people
-- (or roles, when the articles name no one), with counts and last contact.

with

call_participants as (

    select * from {{ ref('rpt_call_participants') }}

),

call_pairs as (

    select
        participant_a.call_id,
        participant_a.call_date,
        participant_a.date_precision,
        participant_a.mode,
        participant_a.n_articles,
        participant_a.participant_key as participant_a_key,
        participant_b.participant_key as participant_b_key,
        participant_a.is_initiator as a_initiated,
        participant_b.is_initiator as b_initiated

    from call_participants as participant_a

    inner join call_participants as participant_b
        on
            participant_a.call_id = participant_b.call_id
            and participant_a.participant_key < participant_b.participant_key

),

pairs as (

    select
        participant_a_key,
        participant_b_key,
        count(distinct call_id) as n_calls,
        count(distinct call_id) filter (where mode = 'video') as n_video_calls,
        count(distinct call_id) filter (where a_initiated) as n_initiated_by_a,
        count(distinct call_id) filter (where b_initiated) as n_initiated_by_b,
        cast(sum(n_articles) as bigint) as n_article_reports,
        min(call_date) as first_contact_date,
        max(call_date) as last_contact_date,
        arg_max(call_id, {{ recency_key('call_date', 'call_id') }}) as last_call_id,
        arg_max(date_precision, {{ recency_key('call_date', 'call_id') }}) as last_contact_precision

    from call_pairs

    group by participant_a_key, participant_b_key

),

-- one display row per participant key (its latest appearance)
nodes as (

    select
        participant_key,
        actor_id,
        participant_name,
        country_iso3,
        country_name,
        role_at_call

    from call_participants

    qualify row_number() over (
        partition by participant_key
        order by call_date desc, call_participant_id asc
    ) = 1

),

final as (

    select
        {{ generate_key(['pairs.participant_a_key', 'pairs.participant_b_key']) }} as actor_pair_id,
        pairs.participant_a_key,
        node_a.actor_id as actor_a_id,
        node_a.participant_name as actor_a_name,
        node_a.country_iso3 as actor_a_country_iso3,
        node_a.role_at_call as actor_a_role,
        pairs.participant_b_key,
        node_b.actor_id as actor_b_id,
        node_b.participant_name as actor_b_name,
        node_b.country_iso3 as actor_b_country_iso3,
        node_b.role_at_call as actor_b_role,
        pairs.n_calls,
        pairs.n_video_calls,
        pairs.n_initiated_by_a,
        pairs.n_initiated_by_b,
        pairs.n_article_reports,
        pairs.first_contact_date,
        pairs.last_contact_date,
        pairs.last_contact_precision,
        pairs.last_call_id

    from pairs

    inner join nodes as node_a
        on pairs.participant_a_key = node_a.participant_key

    inner join nodes as node_b
        on pairs.participant_b_key = node_b.participant_key

)

select * from final
