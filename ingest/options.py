"""The command line's options (``python -m ingest --help``). Light to import: help and a usage
error answer before the reader and the Parquet writer load (Polars, numpy, pypdfium2: ½ s)."""
from __future__ import annotations

import argparse
from pathlib import Path

MAX_BYTES = 32 * 2**20  # a report is kilobytes; a page with its images inlined, a few MB
PARSE_SECONDS = 60  # a report parses in milliseconds: one that takes a minute is given up
MAX_MEMORY = 2 * 2**30  # what a worker may take beyond its start to parse one file (a 32 MB PDF needs far less)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The options of ``argv`` (the process's arguments when None); exits with the usage on an error."""
    ap = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Read China OGI annual reports (政府信息公开工作年度报告: .html .txt .md .mht .pdf (scans by OCR) "
                    ".png .jpg .tif … .docx .doc .wps .rtf .odt .xlsx .xls .ods .ofd) under RAW_DIR and write the "
                    "staging Parquet files (reports, applications, reviews, proactive, statements).",
        epilog="Every file under RAW_DIR gets a row in reports.parquet with a status: parsed (all three tables "
               "complete), partial (some tables or cells missing), no_tables (readable, no standard tables), "
               "no_text_layer (a scan with --no-ocr, or pages with nothing on them), unsupported (a format not read: "
               ".zip, .gif …, named in the warning), unreadable (empty, binary, undecodable, a broken or encrypted file, "
               "not a regular file, a symlink out of RAW_DIR, a parse over the time or memory limit, a crash of the "
               "parser), too_large (over --max-bytes, not read). Each file is parsed in a worker process: one that "
               "crashes, hangs or runs out of memory costs only its file. Every warning is stored in "
               "reports.warnings. One ingest writes a staging folder at a time.")
    ap.add_argument("raw_dir", type=Path, metavar="RAW_DIR", help="folder of raw reports, read recursively")
    ap.add_argument("--out", type=Path, default=Path("staging"), metavar="STAGING_DIR",
                    help="where to write the Parquet files (default: ./staging)")
    ap.add_argument("--manifest", type=Path, metavar="CSV",
                    help="CSV with a 'path' column (relative to RAW_DIR; a bare file name when only one file has it) "
                         "and any of title, agency, report_year, published_at (override what the parser found) plus "
                         "extra columns kept in reports.parquet; problems are listed after the run")
    ap.add_argument("--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    bar = ap.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar (default: only on a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    ap.add_argument("--max-bytes", type=int, default=MAX_BYTES, metavar="N",
                    help=f"files larger than this get status too_large and are not read (default {MAX_BYTES})")
    ap.add_argument("--timeout", type=float, default=PARSE_SECONDS, metavar="SECONDS",
                    help=f"a file whose parse takes longer is given up: parser_timeout (default {PARSE_SECONDS}; 0: none)")
    ap.add_argument("--max-memory", type=int, default=MAX_MEMORY >> 20, metavar="MB",
                    help=f"memory a worker may take to parse one file; a file that needs more is given up: "
                         f"unreadable:resource_limit (default {MAX_MEMORY >> 20}; 0: none)")
    ap.add_argument("--full", action="store_true",
                    help="parse every file again (default: reuse what STAGING_DIR holds for unchanged files)")
    ap.add_argument("--no-ocr", dest="ocr", action="store_false",
                    help="do not OCR scans and page images (status no_text_layer): OCR costs ~7-20 CPU-seconds a page")
    ap.add_argument("--executor", choices=("local", "dask"), default="local",
                    help="local: worker processes on this machine (default); dask: a Dask cluster "
                         "(pip install '.[dask]'; RAW_DIR must be at the same path on every worker)")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="the Dask scheduler (tcp://host:8786) for --executor dask; default: a local cluster of --jobs workers")
    ap.add_argument("--quiet", action="store_true", help="no summary")
    args = ap.parse_args(argv)
    if not args.raw_dir.is_dir():
        ap.error(f"RAW_DIR {args.raw_dir} is not a folder")
    if args.manifest and not args.manifest.is_file():
        ap.error(f"manifest {args.manifest} not found")
    if args.scheduler and args.executor != "dask":
        ap.error("--scheduler needs --executor dask")
    return args
