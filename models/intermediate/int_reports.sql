{#-
    One row per report (copies of the same bytes, same report_id, collapse), and one canonical
    report per agency and statistics year: the most complete (most cells read), then the latest
    published, then the first path. The others are `alternate` (every cell both read agrees: the
    same report in other bytes or another format), `rival` (some cell differs: a revision, a
    second publication, or a misread name) or `unverified` (nothing to compare: a scan). Only the
    canonical report of each agency-year is counted in the fact marts.
-#}
with

files as (

    select * from {{ ref('stg_reports') }}

),

cells as (

    select * from {{ ref('int_report_cells') }}

),

copies as (

    select
        report_id,
        min(source_path) as source_path,
        count(*) as copies,
        list(source_path order by source_path) as source_paths
    from files
    group by report_id

),

filled as (

    select report_id, count(*) as cells_read from cells group by report_id

),

reports as (

    select
        files.*,
        copies.copies,
        copies.source_paths,
        coalesce(filled.cells_read, 0) as cells_read,
        files.agency_key is not null and files.report_year is not null as is_placed
    from copies
    inner join files using (report_id, source_path)
    left join filled using (report_id)

),

ranked as (

    select
        *,
        case when is_placed then count(*) over agency_year_all else 1 end as agency_year_reports,
        case when is_placed then row_number() over agency_year else 1 end as rank_in_agency_year,
        case when is_placed then first_value(report_id) over agency_year else report_id end as canonical_report_id,
        -- the runner-up, to say why the canonical report won
        lead(cells_read) over agency_year as next_cells_read,
        lead(published_at) over agency_year as next_published_at
    from reports
    window
        agency_year_all as (
            partition by case when is_placed then agency_key end, case when is_placed then report_year end
        ),
        agency_year as (agency_year_all order by cells_read desc, published_at desc nulls last, source_path)

),

-- each other report of an agency-year against the canonical one, cell by cell
compared as (

    select
        other.report_id,
        count(canonical.cell_key) as shared_cells,
        count(canonical.cell_key) filter (where canonical.value <> other.value) as differing_cells
    from ranked
    inner join cells as other on other.report_id = ranked.report_id
    left join cells as canonical
        on canonical.report_id = ranked.canonical_report_id
        and canonical.cell_key = other.cell_key
    where ranked.rank_in_agency_year > 1
    group by other.report_id

),

roles as (

    select
        ranked.*,
        coalesce(compared.shared_cells, 0) as shared_cells,
        coalesce(compared.differing_cells, 0) as differing_cells,
        case
            when not is_placed then 'unplaced'
            when rank_in_agency_year = 1 then 'canonical'
            when compared.differing_cells > 0 then 'rival'
            when compared.shared_cells > 0 then 'alternate'
            else 'unverified'
        end as report_role,
        case
            when rank_in_agency_year > 1 then null
            when agency_year_reports = 1 then 'only_report'
            when cells_read > next_cells_read then 'most_cells'
            when published_at > next_published_at or (published_at is not null and next_published_at is null)
                then 'latest_published'
            else 'first_path'
        end as canonical_reason
    from ranked
    left join compared using (report_id)

),

final as (

    select
        * exclude (next_cells_read, next_published_at, rank_in_agency_year),
        report_role in ('canonical', 'unplaced') as is_canonical,
        bool_or(report_role = 'rival') over (partition by canonical_report_id) as has_rival_report,
        case when report_role in ('canonical', 'unplaced') then coalesce(
            flatten(list(source_paths order by source_path) filter (where report_role = 'alternate')
                over (partition by canonical_report_id)),
            []) end as alternate_paths
    from roles

)

select * from final
