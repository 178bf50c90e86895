"""Benchmarks per family of report, as users get them: ingest throughput, CPU and peak memory against
a plain read of the same files; `dbt build` time and peak memory; the latency of the analyses/ queries.

    python bench/run.py [--families text,pipe,html,pdf,generated] [--sizes 1000,10000,100000]
                        [--against REF] [--repeats 3] [--data bench/data] [--markdown BENCHMARKS.md]
    python bench/run.py --quick     # every family at 500 reports once, in a temporary folder: a few minutes

Families: *text*, *html* and *pdf* are copies of the real sample reports in samples/raw (the dev
corpus's ten: page text and markdown; the Word-exported web page; the PDF), each copy made distinct
by bytes after the report (trailing spaces and tabs; a PDF comment after %%EOF), so every copy is
its own report; *pipe* copies only the five page texts printing pipe tables (000–004), the clean
case the fast path reads (ingest/fast.py). *generated* is `python -m ingest.synth` (mixed layouts and shapes, seed 3). *scan* is
the Word fixtures' PDFs as page images (``--scan-reports`` of them, read by OCR). Corpora are kept
under --data (with --quick, a temporary folder removed at the end). Accuracy is scored with
../shared/tools/score_staging.py when it is there (it is not part of the repository).

With ``--against REF`` every ingest runs alternately on this tree and on REF (a git worktree of it),
on the same corpus, ``--repeats`` times (once at 100,000); medians are reported. dbt runs with the
profile's memory cap and with DuckDB's own default, alternately.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEV = ROOT / "samples"  # the dev corpus's ten real reports (raw/) and their hand-checked answers (gold/)
SCORER = ROOT.parent / "shared" / "tools" / "score_staging.py"
QUICK_SIZE = 500
SEED = 3
REAL = {"text": (".txt", ".md"), "pipe": (".txt",), "html": (".html", ".htm"), "pdf": (".pdf",)}
PIPE = ("000", "001", "002", "003", "004")  # the dev reports printing their tables as pipe tables (page text)
# copies of one real file stop telling anything new long before they fill a disk (10,000 copies of
# the 262 KB web page are 2.6 GB, and 1,000 of it or of the PDF already take minutes per run)
LARGEST = {"text": 100_000, "pipe": 10_000, "html": 1_000, "pdf": 1_000, "generated": 100_000,
           "scan": 0}  # scan: --scan-reports
FULL_REPEATS_UP_TO = 10_000  # larger corpora are measured once per version


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


def distinct_copy(data: bytes, suffix: str, i: int) -> bytes:
    """Copy ``i`` of a real report, different in bytes a reader ignores."""
    if suffix == ".pdf":
        return data + b"\n%copy " + str(i).encode() + b"\n"
    return data + b"\n" + format(i, "b").replace("0", " ").replace("1", "\t").encode()


def real_corpus(family: str, root: Path, n: int) -> Path:
    raw = root / "raw"
    if raw.exists() and sum(1 for _ in raw.iterdir()) == n:
        return raw
    shutil.rmtree(root, ignore_errors=True)
    raw.mkdir(parents=True)
    sources = sorted(p for p in (DEV / "raw").iterdir()
                     if p.suffix.lower() in REAL[family] and (family != "pipe" or p.name[:3] in PIPE))
    datas = [p.read_bytes() for p in sources]
    for i in range(n):
        src = sources[i % len(sources)]
        (raw / f"{src.stem}_{i:06d}{src.suffix}").write_bytes(distinct_copy(datas[i % len(sources)], src.suffix, i))
    return raw


def generated_corpus(root: Path, n: int) -> Path:
    raw = root / "raw"
    if raw.exists() and sum(1 for _ in raw.iterdir()) == n:
        return raw
    shutil.rmtree(root, ignore_errors=True)
    larger = sorted(int(p.name) for p in root.parent.glob("[0-9]*") if p.name.isdigit() and int(p.name) > n
                    and (p / "raw").exists() and sum(1 for _ in (p / "raw").iterdir()) == int(p.name))
    if larger:  # reports 0…n-1 of a larger corpus are this corpus (same seed, same numbers): linked, not rendered
        source = root.parent / str(larger[0])
        for part in ("raw", "gold"):
            (root / part).mkdir(parents=True)
            for p in (source / part).iterdir():
                if int(p.name[:7]) < n:
                    os.link(p, root / part / p.name)
    else:
        print(f"[generated {n}] generating …", flush=True)
        generate(root, n)
    return raw


def measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Wall seconds, CPU seconds (the process and every child it waited for), peak MB (summed RSS
    of the process tree) and the peak of the process itself (its workers apart), and its output."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = main_peak = 0.0
    done = threading.Event()

    def sample() -> None:
        """Summed RSS every 0.25 s; the process tree is listed again every 2 s (walking /proc on
        every sample took 8% of a two-core machine from the command being measured)."""
        nonlocal peak, main_peak
        parent = psutil.Process(proc.pid)
        procs, listed = [parent], 0.0
        while not done.is_set():
            try:
                if time.monotonic() - listed > 2:
                    procs, listed = [parent, *parent.children(recursive=True)], time.monotonic()
                rss = [p.memory_info().rss / 2**20 if p.is_running() else 0.0 for p in procs]
                peak, main_peak = max(peak, sum(rss)), max(main_peak, rss[0])
            except psutil.Error:
                procs, listed = [parent], 0.0
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out[-3000:]}")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {"s": wall, "cpu_s": cpu, "peak_mb": peak, "main_peak_mb": main_peak, "out": out}


def floor(raw: Path) -> tuple[float, int]:
    """Reading every file once (warm page cache, as for the ingest): what no parser can beat."""
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    for p in files:
        p.read_bytes()
    started = time.perf_counter()
    size = sum(len(p.read_bytes()) for p in files)
    return time.perf_counter() - started, size


def ingest(tree: Path, raw: Path, staging: Path, jobs: int) -> dict:
    shutil.rmtree(staging, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the tree's own ingest package, whatever is installed
    return measured([sys.executable, "-m", "ingest", str(raw), "--out", str(staging), "--full", "--no-progress",
                     "--quiet", "--jobs", str(jobs)], env=env, cwd=tree)


def median_runs(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("s", "cpu_s", "peak_mb", "main_peak_mb")} | {"runs": len(runs)}


def bench_ingest(family: str, n: int, data: Path, jobs: int, trees: dict[str, Path], repeats: int) -> dict:
    root = data / family / str(n)
    raw = generated_corpus(root, n) if family == "generated" else real_corpus(family, root, n)
    r: dict = {"family": family, "reports": n}
    r["floor_s"], size = floor(raw)
    r["mb"] = size / 2**20
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for k in range(repeats if n <= FULL_REPEATS_UP_TO else 1):
        for name, tree in trees.items():  # alternating: drift of the machine hits both alike
            print(f"[{family} {n}] ingest, {name}, run {k + 1} …", flush=True)
            runs[name].append(ingest(tree, raw, root / f"staging_{name}", jobs))
    r["ingest"] = {name: median_runs(rs) for name, rs in runs.items()}
    r["fast_share"] = fast_share(root / "staging_this")
    if family == "generated" and n <= FULL_REPEATS_UP_TO:
        r["accuracy"] = accuracy(root / "staging_this", root / "gold")
    return r


def fast_share(staging: Path) -> float | None:
    """The share of reports whose tables the fast path read (ingest/fast.py), None before it existed."""
    reports = staging / "reports.parquet"
    names = duckdb.sql(f"describe select * from read_parquet('{reports}')").fetchall()
    if not any(name == "read_path" for name, *_ in names):
        return None
    return duckdb.sql(f"select avg((read_path = 'fast')::int) from read_parquet('{reports}')").fetchone()[0]


def bench_scan(n: int, data: Path, jobs: int) -> dict:
    """The scan family: ``n`` scanned reports (the Word fixtures' PDFs as page images, JPEG quality 60,
    turned 1°; each copy its own bytes), read by OCR: pages/s, CPU seconds a page, peak memory."""
    sys.path.insert(0, str(ROOT / "tests"))
    from renderings import degraded, page_images, scan_pdf

    root = data / "scan" / str(n)
    raw = root / "raw"
    sources = sorted((ROOT / "tests" / "fixtures").glob("word_*.pdf"))
    if not (raw.exists() and sum(1 for _ in raw.iterdir()) == n):
        shutil.rmtree(root, ignore_errors=True)
        raw.mkdir(parents=True)
        scans = [scan_pdf([degraded(p, quality=60, angle=1.0) for p in page_images(s.read_bytes(), 150)], 150)
                 for s in sources]
        for i in range(n):
            (raw / f"scan_{i:04d}.pdf").write_bytes(distinct_copy(scans[i % len(scans)], ".pdf", i))
    print(f"[scan {n}] ingest …", flush=True)
    run = ingest(ROOT, raw, root / "staging_this", jobs)
    pages = duckdb.sql(f"select sum(ocr_pages)::int from '{root / 'staging_this' / 'reports.parquet'}'").fetchone()[0]
    return {"reports": n, "pages": pages, "s": run["s"], "cpu_s": run["cpu_s"], "peak_mb": run["peak_mb"],
            "accuracy": accuracy(root / "staging_this", _scan_gold(root, raw, sources))}


def _scan_gold(root: Path, raw: Path, sources: list[Path]) -> Path:
    """The fixtures' answers, one per scanned copy."""
    gold = root / "gold"
    gold.mkdir(exist_ok=True)
    answers = [json.loads(Path(f"{s}.json").read_text(encoding="utf-8")) for s in sources]
    for i, p in enumerate(sorted(raw.iterdir())):
        (gold / f"{p.name}.json").write_text(json.dumps({**answers[i % len(answers)], "source": p.name}), encoding="utf-8")
    return gold


