with

aid as (

    select * from {{ ref('int_aid_converted') }}

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
        confidence

    from aid

)

select * from final
