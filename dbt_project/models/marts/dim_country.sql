with

countries as (

    select * from {{ ref('stg_reference__countries') }}

),

final as (

    select
        country_iso3,
        country_iso2,
        name_en,
        name_vi

    from countries

)

select * from final
