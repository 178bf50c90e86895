"""End to end: reports → staging → `dbt build` → the warehouse, reached the ways users reach it."""
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_COUNT, load_gold
from ingest.cli import run
from ingest.synth import random_truth, render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MARTS = ["dim_agency", "dim_applicant_type", "dim_code_label", "dim_outcome", "dim_proactive_measure", "dim_report",
         "fct_application_intake", "fct_application_totals", "fct_applications", "fct_fees", "fct_identity_checks",
         "fct_proactive_disclosure", "fct_report_quality", "fct_review_litigation", "fct_review_litigation_totals"]
APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org", "total"]


def dbt(tmp, *args, check=True):
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_STAGING_DIR": str(tmp / "staging"),
           "GIA_WAREHOUSE": str(tmp / "gia.duckdb")}
    done = subprocess.run([str(BIN / "dbt"), *args, "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stdout[-4000:]
    return done


EXTRA_REPORTS = 11  # the synthetic and copied reports `built` adds to the samples


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample reports plus: a report whose 予以公开 总计 is 2 too high and a rival of it (another
    file, other numbers, same agency and year); one district's reports for 2022 and 2023 (its name
    printed with and without the city); 教育厅 of two provinces for 2022 and 2023; a GB18030 copy
    of a sample and one report as Word and as PDF (the same report in other bytes); a manifest
    with the crawler's own columns."""
    tmp = tmp_path_factory.mktemp("wh")
    raw = tmp / "raw"
    shutil.copytree(ROOT / "samples" / "raw", raw)
    broken = random_truth(random.Random(1), "2021")
    broken.agency = "烟台市福山区人民政府"
    broken.applications["granted"][6] += 2
    rival = random_truth(random.Random(4), year=broken.report_year)
    rival.agency = broken.agency
    pair = []
    for year, agency, seed in ((2022, "厦门市思明区人民政府", 2), (2023, "思明区", 3)):
        t = random_truth(random.Random(seed), "2021")
        t.agency, t.report_year = agency, year
        pair.append(t)
    departments = {}
    for province, seed in (("广东省", 10), ("湖南省", 20)):
        for year in (2022, 2023):
            t = random_truth(random.Random(seed + year), "2021")
            t.agency, t.report_year = f"{province}教育厅", year
            departments[province, year] = t
    named = [("broken", broken), ("rival", rival), ("pair_2022", pair[0]), ("pair_2023", pair[1])]
    named += [(f"edu_{'gd' if p == '广东省' else 'hn'}_{y}", t) for (p, y), t in departments.items()]
    for name, truth in named:
        data, suffix, _ = render(truth, "pipe", seed=0)
        (raw / f"synthetic_{name}{suffix}").write_bytes(data)
    sample = (raw / "000_b871b4d2c0ca5613.txt").read_bytes().decode("utf-8")
    (raw / "copies").mkdir()
    (raw / "copies" / "000_gb18030.txt").write_bytes(sample.encode("gb18030"))
    for suffix in ("docx", "pdf"):
        shutil.copy(ROOT / "tests" / "fixtures" / f"word_2021.{suffix}", raw / "copies" / f"word_2021.{suffix}")
    manifest = tmp / "manifest.csv"
    manifest.write_text("path,source_url,crawled_at\n"
                        "000_b871b4d2c0ca5613.txt,https://www.naxi.gov.cn/zwgk/ndbg/2021.html,2022-03-01T10:00:00\n"
                        "copies/000_gb18030.txt,https://mirror.example/naxi/2021.txt,2022-03-05T09:30:00\n",
                        encoding="utf-8")
    run(raw, tmp / "staging", manifest=manifest, jobs=1, progress=False)
    build = dbt(tmp, "build")
    return tmp, build.stdout, broken, pair, departments


@pytest.fixture
def con(built):
    c = duckdb.connect(str(built[0] / "gia.duckdb"), read_only=True)
    yield c
    c.close()


def test_known_facts(con):
    new, not_held = con.sql("""
        select
            (select sum(value) from fct_application_intake join dim_report using (report_id)
             where agency = '海沧区' and report_year = 2023 and flow = 'new_received'),
            (select sum(value) from fct_applications join dim_report using (report_id)
             where agency = '海沧区' and report_year = 2023 and outcome_code = 'unavailable_not_held')""").fetchone()
    assert (new, not_held) == (107, 37)
    total = con.sql("""select reported_value from fct_application_totals join dim_report using (report_id)
                       where agency = '海沧区' and row_code = 'new_received' and applicant_type = 'total'""").fetchone()
    assert total == (107,)
    assert con.sql("select count(*) from dim_report").fetchone() == (SAMPLE_COUNT + EXTRA_REPORTS,)
    rivals = con.sql("select source_path from dim_report where has_rival_report order by 1").fetchall()
    assert rivals == [("synthetic_broken.txt",), ("synthetic_rival.txt",)]  # both kept, both flagged


def test_copies_in_other_bytes_or_formats_collapse_into_one_counted_report(con):
    groups = con.sql("""select source_path, report_role, canonical_reason, alternate_paths from dim_report
                        where source_path in ('000_b871b4d2c0ca5613.txt', 'copies/000_gb18030.txt',
                                              'copies/word_2021.docx', 'copies/word_2021.pdf') order by 1""").fetchall()
    roles = {path: role for path, role, _, _ in groups}
    assert roles["copies/000_gb18030.txt"] == "alternate" and roles["000_b871b4d2c0ca5613.txt"] == "canonical"
    assert sorted(roles[p] for p in ("copies/word_2021.docx", "copies/word_2021.pdf")) == ["alternate", "canonical"]
    canonical = {path: (reason, alternates) for path, role, reason, alternates in groups if role == "canonical"}
    assert canonical["000_b871b4d2c0ca5613.txt"] == ("first_path", ["copies/000_gb18030.txt"])  # equally complete
    # the sums count the report once: the same as the sample's own gold answer
    new = con.sql("""select sum(value) from fct_application_intake i join dim_report r using (report_id)
                     where r.agency_key = '510503||' and r.report_year = 2021 and flow = 'new_received'""").fetchone()[0]
    gold = load_gold("000_b871b4d2c0ca5613.json")["applications"]["new_received"]
    assert new == sum(v for v in gold[:6] if v is not None)


def test_rivals_stay_flagged_and_only_the_canonical_one_is_counted(con, built):
    _, _, broken, _, _ = built
    rows = con.sql("""select source_path, report_role, is_canonical, canonical_reason from dim_report
                      where agency = '烟台市福山区人民政府' order by 1""").fetchall()
    assert sorted(r[1] for r in rows) == ["canonical", "rival"]
    kept = next(path for path, role, _, _ in rows if role == "canonical")
    counted = con.sql("""select f.source_path, sum(value) from fct_applications f join dim_report r using (report_id)
                         where r.agency = '烟台市福山区人民政府' group by 1""").fetchall()
    assert [path for path, _ in counted] == [kept]


def test_same_named_departments_of_two_provinces_never_meet(con, built):
    *_, departments = built
    keys = dict(con.sql("""select distinct agency_key, province_name from dim_agency
                           where agency like '%教育厅'""").fetchall())
    assert keys == {"440000||教育厅": "广东省", "430000||教育厅": "湖南省"}
    pairs = con.sql("""select r.agency, r.report_year, p.agency, p.report_year, c.instance, c.status
                       from fct_identity_checks c join dim_report r using (report_id)
                       join dim_report p on p.report_id = c.previous_report_id
                       where c.check_kind = 'cross_year' and r.agency like '%教育厅'""").fetchall()
    assert {(a, y, b, z) for a, y, b, z, _, _ in pairs} == {("广东省教育厅", 2023, "广东省教育厅", 2022),
                                                            ("湖南省教育厅", 2023, "湖南省教育厅", 2022)}
    for agency, _, _, _, instance, status in pairs:
        province = agency[:3]
        this, last = departments[province, 2023], departments[province, 2022]
        i = APPLICANTS.index(instance)
        assert status == ("pass" if this.applications["carried_over"][i] == last.applications["carried_forward"][i] else "fail")


def test_identity_checks_flag_exactly_the_printed_breaks(con):
    fails = con.sql("""select r.agency, c.identity_id, c.instance, c.difference from fct_identity_checks c
                       join dim_report r using (report_id) where c.status = 'fail' and c.check_kind = 'form'
                       order by all""").fetchall()
    # +2 on 予以公开's 总计 breaks that row's total and the 总计 column's outcome total, nothing else;
    # 009 prints 行政复议 10 upheld and 1 corrected with 总计 0, and 5 after review with 总计 0
    assert fails == sorted([("烟台市福山区人民政府", "outcome_total", "total", 2), ("烟台市福山区人民政府", "row_total", "granted", -2),
                            ("洪泽区人民政府", "litigation_after_review_total", "", 5), ("洪泽区人民政府", "review_total", "", 11)])
    # a 2021 report printing 其他处理 as one row is checked in that shape: its outcome totals hold
    mixed = dict(con.sql("""select c.status, count(*) from fct_identity_checks c join dim_report r using (report_id)
                            where r.agency = '洪泽区人民政府' and c.identity_id = 'outcome_total' group by 1""").fetchall())
    assert mixed == {"pass": 7}
    counts = dict(con.sql("""select c.status, count(*) from fct_identity_checks c join dim_report using (report_id)
                             where source_path = '003_1fe9055233aaf28b.txt' group by 1""").fetchall())
    assert counts == {"pass": 12, "not_assessable": 28}  # 11 incomplete rows + every per-column check needs one
    quality = con.sql("""select arithmetic_holds, count(*) from fct_report_quality join dim_report using (report_id)
                         where source_path like 'synthetic_%' group by all order by all""").fetchall()
    assert quality == [(False, 1), (True, 7)]


def test_cross_year_carry_over(con, built):
    _, _, _, (last_year, this_year), _ = built
    got = dict(con.sql("""select c.instance, c.status from fct_identity_checks c join dim_report using (report_id)
                          where check_kind = 'cross_year' and agency = '思明区'""").fetchall())
    expected = {col: "pass" if this_year.applications["carried_over"][i] == last_year.applications["carried_forward"][i]
                else "fail" for i, col in enumerate(APPLICANTS)}
    assert got == expected and "fail" in got.values() and "pass" in got.values()


def test_violations_are_warnings_stored_for_querying(built, con):
    _, stdout, _, _, _ = built
    assert "ERROR=0" in stdout and "WARN=2" in stdout
    audit = con.sql("""select table_schema, table_name from information_schema.tables
                       where table_schema = 'audit'""").fetchall()
    stored = {name: f'"{schema}"."{name}"' for schema, name in audit}
    # the synthetic report's +2, and 009's 行政复议 and 复议后起诉 totals as printed (10 + 1 ≠ 0, 5 ≠ 0)
    assert con.sql(f"select identity_id, instance from {stored['form_identities_hold_int_identity_checks_']} order by all").fetchall() \
        == [("litigation_after_review_total", ""), ("outcome_total", "total"), ("review_total", ""), ("row_total", "granted")]
    cross_year_fails = con.sql("select count(*) from fct_identity_checks where check_kind = 'cross_year' and status = 'fail'").fetchone()
    assert con.sql(f"select n_records from {stored['carried_over_matches_last_year']}").fetchall() == [cross_year_fails]


def test_the_duckdb_cli_opens_the_warehouse(built):
    cli = shutil.which("duckdb", path=str(BIN))
    out = subprocess.run([cli, "-readonly", str(built[0] / "gia.duckdb"), "-csv", "-c", "select count(*) from dim_report"],
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["count_star()", str(SAMPLE_COUNT + EXTRA_REPORTS)]


def test_bi_tools_connect_read_only_through_sqlalchemy(built):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(f"duckdb:///{built[0] / 'gia.duckdb'}", connect_args={"read_only": True})
    with engine.connect() as c:
        inspector = sqlalchemy.inspect(c)
        assert set(MARTS) <= set(inspector.get_table_names())
        main = inspector.get_table_names(schema="main")  # what the README tells a BI tool to list
        assert set(MARTS) <= set(main) and not any(t.startswith(("stg_", "int_")) for t in main)
        for table in main:  # each one queried as a tool names it, unqualified
            c.execute(sqlalchemy.text(f'select * from "{table}" limit 1')).fetchall()
        columns = {col["name"]: col for col in inspector.get_columns("dim_report")}  # what a BI tool's dataset editor reads
        assert {"report_id", "agency", "report_year", "is_canonical", "source_url"} <= set(columns)
        assert str(columns["report_year"]["type"]) == "INTEGER"
        rows = c.execute(sqlalchemy.text("select o.category_label_zh, sum(f.value) from fct_applications f "
                                         "join dim_outcome o using (outcome_code) group by 1 order by 1")).fetchall()
        assert dict(rows)["予以公开"] > 0
        with pytest.raises(Exception):
            c.execute(sqlalchemy.text("create table not_allowed (x int)"))
    engine.dispose()


def test_the_warehouse_file_moves(built, tmp_path):
    """Copied to another folder under another name, with the staging Parquet gone: every relation of
    every schema still answers, and the compiled analyses run against it."""
    moved = tmp_path / "elsewhere" / "copy of warehouse.duckdb"
    moved.parent.mkdir()
    shutil.copy(built[0] / "gia.duckdb", moved)
    shutil.move(built[0] / "staging", tmp_path / "staging-away")
    try:
        with duckdb.connect(str(moved), read_only=True) as con:
            relations = con.sql("""select schema_name, table_name from duckdb_tables() where not internal
                                   union all select schema_name, view_name from duckdb_views() where not internal""").fetchall()
            assert {"main", "staging", "intermediate", "reference", "audit"} <= {s for s, _ in relations}
            for schema, name in relations:
                con.sql(f'select count(*) from "{schema}"."{name}"').fetchone()
            assert set(MARTS) <= {name for schema, name in relations if schema == "main"}
            assert not con.sql("""select view_name from duckdb_views() where not internal
                                  and (sql like '%gia.%' or sql like '%read_parquet%')""").fetchall()
    finally:
        shutil.move(tmp_path / "staging-away", built[0] / "staging")


def test_data_dictionary_in_chinese_and_english(con):
    """Every mart and every mart column carries a COMMENT in both languages (what the CLI's
    `describe` and BI tools show), and every code the marts hold has a label."""
    columns = con.sql("""select table_name, column_name, comment from duckdb_columns()
                         where schema_name = 'main' and not internal""").fetchall()
    manifest = {"source_url", "crawled_at"}  # the user's own columns: described by the user
    undescribed = [(t, c) for t, c, comment in columns if c not in manifest
                   and not (comment and re.search(r"[\u4e00-\u9fff]", comment) and re.search(r"[A-Za-z]{3}", comment))]
    assert undescribed == []
    tables = con.sql("select table_name, comment from duckdb_tables() where schema_name = 'main'").fetchall()
    assert all(comment and re.search(r"[\u4e00-\u9fff]", comment) for _, comment in tables)
    unlabelled = con.sql("""
        with used as (
            select 'status' as code_set, status as code from dim_report
            union select 'warning', split_part(unnest(warnings), ':', 1) from dim_report
            union select 'report_role', report_role from dim_report
            union select 'canonical_reason', canonical_reason from dim_report where canonical_reason is not null
            union select 'division_status', division_status from dim_agency
            union select 'agency_level', agency_level from dim_agency where agency_level is not null
            union select 'agency_kind', agency_kind from dim_agency
            union select 'check_status', status from fct_identity_checks
            union select 'review_cell', proceeding || '.' || result from fct_review_litigation
            union select 'application_row', flow from fct_application_intake
            union select 'layout', layout from dim_report where layout is not null
            union select 'identity', identity_id from fct_identity_checks
            union select 'check_kind', check_kind from fct_identity_checks
        )
        select * from used anti join dim_code_label using (code_set, code)""").fetchall()
    assert unlabelled == []


def test_manifest_columns_and_provenance_reach_the_marts(con):
    rows = con.sql("""select source_path, source_url, crawled_at from dim_report
                      where source_url is not null order by 1""").fetchall()
    assert rows == [("000_b871b4d2c0ca5613.txt", "https://www.naxi.gov.cn/zwgk/ndbg/2021.html", "2022-03-01T10:00:00"),
                    ("copies/000_gb18030.txt", "https://mirror.example/naxi/2021.txt", "2022-03-05T09:30:00")]
    # every value: the file, its page or line, and the text as printed
    pdf = con.sql("""select source_path, source_page, source_line, raw_text, value from fct_applications
                     where source_path = '009_hongze_2023.pdf' and value is not null""").fetchall()
    assert pdf and all(page is not None and line is not None and raw is not None for _, page, line, raw, _ in pdf)


def test_sums_cannot_double(con):
    """Table 四's details sum to the printed totals where the report's arithmetic holds; amounts
    are in yuan."""
    mismatched = con.sql("""
        select t.report_id, t.proceeding from fct_review_litigation_totals t
        join fct_review_litigation d using (report_id, proceeding)
        join fct_report_quality q using (report_id)
        where q.arithmetic_holds group by all having sum(d.value) <> any_value(t.reported_value)""").fetchall()
    assert mismatched == []
    assert con.sql("select count(*) from fct_review_litigation where result = 'total'").fetchone() == (0,)
    fees = con.sql("""select value, amount_yuan, amount_unit from fct_proactive_disclosure
                      where measure = 'administrative_fee.amount_10k_yuan' and value is not null""").fetchall()
    assert fees and all(yuan == value * 10000 and unit == "10k_yuan" for value, yuan, unit in fees)


def test_analyses_compile_and_run(built):
    tmp = built[0]
    dbt(tmp, "compile", "--select", "resource_type:analysis", "--quiet")  # a writer: before any reader opens the file
    con = duckdb.connect(str(tmp / "gia.duckdb"), read_only=True)
    compiled = sorted((tmp / "target" / "compiled" / "gov_info_annual_reports" / "analyses").glob("*.sql"))
    assert [p.stem for p in compiled] == ["agencies_breaking_identities", "applications_per_year_by_applicant_type",
                                          "refusal_reasons_mix", "year_over_year_change"]
    results = {p.stem: con.sql(p.read_text()).fetchall() for p in compiled}
    broken = [r for r in results["agencies_breaking_identities"] if r[0] == "烟台市福山区人民政府"]
    assert [r[2:5] for r in broken] == [(2, ["outcome_total", "row_total"], 2)]
    # agency_key, agency, province_name, report_year, new_requests, has_missing_cells, previous_year, change, ratio
    yoy = {r[0]: r for r in results["year_over_year_change"] if r[3] == 2023}
    siming = yoy["350203||"]  # 思明区 in 2023, 厦门市思明区人民政府 in 2022: the same body
    assert siming[6] == 2022 and siming[7] is not None
    *_, departments = built
    for key, province in (("440000||教育厅", "广东省"), ("430000||教育厅", "湖南省")):
        new = [sum(departments[province, y].applications["new_received"][:6]) for y in (2022, 2023)]
        assert (yoy[key][2], yoy[key][4], yoy[key][6], yoy[key][7]) == (province, new[1], 2022, new[1] - new[0])
    con.close()


def test_docs_generate(built):
    tmp = built[0]
    dbt(tmp, "docs", "generate")
    assert (tmp / "target" / "index.html").exists() and (tmp / "target" / "catalog.json").exists()
