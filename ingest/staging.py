"""Write ParsedReports as the staging Parquet files of ../shared/spec/STAGING.md.

Rows are streamed to each file in batches (the corpus is never held in memory) and every file is
written under a temporary name and renamed into place at the end, so a crashed run never leaves
a half-written Parquet behind.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .form import Form
from .parse import ParsedReport

BATCH_REPORTS = 2000

REPORTS = pa.schema([
    ("report_id", pa.string()), ("source_path", pa.string()), ("source_format", pa.string()),
    ("title", pa.string()), ("agency", pa.string()), ("report_year", pa.int16()), ("layout", pa.string()),
    ("published_at", pa.date32()), ("info_fee_yuan", pa.float64()), ("status", pa.string()),
    ("warnings", pa.list_(pa.string())), ("encoding", pa.string()), ("size_bytes", pa.int64()),
])
APPLICATIONS = pa.schema([
    ("report_id", pa.string()), ("row_code", pa.string()), ("applicant_type", pa.string()),
    ("value", pa.int64()), ("raw", pa.string()), ("source_line", pa.int32()),
])
REVIEWS = pa.schema([
    ("report_id", pa.string()), ("cell", pa.string()), ("value", pa.int64()), ("raw", pa.string()),
    ("source_line", pa.int32()),
])
PROACTIVE = pa.schema([
    ("report_id", pa.string()), ("measure", pa.string()), ("value", pa.float64()), ("raw", pa.string()),
    ("source_line", pa.int32()),
])


class StagingWriter:
    """Context manager: ``add()`` reports, files appear atomically on a clean exit."""

    def __init__(self, out_dir: str | os.PathLike, form: Form, extra_columns: list[str] = ()):
        self.out = Path(out_dir)
        self.form = form
        self.extra_columns = list(extra_columns)
        reports_schema = REPORTS
        for name in self.extra_columns:
            reports_schema = reports_schema.append(pa.field(name, pa.string()))
        self.schemas = {"reports": reports_schema, "applications": APPLICATIONS, "reviews": REVIEWS,
                        "proactive": PROACTIVE}
        self._rows: dict[str, dict[str, list]] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._pending = 0
        self._tmp = {name: self.out / f".{name}.parquet.{os.getpid()}.tmp" for name in self.schemas}

    def __enter__(self) -> "StagingWriter":
        self.out.mkdir(parents=True, exist_ok=True)
        self._reset()
        return self

    def _reset(self) -> None:
        self._rows = {name: {f.name: [] for f in schema} for name, schema in self.schemas.items()}
        self._pending = 0

    def add(self, rep: ParsedReport, extras: dict[str, str | None] | None = None, tables: bool = True) -> None:
        """One input file; ``tables=False`` for a copy of a report already added (its cells once)."""
        r = self._rows["reports"]
        for name in ("report_id", "source_path", "source_format", "title", "agency", "report_year", "layout",
                     "published_at", "info_fee_yuan", "status", "warnings", "encoding", "size_bytes"):
            r[name].append(getattr(rep, name))
        for name in self.extra_columns:
            r[name].append((extras or {}).get(name))
        if tables and rep.layout:
            a = self._rows["applications"]
            applicants = self.form.applicants
            for row_code, cells in rep.applications.items():
                for applicant, c in zip(applicants, cells):
                    a["report_id"].append(rep.report_id)
                    a["row_code"].append(row_code)
                    a["applicant_type"].append(applicant)
                    a["value"].append(None if c.value is None else int(c.value))
                    a["raw"].append(c.raw)
                    a["source_line"].append(c.line)
            for name, key, cells in (("reviews", "cell", rep.reviews), ("proactive", "measure", rep.proactive)):
                t = self._rows[name]
                for code, c in cells.items():
                    t["report_id"].append(rep.report_id)
                    t[key].append(code)
                    t["value"].append(None if c.value is None else (int(c.value) if name == "reviews" else c.value))
                    t["raw"].append(c.raw)
                    t["source_line"].append(c.line)
        self._pending += 1
        if self._pending >= BATCH_REPORTS:
            self.flush()

    def flush(self) -> None:
        for name, cols in self._rows.items():
            table = pa.table(cols, schema=self.schemas[name])
            if name not in self._writers:
                self._writers[name] = pq.ParquetWriter(self._tmp[name], self.schemas[name], compression="zstd")
            if table.num_rows:
                self._writers[name].write_table(table)
        self._reset()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
        for w in self._writers.values():
            w.close()
        for name, tmp in self._tmp.items():
            if exc_type is None:
                os.replace(tmp, self.out / f"{name}.parquet")
            elif tmp.exists():
                tmp.unlink()
