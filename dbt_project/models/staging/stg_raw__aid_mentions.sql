with

source as (

    select * from {{ source('raw', 'aid_mentions') }}

),

final as (

    select

        ----------  ids
        aid_mention_id,
        article_id,
        nullif(upper(trim(donor_iso3)), '') as donor_iso3,
        nullif(upper(trim(recipient_iso3)), '') as recipient_iso3,

        ---------- numerics
        sentence_index,
        amount,
        confidence,

        ---------- text
        evidence_text,
        upper(trim(currency)) as currency,
        lower(aid_kind) as aid_kind,
        lower(status) as status,

        ---------- booleans
        is_approximate,

        ---------- dates
        reported_date

    from source

)

select * from final
