-- One row per named person who took part in at least one call, ranked by
-- number of calls: counterparts, countries spoken to, calls placed, and the
-- first and last call. Participants named only by role are left out.

with

call_participants as (

    select * from {{ ref('rpt_call_participants') }}

),

mentions as (

    select * from {{ ref('fct_call_mention') }}

),

people as (

    select * from call_participants

    where actor_id is not null

),

counterparts as (

    select
        people.actor_id,
        count(distinct others.participant_key) as n_counterparts,
        count(distinct others.country_iso3) filter (
            where others.country_iso3 <> people.country_iso3
        ) as n_counterpart_countries

    from people

    inner join call_participants as others
        on
            people.call_id = others.call_id
            and people.participant_key <> others.participant_key

    group by people.actor_id

),

articles as (

    select
        people.actor_id,
        count(distinct mentions.article_id) as n_articles

    from people

    inner join mentions
        on people.call_id = mentions.call_id

    group by people.actor_id

),

activity as (

    select
        actor_id,
        count(distinct call_id) as n_calls,
        count(distinct call_id) filter (where is_initiator) as n_calls_initiated,
        count(distinct call_id) filter (where mode = 'video') as n_video_calls,
        min(call_date) as first_call_date,
        max(call_date) as last_call_date,
        arg_max(participant_name, {{ recency_key('call_date', 'call_id') }}) as actor_name,
        arg_max(participant_name_vi, {{ recency_key('call_date', 'call_id') }}) as actor_name_vi,
        arg_max(country_iso3, {{ recency_key('call_date', 'call_id') }}) as country_iso3,
        arg_max(country_name, {{ recency_key('call_date', 'call_id') }}) as country_name,
        arg_max(role_at_call, {{ recency_key('call_date', 'call_id') }}) as latest_role,
        bool_or(is_reference) as is_reference

    from people

    group by actor_id

),

final as (

    select
        activity.actor_id,
        rank() over (order by activity.n_calls desc) as call_rank,
        activity.actor_name,
        activity.actor_name_vi,
        activity.country_iso3,
        activity.country_name,
        activity.latest_role,
        activity.is_reference,
        activity.n_calls,
        activity.n_calls_initiated,
        activity.n_video_calls,
        coalesce(counterparts.n_counterparts, 0) as n_counterparts,
        coalesce(counterparts.n_counterpart_countries, 0) as n_counterpart_countries,
        coalesce(articles.n_articles, 0) as n_articles,
        activity.first_call_date,
        activity.last_call_date

    from activity

    left join counterparts
        on activity.actor_id = counterparts.actor_id

    left join articles
        on activity.actor_id = articles.actor_id

)

select * from final
