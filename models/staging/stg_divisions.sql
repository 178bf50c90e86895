with

source as (

    select * from {{ ref('divisions') }}

),

renamed as (

    select
        cast(division_code as varchar) as division_code,
        division_name,
        division_level,
        nullif(cast(parent_code as varchar), '') as parent_code,
        cast(province_code as varchar) as province_code,
        nullif(cast(prefecture_code as varchar), '') as prefecture_code
    from source

)

select * from renamed
