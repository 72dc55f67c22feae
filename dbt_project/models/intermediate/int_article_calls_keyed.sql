-- Article-level calls with the key of the real-world call they report:
-- same call_date, same date_precision and same sorted set of participant
-- countries is the same call. Undated calls get no call_id.

with

article_calls as (

    select * from {{ ref('stg_raw__article_calls') }}

),

participants as (

    select * from {{ ref('stg_raw__article_call_participants') }}

),

participant_countries as (

    select
        article_call_id,
        string_agg(distinct country_iso3, '|' order by country_iso3) as participant_countries,
        count(distinct country_iso3) as n_participant_countries

    from participants

    group by article_call_id

),

joined as (

    select
        article_calls.*,
        participant_countries.participant_countries,
        coalesce(participant_countries.n_participant_countries, 0) as n_participant_countries

    from article_calls

    left join participant_countries
        on article_calls.article_call_id = participant_countries.article_call_id

),

keyed as (

    select
        case
            when call_date is not null
                then {{ generate_key(['call_date', 'date_precision', 'participant_countries']) }}
        end as call_id,
        *

    from joined

),

final as (

    select
        *,
        call_id is not null as is_dated

    from keyed

)

select * from final
