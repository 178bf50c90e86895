"""``python -m ingest.publish``: build the warehouse with dbt into a new file and swap it in.

Readers holding the old file (a BI tool, the DuckDB CLI in read-only mode) keep working on it: the
swap is a rename, and an open file outlives its name. A build that fails leaves the last good
warehouse in place, and the half-built file is removed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from .staging import process_alive

ROOT = Path(__file__).resolve().parent.parent


def publish(warehouse: Path, staging: Path, dbt_args: list[str] = (), dbt: str | None = None) -> int:
    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    building = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.building")
    for stale in warehouse.parent.glob(f".{warehouse.name}.*.building*"):  # left by a killed build
        pid = stale.name.split(".")[-2] if stale.suffix == ".building" else stale.name.split(".")[-3]
        if pid.isdigit() and not process_alive(int(pid)):
            stale.unlink(missing_ok=True)
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_WAREHOUSE": str(building),
           "GIA_STAGING_DIR": str(staging.resolve())}
    dbt = dbt or str(Path(sys.executable).parent / "dbt")
    try:
        done = subprocess.run([dbt, "build", *dbt_args], cwd=ROOT, env=env)
        if done.returncode != 0:
            print(f"publish: dbt build failed (exit {done.returncode}); {warehouse} is unchanged", file=sys.stderr)
            return done.returncode
        with duckdb.connect(str(building), read_only=True) as con:  # it opens, and has the marts
            con.sql("select count(*) from dim_report").fetchall()
        os.replace(building, warehouse)
        print(f"publish: {warehouse} replaced by the new build")
        return 0
    finally:
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)


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
