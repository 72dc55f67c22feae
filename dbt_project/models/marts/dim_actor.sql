with

actors as (

    select * from {{ ref('int_actors_unioned') }}

),

final as (

    select
        actor_key,
        actor_id,
        canonical_name,
        name_vi,
        country_iso3,
        role,
        valid_from,
        valid_to,
        is_current,
        is_reference

    from actors

)

select * from final
