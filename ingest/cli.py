"""``python -m ingest RAW_DIR --out STAGING_DIR``: raw annual reports → staging Parquet."""
from __future__ import annotations

import argparse
import ctypes
import gc
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from . import agency, locks, manifest as manifests
from .copies import FirstPaths, drop_earlier_copies
from .files import Entry, FileList, NotRead, list_files, read_file
from .form import load_form
from .options import MAX_BYTES, PARSE_SECONDS, parse
from .incremental import STAGED_FILES, Staged, carried_batches, ingest_version
from .parse import STATUSES, TOO_LARGE, UNREADABLE, ParsedReport, file_report_id, parse_report, report_id
from .read import build_tables, source_format_of
from .staging import LOCK_FILE, StagingWriter, to_tables

CHUNK_FILES = 64  # files per worker task: fixed, so output does not depend on --jobs
CHUNK_PAGED = 4  # … or this many PDFs and images (scans take seconds a page: the progress moves on)
_WORKER: dict = {}


class ParseTimeout(Exception):
    pass


def _init_worker(columns: list[str], version: str, max_bytes: int, seconds: float, ocr: bool = True) -> None:
    _WORKER.update(form=load_form(), columns=columns, version=version, max_bytes=max_bytes, seconds=seconds, ocr=ocr,
                   settings=(columns, version, max_bytes, seconds, ocr))