def scan_lines(scan: dict | None) -> list[str]:
    if not scan:
        return []
    return [f"- *scan* (OCR), {scan['reports']:,} scanned reports, {scan['pages']} pages read: "
            f"{scan['pages'] / scan['s']:.2f} pages/s, {scan['cpu_s'] / scan['pages']:.1f} CPU s a page, peak "
            f"{scan['peak_mb']:,.0f} MB; accuracy {scan['accuracy']}."]


def dbt_env(staging: Path, warehouse: Path, memory_limit: str | None = None) -> dict:
    env = {**os.environ, "DO_NOT_TRACK": "1", "DBT_PROFILES_DIR": str(ROOT), "GIA_STAGING_DIR": str(staging),
           "GIA_WAREHOUSE": str(warehouse)}
    if memory_limit:
        env["GIA_DUCKDB_MEMORY_LIMIT"] = memory_limit
    return env


def duckdb_default_memory_limit() -> str:
    value = duckdb.connect().sql("select current_setting('memory_limit')").fetchone()[0]
    return value.replace(" ", "").replace("i", "")  # '18.8 GiB' → '18.8GB' (the profile's form)


def bench_dbt(n: int, data: Path, repeats: int) -> dict:
    root = data / "generated" / str(n)
    staging, warehouse, target = root / "staging_this", root / "gia.duckdb", root / "target"
    settings = {"profile": None, "duckdb default": duckdb_default_memory_limit()}
    runs: dict[str, list[dict]] = {name: [] for name in settings}
    result = ""
    for k in range(repeats if n <= FULL_REPEATS_UP_TO else 1):
        for name, limit in settings.items():
            print(f"[generated {n}] dbt build, memory limit {limit or 'of the profile'}, run {k + 1} …", flush=True)
            warehouse.unlink(missing_ok=True)
            run = measured([str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(root / "logs")],
                           dbt_env(staging, warehouse, limit))
            result = re.search(r"Done\. (.*)", run["out"]).group(1).strip()
            runs[name].append(run)
    warehouse.unlink(missing_ok=True)  # the last one built with the profile's settings
    measured([str(BIN / "dbt"), "build", "--target-path", str(target), "--log-path", str(root / "logs")],
             dbt_env(staging, warehouse))
    return {"reports": n, "dbt": {name: median_runs(rs) | {"limit": settings[name]} for name, rs in runs.items()},
            "dbt_result": result, "analyses_ms": analyses(warehouse, target, dbt_env(staging, warehouse)),
            "incremental_s": incremental(n, root)}


