-- One row per merged call and row-level rule it breaks. A call that breaks a
-- rule is held back from the published marts (fct_call, its participants and
-- mentions) and listed in audit.quarantine with the rule, so that one wrong
-- fact never stops a whole day from publishing.

with

calls as (

    select * from {{ ref('int_calls_merged') }}

),

article_calls as (

    select * from {{ ref('int_article_calls_keyed') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

participants as (

    select * from {{ ref('int_call_participants_merged') }}

),

countries as (

    select * from {{ ref('stg_reference__countries') }}

),

held_back_articles as (

    select distinct article_id from {{ ref('int_article_rule_violations') }}

),

reports as (

    select
        article_calls.call_id,
        min(
            case
                when articles.published_precision in ('day', 'minute')
                    then articles.published_on
            end
        ) as first_published_on,
        min(cast(articles.fetched_at as date)) as first_fetched_on,
        count(held_back_articles.article_id) as n_held_back_articles

    from article_calls

    inner join articles
        on article_calls.article_id = articles.article_id

    left join held_back_articles
        on article_calls.article_id = held_back_articles.article_id

    group by article_calls.call_id

),

participant_countries as (

    select
        participants.call_id,
        count(distinct participants.country_iso3) as n_countries,
        count(*) filter (where countries.country_iso3 is null) as n_unknown_countries

    from participants

    left join countries
        on participants.country_iso3 = countries.country_iso3

    group by participants.call_id

),

checked as (

    select
        calls.call_id,
        calls.call_date,
        calls.date_precision,
        calls.participant_countries,
        calls.initiator_country_iso3,
        reports.first_published_on,
        reports.first_fetched_on,
        coalesce(reports.n_held_back_articles, 0) as n_held_back_articles,
        coalesce(participant_countries.n_countries, 0) as n_countries,
        coalesce(participant_countries.n_unknown_countries, 0) as n_unknown_countries,
        (
            calls.initiator_country_iso3 is not null
            and initiators.country_iso3 is null
        ) as initiator_unknown

    from calls

    left join reports
        on calls.call_id = reports.call_id

    left join participant_countries
        on calls.call_id = participant_countries.call_id

    left join countries as initiators
        on calls.initiator_country_iso3 = initiators.country_iso3

),

violations as (

    select
        'call_after_reporting_article' as rule,
        *
    from checked
    where call_date > first_published_on

    union all

    select
        'call_after_page_fetched' as rule,
        *
    from checked
    where call_date > first_fetched_on

    union all

    select
        'call_before_1945' as rule,
        *
    from checked
    where call_date < date '1945-01-01'

    union all

    select
        'fewer_than_two_countries' as rule,
        *
    from checked
    where n_countries < 2

    union all

    select
        'unknown_country' as rule,
        *
    from checked
    where n_unknown_countries > 0

    union all

    select
        'unknown_initiator_country' as rule,
        *
    from checked
    where initiator_unknown

    union all

    -- an article held back by int_article_rule_violations takes its calls with it
    select
        'reported_by_held_back_article' as rule,
        *
    from checked
    where n_held_back_articles > 0

),

final as (

    select * from violations

)

select * from final
