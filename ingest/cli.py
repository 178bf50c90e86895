"""``python -m ingest RAW_DIR --out STAGING_DIR``: raw annual reports → staging Parquet."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm import tqdm

from .form import load_form
from .parse import UNREADABLE, ParsedReport, parse_report, report_id, source_format_of
from .staging import StagingWriter

SUFFIXES = (".txt", ".md", ".html", ".htm")
STATUSES = ("parsed", "partial", "no_tables", "unreadable")
# manifest columns that fill or override what the parser found
MANIFEST_FIELDS = ("title", "agency", "report_year", "published_at")


def find_reports(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def _parse_file(args: tuple[str, str]) -> ParsedReport:
    path, rel = args
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        rep = ParsedReport(report_id="", source_path=rel, source_format="text", status=UNREADABLE)
        rep.warnings.append(f"unreadable:os_error:{e.strerror}")
        return rep
    try:
        return parse_report(raw, rel, Path(path).suffix)
    except Exception as e:  # a parser bug must cost one file, not the run
        rep = ParsedReport(report_id=report_id(raw), source_path=rel, source_format=source_format_of(Path(path).suffix),
                           status=UNREADABLE, size_bytes=len(raw))
        rep.warnings.append(f"parser_error:{type(e).__name__}:{e}")
        return rep


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
        progress: bool | None = None) -> Counter:
    form = load_form()
    files = find_reports(raw_dir)
    manifest_rows, extra_columns = read_manifest(manifest) if manifest else ({}, [])
    jobs = jobs or os.cpu_count() or 1
    tasks = [(str(p), p.relative_to(raw_dir).as_posix()) for p in files]
    stats: Counter = Counter()
    seen: dict[str, str] = {}
    with StagingWriter(out_dir, form, extra_columns) as writer:
        if jobs > 1 and len(tasks) > 1:
            pool = ProcessPoolExecutor(max_workers=jobs)
            results = pool.map(_parse_file, tasks, chunksize=max(1, min(64, len(tasks) // (jobs * 8) or 1)))
        else:
            pool, results = None, map(_parse_file, tasks)
        try:
            for rep in tqdm(results, total=len(tasks), unit="file", disable=None if progress is None else not progress,
                            desc="ingest", file=sys.stderr):
                first = rep.report_id and rep.report_id not in seen
                if rep.report_id and not first:
                    rep.warnings.append(f"duplicate_of:{seen[rep.report_id]}")
                else:
                    seen[rep.report_id] = rep.source_path
                row = manifest_rows.get(rep.source_path) or manifest_rows.get(Path(rep.source_path).name)
                extras = apply_manifest(rep, row, extra_columns)
                writer.add(rep, extras, tables=bool(first))
                stats["files"] += 1
                stats[f"status:{rep.status}"] += 1
                for w in rep.warnings:
                    stats[f"warning:{w.split(':')[0]}"] += 1
        finally:
            if pool:
                pool.shutdown()
    return stats


def summary(stats: Counter, seconds: float, out_dir: Path) -> str:
    files = stats["files"]
    lines = [f"ingest: {files} files in {seconds:.2f} s ({files / seconds if seconds else 0:.0f} files/s) → {out_dir}"]
    lines.append("  " + ", ".join(f"{s} {stats[f'status:{s}']}" for s in STATUSES))
    warnings = sorted(((k.split(":", 1)[1], v) for k, v in stats.items() if k.startswith("warning:")),
                      key=lambda kv: (-kv[1], kv[0]))
    if warnings:
        lines.append("  warnings: " + ", ".join(f"{k} {v}" for k, v in warnings))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Read China OGI annual reports (政府信息公开工作年度报告: .txt, .md, .html) under RAW_DIR "
                    "and write the staging Parquet files (reports, applications, reviews, proactive).",
        epilog="Statuses: parsed (all three tables complete), partial (some tables or cells missing), "
               "no_tables (readable, no standard tables), unreadable (empty, binary, undecodable). "
               "Every warning is stored in reports.warnings.")
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
    ap.add_argument("--quiet", action="store_true", help="no summary")
    args = ap.parse_args(argv)
    if not args.raw_dir.is_dir():
        ap.error(f"RAW_DIR {args.raw_dir} is not a folder")
    if args.manifest and not args.manifest.is_file():
        ap.error(f"manifest {args.manifest} not found")
    started = time.perf_counter()
    stats = run(args.raw_dir, args.out, args.manifest, args.jobs, args.progress)
    if not args.quiet:
        print(summary(stats, time.perf_counter() - started, args.out))
    return 0
