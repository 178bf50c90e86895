"""Runs killed at random points and runs racing each other: the staging folder and the warehouse
are always what a clean run makes, or the previous good state; never a mix, never a duplicate."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from conftest import ENV, ROOT, publish, running, staged_state, warehouse_state
from ingest.synth import write_corpus

SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)  # kill -9, kill, Ctrl-C


@pytest.fixture(scope="module")
def clean(tmp_path_factory, sample_warehouse):
    """Two input folders (the samples; the samples and 400 generated reports), what an
    uninterrupted ingest and publish make of each (the samples': conftest's), and how long the
    larger takes here."""
    tmp = tmp_path_factory.mktemp("faults")
    raws = {"small": tmp / "small", "large": tmp / "large"}
    for raw in raws.values():
        shutil.copytree(ROOT / "samples" / "raw", raw)
    write_corpus(tmp / "generated", 400, seed=31)
    for p in (tmp / "generated" / "raw").iterdir():
        shutil.copy(p, raws["large"])
    states = {"small": (staged_state(sample_warehouse.parent / "staging"), warehouse_state(sample_warehouse))}
    started = time.perf_counter()
    assert subprocess.run(ingest_command(raws["large"], tmp / "large_staging"), cwd=ROOT, env=ENV).returncode == 0
    seconds = {"ingest": time.perf_counter() - started}
    started = time.perf_counter()
    done = publish(tmp / "large_staging", tmp / "large.duckdb")
    seconds["publish"] = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    states["large"] = (staged_state(tmp / "large_staging"), warehouse_state(tmp / "large.duckdb"))
    return raws, states, seconds


def ingest_command(raw: Path, staging: Path, full: bool = False) -> list[str]:
    return [sys.executable, "-m", "ingest", str(raw), "--out", str(staging), "--jobs", "2", "--quiet",
            *(["--full"] if full else [])]


def publish_command(staging: Path, warehouse: Path) -> list[str]:
    return [sys.executable, "-m", "ingest.publish", "--warehouse", str(warehouse), "--staging", str(staging),
            "--", "--quiet"]


def which(state, states: dict, part: int) -> str | None:
    return next((name for name, both in states.items() if both[part] == state), None)


def test_runs_killed_at_random_points_leave_a_clean_state_or_the_previous_one(clean, tmp_path):
    raws, states, seconds = clean
    rng = random.Random(20261122)
    staging, warehouse = tmp_path / "staging", tmp_path / "gia.duckdb"
    staged = published = None  # which input the staging folder and the warehouse hold now
    interrupted = 0
    for trial in range(44):  # until 11 runs were cut short: how many finish first depends on the machine
        if interrupted >= 11 and trial >= 22:
            break
        ingesting = trial % 2 == 0
        if ingesting:  # incremental or full, killed anywhere from start-up to the last rename
            name = rng.choice(sorted(raws))
            command = ingest_command(raws[name], staging, full=rng.random() < 0.5)
        else:
            command = publish_command(staging, warehouse)
        wait = rng.uniform(0, 1.1) * seconds["ingest" if ingesting else "publish"]
        proc = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(wait)
        if proc.poll() is None:
            family = psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(rng.choice(SIGNALS))  # the main process only: its workers and dbt must follow
            interrupted += 1
            # at once: a build left alone takes longer (a quarter of one here, at least 5 s: on a
            # loaded machine a signalled dbt needs a moment to be scheduled and exit)
            _, alive = psutil.wait_procs(family, timeout=max(5.0, seconds["publish"] / 4))
            alive = [p for p in alive if running(p)]  # a zombie has exited: only its reaping is left
            assert not alive, f"trial {trial}: {alive} outlived their parent"
        proc.wait()
        if ingesting and (staging / "reports.parquet").exists():
            now = which(staged_state(staging), states, 0)
            assert now in (staged, name), f"trial {trial}: the staging folder holds a mix"
            staged = now
        if not ingesting and warehouse.exists():
            now = which(warehouse_state(warehouse), states, 1)
            assert now in (published, staged), f"trial {trial}: the warehouse holds a mix"
            published = now
        assert not warehouse.with_name("gia.duckdb.wal").exists()
    assert interrupted >= 11  # most trials were cut short, at random points

    # and an uninterrupted run afterwards makes what a clean one does, leaving nothing behind
    assert subprocess.run(ingest_command(raws["large"], staging), cwd=ROOT, env=ENV).returncode == 0
    assert publish(staging, warehouse).returncode == 0
    assert (staged_state(staging), warehouse_state(warehouse)) == states["large"]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")]
    assert not list(staging.glob(".*.tmp"))


def test_two_ingests_and_a_publish_racing_on_one_staging_folder(clean, tmp_path):
    raws, states, _ = clean
    rng = random.Random(7)
    staging, warehouse = tmp_path / "staging", tmp_path / "gia.duckdb"
    refusals = successes = 0
    for _ in range(3):
        commands = [ingest_command(raws["small"], staging), ingest_command(raws["large"], staging),
                    publish_command(staging, warehouse)]
        procs = []
        for command in rng.sample(commands, 3):
            procs.append((command, subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                                                    stderr=subprocess.PIPE, text=True)))
            time.sleep(rng.uniform(0, 1.5))
        for command, proc in procs:
            _, err = proc.communicate(timeout=600)
            if proc.returncode == 0:
                successes += 1
            else:  # refused, saying why; never half done
                assert proc.returncode == 2 and ("in use by process" in err or "run the ingest first" in err), err
                refusals += 1
        assert which(staged_state(staging), states, 0) is not None  # one ingest's whole set
        if warehouse.exists():
            assert which(warehouse_state(warehouse), states, 1) is not None  # one set, whole
    assert successes >= 3 and refusals >= 1
    assert os.listdir(staging)  # sanity: the folder was written
