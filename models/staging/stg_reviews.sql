with

source as (

    select * from {{ source('staging', 'reviews') }}

),

renamed as (

    select
        report_id,
        cell as review_cell,
        split_part(cell, '.', 1) as proceeding,
        split_part(cell, '.', 2) as result,
        value,
        raw as raw_text,
        source_line,
        source_page

    from source

)

select * from renamed
