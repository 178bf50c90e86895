"""End to end: sample reports → staging → `dbt build` → a DuckDB file the CLI can open."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.cli import run

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wh")
    run(ROOT / "samples" / "raw", tmp / "staging", jobs=1, progress=False)
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_STAGING_DIR": str(tmp / "staging"),
           "GIA_WAREHOUSE": str(tmp / "gia.duckdb")}
    done = subprocess.run([str(BIN / "dbt"), "build", "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    return tmp / "gia.duckdb"


def test_known_facts(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    facts = con.sql("""
        select r.agency, r.report_year, a.row_code, a.value
        from stg_reports r join stg_applications a using (report_id)
        where a.applicant_type = 'total' and a.row_code in ('new_received', 'unavailable_not_held') and r.agency = '海沧区'
        order by a.row_code""").fetchall()
    assert facts == [("海沧区", 2023, "new_received", 107), ("海沧区", 2023, "unavailable_not_held", 37)]
    assert con.sql("select count(*) from form_rows").fetchone()[0] == 77
    con.close()


def test_the_duckdb_cli_opens_the_warehouse(warehouse):
    cli = shutil.which("duckdb", path=str(BIN))
    assert cli, "duckdb-cli is a pinned dependency"
    out = subprocess.run([cli, "-readonly", str(warehouse), "-csv", "-c", "select count(*) from stg_reports"],
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["count_star()", "5"]
