with

source as (

    select * from {{ source('raw', 'article_call_participants') }}

),

final as (

    select

        ----------  ids
        {{ generate_key(['article_call_id', 'participant_index']) }} as article_call_participant_id,
        article_call_id,
        nullif(trim(actor_id), '') as actor_id,
        upper(trim(country_iso3)) as country_iso3,

        ---------- numerics
        participant_index,

        ---------- text
        nullif(lower(trim(role)), '') as role,
        name_as_reported,
        nullif(trim(canonical_name), '') as canonical_name,

        ---------- booleans
        is_reference_actor

    from source

)

select * from final
