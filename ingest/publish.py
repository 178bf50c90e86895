"""``python -m ingest.publish``: build the warehouse with dbt into a new file and swap it in.

Publishing never inherits state and never publishes a mix:
- one publish per warehouse at a time (a lock beside it), and none while another process holds
  the warehouse read-write (its writes would go to the file being replaced);
- dbt builds from a snapshot of the staging folder, taken while no ingest writes it and checked
  to be one run's complete set, into a fresh folder: nothing of an earlier build, and no stray
  ``.wal``, can meet the new file;
- the new file is checkpointed (no WAL of its own), checked to open, and renamed over the old
  one; a WAL a killed writer left beside the old file is removed first (DuckDB would replay it
  into the new file);
- a failed build leaves the last good warehouse; a killed publish kills its dbt, and the next
  publish removes what it left.
Readers holding the old file (a BI tool, the DuckDB CLI read-only) keep working on it.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from . import locks
from .cli import reason
from .staging import LOCK_FILE, STAGED_FILES, process_alive, run_ids

ROOT = Path(__file__).resolve().parent.parent
BUILD_NAME = "gia.duckdb"  # what the new file is built as; the catalog takes the name of the file it is opened as


class Refused(Exception):
    """Publishing now would not be safe; the message says why."""


def publish(warehouse: Path, staging: Path, dbt_args: list[str] = (), dbt: str | None = None) -> int:
    warehouse = warehouse.resolve()
    folder = warehouse.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with locks.holding(folder / f".{warehouse.name}.lock", f"warehouse {warehouse}"):
            _remove_dead_builds(folder, warehouse.name)
            _no_writer(warehouse)  # checked again at the swap; refusing now saves a build
            build = folder / f".{warehouse.name}.build-{os.getpid()}"
            build.mkdir()
            try:
                snapshot = build / "staging"
                take_snapshot(staging.resolve(), snapshot)
                built = build / BUILD_NAME  # a plain name: dbt-duckdb writes the catalog name into SQL unquoted
                done = _dbt_build(dbt, built, snapshot, build, dbt_args)
                if done != 0:
                    print(f"publish: dbt build failed (exit {done}); {warehouse} is unchanged", file=sys.stderr)
                    return done
                _settle(built)
                _swap(built, warehouse)
            finally:
                shutil.rmtree(build, ignore_errors=True)
    except (locks.LockError, Refused) as e:
        print(f"publish: {e}; {warehouse} is unchanged", file=sys.stderr)
        return 2
    except OSError as e:  # a full disk, a read-only folder …: one line, and what stands
        print(f"publish: {reason(e)}; {warehouse} is unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the build (and its dbt) gone, the file never half-replaced
        print(f"publish: interrupted; {warehouse} is the last complete build", file=sys.stderr)
        return 130
    except duckdb.Error as e:  # checking the new file (a full disk at its checkpoint)
        print(f"publish: the new build could not be checked: {str(e).splitlines()[0]}; {warehouse} is unchanged",
              file=sys.stderr)
        return 1
    print(f"publish: {warehouse} replaced by the new build")
    return 0


def _remove_dead_builds(folder: Path, name: str) -> None:
    for stale in folder.glob(f".{name}.build-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and process_alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)


def take_snapshot(staging: Path, snapshot: Path) -> None:
    """The staging files, linked (or copied) into ``snapshot`` while no ingest writes them, after
    checking they are one run's complete set."""
    if not staging.is_dir():
        raise Refused(f"no staging folder at {staging}: run the ingest first")
    with locks.holding(staging / LOCK_FILE, f"staging folder {staging}", shared=True):
        missing = [n for n in STAGED_FILES if not (staging / f"{n}.parquet").is_file()]
        if missing:
            raise Refused(f"staging folder {staging} has no {', '.join(missing)}.parquet: run the ingest first")
        runs = run_ids(staging)
        if len(runs) != 1 or None in runs:
            raise Refused(f"staging folder {staging} holds files of different runs (one was interrupted): "
                          "run the ingest again")
        snapshot.mkdir()
        for name in STAGED_FILES:
            source = staging / f"{name}.parquet"
            try:
                os.link(source, snapshot / source.name)  # the ingest replaces files, never rewrites them
            except OSError:
                shutil.copy2(source, snapshot / source.name)


