"""``python -m ingest RAW_DIR --out STAGING_DIR``: raw annual reports → staging Parquet."""
from __future__ import annotations

import argparse
import gc
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import polars as pl
from tqdm import tqdm

from . import agency, locks, manifest as manifests
from .copies import FirstPaths, as_copies, drop_earlier_copies
from .files import Entry, FileList, NotRead, file_stamp, list_files, read_file
from .form import load_form
from .options import MAX_BYTES, MAX_MEMORY, PARSE_SECONDS, parse
from .incremental import STAGED_FILES, Staged, ingest_version
from .parse import STATUSES, TOO_LARGE, UNREADABLE, ParsedReport, file_report_id, parse_report, report_id
from .read import build_tables, source_format_of
from .staging import LOCK_FILE, MixedStaging, StagingWriter, to_tables
from .workers import Workers, parsing

CHUNK_FILES = 64  # files per worker task: fixed, so output does not depend on --jobs
CHUNK_PAGED = 4  # … or this many PDFs and images (scans take seconds a page: the progress moves on)
STAT_BATCH = 4096  # files looked up in the staged set at once
_WORKER: dict = {}


def _init_worker(sources: dict[str, str], version: str, max_bytes: int, ocr: bool = True) -> None:
    """A worker process (ingest.workers: it dies with the run, even one killed by SIGKILL, and
    runs without automatic cyclic GC, which walked the long-lived caches again and again, 7% of
    the time; _parse_chunk collects the young generations after each chunk)."""
    locks.forget_inherited()
    _WORKER.update(form=load_form(), sources=sources, columns=list(sources), version=version, max_bytes=max_bytes,
                   ocr=ocr, settings=(sources, version, max_bytes, ocr))


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
                               status=TOO_LARGE, size_bytes=st.st_size)
            rep.warnings.append(f"too_large:{st.st_size}>{_WORKER['max_bytes']}")
            _stamp(rep, st)
            return rep
    except (NotRead, OSError) as e:
        rep = ParsedReport(report_id="", source_path=entry.rel, source_format=fmt, status=UNREADABLE)
        rep.warnings.append(f"unreadable:{e.reason if isinstance(e, NotRead) else 'os_error:' + str(e.strerror)}")
        return rep
    try:
        rep = parse_report(raw, entry.rel, entry.suffix, _WORKER["form"], _WORKER["ocr"])
    except MemoryError:  # past the worker's memory limit in Python code (C code dies of it: see workers)
        rep = _unreadable(entry, report_id(raw), "unreadable:resource_limit")
    except Exception as e:  # a parser bug must cost one file, not the run
        rep = _unreadable(entry, report_id(raw), f"parser_error:{type(e).__name__}:{e}")
    rep.size_bytes = len(raw)
    _stamp(rep, st)
    return rep


def _unreadable(entry: Entry, rid: str, warning: str) -> ParsedReport:
    rep = ParsedReport(report_id=rid, source_path=entry.rel, source_format=source_format_of(entry.suffix),
                       status=UNREADABLE)
    rep.warnings.append(warning)
    return rep


def _settled(entry: Entry, warning: str) -> ParsedReport:
    """The row of a file a worker died on (over the time or memory budget, or a crash in C
    code), made without parsing it again."""
    rep = _unreadable(entry, _content_id(entry.path) or "", warning)
    if (st := _stat(entry.path)) is not None:
        rep.size_bytes = st.st_size
        _stamp(rep, st)
    return rep


def _stamp(rep: ParsedReport, st: os.stat_result) -> None:
    """The file's times and inode as staged: a time past what an int64 of nanoseconds holds (a file
    dated 2300) is null, with a warning."""
    _, rep.mtime_ns, rep.ctime_ns, rep.inode = file_stamp(st)
    if rep.mtime_ns is None:
        rep.warnings.append(f"mtime_out_of_range:{st.st_mtime_ns}")


