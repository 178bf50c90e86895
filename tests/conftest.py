import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_COUNT = len(list((SAMPLES / "raw").iterdir()))  # the bundled real reports


@pytest.fixture(scope="session")
def form():
    from ingest.form import load_form
    return load_form()


def load_gold(name: str) -> dict:
    return json.loads((SAMPLES / "gold" / name).read_text(encoding="utf-8"))


ENV = {**os.environ, "PYTHONPATH": str(ROOT), "DO_NOT_TRACK": "1"}


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


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> Path:
    """The bundled sample reports, ingested and published as a user's `make demo` does."""
    from ingest.cli import run
    tmp = tmp_path_factory.mktemp("sample_wh")
    run(SAMPLES / "raw", tmp / "staging", jobs=1, progress=False)
    done = publish(tmp / "staging", tmp / "gia.duckdb")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return tmp / "gia.duckdb"


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
