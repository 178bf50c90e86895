"""Incremental runs: what a staging folder already holds, and which files need reading again.

A staged row is reused when it was written by the same ingest (code, seeds and manifest: the
``ingest_version``) and its file is unchanged (same path, size, mtime, ctime and inode: a file
rewritten with its mtime put back has a new ctime). A file that changed on disk is read and
hashed; if those bytes are already staged under the same suffix (the suffix chooses the reader),
their parse is reused too.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .form import seeds_dir
from .staging import STAGED_FILES, run_ids


STAMP = ("size_bytes", "mtime_ns", "ctime_ns", "inode")  # the staged columns of files.file_stamp
SEEDS_READ = ("form_rows.csv", "form_identities.csv", "divisions.csv", "division_changes.csv", "agency_aliases.csv")


def ingest_version(manifest_digest: str = "", max_bytes: int = 0, seconds: float = 0, memory: int = 0,
                   ocr: bool = True) -> str:
    """Changes whenever the parser, the form, the manifest, a limit (size, time, memory) or OCR on/off
    does: staged rows of another version are parsed again, and replaced."""
    h = hashlib.sha256()
    sources = sorted(Path(__file__).parent.rglob("*.py")) + [seeds_dir() / name for name in SEEDS_READ]
    for path in sources:
        h.update(path.relative_to(Path(__file__).parent.parent).as_posix().encode() if path.suffix == ".py" else path.name.encode())
        h.update(path.read_bytes())
    h.update(f"manifest:{manifest_digest}\nmax_bytes:{max_bytes}\nseconds:{seconds:g}\nmemory:{memory}".encode()
             + (b"" if ocr else b"\nno_ocr"))
    return h.hexdigest()[:12]


@dataclass
class Staged:
    """The rows a previous run of this same ingest version left in the staging folder."""

    reports: pa.Table
    by_path: dict[str, tuple] = field(default_factory=dict)  # path → (report_id, size, mtime_ns, ctime_ns, inode)
    # (report_id, suffix) → the first row staging those bytes read by that suffix's reader
    by_id: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path, version: str) -> "Staged | None":
        if not all((out_dir / f"{name}.parquet").exists() for name in STAGED_FILES):
            return None
        try:
            if len(run_ids(out_dir)) != 1 or None in run_ids(out_dir):  # files of different runs
                return None
            reports = pq.read_table(out_dir / "reports.parquet")
        except (OSError, pa.ArrowInvalid):
            return None
        if not {"ingest_version", "ctime_ns", "inode"} <= set(reports.column_names):
            return None
        reports = reports.filter(pc.equal(reports.column("ingest_version"), version))
        staged = cls(reports)
        columns = [reports.column(c).to_pylist() for c in ("source_path", "report_id", *STAMP)]
        for i, (path, rid, *file_stamp) in enumerate(zip(*columns)):
            staged.by_path[path] = (rid, *file_stamp)
            staged.by_id.setdefault((rid, _suffix(path)), i)
        return staged

    def holds(self, report_id: str | None, rel: str) -> bool:
        """Whether these bytes are staged as a file of ``rel``'s suffix (a .doc copy of a staged
        .txt is not: a full run reads it as a .doc)."""
        return (report_id, _suffix(rel)) in self.by_id

    def unchanged(self, rel: str, file_stamp: tuple) -> bool:
        staged = self.by_path.get(rel)
        return staged is not None and None not in staged[2:4] and staged[1:] == file_stamp

    def moved_row(self, report_id: str, rel: str, file_stamp: tuple) -> pa.Table:
        """The staged row of these bytes, for the path (and file) they are at now."""
        row = self.reports.slice(self.by_id[(report_id, _suffix(rel))], 1)
        for name, value in (("source_path", rel), *zip(STAMP, file_stamp)):
            i = row.schema.get_field_index(name)
            row = row.set_column(i, name, pa.array([value], row.schema.field(name).type))
        warnings = [w for w in row.column("warnings")[0].as_py() if not w.startswith("duplicate_of:")]
        i = row.schema.get_field_index("warnings")
        return row.set_column(i, "warnings", pa.array([warnings], row.schema.field("warnings").type))


def _suffix(rel: str) -> str:
    return os.path.splitext(rel)[1].lower()


def carried_batches(out_dir: Path, name: str, column: str, keep: set[str]):
    """Batches of a staged file whose ``column`` is in ``keep``, in staged order."""
    wanted = pa.array(sorted(keep), pa.string())
    for batch in pq.ParquetFile(out_dir / f"{name}.parquet").iter_batches(batch_size=200_000):
        kept = batch.filter(pc.is_in(batch.column(column), wanted))
        if kept.num_rows:
            yield pa.Table.from_batches([kept])
