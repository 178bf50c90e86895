{#-
    Each number a report's prose states (stg_statements) against the table cells it restates
    (seed `statements`: cell keys joined by '+', alternative readings by ';'): `match` when some
    reading whose cells are all read equals it, `mismatch` when none does, `not_assessable` when
    no reading has all its cells, `not_compared` when no cell restates it (主动公开 N 条).
-#}
with

statements as (

    select * from {{ ref('stg_statements') }}

),

codes as (

    select statement, string_split(restates, ';') as readings
    from {{ ref('statements') }}
    where coalesce(restates, '') <> ''

),

readings as (

    select statement, readings, unnest(generate_series(1, len(readings))) as reading_no
    from codes

),

reading_cells as (

    select statement, reading_no, trim(unnest(string_split(readings[reading_no], '+'))) as cell_key
    from readings

),

cells as (

    select report_id, 'applications|' || row_code || '|' || applicant_type as cell_key, value
    from {{ ref('int_applications') }}
    union all
    select report_id, 'reviews|' || review_cell, value
    from {{ ref('int_reviews') }}

),

reading_values as (

    select
        statements.report_id,
        statements.statement,
        reading_cells.reading_no,
        count(*) as cells_needed,
        count(cells.value) as cells_read,
        sum(cells.value) as table_value
    from statements
    inner join reading_cells using (statement)
    left join cells
        on cells.report_id = statements.report_id
        and cells.cell_key = reading_cells.cell_key
    group by all

),

assessed as (

    select
        reading_values.report_id,
        reading_values.statement,
        list(reading_values.table_value order by reading_values.reading_no)
            filter (where reading_values.cells_read = reading_values.cells_needed) as table_values,
        bool_or(reading_values.cells_read = reading_values.cells_needed
                and reading_values.table_value = statements.value) as matches
    from reading_values
    inner join statements using (report_id, statement)
    group by all

),

final as (

    select
        statements.report_id,
        statements.statement,
        statements.value,
        assessed.table_values,
        case
            when not exists (select 1 from codes where codes.statement = statements.statement) then 'not_compared'
            when assessed.matches then 'match'
            when len(assessed.table_values) > 0 then 'mismatch'
            else 'not_assessable'
        end as check_status,
        statements.raw_text,
        statements.source_line,
        statements.source_page
    from statements
    left join assessed using (report_id, statement)

)

select * from final
