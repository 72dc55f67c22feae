-- One row per calendar month and unordered pair of countries whose officials
-- spoke in that month. A call among three countries counts once for each of
-- its three pairs. Calls dated only to the year have no month and are left
-- out (see fct_call.date_precision).

with

calls as (

    select * from {{ ref('fct_call') }}

),

participants as (

    select * from {{ ref('bridge_call_participant') }}

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

month_dated_calls as (

    select
        call_id,
        call_date,
        cast(date_trunc('month', call_date) as date) as call_month,
        mode,
        initiator_country_iso3,
        n_articles

    from calls

    where date_precision in ('day', 'month')

),

call_pairs as (

    select
        month_dated_calls.*,
        country_a.country_iso3 as country_a_iso3,
        country_b.country_iso3 as country_b_iso3

    from month_dated_calls

    inner join call_countries as country_a
        on month_dated_calls.call_id = country_a.call_id

    inner join call_countries as country_b
        on
            month_dated_calls.call_id = country_b.call_id
            and country_a.country_iso3 < country_b.country_iso3

),

pair_months as (

    select
        call_month,
        country_a_iso3,
        country_b_iso3,
        count(*) as n_calls,
        count(*) filter (where mode = 'phone') as n_phone_calls,
        count(*) filter (where mode = 'video') as n_video_calls,
        count(*) filter (where initiator_country_iso3 = country_a_iso3) as n_initiated_by_a,
        count(*) filter (where initiator_country_iso3 = country_b_iso3) as n_initiated_by_b,
        cast(sum(n_articles) as bigint) as n_article_reports,
        min(call_date) as first_call_date,
        max(call_date) as last_call_date

    from call_pairs

    group by call_month, country_a_iso3, country_b_iso3

),

final as (

    select
        {{ generate_key([
            'pair_months.call_month', 'pair_months.country_a_iso3', 'pair_months.country_b_iso3'
        ]) }} as call_month_pair_id,
        pair_months.call_month,
        pair_months.country_a_iso3 || '|' || pair_months.country_b_iso3 as country_pair,
        pair_months.country_a_iso3,
        country_a.name_en as country_a_name,
        pair_months.country_b_iso3,
        country_b.name_en as country_b_name,
        pair_months.n_calls,
        pair_months.n_phone_calls,
        pair_months.n_video_calls,
        pair_months.n_initiated_by_a,
        pair_months.n_initiated_by_b,
        pair_months.n_article_reports,
        pair_months.first_call_date,
        pair_months.last_call_date

    from pair_months

    left join countries as country_a
        on pair_months.country_a_iso3 = country_a.country_iso3

    left join countries as country_b
        on pair_months.country_b_iso3 = country_b.country_iso3

)

select * from final
