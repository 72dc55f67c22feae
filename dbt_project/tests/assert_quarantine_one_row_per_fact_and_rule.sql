-- audit.quarantine holds one row per fact and rule, and no held-back fact is
-- also published.

with

quarantine as (

    select * from {{ ref('quarantine') }}

),

calls as (

    select * from {{ ref('fct_call') }}

),

aid as (

    select * from {{ ref('fct_aid') }}

),

articles as (

    select * from {{ ref('dim_article') }}

),

repeated as (

    select
        fact_type,
        fact_key,
        rule,
        'repeated' as problem

    from quarantine

    group by fact_type, fact_key, rule

    having count(*) > 1

),

published as (

    select
        quarantine.fact_type,
        quarantine.fact_key,
        quarantine.rule,
        'also published' as problem

    from quarantine

    left join calls
        on quarantine.fact_type = 'call' and quarantine.fact_key = calls.call_id

    left join aid
        on quarantine.fact_type = 'aid' and quarantine.fact_key = aid.aid_id

    left join articles
        on quarantine.fact_type = 'article' and quarantine.fact_key = articles.article_id

    where calls.call_id is not null or aid.aid_id is not null or articles.article_id is not null

),

final as (

    select * from repeated

    union all

    select * from published

)

select * from final
