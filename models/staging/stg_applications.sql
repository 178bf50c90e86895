with

source as (

    select * from {{ source('staging', 'applications') }}

),

renamed as (

    select
        report_id,
        row_code,
        applicant_type,
        value,
        raw as raw_text,
        source_line,
        source_page

    from source

)

select * from renamed