def _init_pool_worker(*args) -> None:
    """A worker process: as _init_worker; it dies with the run (even one killed by SIGKILL), and
    runs without automatic cyclic GC (it walked the long-lived caches again and again, 7% of the
    time; _parse_chunk collects the young generations after each chunk)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    locks.forget_inherited()
    _init_worker(*args)
    gc.disable()


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ParseTimeout in the block after ``seconds`` (in a process's main thread; elsewhere
    the block runs unbounded)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise ParseTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parse_file(entry: Entry) -> ParsedReport:
    fmt = source_format_of(entry.suffix)
    if entry.problem:
        rep = ParsedReport(report_id="", source_path=entry.rel, source_format=fmt, status=UNREADABLE)
        rep.warnings.append(f"unreadable:{entry.problem}")
        return rep
    try:
        raw, st = read_file(entry, _WORKER["max_bytes"])
        if raw is None:  # not read into memory: a clear status instead
            rep = ParsedReport(report_id=file_report_id(entry.path), source_path=entry.rel, source_format=fmt,
                               status=TOO_LARGE, size_bytes=st.st_size, mtime_ns=st.st_mtime_ns)
            rep.warnings.append(f"too_large:{st.st_size}>{_WORKER['max_bytes']}")
            return rep
    except (NotRead, OSError) as e:
        rep = ParsedReport(report_id="", source_path=entry.rel, source_format=fmt, status=UNREADABLE)
        rep.warnings.append(f"unreadable:{e.reason if isinstance(e, NotRead) else 'os_error:' + str(e.strerror)}")
        return rep
    try:
        with time_budget(_WORKER["seconds"]):
            rep = parse_report(raw, entry.rel, entry.suffix, _WORKER["form"], _WORKER["ocr"])
    except ParseTimeout:
        rep = ParsedReport(report_id=report_id(raw), source_path=entry.rel, source_format=fmt, status=UNREADABLE,
                           size_bytes=len(raw))
        rep.warnings.append(f"parser_timeout:{_WORKER['seconds']}s")
    except Exception as e:  # a parser bug must cost one file, not the run
        rep = ParsedReport(report_id=report_id(raw), source_path=entry.rel, source_format=fmt, status=UNREADABLE,
                           size_bytes=len(raw))
        rep.warnings.append(f"parser_error:{type(e).__name__}:{e}")
    rep.mtime_ns, rep.size_bytes = st.st_mtime_ns, len(raw)
    return rep


def _parse_chunk(tasks: list[tuple[Entry, dict | None, str | None]]) -> dict[str, pa.Table]:
    """Parse a chunk of files into staging tables (in a worker: only tables cross processes). Each
    task is a file, its manifest row and the bare name it shares with others if the manifest used
    it. A copy of a file earlier in the chunk keeps its row, with a warning, and no cells."""
    reports, extras, with_cells, first_in_chunk = [], [], [], {}
    for entry, row, ambiguous in tasks:
        rep = _parse_file(entry)
        extras.append(manifests.apply(rep, row, _WORKER["columns"], ambiguous))
        rep.place = agency.resolve(rep.agency, rep.title, rep.contact_address, row, year=rep.report_year)
        copy_of = first_in_chunk.get(rep.report_id) if rep.report_id else None
        if copy_of:
            rep.warnings.append(f"duplicate_of:{copy_of}")
        elif rep.report_id:
            first_in_chunk[rep.report_id] = rep.source_path
        with_cells.append(copy_of is None)
        reports.append(rep)
    tables = to_tables(reports, extras, _WORKER["form"], _WORKER["columns"], with_cells, _WORKER["version"])
    if not gc.isenabled():
        gc.collect(1)
    return tables


def run(raw_dir: Path, out_dir: Path, manifest: Path | None = None, jobs: int | None = None,
        progress: bool | None = None, full: bool = False, max_bytes: int = MAX_BYTES,
        seconds: float = PARSE_SECONDS, ocr: bool = True, executor: str = "local",
        scheduler: str | None = None) -> Counter:
    """Ingest ``raw_dir`` into ``out_dir``; what a previous run staged and is unchanged is reused.
    One ingest writes a staging folder at a time (locks.Busy otherwise). ``executor`` ``dask``
    parses on a Dask cluster (``scheduler``'s address; a local one when None) instead of local
    worker processes: the same chunks, the same staging."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with locks.holding(out_dir / LOCK_FILE, f"staging folder {out_dir}"):
        return _run(raw_dir, out_dir, manifest, jobs, progress, full, max_bytes, seconds, ocr, executor, scheduler)


def _run(raw_dir: Path, out_dir: Path, manifest_path: Path | None, jobs: int | None, progress: bool | None,
         full: bool, max_bytes: int, seconds: float, ocr: bool = True, executor: str = "local",
         scheduler: str | None = None) -> Counter:
    manifest = manifests.load(manifest_path) if manifest_path else manifests.Manifest()
    settings = (manifest.columns, ingest_version(manifest.digest, max_bytes, ocr), max_bytes, seconds, ocr)
    if executor == "dask":
        from .cluster import DaskPool
        with DaskPool(scheduler, jobs, settings) as pool:
            return _ingest(raw_dir, out_dir, manifest, settings, pool, pool.workers, progress, full)
    workers = jobs or os.cpu_count() or 1
    # the workers fork before the file list and the staged set are read: forked later, each held
    # its own copy of them, and the run's memory grew with the corpus (≈2 KB a report)
    pool = _start_pool(workers, settings) if workers > 1 else None
    try:
        return _ingest(raw_dir, out_dir, manifest, settings, pool, workers, progress, full)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def _start_pool(workers: int, settings: tuple) -> ProcessPoolExecutor:
    _before_fork()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_pool_worker, initargs=settings)
    pool.submit(int).result()  # with fork, the first task starts every worker: now
    return pool


