"""Measures, flags, corrections and stable keys in a built warehouse: the sample reports plus two
reports of one county printed under its name before and after its code changed, in a copy of the
dbt project whose seeds/corrections.csv corrects a cell; built twice; queried with `mf query`."""
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import warehouse_state
from ingest.cli import run
from ingest.parse import report_id
from ingest.synth import random_truth, render

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests/generic", "analyses")
HAICANG = "002_08e398edbd93b538.txt"  # 海沧区 2023: 45 requests disclosed (all natural persons) of 103 decided


def dbt(project: Path, *args):
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(project),
           "GIA_STAGING_DIR": str(project / "staging"), "GIA_WAREHOUSE": str(project / "gia.duckdb")}
    return subprocess.run([str(BIN / "dbt"), *args], cwd=project, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("measures")
    for name in PROJECT_FILES:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, tmp / name)
    raw = tmp / "raw"
    shutil.copytree(ROOT / "samples" / "raw", raw)
    # areacodes: 沙县 (350427) became 三明市沙县区 (350405) in 2021
    before, after = random_truth(random.Random(7), year=2020), random_truth(random.Random(8), year=2021)
    before.agency, after.agency = "沙县人民政府", "三明市沙县区人民政府"
    for name, truth in (("shaxian_2020", before), ("shaxian_2021", after)):
        data, suffix, _ = render(truth, "pipe", seed=0)
        (raw / f"{name}{suffix}").write_bytes(data)
    run(raw, tmp / "staging", jobs=1, progress=False)
    haicang = report_id((raw / HAICANG).read_bytes())
    (tmp / "seeds" / "corrections.csv").write_text(
        "report_id,cell,corrected_value,reason,correction_source,corrected_on\n"
        f"{haicang},applications|granted|natural_person,50,hand check of the page,原网页,2024-05-01\n"
        "0000000000000000,applications|granted|total,1,a file no longer in the corpus,原网页,2024-05-01\n",
        encoding="utf-8")
    first = dbt(tmp, "build")
    assert first.returncode == 0, first.stdout[-4000:]
    state = warehouse_state(tmp / "gia.duckdb")
    again = dbt(tmp, "build")
    assert again.returncode == 0, again.stdout[-4000:]
    return tmp, haicang, first.stdout, state, (before, after)


@pytest.fixture
def con(project):
    c = duckdb.connect(str(project[0] / "gia.duckdb"), read_only=True)
    yield c
    c.close()


def test_a_correction_changes_the_measure_keeps_the_printed_value_and_survives_a_rebuild(project, con):
    tmp, haicang, stdout, state, _ = project
    cell = con.sql("""select value, value_as_printed, corrected from fct_applications
                      where report_id = $r and outcome_code = 'granted' and applicant_type = 'natural_person'""",
                   params={"r": haicang}).fetchone()
    assert cell == (50, 45, True)
    rate = con.sql("""select numerator, denominator, value, rated from fct_report_measures
                      where report_id = $r and measure = 'disclosure_rate'""", params={"r": haicang}).fetchone()
    assert rate == (50, 108, 50 / 108, True)  # 45 → 50 disclosed, so 103 → 108 decided
    # the orphan is reported, not dropped: a listed status and a warning of the build
    statuses = dict(con.sql("select report_id, correction_status from fct_corrections").fetchall())
    assert statuses == {haicang: "applied", "0000000000000000": "report_missing"}
    assert "WARN 1 corrections_still_apply" in stdout.replace("\x1b[33m", "").replace("\x1b[0m", "")
    con.close()
    assert warehouse_state(tmp / "gia.duckdb") == state  # the second build changed nothing


def test_a_county_recoded_between_two_report_years_keeps_one_agency(con, project):
    *_, (before, after) = project
    reports = con.sql("""select agency, report_year, agency_key from dim_report
                         where agency_key = '350405||' order by report_year""").fetchall()
    assert reports == [("沙县人民政府", 2020, "350405||"), ("三明市沙县区人民政府", 2021, "350405||")]
    assert con.sql("select division_vintages, years_reported from dim_agency where agency_key = '350405||'").fetchone() \
        == (["2020", "2024"], 2)
    checks = dict(con.sql("""select c.instance, c.status from fct_identity_checks c join dim_report r using (report_id)
                             where c.check_kind = 'cross_year' and r.agency_key = '350405||'""").fetchall())
    applicants = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                  "legal_service_org", "other_org", "total"]
    assert checks == {col: "pass" if after.applications["carried_over"][i] == before.applications["carried_forward"][i]
                      else "fail" for i, col in enumerate(applicants)}
    flags = {r[0] for r in con.sql("""select flag_code from fct_report_flags f join dim_report r using (report_id)
                                      where r.agency_key = '350405||'""").fetchall()}
    assert ("carry_mismatch" in flags) == ("fail" in checks.values())


