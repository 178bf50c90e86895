"""``python -m ingest RAW_DIR --out STAGING_DIR``: raw annual reports → staging Parquet."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from .form import load_form
from .read import source_format_of
from .parse import STATUSES, TOO_LARGE, UNREADABLE, ParsedReport, file_report_id, parse_report, report_id
from .incremental import STAGED_FILES, Staged, carried_batches, ingest_version
from .staging import StagingWriter, to_tables

MAX_BYTES = 32 * 2**20  # a report is kilobytes; a page with its images inlined, a few MB
# manifest columns that fill or override what the parser found
MANIFEST_FIELDS = ("title", "agency", "report_year", "published_at")


def find_reports(raw_dir: Path) -> list[tuple[str, str]]:
    """(path, path relative to raw_dir) of every file under raw_dir, in path order: each gets a
    row, those in formats not read with the status unsupported."""
    found = []
    for folder, _, names in os.walk(raw_dir):
        for name in names:
            path = os.path.join(folder, name)
            found.append((path, os.path.relpath(path, raw_dir).replace(os.sep, "/")))
    return sorted(found, key=lambda f: f[1])


CHUNK_FILES = 64  # files per worker task: fixed, so output does not depend on --jobs
_WORKER: dict = {}


def _init_worker(manifest_rows: dict[str, dict[str, str]], extra_columns: list[str], version: str,
                 max_bytes: int = MAX_BYTES) -> None:
    _WORKER.update(form=load_form(), manifest=manifest_rows, extra_columns=extra_columns, version=version,
                   max_bytes=max_bytes)


def _init_pool_worker(*args) -> None:
    """A worker process: as _init_worker, and no automatic cyclic GC. It walked the long-lived
    caches again and again (7% of the time); parsing leaves a few short-lived cycles, which
    _parse_chunk collects after each chunk from the young generations."""
    _init_worker(*args)
    gc.disable()


def _parse_file(path: str, rel: str) -> ParsedReport:
    fmt = source_format_of(Path(path).suffix)
    try:
        st = os.stat(path)
        if st.st_size > _WORKER["max_bytes"]:  # not read into memory: a clear status instead
            rep = ParsedReport(report_id=file_report_id(path), source_path=rel, source_format=fmt, status=TOO_LARGE,
                               size_bytes=st.st_size, mtime_ns=st.st_mtime_ns)
            rep.warnings.append(f"too_large:{st.st_size}>{_WORKER['max_bytes']}")
            return rep
        raw = Path(path).read_bytes()
        mtime_ns = st.st_mtime_ns
    except OSError as e:
        rep = ParsedReport(report_id="", source_path=rel, source_format=fmt, status=UNREADABLE)
        rep.warnings.append(f"unreadable:os_error:{e.strerror}")
        return rep
    try:
        rep = parse_report(raw, rel, Path(path).suffix, _WORKER["form"])
    except Exception as e:  # a parser bug must cost one file, not the run
        rep = ParsedReport(report_id=report_id(raw), source_path=rel, source_format=source_format_of(Path(path).suffix),
                           status=UNREADABLE, size_bytes=len(raw))
        rep.warnings.append(f"parser_error:{type(e).__name__}:{e}")
    rep.mtime_ns = mtime_ns
    return rep


def _parse_chunk(tasks: list[tuple[str, str]]) -> dict[str, pa.Table]:
    """Parse a chunk of files into staging tables (in a worker: only tables cross processes).
    A copy of a file earlier in the chunk keeps its row, with a warning, and no cells."""
    reports, extras, with_cells, first_in_chunk = [], [], [], {}
    manifest, extra_columns = _WORKER["manifest"], _WORKER["extra_columns"]
    for path, rel in tasks:
        rep = _parse_file(path, rel)
        row = manifest.get(rep.source_path) or manifest.get(Path(rep.source_path).name)
        extras.append(apply_manifest(rep, row, extra_columns))
        copy_of = first_in_chunk.get(rep.report_id) if rep.report_id else None
        if copy_of:
            rep.warnings.append(f"duplicate_of:{copy_of}")
        else:
            first_in_chunk[rep.report_id] = rep.source_path
        with_cells.append(copy_of is None)
        reports.append(rep)
    tables = to_tables(reports, extras, _WORKER["form"], extra_columns, with_cells, _WORKER["version"])
    if not gc.isenabled():
        gc.collect(1)
    return tables


def _drop_earlier_copies(tables: dict[str, pa.Table], seen: dict[str, str]) -> dict[str, pa.Table]:
    """Files whose bytes an earlier chunk already staged keep their row, with a warning; their
    cells are staged once, under the first path."""
    reports = tables["reports"]
    ids = reports.column("report_id").to_pylist()
    copies = {i: seen[rid] for i, rid in enumerate(ids) if rid in seen}
    for rid, path in zip(ids, reports.column("source_path").to_pylist()):
        if rid:
            seen.setdefault(rid, path)
    if not copies:
        return tables
    warnings = reports.column("warnings").to_pylist()
    for i, first in copies.items():
        warnings[i] = warnings[i] + [f"duplicate_of:{first}"]
    out = {"reports": reports.set_column(reports.schema.get_field_index("warnings"), "warnings",
                                         pa.array(warnings, reports.schema.field("warnings").type))}
    copied = pa.array({ids[i] for i in copies}, pa.string())
    for name, table in tables.items():
        if name != "reports":
            out[name] = table.filter(pc.invert(pc.is_in(table.column("report_id"), copied)))
    return out


def read_manifest(path: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Manifest rows keyed by ``path`` (relative to RAW_DIR, or a bare file name), and its extra columns."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "path" not in reader.fieldnames:
            raise SystemExit(f"manifest {path}: needs a 'path' column (got {reader.fieldnames})")
        rows = {r["path"].strip(): r for r in reader}
        fields = [c for c in reader.fieldnames if c != "path" and c not in MANIFEST_FIELDS]
    reserved = {"report_id", "source_path", "source_format", "layout", "info_fee_yuan", "status", "warnings",
                "encoding", "size_bytes"}
    return rows, [c for c in fields if c not in reserved] + [f"manifest_{c}" for c in fields if c in reserved]


def apply_manifest(rep: ParsedReport, row: dict[str, str] | None, extra_columns: list[str]) -> dict[str, str | None]:
    extras: dict[str, str | None] = {c: None for c in extra_columns}
    if not row:
        return extras
    for key in MANIFEST_FIELDS:
        value = (row.get(key) or "").strip()
        if not value:
            continue
        try:
            if key == "report_year":
                rep.report_year = int(value)
            elif key == "published_at":
                rep.published_at = dt.date.fromisoformat(value[:10])
            else:
                setattr(rep, key, value)
        except ValueError:
            rep.warnings.append(f"manifest_bad_value:{key}:{value}")
    for c in extra_columns:
        src = c[len("manifest_"):] if c.startswith("manifest_") and c not in row else c
        extras[c] = row.get(src) or None
    return extras


def run(raw_dir: Path, out_dir: Path, manifest: Path | None = None, jobs: int | None = None,
        progress: bool | None = None, full: bool = False, max_bytes: int = MAX_BYTES) -> Counter:
    """Ingest ``raw_dir`` into ``out_dir``; what a previous run staged and is unchanged is reused."""
    manifest_rows, extra_columns = read_manifest(manifest) if manifest else ({}, [])
    version = ingest_version(manifest)
    staged = None if full else Staged.load(out_dir, version)
    stats: Counter = Counter()
    unchanged, moved, tasks = [], [], []
    for path, rel in find_reports(raw_dir):
        if not staged:
            tasks.append((path, rel))
            continue
        st = os.stat(path)
        if staged.unchanged(rel, st.st_size, st.st_mtime_ns):
            unchanged.append(rel)
        elif (rid := _content_id(path)) in staged.by_id:
            moved.append((rel, rid, st.st_size, st.st_mtime_ns))  # bytes already staged: no parse
        else:
            tasks.append((path, rel))
    if staged and not tasks and not moved and len(unchanged) == len(staged.by_path):
        _count(stats, staged.reports)  # nothing changed: the staged files stand as they are
        stats["unchanged"] = len(unchanged)
        return stats
    stats["unchanged"], stats["moved"] = len(unchanged), len(moved)

    chunks = [tasks[i: i + CHUNK_FILES] for i in range(0, len(tasks), CHUNK_FILES)]
    seen: dict[str, str] = {}
    pool = None
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(chunks) > 1:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_pool_worker,
                                   initargs=(manifest_rows, extra_columns, version, max_bytes))
        results = pool.map(_parse_chunk, chunks)
    else:
        _init_worker(manifest_rows, extra_columns, version, max_bytes)
        results = map(_parse_chunk, chunks)
    try:
        with StagingWriter(out_dir, extra_columns) as writer, \
                tqdm(total=len(tasks), unit="file", desc="ingest", file=sys.stderr,
                     disable=None if progress is None else not progress) as bar:
            if staged:
                _carry_over(staged, out_dir, unchanged, moved, seen, writer, stats)
            for tables in results:
                tables = _drop_earlier_copies(tables, seen)
                writer.add(tables)
                _count(stats, tables["reports"])
                bar.update(tables["reports"].num_rows)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    return stats


def _content_id(path: str) -> str | None:
    try:
        return file_report_id(path)
    except OSError:
        return None  # parsed (and reported) like any unreadable file


def _carry_over(staged: Staged, out_dir: Path, unchanged: list[str], moved: list[tuple[str, str, int, int]],
                seen: dict[str, str], writer: StagingWriter, stats: Counter) -> None:
    """Rows of unchanged files, and of files whose bytes were staged under another path, go to the
    new files first; their cells are copied once per report."""
    keep_paths = set(unchanged)
    reports = staged.reports.filter(pc.is_in(staged.reports.column("source_path"), pa.array(sorted(keep_paths), pa.string())))
    for rid, path in zip(reports.column("report_id").to_pylist(), reports.column("source_path").to_pylist()):
        seen.setdefault(rid, path)
    rows = [reports]
    for rel, rid, size, mtime_ns in moved:
        row = staged.moved_row(rid, rel, size, mtime_ns)
        if rid in seen:  # the same bytes are staged under a path that is still there
            warnings = row.column("warnings")[0].as_py() + [f"duplicate_of:{seen[rid]}"]
            row = row.set_column(row.schema.get_field_index("warnings"), "warnings",
                                 pa.array([warnings], row.schema.field("warnings").type))
        seen.setdefault(rid, rel)
        rows.append(row)
    carried = pa.concat_tables(rows)
    writer.write("reports", carried)
    _count(stats, carried)
    keep = None if staged.by_id.keys() <= seen.keys() else set(seen)  # None: files were only added
    for name in STAGED_FILES[1:]:
        for table in carried_batches(out_dir, name, "report_id", keep):
            writer.write(name, table)


def _count(stats: Counter, reports: pa.Table) -> None:
    stats["files"] += reports.num_rows
    stats.update(f"status:{s}" for s in reports.column("status").to_pylist())
    stats.update(f"warning:{w.split(':')[0]}" for ws in reports.column("warnings").to_pylist() for w in ws)


def summary(stats: Counter, seconds: float, out_dir: Path) -> str:
    files = stats["files"]
    lines = [f"ingest: {files} files in {seconds:.2f} s ({files / seconds if seconds else 0:.0f} files/s) → {out_dir}"]
    if stats["unchanged"] or stats["moved"]:
        lines.append(f"  reused from the last run: {stats['unchanged']} unchanged, {stats['moved']} staged under another path")
    lines.append("  " + ", ".join(f"{s} {stats[f'status:{s}']}" for s in STATUSES))
    warnings = sorted(((k.split(":", 1)[1], v) for k, v in stats.items() if k.startswith("warning:")),
                      key=lambda kv: (-kv[1], kv[0]))
    if warnings:
        lines.append("  warnings: " + ", ".join(f"{k} {v}" for k, v in warnings))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Read China OGI annual reports (政府信息公开工作年度报告: .txt, .md, .html, .pdf, .docx) "
                    "under RAW_DIR and write the staging Parquet files (reports, applications, reviews, proactive).",
        epilog="Every file under RAW_DIR gets a row in reports.parquet with a status: parsed (all three tables "
               "complete), partial (some tables or cells missing), no_tables (readable, no standard tables), "
               "no_text_layer (a scanned PDF), unsupported (a format not read: .doc, .wps, .ofd, images …, named "
               "in the warning), unreadable (empty, binary, undecodable, a broken or encrypted PDF), too_large "
               "(over --max-bytes, not read). Every warning is stored in reports.warnings.")
    ap.add_argument("raw_dir", type=Path, metavar="RAW_DIR", help="folder of raw reports, read recursively")
    ap.add_argument("--out", type=Path, default=Path("staging"), metavar="STAGING_DIR",
                    help="where to write the Parquet files (default: ./staging)")
    ap.add_argument("--manifest", type=Path, metavar="CSV",
                    help="CSV with a 'path' column (relative to RAW_DIR) and any of title, agency, report_year, "
                         "published_at (override what the parser found) plus extra columns kept in reports.parquet")
    ap.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    bar = ap.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar (default: only on a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    ap.add_argument("--max-bytes", type=int, default=MAX_BYTES, metavar="N",
                    help=f"files larger than this get status too_large and are not read (default {MAX_BYTES})")
    ap.add_argument("--full", action="store_true",
                    help="parse every file again (default: reuse what STAGING_DIR holds for unchanged files)")
    ap.add_argument("--quiet", action="store_true", help="no summary")
    args = ap.parse_args(argv)
    if not args.raw_dir.is_dir():
        ap.error(f"RAW_DIR {args.raw_dir} is not a folder")
    if args.manifest and not args.manifest.is_file():
        ap.error(f"manifest {args.manifest} not found")
    started = time.perf_counter()
    stats = run(args.raw_dir, args.out, args.manifest, args.jobs, args.progress, args.full, args.max_bytes)
    if not args.quiet:
        try:
            print(summary(stats, time.perf_counter() - started, args.out))
        except BrokenPipeError:  # `| head`: the reader has gone, the files are written
            sys.stderr.close()
    return 0
