"""Write ParsedReports as the staging Parquet files of ../shared/spec/STAGING.md.

Rows are streamed to each file in batches (the corpus is never held in memory) and every file is
written under a temporary name and renamed into place at the end, so a crashed run never leaves
a half-written Parquet behind.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import sys
from pathlib import Path

import polars as pl

from .form import Form
from .parse import ParsedReport

BATCH_REPORTS = 2000
LOCK_FILE = ".gia-staging.lock"  # held by the one ingest writing the folder, and by publish while it copies it

REPORTS = pl.Schema([  # the contract's columns, then provenance
    ("report_id", pl.String), ("source_path", pl.String), ("source_format", pl.String),
    ("title", pl.String), ("agency", pl.String), ("report_year", pl.Int16), ("layout", pl.String),
    ("applications_layout", pl.String),
    ("read_path", pl.String),  # fast | full: which reader read the tables (ingest/fast.py); null: not read
    ("published_at", pl.Date), ("info_fee_yuan", pl.Float64), ("status", pl.String),
    ("warnings", pl.List(pl.String)), ("encoding", pl.String), ("size_bytes", pl.Int64),
    ("mtime_ns", pl.Int64), ("ingest_version", pl.String),
    ("contact_address", pl.String), ("ocr_pages", pl.Int16), ("info_fee_fen", pl.Int64), ("ctime_ns", pl.Int64),
    ("inode", pl.UInt64),
])
PLACE = pl.Schema([  # where the agency sits (ingest/agency.py)
    ("division_code", pl.String), ("division_status", pl.String), ("division_source", pl.String),
    ("division_candidates", pl.List(pl.String)), ("township", pl.String), ("agency_level", pl.String),
    ("agency_kind", pl.String), ("agency_key", pl.String), ("division_vintage", pl.String),
])
APPLICATIONS = pl.Schema([
    ("report_id", pl.String), ("row_code", pl.String), ("applicant_type", pl.String),
    ("value", pl.Int64), ("raw", pl.String), ("source_line", pl.Int32), ("source_page", pl.Int16),
])
REVIEWS = pl.Schema([
    ("report_id", pl.String), ("cell", pl.String), ("value", pl.Int64), ("raw", pl.String),
    ("source_line", pl.Int32), ("source_page", pl.Int16),
])
PROACTIVE = pl.Schema([
    ("report_id", pl.String), ("measure", pl.String), ("value", pl.Float64), ("raw", pl.String),
    ("source_line", pl.Int32), ("source_page", pl.Int16),
])
STATEMENTS = pl.Schema([  # numbers the prose states (ingest/statements.py)
    ("report_id", pl.String), ("statement", pl.String), ("value", pl.Int64), ("raw", pl.String),
    ("source_line", pl.Int32), ("source_page", pl.Int16),
])


def to_tables(reports: list[ParsedReport], extras: list[dict[str, str | None]], form: Form,
              extra_columns: list[str], with_cells: list[bool], version: str) -> dict[str, pl.DataFrame]:
    """ParsedReports → the staging tables. A report without a layout has no cells, and neither
    has one whose ``with_cells`` is False (a copy of bytes staged under another path). Built in
    the worker processes, forked from a run that may already have used Polars' thread pool: only
    building a frame from Python values and pickling it, which run on the calling thread, may
    happen here (an operation that goes to the pool waits for threads a forked child does not
    have; tests/test_staging.py)."""
    tables = schemas(extra_columns)
    cols: dict[str, dict[str, list]] = {name: {column: [] for column in schema} for name, schema in tables.items()}
    r = cols["reports"]
    applicants = form.applicants
    for rep, extra, cells_wanted in zip(reports, extras, with_cells):
        for name in REPORTS:
            r[name].append(version if name == "ingest_version" else getattr(rep, name))
        for name in PLACE:
            r[name].append(getattr(rep.place, name))
        for name in extra_columns:
            r[name].append(extra.get(name))
        if cells_wanted:
            add_statements(cols["statements"], rep)
        if not (rep.layout and cells_wanted):
            continue
        rid = rep.report_id
        a = cols["applications"]
        cells = [c for row in rep.applications.values() for c in row]
        a["report_id"].extend([rid] * len(cells))
        a["row_code"].extend(code for code in rep.applications for _ in applicants)
        a["applicant_type"].extend(applicants * len(rep.applications))
        a["value"].extend(None if c.value is None else int(c.value) for c in cells)
        a["raw"].extend(c.raw for c in cells)
        a["source_line"].extend(c.line for c in cells)
        a["source_page"].extend(c.page for c in cells)
        for name, key, by_code in (("reviews", "cell", rep.reviews), ("proactive", "measure", rep.proactive)):
            t = cols[name]
            t["report_id"].extend([rid] * len(by_code))
            t[key].extend(by_code)
            cast = int if name == "reviews" else float
            t["value"].extend(None if c.value is None else cast(c.value) for c in by_code.values())
            t["raw"].extend(c.raw for c in by_code.values())
            t["source_line"].extend(c.line for c in by_code.values())
            t["source_page"].extend(c.page for c in by_code.values())
    return {name: pl.DataFrame(c, schema=tables[name], strict=True) for name, c in cols.items()}


def add_statements(columns: dict[str, list], rep: ParsedReport) -> None:
    for st in rep.statements:
        for name, value in (("report_id", rep.report_id), ("statement", st.statement), ("value", st.value),
                            ("raw", st.raw), ("source_line", st.line), ("source_page", st.page)):
            columns[name].append(value)


def schemas(extra_columns: list[str] = ()) -> dict[str, pl.Schema]:
    reports = pl.Schema({**REPORTS, **PLACE, **{name: pl.String for name in extra_columns}})
    return {"reports": reports, "applications": APPLICATIONS, "reviews": REVIEWS, "proactive": PROACTIVE,
            "statements": STATEMENTS}


RUN_KEY = "gia_run"
STAGED_FILES = ("reports", "applications", "reviews", "proactive", "statements")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_ids(out_dir: Path) -> set[str | None]:
    """The run fingerprints the staged files carry: one when they were written by one complete
    run (a file that is not Parquet, cut short, carries none)."""
    return {_run_id(out_dir / f"{name}.parquet") for name in STAGED_FILES}


def _run_id(path: Path) -> str | None:
    try:
        return pl.read_parquet_metadata(path).get(RUN_KEY)
    except pl.exceptions.ComputeError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or file system cannot."""
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