def incremental(n: int, root: Path) -> float:
    """Seconds of an ingest after 1% new files joined the folder (the corpus is left as it was)."""
    raw, staging = root / "raw", root / "staging_this"
    extra = max(1, n // 100)
    generate(root, extra, start=n)
    run = measured([sys.executable, "-m", "ingest", str(raw), "--out", str(staging), "--no-progress", "--quiet"])
    for i in range(n, n + extra):
        for p in list(raw.glob(f"{i:07d}_*")) + list((root / "gold").glob(f"{i:07d}_*")):
            p.unlink()
    return run["s"]


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
        return f"not measured: the scorer {SCORER} is not here"
    done = subprocess.run([sys.executable, str(SCORER), str(staging), str(gold)], capture_output=True, text=True)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("cell accuracy")), "")
    m = re.search(r"= ([0-9.]+).*fabricated (\d+)", line)
    return f"{m.group(1)}, {m.group(2)} fabricated" if m else line


def dev_accuracy(data: Path) -> str | None:
    """The dev corpus read by this tree and scored against its hand-checked answers."""
    if not (DEV / "raw").exists():
        return None
    staging = data / "dev_staging"
    ingest(ROOT, DEV / "raw", staging, 1)
    return accuracy(staging, DEV / "gold")


def worktree(ref: str) -> tuple[Path, str]:
    """A checkout of ``ref`` beside the repository (removed at exit) and its short commit."""
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    path = Path(tempfile.mkdtemp(prefix=f"gia-bench-{commit}-"))
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(path), commit], cwd=ROOT, check=True,
                   capture_output=True)
    return path, commit


