with

source as (

    select * from {{ ref('ref_actors') }}

),

renamed as (

    select

        ----------  ids
        trim(cast(actor_id as varchar)) as actor_id,
        upper(trim(cast(country_iso3 as varchar))) as country_iso3,

        ---------- text
        cast(canonical_name as varchar) as canonical_name,
        cast(name_vi as varchar) as name_vi,
        lower(trim(cast(role as varchar))) as role,

        ---------- dates
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to

    from source

),

final as (

    select
        {{ generate_key(['actor_id', 'role', 'valid_from']) }} as actor_key,
        *

    from renamed

)

select * from final