def _parse_chunk(tasks: list[tuple[Entry, dict | None, str | None]], settled: dict[int, str] | None = None
                 ) -> dict[str, pl.DataFrame]:
    """Parse a chunk of files into staging tables (in a worker: only tables cross processes). Each
    task is a file, its manifest row and the bare name it shares with others if the manifest used
    it; a file in ``settled`` is not parsed (a worker died on it: the warning says why). A copy
    of a file earlier in the chunk keeps its row, with a warning, and no cells."""
    reports, extras, with_cells, first_in_chunk = [], [], [], {}
    for i, (entry, row, ambiguous) in enumerate(tasks):
        parsing(i)
        rep = _settled(entry, settled[i]) if settled and i in settled else _parse_file(entry)
        extras.append(manifests.apply(rep, row, _WORKER["sources"], ambiguous))
        rep.place = agency.resolve(rep.agency, rep.title, rep.contact_address, row, year=rep.report_year)
        copy_of = first_in_chunk.get(rep.report_id) if rep.report_id else None
        if copy_of:
            rep.warnings.append(f"duplicate_of:{copy_of}")
        elif rep.report_id:
            first_in_chunk[rep.report_id] = rep.source_path
        with_cells.append(copy_of is None)
        reports.append(rep)
    parsing(None)
    tables = _tables(reports, extras, with_cells)
    if not gc.isenabled():
        gc.collect(1)
    return tables


def _tables(reports: list[ParsedReport], extras: list[dict], with_cells: list[bool]) -> dict[str, pl.DataFrame]:
    """The chunk's staging tables; a report whose values a table cannot hold (a code point no
    encoding has, a number past its type) is staged unreadable, with the reason, and no cells."""
    w = _WORKER
    try:
        return to_tables(reports, extras, w["form"], w["columns"], with_cells, w["version"])
    except (ValueError, TypeError, OverflowError, pl.exceptions.PolarsError):
        for i, rep in enumerate(reports):
            try:
                to_tables([rep], [extras[i]], w["form"], w["columns"], [with_cells[i]], w["version"])
            except (ValueError, TypeError, OverflowError, pl.exceptions.PolarsError) as e:
                bad = ParsedReport(report_id=rep.report_id, source_path=rep.source_path,
                                   source_format=rep.source_format, status=UNREADABLE, size_bytes=rep.size_bytes,
                                   mtime_ns=rep.mtime_ns)
                bad.warnings.append(f"parser_error:staging:{type(e).__name__}")
                reports[i], extras[i], with_cells[i] = bad, {c: None for c in w["columns"]}, False
        return to_tables(reports, extras, w["form"], w["columns"], with_cells, w["version"])


