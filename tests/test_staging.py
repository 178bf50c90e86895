"""The staging files Polars writes: the contract's columns and today's Parquet types, read back by
DuckDB; an ingest that never imports pandas (nor pyarrow); workers forked from a run whose Polars
thread pool is running build their tables without it (a child forked from it has no pool threads)."""
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import ENV, ROOT

CONTRACT = ROOT.parent / "shared" / "spec" / "STAGING.md"

# The staging schema before Polars (main at d8bead0, written by pyarrow), as DuckDB describes it:
# the contract's columns, then provenance and the agency's place.
TODAY = {
    "reports": "report_id VARCHAR, source_path VARCHAR, source_format VARCHAR, title VARCHAR, agency VARCHAR, "
               "report_year SMALLINT, layout VARCHAR, applications_layout VARCHAR, read_path VARCHAR, "
               "published_at DATE, info_fee_yuan DOUBLE, status VARCHAR, warnings VARCHAR[], encoding VARCHAR, "
               "size_bytes BIGINT, mtime_ns BIGINT, ingest_version VARCHAR, contact_address VARCHAR, "
               "ocr_pages SMALLINT, info_fee_fen BIGINT, ctime_ns BIGINT, inode UBIGINT, division_code VARCHAR, "
               "division_status VARCHAR, division_source VARCHAR, division_candidates VARCHAR[], township VARCHAR, "
               "agency_level VARCHAR, agency_kind VARCHAR, agency_key VARCHAR, division_vintage VARCHAR",
    "applications": "report_id VARCHAR, row_code VARCHAR, applicant_type VARCHAR, value BIGINT, raw VARCHAR, "
                    "source_line INTEGER, source_page SMALLINT",
    "reviews": "report_id VARCHAR, cell VARCHAR, value BIGINT, raw VARCHAR, source_line INTEGER, source_page SMALLINT",
    "proactive": "report_id VARCHAR, measure VARCHAR, value DOUBLE, raw VARCHAR, source_line INTEGER, source_page SMALLINT",
    "statements": "report_id VARCHAR, statement VARCHAR, value BIGINT, raw VARCHAR, source_line INTEGER, "
                  "source_page SMALLINT",
}
# each DuckDB type as those files stored it: (physical type, converted type) of the Parquet column
# (of the element, for a list)
PARQUET = {"VARCHAR": ("BYTE_ARRAY", "UTF8"), "SMALLINT": ("INT32", "INT_16"), "INTEGER": ("INT32", None),
           "BIGINT": ("INT64", None), "UBIGINT": ("INT64", "UINT_64"), "DOUBLE": ("DOUBLE", None),
           "DATE": ("INT32", "DATE"), "VARCHAR[]": ("BYTE_ARRAY", "UTF8")}
# the contract's type words → DuckDB's
CONTRACT_TYPES = {"string": "VARCHAR", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT",
                  "double": "DOUBLE", "date": "DATE", "list<string>": "VARCHAR[]"}
HEAVY = ("pandas", "pyarrow")


def todays(name: str) -> list[tuple[str, str]]:
    return [tuple(column.split(" ")) for column in TODAY[name].split(", ")]


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    """The samples (text, Markdown, HTML, PDF) ingested, in a child process that first runs Polars'
    thread pool, and reports the heavy modules loaded in it and in the workers it forks."""
    out = tmp_path_factory.mktemp("staging")
    probe = f"""
import sys
from pathlib import Path
import polars as pl
pl.DataFrame({{"a": range(200_000)}}).sort("a", descending=True).group_by(pl.col("a") % 7).len()  # the pool runs
import ingest.cli as cli
real = cli.to_tables
def logged(*args):
    tables = real(*args)
    with open({str(out / "worker.log")!r}, "a") as log:
        log.write(repr(sorted(m for m in {HEAVY!r} if m in sys.modules)) + "\\n")
    return tables
cli.to_tables = logged
stats = cli.run(Path({str(ROOT / "samples" / "raw")!r}), Path({str(out)!r}), jobs=2, progress=False)
print(stats["files"], sorted(m for m in {HEAVY!r} if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    (out / "run.log").write_text(done.stdout, encoding="utf-8")
    return out


def test_workers_forked_after_polars_ran_build_their_tables(staged):
    files = len(list((ROOT / "samples" / "raw").iterdir()))
    assert (staged / "run.log").read_text().split(" ", 1)[0] == str(files)  # no worker hung (the timeout)
    assert duckdb.sql(f"select count(*) from '{staged}/reports.parquet'").fetchone()[0] == files


def test_the_ingest_never_imports_pandas_or_pyarrow(staged):
    assert (staged / "run.log").read_text().split(" ", 1)[1].strip() == "[]"
    logged = (staged / "worker.log").read_text().split("\n")[:-1]
    assert logged and set(logged) == {"[]"}


@pytest.mark.parametrize("name", list(TODAY))
def test_staged_columns_and_types_are_todays(staged, name):
    described = duckdb.sql(f"describe select * from read_parquet('{staged}/{name}.parquet')").fetchall()
    assert [(c, t) for c, t, *_ in described] == todays(name)
    assert duckdb.sql(f"select count(*) from '{staged}/{name}.parquet'").fetchone()[0] > 0


@pytest.mark.parametrize("name", list(TODAY))
def test_parquet_types_are_todays(staged, name):
    leaves = duckdb.sql(f"""select name, type, converted_type from parquet_schema('{staged}/{name}.parquet')
                            where type is not null""").fetchall()
    # a list's leaf is its element, named as Parquet's LIST convention names it
    assert [n for n, *_ in leaves] == ["element" if t.endswith("[]") else c for c, t in todays(name)]
    assert [(physical, converted) for _, physical, converted in leaves] == [PARQUET[t] for _, t in todays(name)]


@pytest.mark.skipif(not CONTRACT.is_file(), reason="the staging contract (../shared/spec) is not here")
def test_todays_schema_holds_every_column_of_the_contract():
    tables = re.findall(r"^## `(\w+)\.parquet`.*?\n((?:\|.*\n)+)", CONTRACT.read_text(encoding="utf-8"), re.M)
    assert {name for name, _ in tables} == set(TODAY)
    for name, rows in tables:
        contract = {}
        for line in rows.split("\n")[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) >= 2 and cells[1]:
                contract[cells[0]] = CONTRACT_TYPES[cells[1].removesuffix(", null")]
        today = dict(todays(name))
        assert contract and {c: today.get(c) for c in contract} == contract, name


@pytest.mark.parametrize("path", ["a.txt", ".bashrc", "d/..x.TXT", "e/f.tar.GZ", "g.", "h", "i/.j.md", "k.d/l", "..",
                                  "a/.", "x/...txt", "报告.ＴＸＴ", "a b/c d.Md"])
def test_the_suffix_of_a_staged_path_is_the_one_its_reader_was_chosen_by(path):
    import os
    import polars as pl
    from ingest.incremental import SUFFIX
    assert pl.DataFrame({"source_path": [path]}).select(SUFFIX).item() == os.path.splitext(path)[1].lower()
