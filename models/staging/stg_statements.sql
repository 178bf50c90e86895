with

source as (

    select * from {{ source('staging', 'statements') }}

),

renamed as (

    select
        report_id,
        statement,
        value,
        raw as raw_text,
        source_line,
        source_page

    from source

)

select * from renamed
