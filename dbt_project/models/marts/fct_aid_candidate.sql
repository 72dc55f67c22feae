-- Amounts read in an aid sentence that are not aid between two countries as
-- far as the text shows: the donor or the recipient was not found, or both
-- are the same country (a domestic budget, a company's donation). They are
-- kept for analysts to review, with their evidence and confidence, and never
-- counted as aid.

with

aid as (

    select * from {{ ref('int_aid_converted') }}

),

final as (

    select
        {{ generate_key(['aid_mention_id']) }} as aid_candidate_id,
        aid_mention_id,
        donor_iso3,
        recipient_iso3,
        case
            when donor_iso3 is null and recipient_iso3 is null then 'no donor or recipient'
            when donor_iso3 is null then 'no donor'
            when recipient_iso3 is null then 'no recipient'
            else 'donor is the recipient'
        end as why_not_aid,
        amount,
        currency,
        amount_usd,
        is_approximate,
        aid_kind,
        status,
        reported_date,
        article_id,
        sentence_index,
        evidence_text,
        confidence

    from aid

    where
        not is_between_two_countries
        -- an article held back by a row-level rule takes its amounts with it (audit.quarantine)
        and article_id not in (
            select violations.article_id from {{ ref('int_article_rule_violations') }} as violations
        )

)

select * from final
