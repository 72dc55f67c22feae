-- One row per aid amount between two countries and row-level rule it breaks.
-- Such an amount is held back from fct_aid and listed in audit.quarantine.
-- An amount above var('max_aid_amount_usd') in US dollars is absurd: a misread
-- number, not aid. An amount reported after the day its article was published
-- (or, with no publication day, fetched) has a misread date.

with

aid as (

    select * from {{ ref('int_aid_converted') }}

),

countries as (

    select * from {{ ref('stg_reference__countries') }}

),

fx_currencies as (

    select distinct currency from {{ ref('stg_reference__fx_rates') }}

),

held_back_articles as (

    select distinct article_id from {{ ref('int_article_rule_violations') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

checked as (

    select
        aid.aid_mention_id,
        aid.article_id,
        aid.donor_iso3,
        aid.recipient_iso3,
        aid.amount,
        aid.currency,
        aid.amount_usd,
        donors.country_iso3 is not null as donor_known,
        recipients.country_iso3 is not null as recipient_known,
        aid.currency = 'USD' or fx_currencies.currency is not null as currency_known,
        held_back_articles.article_id is not null as in_held_back_article,
        aid.reported_date > case
            when articles.published_precision in ('day', 'minute')
                then articles.published_on
            else cast(articles.fetched_at + interval 7 hour as date)
        end as reported_after_article

    from aid

    left join countries as donors
        on aid.donor_iso3 = donors.country_iso3

    left join countries as recipients
        on aid.recipient_iso3 = recipients.country_iso3

    left join fx_currencies
        on aid.currency = fx_currencies.currency

    left join held_back_articles
        on aid.article_id = held_back_articles.article_id

    left join articles
        on aid.article_id = articles.article_id

    where aid.is_between_two_countries

),

violations as (

    select
        'amount_not_positive' as rule,
        *
    from checked
    where not coalesce(amount > 0, false)

    union all

    select
        'unknown_country' as rule,
        *
    from checked
    where not (donor_known and recipient_known)

    union all

    select
        'currency_without_rate' as rule,
        *
    from checked
    where not currency_known

    union all

    select
        'amount_absurd' as rule,
        *
    from checked
    where amount_usd > {{ var('max_aid_amount_usd') }}

    union all

    select
        'reported_after_article' as rule,
        *
    from checked
    where coalesce(reported_after_article, false)

    union all

    -- an article held back by int_article_rule_violations takes its amounts with it
    select
        'reported_by_held_back_article' as rule,
        *
    from checked
    where in_held_back_article

),

final as (

    select * from violations

)

select * from final
