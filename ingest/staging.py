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

import pyarrow as pa
import pyarrow.parquet as pq

from .form import Form
from .parse import ParsedReport

BATCH_REPORTS = 2000
LOCK_FILE = ".gia-staging.lock"  # held by the one ingest writing the folder, and by publish while it copies it

REPORTS = pa.schema([  # the contract's columns, then provenance
    ("report_id", pa.string()), ("source_path", pa.string()), ("source_format", pa.string()),
    ("title", pa.string()), ("agency", pa.string()), ("report_year", pa.int16()), ("layout", pa.string()),
    ("applications_layout", pa.string()),
    ("read_path", pa.string()),  # fast | full: which reader read the tables (ingest/fast.py); null: not read
    ("published_at", pa.date32()), ("info_fee_yuan", pa.float64()), ("status", pa.string()),
    ("warnings", pa.list_(pa.string())), ("encoding", pa.string()), ("size_bytes", pa.int64()),
    ("mtime_ns", pa.int64()), ("ingest_version", pa.string()),
    ("contact_address", pa.string()), ("ocr_pages", pa.int16()), ("info_fee_fen", pa.int64()), ("ctime_ns", pa.int64()),
    ("inode", pa.uint64()),
])
PLACE = pa.schema([  # where the agency sits (ingest/agency.py)
    ("division_code", pa.string()), ("division_status", pa.string()), ("division_source", pa.string()),
    ("division_candidates", pa.list_(pa.string())), ("township", pa.string()), ("agency_level", pa.string()),
    ("agency_kind", pa.string()), ("agency_key", pa.string()), ("division_vintage", pa.string()),
])
APPLICATIONS = pa.schema([
    ("report_id", pa.string()), ("row_code", pa.string()), ("applicant_type", pa.string()),
    ("value", pa.int64()), ("raw", pa.string()), ("source_line", pa.int32()), ("source_page", pa.int16()),
])
REVIEWS = pa.schema([
    ("report_id", pa.string()), ("cell", pa.string()), ("value", pa.int64()), ("raw", pa.string()),
    ("source_line", pa.int32()), ("source_page", pa.int16()),
])
PROACTIVE = pa.schema([
    ("report_id", pa.string()), ("measure", pa.string()), ("value", pa.float64()), ("raw", pa.string()),
    ("source_line", pa.int32()), ("source_page", pa.int16()),
])
STATEMENTS = pa.schema([  # numbers the prose states (ingest/statements.py)
    ("report_id", pa.string()), ("statement", pa.string()), ("value", pa.int64()), ("raw", pa.string()),
    ("source_line", pa.int32()), ("source_page", pa.int16()),
])


def to_tables(reports: list[ParsedReport], extras: list[dict[str, str | None]], form: Form,
              extra_columns: list[str], with_cells: list[bool], version: str) -> dict[str, pa.Table]:
    """ParsedReports → the four staging tables. A report without a layout has no cells, and
    neither has one whose ``with_cells`` is False (a copy of bytes staged under another path)."""
    cols: dict[str, dict[str, list]] = {name: {f.name: [] for f in schema}
                                         for name, schema in schemas(extra_columns).items()}
    r = cols["reports"]
    applicants = form.applicants
    for rep, extra, cells_wanted in zip(reports, extras, with_cells):
        for name in REPORTS.names:
            r[name].append(version if name == "ingest_version" else getattr(rep, name))
        for name in PLACE.names:
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
    return {name: pa.table(c, schema=schemas(extra_columns)[name]) for name, c in cols.items()}


def add_statements(columns: dict[str, list], rep: ParsedReport) -> None:
    for st in rep.statements:
        for name, value in (("report_id", rep.report_id), ("statement", st.statement), ("value", st.value),
                            ("raw", st.raw), ("source_line", st.line), ("source_page", st.page)):
            columns[name].append(value)


def schemas(extra_columns: list[str] = ()) -> dict[str, pa.Schema]:
    reports = pa.schema([*REPORTS, *PLACE])
    for name in extra_columns:
        reports = reports.append(pa.field(name, pa.string()))
    return {"reports": reports, "applications": APPLICATIONS, "reviews": REVIEWS, "proactive": PROACTIVE,
            "statements": STATEMENTS}


