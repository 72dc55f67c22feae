with

source as (

    select * from {{ source('raw', 'article_calls') }}

),

final as (

    select

        ----------  ids
        article_call_id,
        article_id,
        nullif(upper(trim(initiator_country_iso3)), '') as initiator_country_iso3,
        nullif(trim(initiator_actor_id), '') as initiator_actor_id,

        ---------- numerics
        sentence_index,
        confidence,

        ---------- text
        evidence_text,
        lower(mode) as mode,
        initiator_evidence,

        ---------- dates
        call_date,
        lower(date_precision) as date_precision,
        date_basis

    from source

)

select * from final