def run(raw_dir: Path, out_dir: Path, manifest: Path | None = None, jobs: int | None = None,
        progress: bool | None = None, full: bool = False, max_bytes: int = MAX_BYTES,
        seconds: float = PARSE_SECONDS, ocr: bool = True, executor: str = "local",
        scheduler: str | None = None, memory: int = MAX_MEMORY) -> Counter:
    """Ingest ``raw_dir`` into ``out_dir``; what a previous run staged and is unchanged is reused.
    One ingest writes a staging folder at a time (locks.Busy otherwise). Each file is parsed in a
    local worker process within ``seconds`` and ``memory`` bytes (0: no limit; ingest.workers).
    ``executor`` ``dask`` parses on a Dask cluster (``scheduler``'s address; a local one when None)
    instead: the same chunks, the same staging (the cluster's workers, not these limits, bound a file)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with locks.holding(out_dir / LOCK_FILE, f"staging folder {out_dir}"):
        return _run(raw_dir, out_dir, manifest, jobs, progress, full, max_bytes, seconds, ocr, executor, scheduler,
                    memory)


def _run(raw_dir: Path, out_dir: Path, manifest_path: Path | None, jobs: int | None, progress: bool | None,
         full: bool, max_bytes: int, seconds: float, ocr: bool = True, executor: str = "local",
         scheduler: str | None = None, memory: int = MAX_MEMORY) -> Counter:
    manifest = manifests.load(manifest_path) if manifest_path else manifests.Manifest()
    settings = (manifest.sources, ingest_version(manifest.digest, max_bytes, seconds, memory, ocr), max_bytes, ocr)
    if executor == "dask":
        from .cluster import DaskPool
        with DaskPool(scheduler, jobs, settings) as pool:
            return _ingest(raw_dir, out_dir, manifest, settings, pool, pool.workers, progress, full)
    workers = jobs or os.cpu_count() or 1
    # the workers fork before the file list and the staged set are read: forked later, each held
    # its own copy of them, and the run's memory grew with the corpus (≈2 KB a report)
    _before_fork()
    pool = Workers(workers, _parse_chunk, _init_worker, settings, memory, seconds)
    try:
        return _ingest(raw_dir, out_dir, manifest, settings, pool, workers, progress, full)
    finally:
        pool.close()


def _ingest(raw_dir: Path, out_dir: Path, manifest: manifests.Manifest, settings: tuple,
            pool, workers: int, progress: bool | None, full: bool) -> Counter:
    with list_files(raw_dir) as entries, FileList() as changed, FirstPaths() as first:
        rows = manifest.match(e.rel for e in entries)
        staged = None if full else Staged.load(out_dir, settings[1])
        stats: Counter = Counter()
        stats.update(f"manifest:{problem}" for problem in manifest.problems)
        unchanged: list[str] = []
        moved: list[tuple[str, str, tuple]] = []
        tasks = entries
        if staged:
            changed.add(_changed(entries, staged, manifest, unchanged, moved))
            tasks = changed
        if staged and not tasks and not moved and len(unchanged) == staged.paths == staged.rows:
            _count(stats, staged.reports.collect())  # nothing changed: the staged files stand as they are
            stats["unchanged"] = len(unchanged)
            return stats
        stats["unchanged"], stats["moved"] = len(unchanged), len(moved)

        chunks = _chunks(tasks, rows, manifest)
        ahead = 2 * (workers + 1)
        results = pool.map(chunks, ahead) if isinstance(pool, Workers) else _in_order(pool, _parse_chunk, chunks, ahead)
        with StagingWriter(out_dir, manifest.columns) as writer, \
                tqdm(total=len(tasks), unit="file", desc="ingest", file=sys.stderr,
                     disable=None if progress is None else not progress) as bar:
            if staged:
                _carry_over(staged, unchanged, moved, first, writer, stats)
            for tables in results:
                tables = drop_earlier_copies(tables, first)
                writer.add(tables)
                _count(stats, tables["reports"])
                if stats["ocr_pages"]:
                    bar.set_postfix_str(f"{stats['ocr_pages']} pages OCR'd", refresh=False)
                bar.update(tables["reports"].height)
            if first.reordered:  # a file read comes before rows reused for the same bytes
                writer.fix_reports = lambda reports: _recounted(stats, reports, as_copies(reports, first))
        return stats


def _changed(entries: FileList, staged: Staged, manifest: manifests.Manifest, unchanged: list[str],
             moved: list[tuple[str, str, tuple]]) -> Iterator[Entry]:
    """The entries to read; those the staging folder holds as they are go to ``unchanged``, those
    whose bytes it holds under another path to ``moved`` (looked up STAT_BATCH files at a time)."""
    listed = iter(entries)
    while batch := list(islice(listed, STAT_BATCH)):
        stamps = {i: file_stamp(st) for i, e in enumerate(batch) if not e.problem and (st := _stat(e.path)) is not None}
        same = dict(zip(stamps, staged.unchanged([batch[i].rel for i in stamps], list(stamps.values()))))
        changed = [i for i in stamps if not same[i]]
        ids = {i: _content_id(batch[i].path) for i in changed} if not manifest.rows else {}
        held = dict(zip(ids, staged.holds(list(ids.values()), [batch[i].rel for i in ids])))
        for i, entry in enumerate(batch):
            if same.get(i):
                unchanged.append(entry.rel)
            elif held.get(i):
                moved.append((entry.rel, ids[i], stamps[i]))  # bytes already staged: no parse
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


def _in_order(pool, fn, items: Iterable, ahead: int) -> Iterator:
    """``fn`` over ``items`` on a pool with ``submit`` (the Dask executor's), the results in order,
    at most ``ahead`` tasks out at a time."""
    out: deque = deque()
    for item in items:
        if len(out) >= ahead:
            yield out.popleft().result()
        out.append(pool.submit(fn, item))
    while out:
        yield out.popleft().result()


def _before_fork() -> None:
    """What each worker would otherwise do for itself after the fork, done once: normalise builds
    its folding tables."""
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


def _carry_over(staged: Staged, unchanged: list[str], moved: list[tuple[str, str, tuple]], first: FirstPaths,
                writer: StagingWriter, stats: Counter) -> None:
    """Rows of unchanged files, and of files whose bytes were staged under another path, go to the
    new files first, in path order, each a copy (``duplicate_of``) of the first path its bytes are
    at now (a first copy deleted since, its next copy is the first); their cells, and only theirs,
    are copied once per report, streamed from the staged files."""
    carried = staged.carried(unchanged, moved)
    first.add((rid, path) for rid, path in carried.select("report_id", "source_path").iter_rows() if rid)
    carried = as_copies(carried, first)
    writer.write("reports", carried)
    _count(stats, carried)
    carried_ids = [rid for rid in carried["report_id"].unique().to_list() if rid]
    for name in STAGED_FILES[1:] if carried_ids else ():
        writer.write(name, staged.cells(name, carried_ids))


def _recounted(stats: Counter, before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """``after``, with the summary's count of copies as it has them."""
    stats["warning:duplicate_of"] += _copies(after) - _copies(before)
    return after


def _copies(reports: pl.DataFrame) -> int:
    return reports["warnings"].list.eval(pl.element().str.starts_with("duplicate_of:")).list.sum().sum()


def _count(stats: Counter, reports: pl.DataFrame) -> None:
    stats["files"] += reports.height
    stats.update(f"format:{f}" for f in reports["source_format"].to_list())
    stats["ocr_pages"] += reports["ocr_pages"].sum()
    stats.update(f"status:{s}" for s in reports["status"].to_list())
    stats.update(f"warning:{w.split(':')[0]}" for w in reports["warnings"].explode().drop_nulls().to_list())


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


def reason(e: OSError) -> str:
    """An OS error in a few words (Polars' say ``(os error 28)`` in a sentence of their own)."""
    code = e.errno or next((int(m) for m in re.findall(r"\(os error (\d+)\)", str(e))), None)
    words = os.strerror(code) if code else str(e)
    return f"{words} ({e.filename})" if e.filename else words


def main(argv: list[str] | None = None) -> int:
    return execute(parse(argv))


def execute(args: argparse.Namespace) -> int:
    """Run the ingest the options ``args`` (``ingest.options``) ask for; the exit status."""
    started = time.perf_counter()
    try:
        stats = run(args.raw_dir, args.out, args.manifest, args.jobs, args.progress, args.full, args.max_bytes,
                    args.timeout, args.ocr, args.executor, args.scheduler, args.max_memory << 20)
    except (locks.LockError, manifests.ManifestError) as e:
        print(f"ingest: {e}", file=sys.stderr)
        return 2
    except MixedStaging as e:
        print(f"ingest: the new staging could not be put in place in {args.out}: {e.strerror}; the folder now holds "
              "files of two runs, which publish refuses: run the ingest again", file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a read-only folder …: said in one line, and what stands
        print(f"ingest: could not write the staging in {args.out}: {reason(e)}; the last good staging there is intact",
              file=sys.stderr)
        return 1
    except sqlite3.Error as e:  # the file list and the index of copies, under TMPDIR
        print(f"ingest: could not write the run's temporary files under {tempfile.gettempdir()} (TMPDIR): {e}; "
              f"the last good staging in {args.out} is intact", file=sys.stderr)
        return 1
    if not args.quiet:
        try:
            print(summary(stats, time.perf_counter() - started, args.out))
        except BrokenPipeError:  # `| head`: the reader has gone, the files are written
            sys.stderr.close()
    return 0
