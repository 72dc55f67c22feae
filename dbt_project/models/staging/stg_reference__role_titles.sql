with

source as (

    select * from {{ ref('ref_role_titles') }}

),

final as (

    select

        ----------  ids
        {{ generate_key(['lower(trim(cast(title_vi as varchar)))']) }} as role_title_id,
        nullif(upper(trim(cast(implied_country_iso3 as varchar))), '') as implied_country_iso3,

        ---------- text
        cast(title_vi as varchar) as title_vi,
        lower(trim(cast(role as varchar))) as role,

        ---------- booleans
        cast(is_principal as boolean) as is_principal

    from source

)

select * from final