def _dbt_build(dbt: str | None, built: Path, snapshot: Path, build: Path, dbt_args: list[str]) -> int:
    """dbt build into ``built``; its compiled SQL and logs go under TMPDIR (on a full warehouse disk,
    dbt then says the build failed, instead of failing to write its own log)."""
    with tempfile.TemporaryDirectory(prefix="gia-dbt-") as scratch:
        return _run_dbt(dbt, built, snapshot, Path(scratch), dbt_args)


DBT_GRACE_SECONDS = 1.0  # how long an interrupted publish lets its dbt stop on its own before killing it


def _run_dbt(dbt: str | None, built: Path, snapshot: Path, build: Path, dbt_args: list[str]) -> int:
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_WAREHOUSE": str(built),
           "GIA_STAGING_DIR": str(snapshot)}
    command = [dbt or str(Path(sys.executable).parent / "dbt"), "build", "--target-path", str(build / "target"),
               "--log-path", str(build / "logs"), *dbt_args]
    parent = os.getpid()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, preexec_fn=lambda: _die_with_parent(parent))
    try:
        while True:  # waited in steps: a Ctrl-C the kernel hands to another of publish's threads
            try:  # (DuckDB's) is raised here only when the main thread runs, not from inside waitpid
                return proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
    finally:
        if proc.poll() is None:  # publish interrupted: its dbt goes too, at once (the build is
            proc.terminate()  # thrown away; dbt waits out its running model on SIGTERM, 10 s and more)
            try:
                proc.wait(timeout=DBT_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _die_with_parent(parent: int) -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: dbt ends when publish is killed
        if os.getppid() != parent:  # publish died between the fork and the line above: no signal will come
            os._exit(1)


def _settle(built: Path) -> None:
    """Everything in the file itself (checkpointed: no WAL beside it), and it opens."""
    with duckdb.connect(str(built)) as con:
        con.execute("checkpoint")
    if built.with_name(built.name + ".wal").exists():
        raise Refused(f"the new build {built} kept a write-ahead log after its checkpoint")
    with duckdb.connect(str(built), read_only=True) as con:
        con.sql("select count(*) from dim_report").fetchall()


def _reader(warehouse: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the current file (None: there is none, or it is not a DuckDB
    file we can read); Refused when a writer has it (DuckDB's lock refuses readers then)."""
    if not warehouse.exists():
        return None
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise Refused(f"another process has {warehouse} open for writing (a DuckDB session, a BI "
                          "tool?): close it, then publish") from None
        return None


def _no_writer(warehouse: Path) -> None:
    if (con := _reader(warehouse)) is not None:
        con.close()


def _swap(built: Path, warehouse: Path) -> None:
    """Rename the new file over the old one. A read-only connection held meanwhile keeps any
    writer out (DuckDB's own lock)."""
    holder = _reader(warehouse)
    try:
        warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)  # a killed writer's: not the new file's
        os.replace(built, warehouse)
    finally:
        if holder is not None:
            holder.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.publish", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, default=Path(os.environ.get("GIA_WAREHOUSE", "warehouse/gia.duckdb")),
                    help="the warehouse file to replace (default: $GIA_WAREHOUSE or warehouse/gia.duckdb)")
    ap.add_argument("--staging", type=Path, default=Path(os.environ.get("GIA_STAGING_DIR", "staging")),
                    help="staging folder to build from (default: $GIA_STAGING_DIR or staging)")
    ap.add_argument("dbt_args", nargs="*", help="extra arguments for dbt build (after --)")
    args = ap.parse_args(argv)
    return publish(args.warehouse, args.staging, args.dbt_args)


if __name__ == "__main__":
    sys.exit(main())
