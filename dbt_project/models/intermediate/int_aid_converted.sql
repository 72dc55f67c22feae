-- Aid mentions with the amount in US dollars, at the annual average rate of
-- the year the amount was reported. USD amounts are kept as they are; with
-- no rate for that currency and year, amount_usd is null.

with

aid_mentions as (

    select * from {{ ref('stg_raw__aid_mentions') }}

),

fx_rates as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

dated_mentions as (

    select
        *,
        cast(extract(year from reported_date) as integer) as fx_rate_year

    from aid_mentions

),

final as (

    select
        dated_mentions.*,
        case
            when dated_mentions.currency = 'USD' then 1.0
            else fx_rates.usd_per_unit
        end as usd_per_unit,
        case
            when dated_mentions.currency = 'USD' then dated_mentions.amount
            else dated_mentions.amount * fx_rates.usd_per_unit
        end as amount_usd,
        coalesce(
            dated_mentions.donor_iso3 <> dated_mentions.recipient_iso3, false
        ) as is_between_two_countries

    from dated_mentions

    left join fx_rates
        on
            dated_mentions.currency = fx_rates.currency
            and dated_mentions.fx_rate_year = fx_rates.rate_year

)

select * from final