def remove_worktree(path: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def head() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "?"


def markdown(ingests: list[dict], dbts: list[dict], meta: dict) -> str:
    versions = list(ingests[0]["ingest"]) if ingests else ["this"]
    label = {"this": f"this ({meta['head']})", "previous": f"previous ({meta.get('against', '')})"}
    rows = []
    for r in ingests:
        n = r["reports"]
        this = r["ingest"]["this"]
        for name in versions:
            m = r["ingest"][name]
            change = "" if name == "this" else f"{100 * (this['s'] / m['s'] - 1):+.0f}%"
            rows.append(
                f"| {r['family']} | {n:,} | {r['mb']:,.0f} | {label[name]} | {m['runs']} | {m['s']:.1f} | "
                f"{n / m['s']:,.0f} | {r['mb'] / m['s']:.1f} | {1000 * m['cpu_s'] / n:.2f} | "
                f"{m['s'] / r['floor_s']:,.0f}× | {m['peak_mb']:,.0f} | {_mb(m.get('main_peak_mb'))} | {change} |")
    dbt_rows = []
    for d in dbts:
        base = d["dbt"]["duckdb default"]
        for name, m in d["dbt"].items():
            change = "" if name == "duckdb default" else f"{100 * (m['s'] / base['s'] - 1):+.0f}%"
            setting = m["limit"] or f"profile default ({meta['profile_limit']})"
            dbt_rows.append(f"| {d['reports']:,} | {setting} | {m['runs']} | {m['s']:.1f} | {m['peak_mb']:,.0f} | "
                            f"{change} |")
    largest = dbts[-1] if dbts else None
    lines = [
        "# Benchmarks",
        "",
        f"Measured {meta['date']} on this project's machine: {meta['machine']}; load average before the run "
        f"{meta['load']}. Ingest with `--jobs {meta['jobs']}`. Reproduce with `make bench` "
        "(`python bench/run.py --help` for families, sizes and `--against`). Figures are medians of the runs "
        f"counted in *runs*; with a previous version, its runs alternate with this tree's on the same files.",
        "",
        "## Ingest",
        "",
        "Families: *text* — copies of the 8 real page-text and markdown reports of the dev corpus; *pipe* — of "
        "its 5 page-text reports printing pipe tables (000–004); *html* — of "
        "its Word-exported web page (262 KB); *pdf* — of its 5-page PDF; *generated* — `ingest.synth`, mixed "
        "shapes. Each copy differs in bytes after the report, so each is its own report.",
        "",
        "| family | reports | MB | version | runs | ingest (s) | reports/s | MB/s | CPU ms/report | ÷ plain read | "
        "peak MB | main process MB | time vs previous |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        *pdf_pages(ingests),
        *fast_shares(ingests),
        *scan_lines(meta.get("scan")),
        "- *CPU ms/report*: user + system time of the ingest and its workers, per report (2 cores: "
        "reports/s ≈ 2000 ÷ CPU ms when both are busy).",
        "- *÷ plain read*: ingest time over the time to read every file once from a warm page cache.",
        "- *peak MB*: summed RSS of the ingest and its workers, sampled every 0.25 s; *main process MB*: the "
        "peak of the ingest's own process (the workers apart), which holds the run's bookkeeping.",
        "",
    ]
    if dbts:
        lines += [
            "## dbt build",
            "",
            "The whole project from an empty warehouse file (seeds, models, data and unit tests), on the staging "
            "of the generated corpus; with the profile's memory cap, and with DuckDB's own default (80% of RAM).",
            "",
            "| reports | memory_limit | runs | dbt build (s) | peak MB | time vs DuckDB default |",
            "|---:|---|---:|---:|---:|---:|",
            *dbt_rows,
            "",
            f"Result at {largest['reports']:,}: `{largest['dbt_result']}` (the warnings are the generated corpus's "
            "deliberately broken totals, stored for querying). Ingest after 1% new files joined the folder "
            "(incremental): " + "; ".join(f"{d['reports']:,}: {d['incremental_s']:.1f} s" for d in dbts) + ".",
            "",
            f"Analyses on the {largest['reports']:,}-report warehouse (median of 5, read-only connection):",
            "",
            "| query | ms |",
            "|---|---:|",
            *[f"| `analyses/{k}.sql` | {v:.0f} |" for k, v in largest["analyses_ms"].items()],
            "",
        ]
    lines += [
        "## Accuracy",
        "",
        f"Dev corpus read by this tree (`score_staging.py`): {meta.get('dev_accuracy') or 'not measured'}. "
        "Generated corpora: " + ("; ".join(f"{r['reports']:,}: {r['accuracy']}" for r in ingests
                                           if r.get("accuracy")) or "not measured") + ".",
        "",
    ]
    return "\n".join(lines)


def fast_shares(ingests: list[dict]) -> list[str]:
    shares = [f"{r['family']} {r['reports']:,}: {r['fast_share']:.0%}" for r in ingests if r.get("fast_share") is not None]
    return [f"- *read fast*: the share of reports whose tables the fast path read (`reports.read_path`, this tree): "
            f"{', '.join(shares)}."] if shares else []


def pdf_pages(ingests: list[dict]) -> list[str]:
    """Pages per second of the PDF family (its copies have the pages of the dev corpus's PDFs)."""
    import pypdfium2
    rows = [r for r in ingests if r["family"] == "pdf"]
    sources = sorted(p for p in (DEV / "raw").iterdir() if p.suffix.lower() == ".pdf") if rows else []
    if not sources:
        return []
    counts = []
    for p in sources:
        doc = pypdfium2.PdfDocument(str(p))
        counts.append(len(doc))
        doc.close()
    lines = []
    for r in rows:
        pages = sum(counts[i % len(counts)] for i in range(r["reports"]))
        per_version = ", ".join(f"{name} {pages / m['s']:,.0f} pages/s ({1000 * m['cpu_s'] / pages:.1f} CPU ms a page)"
                                for name, m in r["ingest"].items())
        lines.append(f"- *pdf*, {r['reports']:,} reports of {pages / r['reports']:.0f} pages: {per_version}.")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", default="text,pipe,html,pdf,generated,scan",
                    help="comma-separated: text,pipe,html,pdf,generated,scan")
    ap.add_argument("--scan-reports", type=int, default=4, help="scanned reports of the scan family (4 pages each)")
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="comma-separated corpus sizes (each family up to its largest: " +
                         ", ".join(f"{k} {v:,}" for k, v in LARGEST.items()) + ")")
    ap.add_argument("--against", metavar="REF", help="a git ref to pair every ingest with (e.g. a release tag)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per version up to 10,000 reports (default 3)")
    ap.add_argument("--no-dbt", action="store_true", help="ingest only")
    ap.add_argument("--data", type=Path, default=None,
                    help="where corpora and warehouses go (default bench/data; with --quick a temporary folder)")
    ap.add_argument("--quick", action="store_true",
                    help=f"every family at {QUICK_SIZE:,} reports, once, in a temporary folder removed at the end; "
                         "the report is printed, BENCHMARKS.md is left alone")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="ingest worker processes")
    ap.add_argument("--markdown", type=Path, default=None, help="report to write (default BENCHMARKS.md; "
                                                                  "with --quick none: it is printed)")
    ap.add_argument("--render", type=Path, metavar="JSON",
                    help="write the report from the figures a run saved (DATA/results.json), measuring nothing")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.repeats = str(QUICK_SIZE), 1
    elif args.markdown is None:
        args.markdown = ROOT / "BENCHMARKS.md"
    if args.render:
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        args.markdown.write_text(markdown(saved["ingests"], saved["dbts"], saved["meta"]), encoding="utf-8")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run removes its worktree too
    families = [f for f in args.families.split(",") if f]
    unknown = set(families) - set(LARGEST)
    if unknown:
        ap.error(f"unknown families: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",")]
    meta = {"date": dt.date.today().isoformat(), "head": head(), "jobs": args.jobs,
            "load": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
            "machine": f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
                       f"Python {platform.python_version()}, {platform.platform()}",
            "profile_limit": os.environ.get("GIA_DUCKDB_MEMORY_LIMIT") or profile_memory_limit()}
    temporary = args.data is None and args.quick
    if temporary:
        args.data = Path(tempfile.mkdtemp(prefix="gia-bench-quick-"))
    elif args.data is None:
        args.data = ROOT / "bench" / "data"
    try:
        return measure(args, families, sizes, meta)
    finally:
        if temporary:
            shutil.rmtree(args.data, ignore_errors=True)


def measure(args: argparse.Namespace, families: list[str], sizes: list[int], meta: dict) -> int:
    trees = {"this": ROOT}
    previous = None
    if args.against:
        previous, meta["against"] = worktree(args.against)
        trees["previous"] = previous
    try:
        ingests, dbts = [], []
        for family in families:
            if family == "scan":
                meta["scan"] = bench_scan(args.scan_reports, args.data, args.jobs)
                print(json.dumps(meta["scan"], indent=1), flush=True)
                continue
            for n in (s for s in sizes if s <= LARGEST[family]):
                ingests.append(bench_ingest(family, n, args.data, args.jobs, trees, args.repeats))
                print(json.dumps(ingests[-1], indent=1), flush=True)
                if family == "generated" and not args.no_dbt:
                    dbts.append(bench_dbt(n, args.data, args.repeats))
                    print(json.dumps(dbts[-1], indent=1), flush=True)
        meta["dev_accuracy"] = dev_accuracy(args.data)
    finally:
        if previous:
            remove_worktree(previous)
    args.data.mkdir(parents=True, exist_ok=True)
    (args.data / "results.json").write_text(json.dumps({"ingests": ingests, "dbts": dbts, "meta": meta}, indent=1),
                                            encoding="utf-8")
    report = markdown(ingests, dbts, meta)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")
    print(report)
    return 0


def profile_memory_limit() -> str:
    m = re.search(r"GIA_DUCKDB_MEMORY_LIMIT'\s*,\s*'([^']+)'", (ROOT / "profiles.yml").read_text())
    return m.group(1) if m else "?"


if __name__ == "__main__":
    sys.exit(main())
