{#-
    What to check, one row per finding: each flag has a code labelled in dim_code_label
    (code_set 'flag': what it means and what to do) and points at the report, the value and, where
    one is printed, the page, line and text it rests on.
      identity_failed      a form identity (勾稽关系) does not hold
      carry_mismatch       this year's 上年结转 ≠ last year's 结转下年度 (same agency)
      yoy_jump             a count changed beyond ×5 or ÷5 from the same agency's last year
      zero_among_busy_peers  a count is 0 where the peers' median is above 100
      late_publication     published after the Regulations' deadline (unknown date: not assessed)
      several_reports      other reports with other numbers for the same agency-year
      copied_report        tables 二–四 identical to the same agency's last year or to another
                           agency's report of the same year
      narrative_mismatch   a number the prose states differs from the table cells it restates
-#}
with

reports as (

    select * from {{ ref('dim_report') }}

),

measures as (

    select * from {{ ref('fct_report_measures') }}

),

-- agencies whose key is one body across years (not an ambiguous or unplaced name)
placed as (

    select report_id, agency_key, report_year from reports
    where is_canonical and division_status in ('mapped', 'central') and report_year is not null

),

identity_failed as (

    select
        report_id,
        'identity_failed' as flag_code,
        identity_id || case when instance <> '' then ':' || instance else '' end as subject,
        lhs_value::double as observed_value,
        rhs_value::double as expected_value,
        null as related_report_id
    from {{ ref('fct_identity_checks') }}
    where check_kind = 'form' and status = 'fail'

),

carry_mismatch as (

    select
        report_id,
        'carry_mismatch' as flag_code,
        instance as subject,
        lhs_value::double as observed_value,
        rhs_value::double as expected_value,
        previous_report_id as related_report_id
    from {{ ref('fct_identity_checks') }}
    where check_kind = 'cross_year' and status = 'fail'

),

counts as (

    select measures.* from measures inner join placed using (report_id)
    where measures.measure_kind = 'count' and measures.value is not null

),

yoy_jump as (

    select
        this_year.report_id,
        'yoy_jump' as flag_code,
        this_year.measure as subject,
        this_year.value as observed_value,
        last_year.value as expected_value,
        last_year.report_id as related_report_id
    from counts as this_year
    inner join counts as last_year
        on last_year.agency_key = this_year.agency_key
        and last_year.measure = this_year.measure
        and last_year.report_year = this_year.report_year - 1
    where this_year.value > 0 and last_year.value > 0
        and greatest(this_year.value, last_year.value) >= {{ var('measure_min_count') }}
        and (this_year.value > 5 * last_year.value or last_year.value > 5 * this_year.value)

),

peer_medians as (

    select measure, report_year, agency_level, median(value) as peer_median
    from measures
    where measure_kind = 'count' and value is not null and agency_level is not null
    group by all

),

zero_among_busy_peers as (

    select
        measures.report_id,
        'zero_among_busy_peers' as flag_code,
        measures.measure as subject,
        measures.value as observed_value,
        peer_medians.peer_median as expected_value,
        null as related_report_id
    from measures
    inner join peer_medians using (measure, report_year, agency_level)
    where measures.measure_kind = 'count' and measures.value = 0 and peer_medians.peer_median > 100

),

late_publication as (

    select
        report_id,
        'late_publication' as flag_code,
        'published_at:' || published_at || ' deadline:' || publication_deadline as subject,
        (published_at - publication_deadline)::double as observed_value,
        0::double as expected_value,
        null as related_report_id
    from reports
    where published_late

),

several_reports as (

    select
        canonical.report_id,
        'several_reports' as flag_code,
        other.report_role as subject,
        canonical.agency_year_reports::double as observed_value,
        1::double as expected_value,
        other.report_id as related_report_id
    from reports as canonical
    inner join reports as other
        on other.canonical_report_id = canonical.report_id
        and other.report_role in ('rival', 'unverified')
    where canonical.report_role = 'canonical'

),

-- tables 二–四 as one fingerprint per canonical report: the sum of its cells' hashes, which no
-- order of the cells changes and which needs no memory per report (a string of every cell, ordered,
-- did not fit 512 MB at 10,000 reports); all-zero tables (small bodies print them alike) are not
-- compared
fingerprints as materialized (

    select
        cells.report_id,
        sum(hash(cells.cell_key, cells.value)) as fingerprint,
        count(*) filter (where try_cast(cells.value as double) <> 0) as nonzero_cells
    from {{ ref('int_report_cells') }} as cells
    inner join reports on reports.report_id = cells.report_id and reports.is_canonical
    group by cells.report_id
    having count(*) filter (where try_cast(cells.value as double) <> 0) >= {{ var('copy_min_nonzero_cells') }}

),

-- pairs of reports printing the same tables
same_tables as (

    select this.report_id, this.nonzero_cells, other.report_id as other_report_id
    from fingerprints as this
    inner join fingerprints as other
        on other.fingerprint = this.fingerprint and other.report_id <> this.report_id

),

copies as (

    select
        same_tables.report_id,
        'copied_report' as flag_code,
        case when this_report.agency_key = other_report.agency_key then 'same_agency_previous_year'
             else 'other_agency_same_year' end as subject,
        same_tables.nonzero_cells::double as observed_value,
        null::double as expected_value,
        same_tables.other_report_id as related_report_id
    from same_tables
    inner join reports as this_report on this_report.report_id = same_tables.report_id
    inner join reports as other_report on other_report.report_id = same_tables.other_report_id
    where (this_report.report_year = other_report.report_year
           and this_report.agency_key is distinct from other_report.agency_key)
        or (this_report.agency_key = other_report.agency_key
            and this_report.division_status in ('mapped', 'central')
            and other_report.report_year = this_report.report_year - 1)

),

narrative_mismatch as (

    select
        report_id,
        'narrative_mismatch' as flag_code,
        statement as subject,
        value::double as observed_value,
        table_values[1]::double as expected_value,
        null as related_report_id,
        raw_text,
        source_page,
        source_line
    from {{ ref('int_statement_checks') }}
    where check_status = 'mismatch'

),

flags as (

    select *, null as raw_text, null::smallint as source_page, null::integer as source_line from identity_failed
    union all by name select * from carry_mismatch
    union all by name select * from yoy_jump
    union all by name select * from zero_among_busy_peers
    union all by name select * from late_publication
    union all by name select * from several_reports
    union all by name select * from copies
    union all by name select * from narrative_mismatch

),

final as (

    select
        flags.report_id,
        flags.flag_code,
        flags.subject,
        flags.observed_value,
        flags.expected_value,
        flags.related_report_id,
        reports.agency,
        reports.agency_key,
        reports.report_year,
        reports.source_path,
        flags.source_page,
        flags.source_line,
        flags.raw_text
    from flags
    inner join reports using (report_id)

)

select * from final
