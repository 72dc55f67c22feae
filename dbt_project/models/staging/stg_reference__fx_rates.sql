with

source as (

    select * from {{ ref('ref_fx_rates') }}

),

renamed as (

    select

        ----------  ids
        upper(trim(cast(currency as varchar))) as currency,

        ---------- numerics
        cast(year as integer) as rate_year,
        cast(usd_per_unit as double) as usd_per_unit,

        ---------- text
        cast(source as varchar) as rate_source

    from source

),

final as (

    select
        {{ generate_key(['currency', 'rate_year']) }} as fx_rate_id,
        *

    from renamed

)

select * from final