def test_the_prose_against_the_table(con):
    """001 says it received 4 requests (its table: 10); 004 says it withheld 4 (its table: 0, the
    4 are 无法提供). The other stated numbers agree with their tables."""
    flags = con.sql("""select r.source_path, f.subject, f.observed_value, f.expected_value, f.source_line, f.raw_text
                       from fct_report_flags f join dim_report r using (report_id)
                       where f.flag_code = 'narrative_mismatch' order by 1""").fetchall()
    assert flags == [("001_5a46c2b8c80e9869.txt", "requests_received", 4, 10, 14, "2020年我局收到政府信息公开申请4件"),
                     ("004_e91101857bf848ba.txt", "requests_denied", 4, 0, 11, "不予公开4件")]
    statuses = dict(con.sql("select check_status, count(*) from fct_report_statements group by 1").fetchall())
    assert statuses == {"match": 28, "mismatch": 2, "not_compared": 4}


def test_peers_leave_out_unrated_values(con):
    unrated_ranked = con.sql("""select count(*) from fct_peer_percentiles p join fct_report_measures m
                                using (report_id, measure) where not m.rated""").fetchone()
    assert unrated_ranked == (0,)
    # 2023 county governments with 30 or more requests decided: 海沧区 (103 → 108 corrected) alone
    peers = con.sql("""select national_peers, national_percentile, national_median from fct_peer_percentiles
                       where measure = 'disclosure_rate' and report_year = 2023 and agency_level = 'county'""").fetchall()
    assert peers == [(1, 0.0, 50 / 108)]


def test_every_flag_and_measure_code_is_labelled(con):
    unlabelled = con.sql("""
        select 'flag', flag_code from fct_report_flags
        union select 'measure', measure from fct_report_measures
        union select 'statement', statement from fct_report_statements
        union select 'correction_status', correction_status from fct_corrections
        except select code_set, code from dim_code_label""").fetchall()
    assert unlabelled == []


def test_mf_query_computes_a_ratio_metric(project, con):
    """`mf query` (MetricFlow) of 公开率 by year: Σ disclosed ÷ Σ decided over the canonical reports."""
    tmp = project[0]
    expected = con.sql("""select report_year, sum(numerator) / sum(denominator) from fct_report_measures
                          where measure = 'disclosure_rate' and numerator is not null and denominator is not null
                          group by 1 order by 1""").fetchall()
    con.close()
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(tmp), "GIA_STAGING_DIR": str(tmp / "staging"),
           "GIA_WAREHOUSE": str(tmp / "gia.duckdb")}
    out = subprocess.run([str(BIN / "mf"), "query", "--metrics", "disclosure_rate", "--group-by", "metric_time__year",
                          "--order", "metric_time__year", "--csv", str(tmp / "rate.csv")],
                         cwd=tmp, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    rows = [line.split(",") for line in (tmp / "rate.csv").read_text().splitlines()[1:]]
    assert [(int(year[:4]), pytest.approx(float(rate))) for year, rate in rows] == expected


def test_the_wide_measures_mart_holds_every_measure_of_the_long_one(con):
    """fct_agency_year_measures: one row per canonical report, a column per measure (and per rate
    its numerator, denominator and rated flag), the same numbers as fct_report_measures."""
    long = con.sql("select report_id, measure, value, numerator, denominator, rated, measure_kind "
                   "from fct_report_measures").fetchall()
    wide = con.sql("select * from fct_agency_year_measures")
    columns = wide.columns
    rows = {r[0]: dict(zip(columns, r)) for r in wide.fetchall()}
    assert len(rows) == len({r[0] for r in long}) > 0
    for report, measure, value, numerator, denominator, rated, kind in long:
        row = rows[report]
        assert row[measure] == value
        if kind == "rate":
            assert (row[f"{measure}_numerator"], row[f"{measure}_denominator"], row[f"{measure}_rated"]) == \
                (numerator, denominator, rated)


def test_the_wide_marts_columns_are_described_from_the_measure_dictionary(con):
    import importlib.util
    spec = importlib.util.spec_from_file_location("measures_yaml", ROOT / "scripts" / "measures_yaml.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.TARGET.read_text(encoding="utf-8") == script.render()  # the YAML is the script's output
    described = {name for name, comment in con.sql(
        "select column_name, comment from duckdb_columns() where table_name = 'fct_agency_year_measures'").fetchall()
        if comment}
    assert described == set(con.sql("select * from fct_agency_year_measures limit 0").columns)
