with

source as (

    select * from {{ source('staging', 'proactive') }}

),

renamed as (

    select
        report_id,
        measure,
        value,
        raw as raw_text,
        source_line,
        source_page

    from source

)

select * from renamed
