with

source as (

    select * from {{ ref('form_identities') }}

),

renamed as (

    select
        identity_id,
        "table" as form_table,
        string_split(layouts, '|') as layouts,
        side,
        row_code,
        coalesce(column_code, '') as column_code,
        sign

    from source

)

select * from renamed
