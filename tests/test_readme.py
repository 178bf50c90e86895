"""The README as a newcomer follows it: its quick start (English and 中文) replayed on a fresh copy of
the repository, every command as written; its example queries' output as the warehouse prints it;
and `make clean` / `make demo` never removing or overwriting a user's own data."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, write_real_folder

README = ROOT / "README.md"
SECTIONS = ("## Quick start", "## 快速开始（中文）")


def quick_start_commands() -> list[str]:
    """Every command of the quick start's shell blocks, in order, each once (both languages show the
    same ones), without its comment."""
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for title in SECTIONS:
        section = text[text.index(title):]
        section = section[:section.index("\n## ", len(title))]
        for block in re.findall(r"```sh\n(.*?)```", section, re.S):
            for line in block.splitlines():
                command = re.split(r"\s+# ", line, maxsplit=1)[0].strip()
                if command and command not in commands:
                    commands.append(command)
    return commands


def fresh_clone(dest: Path) -> Path:
    """The repository's files as a clone has them (tracked, and new files not ignored: nothing
    built, nothing installed), with this repository's .venv linked in so nothing is installed
    again (`make` would reinstall only if pyproject.toml were newer than the install)."""
    venv = ROOT / ".venv"
    if not (venv / ".installed").exists():
        pytest.skip("needs the repository's .venv: run `make demo` once")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    (dest / ".venv").symlink_to(venv)
    installed = (venv / ".installed").stat().st_mtime
    os.utime(dest / "pyproject.toml", (installed - 1, installed - 1))
    return dest


def newcomer_env(**extra) -> dict:
    """A user's shell: none of the variables `make test` or the project set for its own runs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIA_", "DBT_", "MAKE", "MFLAGS", "PYTHON", "STREAMLIT_"))}
    return {**env, "DO_NOT_TRACK": "1", **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serves(command: str, clone: Path, env: dict) -> None:
    """A server command (make app): it must come up and answer, then it is stopped."""
    port = _free_port()
    proc = subprocess.Popen(["bash", "-c", command], cwd=clone, env={**env, "PORT": str(port)}, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, (command, proc.stdout.read()[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"{command}: nothing answered on port {port}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_the_quick_start_names_every_command_a_newcomer_needs():
    commands = quick_start_commands()
    assert commands[0] == "make demo"
    for needed in ("make summary", "make shell", "make export", "make docs", "make app", "make build"):
        assert needed in commands
    assert any(c.startswith(".venv/bin/duckdb -readonly warehouse/gia.duckdb") for c in commands)
    assert any("dbt debug" in c and "dbt build" in c for c in commands)
    assert not any(re.search(r"(^|\s)dbt\s", c) for c in commands)  # dbt is .venv/bin/dbt: not on PATH


def test_quick_start_replayed_on_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    reports = tmp_path / "reports"  # the README's path/to/reports: a real folder, every status in it
    write_real_folder(reports)
    env = newcomer_env()
    for command in quick_start_commands():
        command = command.replace("path/to/reports", str(reports))
        if command.startswith("make app"):
            serves(command, clone, env)
            continue
        started = time.monotonic()
        done = subprocess.run(["bash", "-c", command], cwd=clone, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=900)
        print(f"{time.monotonic() - started:6.1f} s  {command}")
        assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
        if command == "make demo":
            assert "Identity checks" in done.stdout  # the summary of what it built
    assert (clone / "target" / "static_index.html").is_file() and (clone / "export" / "dim_report.csv").is_file()

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=300)

    assert "make demo" in make().stdout  # bare make: the help, nothing built
    typo = make("summary", "WAREHOUSE=warehous/gia.duckdb")  # a mistyped warehouse: one line naming the real one
    assert typo.returncode == 2 and "no warehouse at warehous/gia.duckdb; found warehouse/gia.duckdb" in typo.stderr
    refused = make("demo")  # staging/ now holds the user's own reports: never overwritten by the samples
    assert refused.returncode == 2 and "holds your own ingest" in refused.stderr
    cleaned = make("clean")
    assert cleaned.returncode == 0 and "kept staging/" in cleaned.stdout
    assert (clone / "staging" / "reports.parquet").exists() and (clone / "warehouse" / "gia.duckdb").exists()
    assert not (clone / "target").exists()
    assert make("clean", "ALL=1").returncode == 0
    assert not (clone / "staging").exists() and not (clone / "warehouse").exists() and not (clone / "export").exists()


def test_readme_examples_print_what_the_warehouse_prints(sample_warehouse):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "readme_examples.py"), "--check",
                           "--warehouse", str(sample_warehouse)], capture_output=True, text=True)
    assert done.returncode == 0, "README.md differs from the warehouse: run scripts/readme_examples.py\n" + done.stdout


def test_make_clean_removes_only_what_make_demo_made(tmp_path, monkeypatch):
    """What `make demo` made goes; a staging folder or warehouse written since stays."""
    from ingest import workspace
    from ingest.cli import run
    monkeypatch.chdir(tmp_path)
    (tmp_path / "raw").mkdir()
    shutil.copy(ROOT / "samples" / "raw" / "001_5a46c2b8c80e9869.txt", tmp_path / "raw")
    staging, warehouse = Path("staging"), Path("warehouse/gia.duckdb")

    def demo() -> None:  # what `make demo` does, with a stand-in for the build
        assert workspace.demo_check(staging, warehouse) is None
        run(tmp_path / "raw", staging, jobs=1, progress=False)
        warehouse.parent.mkdir(exist_ok=True)
        warehouse.write_bytes(b"a warehouse")
        workspace.demo_mark(staging, warehouse)

    demo()
    Path("target").mkdir()  # dbt's, made by any dbt command
    assert sorted(workspace.clean()) == ["removed staging", "removed target", "removed warehouse/gia.duckdb"]
    assert not staging.exists() and not warehouse.parent.exists()

    demo()
    shutil.copy(ROOT / "samples" / "raw" / "002_08e398edbd93b538.txt", tmp_path / "raw")
    run(tmp_path / "raw", staging, jobs=1, progress=False)  # the user's own ingest into the same folder
    assert "holds your own ingest" in workspace.demo_check(staging, warehouse)
    said = workspace.clean()
    assert staging.exists() and not warehouse.exists() and any(s.startswith("kept staging/") for s in said)
    workspace.clean(everything=True)
    assert not staging.exists()


def test_a_missing_warehouse_names_those_there_are(tmp_path):
    from ingest.workspace import missing
    assert missing(tmp_path / "nothing.duckdb").startswith(f"no warehouse at {tmp_path / 'nothing.duckdb'}")
    (tmp_path / "a.duckdb").write_bytes(b"")
    assert f"found {tmp_path / 'a.duckdb'}" in missing(tmp_path / "b.duckdb")
    assert missing(tmp_path / "a.duckdb") is None
