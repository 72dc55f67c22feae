-- One row per actor role period: the type-2 reference actors, plus actors
-- first seen in articles (one open-ended row per actor_id and role). An
-- article actor is any participant actor_id the reference data does not
-- hold: normally flagged is_reference_actor = false by the extraction, but
-- also a flagged one whose slug is missing from ref_actors, so every
-- participant actor_id has a dim_actor row.

with

reference_actors as (

    select * from {{ ref('stg_reference__actors') }}

),

participants as (

    select * from {{ ref('stg_raw__article_call_participants') }}

),

reference_actor_ids as (

    select distinct actor_id

    from reference_actors

),

article_actor_spellings as (

    select
        participants.actor_id,
        participants.role,
        participants.country_iso3,
        coalesce(participants.canonical_name, participants.name_as_reported) as canonical_name,
        participants.name_as_reported as name_vi,
        bool_or(participants.canonical_name is not null) as has_canonical_name,
        bool_or(not participants.is_reference_actor) as is_flagged_non_reference,
        count(*) as n_mentions

    from participants

    left join reference_actor_ids
        on participants.actor_id = reference_actor_ids.actor_id

    where
        participants.actor_id is not null
        and reference_actor_ids.actor_id is null

    group by
        participants.actor_id,
        participants.role,
        participants.country_iso3,
        coalesce(participants.canonical_name, participants.name_as_reported),
        participants.name_as_reported

),

article_actors as (

    select
        {{ generate_key(['actor_id', 'role', 'cast(null as date)']) }} as actor_key,
        actor_id,
        canonical_name,
        name_vi,
        country_iso3,
        role,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to,
        true as is_current,
        false as is_reference

    from article_actor_spellings

    qualify row_number() over (
        partition by actor_id, role
        order by
            has_canonical_name desc,
            is_flagged_non_reference desc,
            n_mentions desc,
            canonical_name asc,
            name_vi asc,
            country_iso3 asc
    ) = 1

),

curated_actors as (

    select
        actor_key,
        actor_id,
        canonical_name,
        name_vi,
        country_iso3,
        role,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        true as is_reference

    from reference_actors

),

final as (

    select * from curated_actors

    union all

    select * from article_actors

)

select * from final
