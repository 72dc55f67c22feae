-- Article-level calls with the key of the real-world call they report:
-- same call_date, same date_precision and same sorted set of participant
-- countries is the same call. An undated call (date_precision 'unknown') is
-- kept as a call of its own: nothing says which dated call it would be.
--
-- An article with no publication date and no year gets its year from who held
-- which office when, which can leave two years possible. When another outlet
-- reports a call between the same countries on the same day and month with a
-- year it read (explicit, or from its publication date), that report settles
-- the year: the weaker one adopts its date, unless its own page was fetched
-- before that date.

with

article_calls as (

    select * from {{ ref('stg_raw__article_calls') }}

),

participants as (

    select * from {{ ref('stg_raw__article_call_participants') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

participant_countries as (

    select
        article_call_id,
        string_agg(distinct country_iso3, '|' order by country_iso3) as participant_countries,
        count(distinct country_iso3) as n_participant_countries,
        string_agg(distinct actor_id, '|' order by actor_id) as participant_actors

    from participants

    group by article_call_id

),

joined as (

    select
        article_calls.*,
        participant_countries.participant_countries,
        coalesce(participant_countries.n_participant_countries, 0) as n_participant_countries,
        participant_countries.participant_actors

    from article_calls

    left join participant_countries
        on article_calls.article_call_id = participant_countries.article_call_id

),

stronger_reports as (

    select distinct
        participant_countries,
        participant_actors,
        call_date

    from joined

    where
        date_precision = 'day'
        and date_basis in ('explicit', 'inferred-from-published')

),

corroborated as (

    select
        joined.article_call_id,
        min(stronger_reports.call_date) as corroborated_date

    from joined

    inner join articles
        on joined.article_id = articles.article_id

    inner join stronger_reports
        on
            joined.participant_countries = stronger_reports.participant_countries
            and month(joined.call_date) = month(stronger_reports.call_date)
            and day(joined.call_date) = day(stronger_reports.call_date)
            and joined.call_date != stronger_reports.call_date
            -- the same people, where both reports name them (Biden-Xi is not Rubio-Wang)
            and coalesce(joined.participant_actors = stronger_reports.participant_actors, true)
            -- a page fetched before that date cannot report that call
            and stronger_reports.call_date <= cast(articles.fetched_at as date)

    where
        joined.date_precision = 'day'
        and joined.date_basis = 'inferred-from-context'

    group by joined.article_call_id

    having count(distinct stronger_reports.call_date) = 1

),

redated as (

    select
        joined.* exclude (participant_actors) replace (  -- noqa: RF02
            coalesce(corroborated.corroborated_date, joined.call_date) as call_date,
            case
                when corroborated.article_call_id is not null then 'corroborated-by-other-report'
                else joined.date_basis
            end as date_basis
        )

    from joined

    left join corroborated
        on joined.article_call_id = corroborated.article_call_id

),

keyed as (

    select
        case
            when call_date is not null
                then {{ generate_key(['call_date', 'date_precision', 'participant_countries']) }}
            else {{ generate_key(["'undated'", 'article_call_id']) }}
        end as call_id,
        *

    from redated

),

final as (

    select
        *,
        call_date is not null as is_dated

    from keyed

)

select * from final