RUN_KEY = b"gia_run"
STAGED_FILES = ("reports", "applications", "reviews", "proactive", "statements")


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_ids(out_dir: Path) -> set[bytes | None]:
    """The run fingerprints the staged files carry: one when they were written by one complete run."""
    return {(pq.ParquetFile(out_dir / f"{name}.parquet").metadata.metadata or {}).get(RUN_KEY)
            for name in STAGED_FILES}


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


def _abandon(writer: pq.ParquetWriter) -> None:
    """Close a writer whose file is thrown away, whatever happens (a full disk fails its close,
    and its finaliser would try, and fail, again)."""
    if writer.is_open:
        try:
            writer.close()
        except OSError:
            writer.is_open = False
            if writer.file_handle is not None:
                writer.file_handle.close()


class MixedStaging(OSError):
    """Renaming the new files in failed part way: the folder holds files of two runs (their
    fingerprints tell; the next ingest redoes them, publish refuses them)."""


class StagingWriter:
    """Context manager: ``add()`` tables; row groups of about BATCH_REPORTS reports. The new set is
    written into a folder beside the staging folder and the two folders are swapped in one step
    on a clean exit: the staging folder always holds one run's complete set (where the system
    cannot swap folders, the four files are renamed in, and their shared fingerprint tells a set
    cut short by a kill). A staging folder that is a mount point gets the new set inside it (a
    rename across devices fails), and the files are renamed in. Any failure before that (a full
    disk, a read-only folder) leaves the last staging as it was."""

    def __init__(self, out_dir: str | os.PathLike, extra_columns: list[str] = ()):
        self.out = Path(out_dir)
        self.schemas = schemas(list(extra_columns))
        # a fingerprint of what the run wrote, in all four files: files of different runs disagree,
        # and the same input gives the same bytes
        self._fingerprint = hashlib.sha256()
        self._buffers: dict[str, list[pa.Table]] = {name: [] for name in self.schemas}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._pending = 0
        self.next = self.out.parent / f".{self.out.name}.next-{os.getpid()}"
        self.fix_reports = None  # a function of a batch of written reports, applied once all are (see copies)

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

    def _remember(self, reports: pa.Table) -> None:
        for rid, path in zip(reports.column("report_id").to_pylist(), reports.column("source_path").to_pylist()):
            self._fingerprint.update(f"{rid}\t{path}\n".encode())

    def _writer(self, name: str) -> pq.ParquetWriter:
        if name not in self._writers:
            self._writers[name] = pq.ParquetWriter(self.next / f"{name}.parquet", self.schemas[name], compression="zstd")
        return self._writers[name]

    def write(self, name: str, table: pa.Table) -> None:
        """Rows straight to the file (carried over from a previous run: before anything added)."""
        if name == "reports":
            self._remember(table)
        if table.num_rows:
            self._writer(name).write_table(table.select(self.schemas[name].names).cast(self.schemas[name]))

    def add(self, tables: dict[str, pa.Table]) -> None:
        self._remember(tables["reports"])
        for name, table in tables.items():
            self._buffers[name].append(table)
        self._pending += tables["reports"].num_rows
        if self._pending >= BATCH_REPORTS:
            self.flush()

    def flush(self) -> None:
        for name, parts in self._buffers.items():
            writer = self._writer(name)
            table = pa.concat_tables(parts) if parts else self.schemas[name].empty_table()
            if table.num_rows:
                writer.write_table(table)
            parts.clear()
        self._pending = 0

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.flush()
                for w in self._writers.values():
                    w.add_key_value_metadata({RUN_KEY: self._fingerprint.hexdigest()[:16].encode()})
                for w in self._writers.values():
                    w.close()
                if self.fix_reports is not None:
                    self._rewrite("reports", self.fix_reports)
                self._commit()
        finally:
            for w in self._writers.values():
                _abandon(w)
            shutil.rmtree(self.next, ignore_errors=True)

    def _rewrite(self, name: str, fix) -> None:
        """The written file again, each row group through ``fix`` (its fingerprint kept)."""
        path = self.next / f"{name}.parquet"
        if not path.exists():
            return
        written = pq.ParquetFile(path)
        fixed = path.with_suffix(".fixed")
        with pq.ParquetWriter(fixed, self.schemas[name], compression="zstd") as writer:
            for group in range(written.num_row_groups):
                writer.write_table(fix(written.read_row_group(group)))
            writer.add_key_value_metadata({RUN_KEY: self._fingerprint.hexdigest()[:16].encode()})
        written.close()
        os.replace(fixed, path)

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
