import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_COUNT = len(list((SAMPLES / "raw").iterdir()))  # the bundled real reports


# the longest test files, longest first: `make test` hands files to its workers in this order, so
# these start at once instead of last (the rest follow in their usual order)
LONGEST_FIRST = ("test_faults.py", "test_readme.py", "test_dashboard.py", "test_publish.py", "test_warehouse.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def form():
    from ingest.form import load_form
    return load_form()


def load_gold(name: str) -> dict:
    return json.loads((SAMPLES / "gold" / name).read_text(encoding="utf-8"))


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "DO_NOT_TRACK": "1"}


def five(tmp_path: Path) -> Path:
    """A folder holding the five sample page texts printing pipe tables (000–004)."""
    import shutil
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "samples" / "raw").glob("00[0-4]_*.txt"):
        shutil.copy(f, raw)
    return raw


def running(process) -> bool:
    """A process that has not exited (a zombie has: only its reaping is left)."""
    import psutil
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def publish(staging: Path, warehouse: Path, timeout: float = 300):
    """``python -m ingest.publish`` in a child process, as a user runs it."""
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "ingest.publish", "--warehouse", str(warehouse), "--staging",
                           str(staging), "--", "--quiet"], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def staged_state(out: Path) -> dict:
    """The four staging files' rows, comparable across runs (file mtimes aside)."""
    import duckdb

    def rows(name: str, columns: str = "*") -> list:
        return duckdb.sql(f"select {columns} from read_parquet('{out}/{name}.parquet') order by all").fetchall()
    return {"reports": rows("reports", "* exclude (mtime_ns, ctime_ns, inode)"),
            **{name: rows(name) for name in ("applications", "reviews", "proactive", "statements")}}


def warehouse_state(path: Path) -> dict:
    """Every table's row count and an order-free hash of its rows: equal states, equal contents."""
    import duckdb
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for t, in con.sql("select table_name from information_schema.tables "
                                      "where table_schema = 'main' order by 1").fetchall()]
        return {t: con.sql(f'select count(*), sum(hash(r)) from "{t}" r').fetchone() for t in tables}


def built_once(tmp_path_factory, name: str, build) -> Path:
    """A folder ``build(folder)`` fills once per test run, shared by every test and, with
    pytest-xdist, by every worker (the first builds it under a lock, the others wait and reuse
    it). Tests read what is in it, or copy it: they never change it."""
    import fcntl
    import shutil
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


def _ingest_and_publish(raw: Path, folder: Path) -> None:
    from ingest.cli import run
    run(raw, folder / "staging", jobs=1, progress=False)
    done = publish(folder / "staging", folder / "gia.duckdb")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The bundled sample reports, ingested and published as a user's `make demo` does (its
    staging folder beside it)."""
    return built_once(tmp_path_factory, "sample_wh", lambda folder: _ingest_and_publish(SAMPLES / "raw", folder)) \
        / "gia.duckdb"


def write_real_folder(raw: Path) -> None:
    """The sample reports and what a real scrape holds besides: a file of every status, and a
    report whose agency no division list places (the dashboard's and the README's worst case)."""
    import shutil
    shutil.copytree(SAMPLES / "raw", raw)
    fixtures = ROOT / "tests" / "fixtures"
    (raw / "empty.txt").write_bytes(b"")  # unreadable
    (raw / "attachment.rar").write_bytes(b"Rar!\x1a\x07\x00" + bytes(range(256)))  # unsupported
    shutil.copy(fixtures / "locked.pdf", raw / "locked.pdf")  # unreadable: encrypted
    shutil.copy(fixtures / "scan.pdf", raw / "scan.pdf")  # no text layer
    (raw / "notice.txt").write_text("关于报送政府信息公开工作年度报告的通知\n各单位：请于1月31日前报送上一年度的年度报告。\n",
                                    encoding="utf-8")  # no tables
    text = (SAMPLES / "raw" / "001_5a46c2b8c80e9869.txt").read_text(encoding="utf-8")
    for place in ("烟台市芝罘区发展和改革局", "烟台市市府街", "芝罘区", "山东省"):
        text = text.replace(place, "某某管理委员会" if place.endswith("局") else "")
    (raw / "unplaced.txt").write_text(text, encoding="utf-8")  # no division: 未定位


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory) -> Path:
    """A warehouse of `write_real_folder` (in raw/ beside it): reports of every status, an agency
    no list places."""
    def build(folder: Path) -> None:
        write_real_folder(folder / "raw")
        _ingest_and_publish(folder / "raw", folder)
    return built_once(tmp_path_factory, "real_wh", build) / "gia.duckdb"


ATTACK_CASE_SECONDS = 90  # tests/attack: the attack cases of issue 19, each bounded in time


@pytest.fixture(autouse=True)
def attack_case_bounded_in_time(request):
    """A case of tests/attack that hangs fails after ATTACK_CASE_SECONDS; it does not stall `make test`."""
    if "attack" not in request.node.path.parts:
        yield
        return
    import signal

    def expired(signum, frame):
        raise TimeoutError(f"an attack case took over {ATTACK_CASE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(ATTACK_CASE_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
