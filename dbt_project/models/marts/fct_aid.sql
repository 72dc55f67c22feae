-- Aid between two countries: one row per amount whose donor and recipient are
-- both known and distinct. Amounts missing an end are in fct_aid_candidate.
-- Grows with history: each run replaces the aid rows of the articles it (re)loaded,
-- and of articles with an amount no longer held back by a row-level rule.
-- The post-hook drops rows whose mention no longer exists (an article re-read with fewer amounts).
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="delete from {{ this }} where aid_mention_id not in (select aid_mention_id from {{ ref('int_aid_converted') }} where is_between_two_countries) or aid_mention_id in (select aid_mention_id from {{ ref('int_aid_rule_violations') }})"
    )
}}

with

aid as (

    select * from {{ ref('int_aid_converted') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

held_back as (

    select distinct aid_mention_id from {{ ref('int_aid_rule_violations') }}

),

-- an amount held back by a row-level rule is in audit.quarantine instead
admitted_aid as (

    select aid.*

    from aid

    where
        aid.is_between_two_countries
        and aid.aid_mention_id not in (select held_back.aid_mention_id from held_back)

),

{% if is_incremental() %}

    -- articles with an admitted amount this model does not hold although their load
    -- was built: an amount held back before and cleared since (a rate or a country
    -- added to the reference); rebuilt whole, as delete+insert replaces an article's rows
    readmitted_articles as (

        select distinct admitted_aid.article_id

        from admitted_aid

        where admitted_aid.aid_mention_id not in (
            select built.aid_mention_id from {{ this }} as built
        )

    ),

{% endif %}

new_aid as (

    select
        admitted_aid.*,
        articles.loaded_at

    from admitted_aid

    inner join articles
        on admitted_aid.article_id = articles.article_id

    {% if is_incremental() %}
        where
            {{ reloaded_since_built('articles') }}
            or admitted_aid.article_id in (
                select readmitted_articles.article_id from readmitted_articles
            )
    {% endif %}

),

final as (

    select
        {{ generate_key(['aid_mention_id']) }} as aid_id,
        aid_mention_id,
        donor_iso3,
        recipient_iso3,
        amount,
        currency,
        amount_usd,
        usd_per_unit,
        fx_rate_year,
        is_approximate,
        aid_kind,
        status,
        reported_date,
        article_id,
        sentence_index,
        evidence_text,
        confidence,
        loaded_at

    from new_aid

)

select * from final
