"""Benchmarks at 1k, 10k and 100k generated reports: ingest throughput and peak memory against the
plain-read floor, incremental re-runs, `dbt build`, and the latency of the analyses/ queries.

    python bench/run.py [--sizes 1000,10000,100000] [--data bench/data] [--markdown BENCHMARKS.md]

Corpora are generated once per size (python -m ingest.synth, seed 3) and kept under --data.
Figures are wall-clock on this machine; peak memory is the summed RSS of the process tree.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCORER = ROOT.parent / "shared" / "tools" / "score_staging.py"
SEED = 3


def _write_part(args: tuple[str, int, int]) -> None:
    from ingest.synth import write_corpus
    out, n, start = args
    write_corpus(Path(out), n, seed=SEED, start=start)


def generate(root: Path, n: int, start: int = 0, jobs: int = 2) -> None:
    """n reports numbered from ``start`` (the same numbers always give the same reports)."""
    step = -(-n // jobs)
    parts = [(str(root), min(step, n - k), start + k) for k in range(0, n, step)]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_write_part, parts))


def measured(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak MB of the process and its children, output) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        """Summed RSS every 0.25 s; the process tree is listed again every 2 s (walking /proc on
        every sample took 8% of a two-core machine from the command being measured)."""
        nonlocal peak
        parent = psutil.Process(proc.pid)
        procs, listed = [parent], 0.0
        while not done.is_set():
            try:
                if time.monotonic() - listed > 2:
                    procs, listed = [parent, *parent.children(recursive=True)], time.monotonic()
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20)
            except psutil.Error:
                procs, listed = [parent], 0.0
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out[-3000:]}")
    return time.perf_counter() - started, peak, out


def floor(raw: Path) -> tuple[float, int]:
    """Reading every file once: what no parser can beat."""
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    started = time.perf_counter()
    size = sum(len(p.read_bytes()) for p in files)
    return time.perf_counter() - started, size


def dbt_env(staging: Path, warehouse: Path) -> dict:
    return {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_STAGING_DIR": str(staging),
            "GIA_WAREHOUSE": str(warehouse)}


def analyses(warehouse: Path, target: Path, env: dict) -> dict[str, float]:
    """Median of 5 runs (after one warm-up) of each analysis, in ms."""
    subprocess.run([str(BIN / "dbt"), "compile", "--select", "resource_type:analysis", "--quiet",
                    "--target-path", str(target)], cwd=ROOT, env=env, check=True, capture_output=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    out = {}
    for sql_file in sorted((target / "compiled" / "gov_info_annual_reports" / "analyses").glob("*.sql")):
        sql = sql_file.read_text()
        con.sql(sql).fetchall()
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            con.sql(sql).fetchall()
            runs.append((time.perf_counter() - started) * 1000)
        out[sql_file.stem] = statistics.median(runs)
    con.close()
    return out


def accuracy(staging: Path, gold: Path) -> str | None:
    if not SCORER.exists():
        return None
    done = subprocess.run([sys.executable, str(SCORER), str(staging), str(gold)], capture_output=True, text=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("cell accuracy")), "")
    m = re.search(r"= ([0-9.]+).*fabricated (\d+)", line)
    return f"{m.group(1)}, {m.group(2)} fabricated" if m else line


def bench_size(n: int, data: Path, jobs: int) -> dict:
    root = data / str(n)
    raw = root / "raw"
    if not raw.exists() or sum(1 for _ in raw.iterdir()) != n:
        shutil.rmtree(root, ignore_errors=True)
        print(f"[{n}] generating …", flush=True)
        generate(root, n)
    r: dict = {"reports": n}
    r["floor_s"], size = floor(raw)
    r["mb"] = size / 2**20
    staging, warehouse, target = root / "staging", root / "gia.duckdb", root / "target"
    print(f"[{n}] ingest …", flush=True)
    r["ingest_s"], r["ingest_peak_mb"], _ = measured(
        [sys.executable, "-m", "ingest", str(raw), "--out", str(staging), "--full", "--no-progress", "--quiet",
         "--jobs", str(jobs)])
    if n <= 10_000:
        r["accuracy"] = accuracy(staging, root / "gold")
    print(f"[{n}] dbt build …", flush=True)
    warehouse.unlink(missing_ok=True)
    env = dbt_env(staging, warehouse)
    r["dbt_s"], r["dbt_peak_mb"], out = measured(
        [str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(root / "logs")], env)
    r["dbt_result"] = re.search(r"Done\. (.*)", out).group(1).strip()
    print(f"[{n}] analyses …", flush=True)
    r["analyses_ms"] = analyses(warehouse, target, env)
    print(f"[{n}] incremental: +1% new files …", flush=True)
    extra = max(1, n // 100)
    generate(root, extra, start=n)
    r["incremental_s"], _, _ = measured([sys.executable, "-m", "ingest", str(raw), "--out", str(staging),
                                         "--no-progress", "--quiet", "--jobs", str(jobs)])
    for i in range(n, n + extra):  # the corpus stays n reports
        for p in list(raw.glob(f"{i:07d}_*")) + list((root / "gold").glob(f"{i:07d}_*")):
            p.unlink()
    return r


def markdown(results: list[dict], jobs: int) -> str:
    rows = []
    for r in results:
        n = r["reports"]
        rows.append(
            f"| {n:,} | {r['mb']:.0f} | {r['floor_s']:.2f} | {r['ingest_s']:.1f} | {n / r['ingest_s']:,.0f} | "
            f"{r['mb'] / r['ingest_s']:.1f} | {r['ingest_s'] / r['floor_s']:.0f}× | {r['ingest_peak_mb']:,.0f} | "
            f"{r['incremental_s']:.1f} ({100 * r['incremental_s'] / r['ingest_s']:.0f}%) | {r['dbt_s']:.1f} | "
            f"{r['dbt_peak_mb']:,.0f} | {max(r['analyses_ms'].values()):.0f} |")
    largest = results[-1]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today()} on this project's machine ({os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}), ingest with "
        f"`--jobs {jobs}`. Reproduce with `make bench` (or `python bench/run.py --sizes …`); corpora are "
        "generated by `python -m ingest.synth` (mixed layouts and shapes, seed 3) and kept in `bench/data/`.",
        "",
        "| reports | MB | plain read (s) | ingest (s) | reports/s | MB/s | ingest ÷ read | ingest peak MB | "
        "+1% re-run (s) | dbt build (s) | dbt peak MB | slowest analysis (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "- *plain read*: every file read once (warm page cache, as for the ingest): the floor no parser beats.",
        "- *+1% re-run*: ingest again after adding 1% new files to the folder (incremental: unchanged files "
        "are not read; staged rows are carried into the new files).",
        "- *dbt build*: the whole project from an empty warehouse file (seeds, models, data and unit tests); "
        f"result at {largest['reports']:,}: `{largest['dbt_result']}` (the warnings are the corpus's deliberately "
        "broken totals, stored for querying).",
        "",
        f"Analyses on the {largest['reports']:,}-report warehouse (median of 5, read-only connection):",
        "",
        "| query | ms |",
        "|---|---:|",
        *[f"| `analyses/{k}.sql` | {v:.0f} |" for k, v in largest["analyses_ms"].items()],
        "",
        "Accuracy of the generated corpora (`../shared/tools/score_staging.py STAGING GOLD`): "
        + "; ".join(f"{r['reports']:,}: {r['accuracy']}" for r in results if r.get("accuracy")) + ".",
        "",
        f"Against the targets at {largest['reports']:,} reports (2 cores): ingest ≥ 1,000 reports/s: "
        f"{largest['reports'] / largest['ingest_s']:,.0f}; peak memory < 2 GB: {largest['ingest_peak_mb']:,.0f} MB; "
        f"dbt build < 60 s: {largest['dbt_s']:.0f} s; each analysis < 200 ms: slowest "
        f"{max(largest['analyses_ms'].values()):.0f} ms; +1% re-run ≈ 1% of a full run: "
        f"{100 * largest['incremental_s'] / largest['ingest_s']:.0f}% (the single-file staging contract means "
        "carried rows are re-encoded). Per-report cost is flat from 10k to 100k; at 1k, start-up dominates.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--data", type=Path, default=ROOT / "bench" / "data", help="where corpora and warehouses go")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="ingest worker processes")
    ap.add_argument("--markdown", type=Path, default=ROOT / "BENCHMARKS.md", help="report to write")
    args = ap.parse_args()
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        results.append(bench_size(n, args.data, args.jobs))
        print(json.dumps(results[-1], indent=1), flush=True)
    report = markdown(results, args.jobs)
    args.markdown.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
