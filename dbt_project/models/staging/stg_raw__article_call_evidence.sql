with

source as (

    select * from {{ source('raw', 'article_call_evidence') }}

),

final as (

    select

        ----------  ids
        {{ generate_key(['article_call_id', 'sentence_index']) }} as article_call_evidence_id,
        article_call_id,
        article_id,

        ---------- numerics
        sentence_index,

        ---------- text
        evidence_text

    from source

)

select * from final
