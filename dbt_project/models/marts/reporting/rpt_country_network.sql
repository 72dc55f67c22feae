-- One row per unordered pair of countries whose officials spoke in at least
-- one call (any date precision): the edges of the who-talks-to-whom network
-- between countries, with counts, who initiated and the last contact.

with

calls as (

    select * from {{ ref('fct_call') }}

),

participants as (

    select * from {{ ref('bridge_call_participant') }}

),

mentions as (

    select * from {{ ref('fct_call_mention') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

call_countries as (

    select distinct
        call_id,
        country_iso3

    from participants

),

call_pairs as (

    select
        calls.call_id,
        calls.call_date,
        calls.date_precision,
        calls.mode,
        calls.initiator_country_iso3,
        country_a.country_iso3 as country_a_iso3,
        country_b.country_iso3 as country_b_iso3

    from calls

    inner join call_countries as country_a
        on calls.call_id = country_a.call_id

    inner join call_countries as country_b
        on
            calls.call_id = country_b.call_id
            and country_a.country_iso3 < country_b.country_iso3

),

pair_articles as (

    select
        call_pairs.country_a_iso3,
        call_pairs.country_b_iso3,
        count(distinct mentions.article_id) as n_articles

    from call_pairs

    inner join mentions
        on call_pairs.call_id = mentions.call_id

    group by call_pairs.country_a_iso3, call_pairs.country_b_iso3

),

pairs as (

    select
        country_a_iso3,
        country_b_iso3,
        count(*) as n_calls,
        count(*) filter (where mode = 'phone') as n_phone_calls,
        count(*) filter (where mode = 'video') as n_video_calls,
        count(*) filter (where initiator_country_iso3 = country_a_iso3) as n_initiated_by_a,
        count(*) filter (where initiator_country_iso3 = country_b_iso3) as n_initiated_by_b,
        min(call_date) as first_contact_date,
        max(call_date) as last_contact_date,
        arg_max(call_id, {{ recency_key('call_date', 'call_id') }}) as last_call_id,
        arg_max(date_precision, {{ recency_key('call_date', 'call_id') }}) as last_contact_precision

    from call_pairs

    group by country_a_iso3, country_b_iso3

),

final as (

    select
        {{ generate_key(['pairs.country_a_iso3', 'pairs.country_b_iso3']) }} as country_pair_id,
        pairs.country_a_iso3 || '|' || pairs.country_b_iso3 as country_pair,
        pairs.country_a_iso3,
        country_a.name_en as country_a_name,
        pairs.country_b_iso3,
        country_b.name_en as country_b_name,
        pairs.n_calls,
        pairs.n_phone_calls,
        pairs.n_video_calls,
        pairs.n_initiated_by_a,
        pairs.n_initiated_by_b,
        coalesce(pair_articles.n_articles, 0) as n_articles,
        pairs.first_contact_date,
        pairs.last_contact_date,
        pairs.last_contact_precision,
        pairs.last_call_id

    from pairs

    left join pair_articles
        on
            pairs.country_a_iso3 = pair_articles.country_a_iso3
            and pairs.country_b_iso3 = pair_articles.country_b_iso3

    left join countries as country_a
        on pairs.country_a_iso3 = country_a.country_iso3

    left join countries as country_b
        on pairs.country_b_iso3 = country_b.country_iso3

)

select * from final