def _ingest(raw_dir: Path, out_dir: Path, manifest: manifests.Manifest, settings: tuple,
            pool: ProcessPoolExecutor | None, workers: int, progress: bool | None, full: bool) -> Counter:
    with list_files(raw_dir) as entries, FileList() as changed, FirstPaths() as first:
        rows = manifest.match(e.rel for e in entries)
        staged = None if full else Staged.load(out_dir, settings[1])
        stats: Counter = Counter()
        stats.update(f"manifest:{problem}" for problem in manifest.problems)
        unchanged: list[str] = []
        moved: list[tuple[str, str, int, int]] = []
        tasks = entries
        if staged:
            changed.add(_changed(entries, staged, manifest, unchanged, moved))
            tasks = changed
        if staged and not tasks and not moved and len(unchanged) == len(staged.by_path) == staged.reports.num_rows:
            _count(stats, staged.reports)  # nothing changed: the staged files stand as they are
            stats["unchanged"] = len(unchanged)
            return stats
        stats["unchanged"], stats["moved"] = len(unchanged), len(moved)

        chunks = _chunks(tasks, rows, manifest)
        if pool:
            results = _in_order(pool, _parse_chunk, chunks, ahead=2 * (workers + 1))
        else:
            _init_worker(*settings)
            results = map(_parse_chunk, chunks)
        with StagingWriter(out_dir, manifest.columns) as writer, \
                tqdm(total=len(tasks), unit="file", desc="ingest", file=sys.stderr,
                     disable=None if progress is None else not progress) as bar:
            if staged:
                _carry_over(staged, out_dir, unchanged, moved, first, writer, stats)
            for tables in results:
                tables = drop_earlier_copies(tables, first)
                writer.add(tables)
                _count(stats, tables["reports"])
                if stats["ocr_pages"]:
                    bar.set_postfix_str(f"{stats['ocr_pages']} pages OCR'd", refresh=False)
                bar.update(tables["reports"].num_rows)
        return stats


def _changed(entries: FileList, staged: Staged, manifest: manifests.Manifest, unchanged: list[str],
             moved: list[tuple[str, str, int, int]]) -> Iterator[Entry]:
    """The entries to read; those the staging folder holds as they are go to ``unchanged``, those
    whose bytes it holds under another path to ``moved``."""
    for entry in entries:
        st = None if entry.problem else _stat(entry.path)
        if st is None:
            yield entry
        elif staged.unchanged(entry.rel, st.st_size, st.st_mtime_ns):
            unchanged.append(entry.rel)
        elif not manifest.rows and staged.holds(rid := _content_id(entry.path), entry.rel):
            moved.append((entry.rel, rid, st.st_size, st.st_mtime_ns))  # bytes already staged: no parse
        else:
            yield entry


def _chunks(tasks: FileList, rows: dict[str, dict], manifest: manifests.Manifest) -> Iterator[list]:
    """Worker tasks of CHUNK_FILES files (CHUNK_PAGED of PDFs and images, which may be scans read
    at seconds a page: the progress moves on): each file with its manifest row and shared bare name."""
    chunk, paged = [], 0
    for e in tasks:
        chunk.append((e, rows.get(e.rel), manifest.ambiguous(e.rel)))
        paged += source_format_of(e.suffix) in ("pdf", "image")
        if len(chunk) == CHUNK_FILES or paged == CHUNK_PAGED:
            paged = 0
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_order(pool: ProcessPoolExecutor, fn, items: Iterable, ahead: int) -> Iterator:
    """``pool.map`` with at most ``ahead`` tasks out at a time (map sends every task at once, and
    finished tables waited in memory whenever the writer fell behind)."""
    out: deque = deque()
    for item in items:
        if len(out) >= ahead:
            yield out.popleft().result()
        out.append(pool.submit(fn, item))
    while out:
        yield out.popleft().result()


def _before_fork() -> None:
    """What each worker would otherwise do for itself after the fork, done once: pyarrow's first
    conversion imports pandas (0.4 s of CPU), and normalise builds its folding tables."""
    pa.array([0])
    build_tables()


def _stat(path: bytes) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None  # vanished since listed: read (and reported) like any unreadable file


def _content_id(path: bytes) -> str | None:
    try:
        return file_report_id(path)
    except OSError:
        return None


