with

source as (

    select * from {{ ref('form_rows') }}

),

renamed as (

    select
        ---------- ids
        "table" as form_table,
        code,

        ---------- properties
        string_split(layouts, '|') as layouts,
        label_zh,
        label_en,
        group_code,
        match_zh,
        nullif(column_zh, '') as column_zh,
        nullif(unit, '') as unit,

        ---------- ordering
        sort_order,
        form_row,
        form_column

    from source

)

select * from renamed
