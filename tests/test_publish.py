"""Publishing: the new warehouse file whole, or the last good one; never a mix, never a stale log,
never under another writer; readers of the old file undisturbed."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from conftest import ROOT, SAMPLE_COUNT, publish, running, warehouse_state
from ingest import locks
from ingest.cli import run
from ingest.staging import LOCK_FILE
from ingest.synth import write_corpus


@pytest.fixture(scope="module")
def built(sample_warehouse):
    """The samples published (conftest's, shared: tests attack copies of it)."""
    return sample_warehouse.parent


@pytest.fixture
def own(built, tmp_path):
    """A copy of the published warehouse and its staging folder, for one test to attack."""
    shutil.copytree(built / "staging", tmp_path / "staging")
    shutil.copy(built / "gia.duckdb", tmp_path / "gia.duckdb")
    return tmp_path / "staging", tmp_path / "gia.duckdb"


def holder(warehouse: Path, statement: str = "") -> subprocess.Popen:
    """Another process with the warehouse open read-write (a DuckDB session, a BI tool), after
    running ``statement``; it waits for a line on stdin, then closes."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys\n"
         "con = duckdb.connect(sys.argv[1])\n"
         "con.execute(\"set wal_autocheckpoint = '1TB'\")\n"  # what it writes stays in the log
         f"{statement}\n"
         "print('ready', flush=True)\n"
         "sys.stdin.readline()\n"
         "con.close()\n", str(warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_killed_writers_log_is_not_replayed_into_the_new_file(own):
    staging, warehouse = own
    before = warehouse_state(warehouse)
    writer = holder(warehouse, "con.execute('update fct_application_totals set reported_value = reported_value * 1000')")
    writer.kill()
    writer.wait()
    assert warehouse.with_name("gia.duckdb.wal").exists()  # the killed writer's log, beside the file
    done = publish(staging, warehouse)
    assert done.returncode == 0, done.stderr
    assert not warehouse.with_name("gia.duckdb.wal").exists()
    assert warehouse_state(warehouse) == before  # totals as built, not ×1000


def test_publish_is_refused_while_another_process_writes_the_warehouse(own):
    staging, warehouse = own
    before = warehouse_state(warehouse)
    writer = holder(warehouse)
    started = time.perf_counter()
    done = publish(staging, warehouse)
    assert done.returncode == 2 and "open for writing" in done.stderr and "is unchanged" in done.stderr
    assert time.perf_counter() - started < 8  # refused before building, not after
    writer.communicate("close\n", timeout=30)
    assert warehouse_state(warehouse) == before
    assert publish(staging, warehouse).returncode == 0  # once it has closed


def test_publish_is_refused_while_an_ingest_writes_the_staging_folder(own):
    staging, warehouse = own
    with locks.holding(staging / LOCK_FILE, "staging"):  # as a running ingest holds it
        done = publish(staging, warehouse)
    assert done.returncode == 2 and f"in use by process {os.getpid()}" in done.stderr


def test_one_publish_per_warehouse_at_a_time(own):
    staging, warehouse = own
    with locks.holding(warehouse.with_name(".gia.duckdb.lock"), "warehouse"):  # as a running publish holds it
        done = publish(staging, warehouse)
    assert done.returncode == 2 and f"in use by process {os.getpid()}" in done.stderr


def test_a_staging_set_of_two_runs_is_refused(own, tmp_path):
    staging, warehouse = own
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "samples" / "raw" / "000_b871b4d2c0ca5613.txt", raw)
    run(raw, tmp_path / "other", jobs=1, progress=False)
    shutil.copy(tmp_path / "other" / "reviews.parquet", staging / "reviews.parquet")  # as a kill between renames leaves
    before = warehouse_state(warehouse)
    done = publish(staging, warehouse)
    assert done.returncode == 2 and "different runs" in done.stderr
    assert warehouse_state(warehouse) == before


def test_a_killed_publish_takes_its_dbt_with_it_and_the_next_cleans_up(own):
    staging, warehouse = own
    before = warehouse_state(warehouse)
    proc = subprocess.Popen([sys.executable, "-m", "ingest.publish", "--warehouse", str(warehouse), "--staging",
                             str(staging), "--", "--quiet"], cwd=ROOT, env={**os.environ, "DO_NOT_TRACK": "1"})
    deadline = time.time() + 60
    while time.time() < deadline and not (dbt := psutil.Process(proc.pid).children(recursive=True)):
        time.sleep(0.05)
    assert dbt, "dbt did not start"
    time.sleep(2)  # building
    proc.kill()  # publish only, as `kill -9` does: its dbt must not go on
    proc.wait()
    _, alive = psutil.wait_procs(dbt, timeout=5)  # at once: the rest of its build takes longer
    assert not alive
    assert warehouse_state(warehouse) == before
    assert list(warehouse.parent.glob(".gia.duckdb.build-*"))  # what the killed publish left …
    done = publish(staging, warehouse)
    assert done.returncode == 0, done.stderr
    assert not list(warehouse.parent.glob(".gia.duckdb.build-*"))  # … the next one removes


def test_ctrl_c_on_publish_ends_its_dbt_at_once_and_says_so_in_a_line(own):
    staging, warehouse = own
    before = warehouse_state(warehouse)
    proc = subprocess.Popen([sys.executable, "-m", "ingest.publish", "--warehouse", str(warehouse), "--staging",
                             str(staging), "--", "--quiet"], cwd=ROOT, env={**os.environ, "DO_NOT_TRACK": "1"},
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (dbt := psutil.Process(proc.pid).children(recursive=True)):
        time.sleep(0.05)
    assert dbt, "dbt did not start"
    time.sleep(2)  # building
    proc.send_signal(signal.SIGINT)  # to publish alone: the kernel may hand it to any of its threads
    _, alive = psutil.wait_procs(dbt, timeout=5)  # at once: the rest of its build takes longer
    assert not [p for p in alive if running(p)]
    assert proc.wait(timeout=10) == 130
    said = proc.stderr.read()  # (dbt's own children may still add their warnings to it)
    assert "Traceback" not in said and any(line.startswith("publish: interrupted;") for line in said.splitlines())
    assert warehouse_state(warehouse) == before


def test_a_failed_build_keeps_the_last_good_warehouse(own, tmp_path):
    _, warehouse = own
    before = warehouse.read_bytes()
    done = publish(tmp_path / "no_such_staging", warehouse)
    assert done.returncode != 0 and "is unchanged" in done.stderr
    assert warehouse.read_bytes() == before
    assert not list(warehouse.parent.glob(".gia.duckdb.build-*"))  # the half-built file is gone


def test_a_reader_keeps_working_while_the_warehouse_is_rebuilt(own, tmp_path):
    staging, warehouse = own
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys\n"
         f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
         "print(con.sql('select count(*) from dim_report').fetchone()[0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(con.sql('select count(*) from fct_applications').fetchone()[0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == str(SAMPLE_COUNT)  # the reader has the file open
    with duckdb.connect(str(warehouse), read_only=True) as con:
        old_cells = con.sql("select count(*) from fct_applications").fetchone()[0]
    more = tmp_path / "raw"
    shutil.copytree(ROOT / "samples" / "raw", more)
    write_corpus(tmp_path / "synthetic", 3, seed=5)
    for p in (tmp_path / "synthetic" / "raw").iterdir():
        shutil.copy(p, more)
    run(more, staging, jobs=1, progress=False)
    done = publish(staging, warehouse)  # while the reader holds the old file
    assert done.returncode == 0, done.stdout + done.stderr
    out, _ = reader.communicate("go\n", timeout=60)
    assert reader.returncode == 0 and out.strip() == str(old_cells)  # the old warehouse, whole
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.sql("select count(*) from dim_report").fetchone() == (SAMPLE_COUNT + 3,)
