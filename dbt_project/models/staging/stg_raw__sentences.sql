with

source as (

    select * from {{ source('raw', 'sentences') }}

),

final as (

    select

        ----------  ids
        {{ generate_key(['article_id', 'sentence_index']) }} as sentence_id,
        article_id,

        ---------- numerics
        sentence_index,

        ---------- text
        sentence_text

    from source

)

select * from final
