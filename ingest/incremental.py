"""Incremental runs: what a staging folder already holds, and which files need reading again.

A staged row is reused when it was written by the same ingest (code, seeds and manifest: the
``ingest_version``) and its file is unchanged (same path, size, mtime, ctime and inode: a file
rewritten with its mtime put back has a new ctime). A file that changed on disk is read and
hashed; if those bytes are already staged under the same suffix (the suffix chooses the reader),
their parse is reused too.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import polars as pl

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


# the suffix that chooses a path's reader, lower case, as os.path.splitext gives it (dots that
# begin the name are not one: ".txt" has none)
SUFFIX = pl.col("source_path").str.extract(r"(?:^|/)\.*[^./][^/]*(\.[^./]*)$").str.to_lowercase().fill_null("")


class Staged:
    """The rows a previous run of this same ingest version left in the staging folder; what is
    unchanged, and what holds the bytes of a file that changed, are joins against them."""

    def __init__(self, out_dir: Path, version: str):
        self.out = out_dir
        self.reports = pl.scan_parquet(out_dir / "reports.parquet").filter(pl.col("ingest_version") == version)
        files = self.reports.select("source_path", "report_id", *STAMP).with_columns(suffix=SUFFIX).collect()
        self.rows, self.paths = files.height, files["source_path"].n_unique()
        self._stamps = files.drop("report_id", "suffix").unique("source_path", keep="last").with_columns(staged=pl.lit(True))
        self._ids = files.select("report_id", "suffix").unique().with_columns(staged=pl.lit(True))

    @classmethod
    def load(cls, out_dir: Path, version: str) -> "Staged | None":
        if not all((out_dir / f"{name}.parquet").exists() for name in STAGED_FILES):
            return None
        try:
            if len(ids := run_ids(out_dir)) != 1 or None in ids:  # files of different runs
                return None
            if not {"ingest_version", "ctime_ns", "inode"} <= set(pl.read_parquet_schema(out_dir / "reports.parquet")):
                return None
            return cls(out_dir, version)
        except (OSError, pl.exceptions.PolarsError):
            return None

    def unchanged(self, rels: Sequence[str], stamps: Sequence[tuple]) -> list[bool]:
        """Whether each file is staged as it is now: the same path, size, times and inode (a
        time that is null, here or there, never matches)."""
        now = pl.DataFrame([rels, *zip(*stamps)] if stamps else None, schema=self._stamps.drop("staged").schema,
                           orient="col")
        return self._marked(now, self._stamps, ["source_path", *STAMP])

    def holds(self, ids: Sequence[str | None], rels: Sequence[str]) -> list[bool]:
        """Whether each file's bytes are staged as a file of its suffix (a .doc copy of a staged
        .txt is not: a full run reads it as a .doc)."""
        now = pl.DataFrame({"report_id": ids, "source_path": rels}, schema={"report_id": pl.String, "source_path": pl.String})
        return self._marked(now.with_columns(suffix=SUFFIX).drop("source_path"), self._ids, ["report_id", "suffix"])

    @staticmethod
    def _marked(now: pl.DataFrame, staged: pl.DataFrame, keys: list[str]) -> list[bool]:
        return (now.join(staged, on=keys, how="left", maintain_order="left")["staged"]
                .fill_null(False).to_list())

    def carried(self, unchanged: list[str], moved: list[tuple[str, str, tuple]]) -> pl.DataFrame:
        """The staged rows of ``unchanged`` paths, and for each ``moved`` (path, report_id, stamp)
        the first staged row of its bytes read by its suffix's reader, at the path (and file)
        they are at now, not a copy of anything yet; in path order."""
        columns = self.reports.collect_schema().names()
        kept = self.reports.filter(pl.col("source_path").is_in(unchanged))
        firsts = (self.reports.with_columns(suffix=SUFFIX).drop("source_path", *STAMP)
                  .unique(["report_id", "suffix"], keep="first", maintain_order=True))
        now = pl.LazyFrame([[m[0] for m in moved], [m[1] for m in moved], *zip(*(m[2] for m in moved))] if moved else None,
                           schema={"source_path": pl.String, "report_id": pl.String,
                                   **{c: self._stamps.schema[c] for c in STAMP}}, orient="col")
        moved_rows = (now.with_columns(suffix=SUFFIX).join(firsts, on=["report_id", "suffix"], maintain_order="left")
                      .with_columns(pl.col("warnings").list.filter(~pl.element().str.starts_with("duplicate_of:")))
                      .select(columns))
        return pl.concat([kept, moved_rows]).sort("source_path").collect()

    def cells(self, name: str, ids: list[str]) -> pl.LazyFrame:
        """The rows of a staged file of cells whose report_id is one of ``ids``, in staged order."""
        return pl.scan_parquet(self.out / f"{name}.parquet").filter(pl.col("report_id").is_in(ids))
