"""The command line answers ``--help`` and usage errors before the reader and the Parquet writer load."""
import subprocess
import sys

from conftest import ENV, ROOT

HEAVY = ("polars", "pyarrow", "numpy", "pypdfium2", "tqdm", "pandas", "ingest.cli", "ingest.parse")


def test_help_loads_nothing_heavy():
    probe = ("import runpy, sys\n"
             "sys.argv = ['ingest', '--help']\n"
             "try:\n    runpy.run_module('ingest', run_name='__main__')\n"
             "except SystemExit as e:\n    assert e.code == 0\n"
             f"print([m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage: python -m ingest" in done.stdout and done.stdout.strip().endswith("[]")


def test_a_usage_error_is_said_before_anything_loads(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ingest", str(tmp_path / "missing")], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is not a folder" in done.stderr
