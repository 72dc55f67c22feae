with

article_calls as (

    select * from {{ ref('int_article_calls_keyed') }}

    -- calls held back by a row-level rule are in audit.quarantine, not in the marts
    where call_id not in (
        select violations.call_id from {{ ref('int_call_rule_violations') }} as violations
    )

),

evidence as (

    select * from {{ ref('stg_raw__article_call_evidence') }}

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

-- every supporting sentence, plus the sentence each report names as the
-- best statement of the call (normally also among its evidence)
supporting_sentences as (

    select
        article_calls.call_id,
        evidence.article_id,
        evidence.sentence_index,
        evidence.evidence_text,
        false as is_primary_sentence

    from evidence

    inner join article_calls
        on evidence.article_call_id = article_calls.article_call_id

    union all

    select
        call_id,
        article_id,
        sentence_index,
        evidence_text,
        true as is_primary_sentence

    from article_calls

),

mentions as (

    select
        {{ generate_key(['call_id', 'article_id', 'sentence_index']) }} as call_mention_id,
        call_id,
        article_id,
        sentence_index,
        min(evidence_text) as evidence_text,
        bool_or(is_primary_sentence) as is_primary_sentence

    from supporting_sentences

    group by call_id, article_id, sentence_index

),

final as (

    select
        mentions.call_mention_id,
        mentions.call_id,
        mentions.article_id,
        mentions.sentence_index,
        coalesce(mentions.evidence_text, sentences.sentence_text) as evidence_text,
        mentions.is_primary_sentence

    from mentions

    left join sentences
        on
            mentions.article_id = sentences.article_id
            and mentions.sentence_index = sentences.sentence_index

)

select * from final
