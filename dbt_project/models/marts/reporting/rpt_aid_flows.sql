-- One row per donor, recipient, aid kind and month reported, with the amounts
-- summed in US dollars. fct_aid holds one row per amount reported, so a
-- package that two articles report counts twice here as well. Donor,
-- recipient or month stay null when the text does not give them.

with

aid as (

    select * from {{ ref('fct_aid') }}

),

countries as (

    select * from {{ ref('dim_country') }}

),

aid_months as (

    select
        *,
        cast(date_trunc('month', reported_date) as date) as reported_month

    from aid

),

flows as (

    select
        donor_iso3,
        recipient_iso3,
        aid_kind,
        reported_month,
        count(*) as n_aid_rows,
        count(amount_usd) as n_rows_in_usd,
        count(*) - count(amount_usd) as n_rows_without_usd,
        count(*) filter (where is_approximate) as n_approximate,
        count(distinct article_id) as n_articles,
        coalesce(sum(amount_usd), 0) as total_amount_usd,
        max(amount_usd) as max_amount_usd,
        string_agg(distinct currency, '|' order by currency) as currencies,
        min(reported_date) as first_reported_date,
        max(reported_date) as last_reported_date

    from aid_months

    group by donor_iso3, recipient_iso3, aid_kind, reported_month

),

final as (

    select
        {{ generate_key([
            'flows.donor_iso3', 'flows.recipient_iso3', 'flows.aid_kind', 'flows.reported_month'
        ]) }} as aid_flow_id,
        flows.donor_iso3,
        donor.name_en as donor_name,
        flows.recipient_iso3,
        recipient.name_en as recipient_name,
        flows.aid_kind,
        flows.reported_month,
        flows.total_amount_usd,
        flows.max_amount_usd,
        flows.n_aid_rows,
        flows.n_rows_in_usd,
        flows.n_rows_without_usd,
        flows.n_approximate,
        flows.n_articles,
        flows.currencies,
        flows.first_reported_date,
        flows.last_reported_date

    from flows

    left join countries as donor
        on flows.donor_iso3 = donor.country_iso3

    left join countries as recipient
        on flows.recipient_iso3 = recipient.country_iso3

)

select * from final
