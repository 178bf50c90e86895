"""The project's one default warehouse, and what `make demo` made.

Every command (the Makefile, the dashboard, ``ingest.summary``, ``ingest.export``, dbt's profile)
uses ``warehouse/gia.duckdb`` built from ``staging/`` unless told otherwise, and `make demo` builds
exactly those from the bundled samples: after it, no command needs a path. A warehouse that is not
there is a one-line error naming the warehouses that are, never a silent fallback to another file.

`make demo` leaves a note (``warehouse/.gia-demo.json``) saying which staging run and which
warehouse file it made, so that `make clean` removes them only while they are still the demo's,
and a second `make demo` never overwrites a user's own ingest or build.

    python -m ingest.workspace check WAREHOUSE          exit 2 with a one-line message if it is missing
    python -m ingest.workspace demo-check STAGING WAREHOUSE   exit 2 if they hold something else
    python -m ingest.workspace demo-mark STAGING WAREHOUSE
    python -m ingest.workspace clean [--all]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

DEFAULT_STAGING = "staging"
DEFAULT_WAREHOUSE = "warehouse/gia.duckdb"
NOTE = Path("warehouse") / ".gia-demo.json"  # relative to the repository root (the current folder)
BYPRODUCTS = ("target", "logs")  # dbt's compiled files and logs: made again by any dbt command


def default_warehouse() -> str:
    return os.environ.get("GIA_WAREHOUSE") or DEFAULT_WAREHOUSE


def _warehouses_near(path: Path) -> list[str]:
    """DuckDB files in the folder asked for and in the default folder."""
    found: list[str] = []
    for folder in dict.fromkeys([path.parent, Path(DEFAULT_WAREHOUSE).parent]):
        if folder.is_dir():
            found += sorted(str(p) for p in folder.glob("*.duckdb") if p.is_file())
    return list(dict.fromkeys(found))


def missing(path: str | os.PathLike) -> str | None:
    """None when ``path`` is a file; else one line saying so and naming the warehouses there are."""
    path = Path(path)
    if path.is_file():
        return None
    others = _warehouses_near(path)
    if others:
        return (f"no warehouse at {path}; found {', '.join(others[:5])}"
                f"{' …' if len(others) > 5 else ''}: pass one (WAREHOUSE=… or --warehouse …)")
    return (f"no warehouse at {path} (and none in {Path(DEFAULT_WAREHOUSE).parent}/): run `make demo` for the "
            "sample reports, or `make ingest RAW=… && make build` for your own")


def _file_id(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _run_ids(staging: Path) -> list[str] | None:
    try:
        from .staging import run_ids
        ids = run_ids(staging)
    except (ImportError, OSError):  # no Polars (clean without the venv), no staging
        return None
    return sorted(i for i in ids if i) if None not in ids else None


def _note() -> dict:
    try:
        return json.loads(NOTE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_demos(note: dict, staging: Path, warehouse: Path) -> tuple[bool, bool]:
    """Whether the staging folder and the warehouse file are still what `make demo` made."""
    staging_ok = note.get("staging") == str(staging.resolve()) and _run_ids(staging) == note.get("staging_run")
    warehouse_ok = note.get("warehouse") == str(warehouse.resolve()) and _file_id(warehouse) == note.get("warehouse_id")
    return staging_ok, warehouse_ok


def demo_check(staging: Path, warehouse: Path) -> str | None:
    """Why `make demo` must not write these (a user's own ingest or build), or None."""
    staging_ok, warehouse_ok = _is_demos(_note(), staging, warehouse)
    own = []
    if (staging / "reports.parquet").exists() and not staging_ok:
        own.append(f"{staging}/ holds your own ingest")
    if warehouse.exists() and not warehouse_ok:
        own.append(f"{warehouse} is your own build")
    if not own:
        return None
    return (f"{' and '.join(own)}: `make demo` would replace it. Remove it first (`make clean ALL=1`), or "
            "build the demo elsewhere: make demo STAGING=demo/staging WAREHOUSE=demo/gia.duckdb")


def demo_mark(staging: Path, warehouse: Path) -> None:
    NOTE.parent.mkdir(parents=True, exist_ok=True)
    NOTE.write_text(json.dumps({"staging": str(staging.resolve()), "staging_run": _run_ids(staging),
                                "warehouse": str(warehouse.resolve()), "warehouse_id": _file_id(warehouse)},
                               indent=1), encoding="utf-8")


def _relative(path: Path) -> Path:
    """As the user named it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def clean(everything: bool = False) -> list[str]:
    """Remove what `make demo` made (while it is still the demo's) and dbt's byproducts; with
    ``everything``, also the default staging folder, warehouse folder and export folder, whatever
    they hold. Paths given on the command line (STAGING=, WAREHOUSE=) are never removed.
    Returns one line per folder or file kept or removed."""
    said = []
    note = _note()
    staging, warehouse = (_relative(Path(note.get("staging", DEFAULT_STAGING))),
                          _relative(Path(note.get("warehouse", DEFAULT_WAREHOUSE))))
    staging_ok, warehouse_ok = _is_demos(note, staging, warehouse)
    doomed: list[Path] = [Path(p) for p in BYPRODUCTS]
    if everything:
        doomed += [Path(DEFAULT_STAGING), Path(DEFAULT_WAREHOUSE).parent, Path("export")]
    if staging_ok:
        doomed.append(staging)
    elif staging.exists() and not everything:
        said.append(f"kept {staging}/: not what `make demo` made (your own ingest); `make clean ALL=1` removes it")
    if warehouse_ok:
        doomed += [warehouse, warehouse.with_name(warehouse.name + ".wal")]
    elif warehouse.exists() and not everything:
        said.append(f"kept {warehouse}: not what `make demo` made (your own build); `make clean ALL=1` removes it")
    for path in doomed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        else:
            continue
        said.append(f"removed {path}")
    NOTE.unlink(missing_ok=True)
    if NOTE.parent.is_dir() and not any(p for p in NOTE.parent.iterdir() if not p.name.startswith(".")):
        shutil.rmtree(NOTE.parent)  # nothing left but lock files
    return said


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.workspace", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("check").add_argument("warehouse", type=Path)
    for name in ("demo-check", "demo-mark"):
        p = sub.add_parser(name)
        p.add_argument("staging", type=Path)
        p.add_argument("warehouse", type=Path)
    sub.add_parser("clean").add_argument("--all", action="store_true")
    args = ap.parse_args(argv)
    if args.command == "check":
        problem = missing(args.warehouse)
    elif args.command == "demo-check":
        problem = demo_check(args.staging, args.warehouse)
    elif args.command == "demo-mark":
        demo_mark(args.staging, args.warehouse)
        problem = None
    else:
        print("\n".join(clean(args.all)) or "nothing to clean")
        problem = None
    if problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
