with

source as (

    select * from {{ ref('ref_countries') }}

),

final as (

    select

        ----------  ids
        upper(trim(cast(country_iso3 as varchar))) as country_iso3,
        upper(trim(cast(country_iso2 as varchar))) as country_iso2,

        ---------- text
        cast(name_en as varchar) as name_en,
        cast(name_vi as varchar) as name_vi

    from source

)

select * from final