def _carry_over(staged: Staged, out_dir: Path, unchanged: list[str], moved: list[tuple[str, str, int, int]],
                first: FirstPaths, writer: StagingWriter, stats: Counter) -> None:
    """Rows of unchanged files, and of files whose bytes were staged under another path, go to the
    new files first; their cells, and only theirs, are copied once per report."""
    reports = staged.reports.filter(pc.is_in(staged.reports.column("source_path"), pa.array(sorted(unchanged), pa.string())))
    ids = reports.column("report_id").to_pylist()
    first.add((rid, path) for rid, path in zip(ids, reports.column("source_path").to_pylist()) if rid)
    rows = [reports]
    for rel, rid, size, mtime_ns in moved:
        row = staged.moved_row(rid, rel, size, mtime_ns)
        if known := first.of([rid]):  # the same bytes are staged under a path that is still there
            warnings = row.column("warnings")[0].as_py() + [f"duplicate_of:{known[rid]}"]
            row = row.set_column(row.schema.get_field_index("warnings"), "warnings",
                                 pa.array([warnings], row.schema.field("warnings").type))
        first.add([(rid, rel)])
        rows.append(row)
    carried = pa.concat_tables(rows)
    writer.write("reports", carried)
    _count(stats, carried)
    carried_ids = {rid for rid in carried.column("report_id").to_pylist() if rid}
    for name in STAGED_FILES[1:]:
        for table in carried_batches(out_dir, name, "report_id", carried_ids):
            writer.write(name, table)


def _count(stats: Counter, reports: pa.Table) -> None:
    stats["files"] += reports.num_rows
    stats.update(f"format:{f}" for f in reports.column("source_format").to_pylist())
    stats["ocr_pages"] += pc.sum(reports.column("ocr_pages")).as_py() or 0
    stats.update(f"status:{s}" for s in reports.column("status").to_pylist())
    stats.update(f"warning:{w.split(':')[0]}" for ws in reports.column("warnings").to_pylist() for w in ws)


def summary(stats: Counter, seconds: float, out_dir: Path) -> str:
    files = stats["files"]
    lines = [f"ingest: {files} files in {seconds:.2f} s ({files / seconds if seconds else 0:.0f} files/s) → {out_dir}"]
    if stats["unchanged"] or stats["moved"]:
        lines.append(f"  reused from the last run: {stats['unchanged']} unchanged, {stats['moved']} staged under another path")
    lines.append("  " + ", ".join(f"{s} {stats[f'status:{s}']}" for s in STATUSES))
    formats = sorted(((k.split(":", 1)[1], v) for k, v in stats.items() if k.startswith("format:")),
                     key=lambda kv: (-kv[1], kv[0]))
    lines.append("  formats: " + ", ".join(f"{k} {v}" for k, v in formats) + f"; pages OCR'd {stats['ocr_pages']}")
    warnings = sorted(((k.split(":", 1)[1], v) for k, v in stats.items() if k.startswith("warning:")),
                      key=lambda kv: (-kv[1], kv[0]))
    if warnings:
        lines.append("  warnings: " + ", ".join(f"{k} {v}" for k, v in warnings))
    problems = [k.split(":", 1)[1] for k in stats if k.startswith("manifest:")]
    if problems:
        lines.append(f"  manifest: {len(problems)} problem(s)")
        lines += [f"    {p}" for p in problems[:20]] + ([f"    … {len(problems) - 20} more"] if len(problems) > 20 else [])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return execute(parse(argv))


def execute(args: argparse.Namespace) -> int:
    """Run the ingest the options ``args`` (``ingest.options``) ask for; the exit status."""
    started = time.perf_counter()
    try:
        stats = run(args.raw_dir, args.out, args.manifest, args.jobs, args.progress, args.full, args.max_bytes,
                    args.timeout, args.ocr, args.executor, args.scheduler)
    except (locks.Busy, manifests.ManifestError) as e:
        print(f"ingest: {e}", file=sys.stderr)
        return 2
    if not args.quiet:
        try:
            print(summary(stats, time.perf_counter() - started, args.out))
        except BrokenPipeError:  # `| head`: the reader has gone, the files are written
            sys.stderr.close()
    return 0
