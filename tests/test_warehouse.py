"""End to end: reports → staging → `dbt build` → the warehouse, reached the ways users reach it."""
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_COUNT
from ingest.cli import run
from ingest.synth import random_truth, render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MARTS = ["dim_applicant_type", "dim_outcome", "dim_proactive_measure", "dim_report", "fct_application_intake",
         "fct_application_totals", "fct_applications", "fct_fees", "fct_identity_checks", "fct_proactive_disclosure",
         "fct_report_quality", "fct_review_litigation"]
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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample reports plus three synthetic ones: a report whose 予以公开 总计 is 2 too high, and
    one agency's reports for 2022 and 2023 (its name printed with and without the city)."""
    tmp = tmp_path_factory.mktemp("wh")
    raw = tmp / "raw"
    shutil.copytree(ROOT / "samples" / "raw", raw)
    broken = random_truth(random.Random(1), "2021")
    broken.agency = "加法错误县人民政府"
    broken.applications["granted"][6] += 2
    rival = random_truth(random.Random(4), year=broken.report_year)  # another file, same agency and year
    rival.agency = broken.agency
    pair = []
    for year, agency, seed in ((2022, "测试市示范区人民政府", 2), (2023, "示范区", 3)):
        t = random_truth(random.Random(seed), "2021")
        t.agency, t.report_year = agency, year
        pair.append(t)
    for name, truth in (("broken", broken), ("rival", rival), ("pair_2022", pair[0]), ("pair_2023", pair[1])):
        data, suffix, _ = render(truth, "pipe", seed=0)
        (raw / f"synthetic_{name}{suffix}").write_bytes(data)
    run(raw, tmp / "staging", jobs=1, progress=False)
    build = dbt(tmp, "build")
    return tmp, build.stdout, broken, pair


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
    assert con.sql("select count(*) from dim_report").fetchone() == (SAMPLE_COUNT + 4,)
    rivals = con.sql("select source_path from dim_report where has_rival_report order by 1").fetchall()
    assert rivals == [("synthetic_broken.txt",), ("synthetic_rival.txt",)]  # both kept, both flagged


def test_identity_checks_flag_exactly_the_printed_breaks(con):
    fails = con.sql("""select r.agency, c.identity_id, c.instance, c.difference from fct_identity_checks c
                       join dim_report r using (report_id) where c.status = 'fail' and c.check_kind = 'form'
                       order by all""").fetchall()
    # +2 on 予以公开's 总计 breaks that row's total and the 总计 column's outcome total, nothing else;
    # 009 prints 行政复议 10 upheld and 1 corrected with 总计 0, and 5 after review with 总计 0
    assert fails == [("加法错误县人民政府", "outcome_total", "total", 2), ("加法错误县人民政府", "row_total", "granted", -2),
                     ("洪泽区人民政府", "litigation_after_review_total", "", 5), ("洪泽区人民政府", "review_total", "", 11)]
    # a 2021 report printing 其他处理 as one row is checked in that shape: its outcome totals hold
    mixed = dict(con.sql("""select c.status, count(*) from fct_identity_checks c join dim_report r using (report_id)
                            where r.agency = '洪泽区人民政府' and c.identity_id = 'outcome_total' group by 1""").fetchall())
    assert mixed == {"pass": 7}
    counts = dict(con.sql("""select c.status, count(*) from fct_identity_checks c join dim_report using (report_id)
                             where source_path = '003_1fe9055233aaf28b.txt' group by 1""").fetchall())
    assert counts == {"pass": 12, "not_assessable": 28}  # 11 incomplete rows + every per-column check needs one
    quality = con.sql("""select arithmetic_holds, count(*) from fct_report_quality join dim_report using (report_id)
                         where source_path like 'synthetic_%' group by all order by all""").fetchall()
    assert quality == [(False, 1), (True, 3)]


def test_cross_year_carry_over(con, built):
    _, _, _, (last_year, this_year) = built
    got = dict(con.sql("""select c.instance, c.status from fct_identity_checks c join dim_report using (report_id)
                          where check_kind = 'cross_year' and agency = '示范区'""").fetchall())
    expected = {col: "pass" if this_year.applications["carried_over"][i] == last_year.applications["carried_forward"][i]
                else "fail" for i, col in enumerate(APPLICANTS)}
    assert got == expected and "fail" in got.values() and "pass" in got.values()


def test_violations_are_warnings_stored_for_querying(built, con):
    _, stdout, _, _ = built
    assert "ERROR=0" in stdout and "WARN=2" in stdout
    audit = con.sql("""select table_schema, table_name from information_schema.tables
                       where table_schema like '%dbt_test__audit'""").fetchall()
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
    assert out.split() == ["count_star()", str(SAMPLE_COUNT + 4)]


def test_bi_tools_connect_read_only_through_sqlalchemy(built):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(f"duckdb:///{built[0] / 'gia.duckdb'}", connect_args={"read_only": True})
    with engine.connect() as c:
        tables = set(sqlalchemy.inspect(c).get_table_names())
        assert set(MARTS) <= tables
        rows = c.execute(sqlalchemy.text("select o.category_label_zh, sum(f.value) from fct_applications f "
                                         "join dim_outcome o using (outcome_code) group by 1 order by 1")).fetchall()
        assert dict(rows)["予以公开"] > 0
        with pytest.raises(Exception):
            c.execute(sqlalchemy.text("create table not_allowed (x int)"))
    engine.dispose()


def test_analyses_compile_and_run(built):
    tmp = built[0]
    dbt(tmp, "compile", "--select", "resource_type:analysis", "--quiet")  # a writer: before any reader opens the file
    con = duckdb.connect(str(tmp / "gia.duckdb"), read_only=True)
    compiled = sorted((tmp / "target" / "compiled" / "gov_info_annual_reports" / "analyses").glob("*.sql"))
    assert [p.stem for p in compiled] == ["agencies_breaking_identities", "applications_per_year_by_applicant_type",
                                          "refusal_reasons_mix", "year_over_year_change"]
    results = {p.stem: con.sql(p.read_text()).fetchall() for p in compiled}
    broken = [r for r in results["agencies_breaking_identities"] if r[0] == "加法错误县人民政府"]
    assert [r[2:5] for r in broken] == [(2, ["outcome_total", "row_total"], 2)]
    yoy = [r for r in results["year_over_year_change"] if r[0] == "测试市示范区"]  # 示范区 in 2023: the same body
    assert len(yoy) == 2 and yoy[1][5] == yoy[1][3] - yoy[0][3]
    con.close()


def test_export_and_docs(built, tmp_path):
    tmp = built[0]
    dbt(tmp, "run-operation", "export_marts", "--args", f"{{path: '{tmp_path}'}}")
    assert sorted(p.stem for p in tmp_path.glob("*.parquet")) == MARTS
    assert duckdb.sql(f"select count(*) from '{tmp_path}/dim_report.parquet'").fetchone() == (SAMPLE_COUNT + 4,)
    dbt(tmp, "docs", "generate")
    assert (tmp / "target" / "index.html").exists() and (tmp / "target" / "catalog.json").exists()
