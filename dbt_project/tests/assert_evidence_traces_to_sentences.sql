{{ config(severity='warn') }}

-- Every call mention and aid amount points at a sentence kept in
-- raw.sentences, so each fact can be read back in its words.

with

call_mentions as (

    select * from {{ ref('fct_call_mention') }}

),

aid as (

    select * from {{ ref('fct_aid') }}

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

cited_sentences as (

    select
        'fct_call_mention' as cited_by,
        call_mention_id as cited_id,
        article_id,
        sentence_index

    from call_mentions

    union all

    select
        'fct_aid' as cited_by,
        aid_id as cited_id,
        article_id,
        sentence_index

    from aid

),

final as (

    select cited_sentences.*

    from cited_sentences

    left join sentences
        on
            cited_sentences.article_id = sentences.article_id
            and cited_sentences.sentence_index = sentences.sentence_index

    where sentences.sentence_id is null

)

select * from final