class MixedStaging(OSError):
    """Renaming the new files in failed part way: the folder holds files of two runs (their
    fingerprints tell; the next ingest redoes them, publish refuses them)."""


class StagingWriter:
    """Context manager: ``add()`` tables, ``write()`` rows carried over. Rows go to disk in parts
    of about BATCH_REPORTS reports (Arrow IPC files beside the new set: Polars writes a Parquet
    file whole, it cannot add row groups to one), and each staging file is written from its
    parts in one streaming pass at the end, with the run's fingerprint. The new set is written
    into a folder beside the staging folder and the two folders are swapped in one step on a
    clean exit: the staging folder always holds one run's complete set (where the system cannot
    swap folders, the files are renamed in, and their shared fingerprint tells a set cut short
    by a kill). A staging folder that is a mount point gets the new set inside it (a rename
    across devices fails), and the files are renamed in. Any failure before that (a full disk,
    a read-only folder) leaves the last staging as it was."""

    def __init__(self, out_dir: str | os.PathLike, extra_columns: list[str] = ()):
        self.out = Path(out_dir)
        self.schemas = schemas(list(extra_columns))
        # a fingerprint of what the run wrote, in all the files: files of different runs disagree,
        # and the same input gives the same bytes
        self._fingerprint = hashlib.sha256()
        self._buffers: dict[str, list[pl.DataFrame]] = {name: [] for name in self.schemas}
        self._parts: dict[str, list[Path]] = {name: [] for name in self.schemas}
        self._pending = 0
        self.next = self.out.parent / f".{self.out.name}.next-{os.getpid()}"
        self.fix_reports = None  # a function of a part of written reports, applied once all are (see copies)

    def __enter__(self) -> "StagingWriter":
        self.out.mkdir(parents=True, exist_ok=True)
        if os.path.ismount(self.out):
            self.next = self.out / f".gia-next-{os.getpid()}"
        for stale in [*self.out.parent.glob(f".{self.out.name}.next-*"), *self.out.glob(".gia-next-*")]:
            shutil.rmtree(stale, ignore_errors=True)  # a killed run's (we hold the lock)
        for stale in self.out.glob(".*.parquet.*.tmp"):
            stale.unlink(missing_ok=True)
        self.next.mkdir()
        return self

    def _remember(self, reports: pl.DataFrame) -> None:
        for rid, path in reports.select("report_id", "source_path").iter_rows():
            self._fingerprint.update(f"{rid}\t{path}\n".encode())

    def _part(self, name: str, rows: pl.LazyFrame) -> None:
        path = self.next / f".{name}.{len(self._parts[name]):06d}.arrow"
        rows.sink_ipc(path, compression="lz4")
        self._parts[name].append(path)

    def write(self, name: str, rows: pl.DataFrame | pl.LazyFrame) -> None:
        """Rows straight to disk (carried over from a previous run: before anything added); a
        LazyFrame (the cells of a staged file) streams there."""
        if isinstance(rows, pl.DataFrame) and not rows.height:
            return
        if name == "reports":
            self._remember(rows)
        schema = self.schemas[name]
        self._part(name, rows.lazy().select(schema.names()).cast(dict(schema)))

    def add(self, tables: dict[str, pl.DataFrame]) -> None:
        self._remember(tables["reports"])
        for name, table in tables.items():
            self._buffers[name].append(table)
        self._pending += tables["reports"].height
        if self._pending >= BATCH_REPORTS:
            self.flush()

    def flush(self) -> None:
        for name, parts in self._buffers.items():
            rows = [part for part in parts if part.height]
            if rows:
                self._part(name, pl.concat(rows).lazy())
            parts.clear()
        self._pending = 0

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.flush()
                if self.fix_reports is not None:
                    for path in self._parts["reports"]:
                        fixed = path.with_suffix(".fixed")
                        self.fix_reports(pl.read_ipc(path)).write_ipc(fixed, compression="lz4")
                        os.replace(fixed, path)
                run = {RUN_KEY: self._fingerprint.hexdigest()[:16]}
                for name, schema in self.schemas.items():
                    parts = self._parts[name]
                    rows = pl.scan_ipc(parts) if parts else pl.LazyFrame(schema=schema)
                    rows.sink_parquet(self.next / f"{name}.parquet", compression="zstd", metadata=run)
                    for path in parts:
                        path.unlink()
                self._commit()
        finally:
            shutil.rmtree(self.next, ignore_errors=True)

    def _commit(self) -> None:
        """The new set in place of the old, in one step where the folder holds only staging files."""
        ours = {f"{n}.parquet" for n in STAGED_FILES} | {LOCK_FILE}
        lock = self.out / LOCK_FILE
        if all(p.name in ours for p in self.out.iterdir()):
            if lock.exists():  # the same file (and lock) in the new folder
                os.link(lock, self.next / LOCK_FILE)
            if exchange(self.next, self.out):
                return  # self.next now holds the old set, removed on exit
            (self.next / LOCK_FILE).unlink(missing_ok=True)
        for k, name in enumerate(STAGED_FILES):
            try:
                os.replace(self.next / f"{name}.parquet", self.out / f"{name}.parquet")
            except OSError as e:
                if k == 0:
                    raise  # nothing renamed yet: the last staging stands
                raise MixedStaging(e.errno, f"{e.strerror} (renaming the new files in)", str(self.out)) from e
