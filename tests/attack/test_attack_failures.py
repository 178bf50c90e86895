"""Clear failure states: a full disk, a read-only folder, a staging folder that is a mount point,
a lock file that is a link. One line saying what failed and that the last good state stands, a
non-zero exit; never a traceback, never a file written through a link.

The disk and folder cases run the ingest and publish as users do, in a private mount namespace
(``unshare -m``) with a small tmpfs mounted where the test needs one: a real full disk, a real
read-only file system, a real mount point. They need root (or CAP_SYS_ADMIN) and are skipped
without it."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ENV, ROOT, five, staged_state
from ingest.cli import run
from ingest.synth import write_corpus

PY = sys.executable


def _can_mount() -> bool:
    try:
        done = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount(), reason="needs unshare -m and mount (root)")


def in_namespace(script: str) -> subprocess.CompletedProcess:
    """``script`` (sh) in a private mount namespace: its mounts vanish with it."""
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=120)


def ingest(raw: Path, out: Path) -> str:
    return f"{PY} -m ingest '{raw}' --out '{out}' --jobs 2 --quiet --no-progress"


def digest(out: Path) -> str:
    """A command printing a digest of the staged rows (run inside the namespace, where the mount is)."""
    return (f"{PY} -c \"import hashlib, sys; sys.path.insert(0, 'tests'); from conftest import staged_state; "
            f"from pathlib import Path; print('digest', hashlib.sha256(repr(staged_state(Path('{out}'))).encode()).hexdigest())\"")



@needs_mounts
def test_a_full_disk_under_the_staging_leaves_the_last_good_staging(tmp_path):
    raw = five(tmp_path)
    more = tmp_path / "more"
    write_corpus(tmp_path / "gen", 300, seed=8)
    shutil.copytree(raw, more)
    for p in (tmp_path / "gen" / "raw").iterdir():
        shutil.copy(p, more)
    staging = tmp_path / "staging"
    staging.mkdir()
    done = in_namespace(f"""mount -t tmpfs -o size=96k none '{staging}'
{ingest(raw, staging)}
{digest(staging)}
{ingest(more, staging)} && exit 9 || echo "exit=$?"
{digest(staging)}""")
    lines = done.stdout.split("\n")
    digests = [line for line in lines if line.startswith("digest")]
    assert len(digests) == 2 and digests[0] == digests[1], done.stdout + done.stderr  # the last good staging
    assert "exit=1" in lines
    assert done.stderr.strip().split("\n") == [
        f"ingest: could not write the staging in {staging}: No space left on device; the last good staging there is intact"]


@needs_mounts
def test_a_staging_folder_that_is_a_mount_point(tmp_path):
    raw = five(tmp_path)
    run(raw, tmp_path / "plain", jobs=2, progress=False)
    staging = tmp_path / "staging"
    staging.mkdir()
    done = in_namespace(f"""mount -t tmpfs none '{staging}'
{ingest(raw, staging)}
touch '{raw / '001_5a46c2b8c80e9869.txt'}'
{ingest(raw, staging)}
{digest(staging)}
{digest(tmp_path / 'plain')}""")
    assert done.returncode == 0, done.stderr
    digests = [line for line in done.stdout.split("\n") if line.startswith("digest")]
    assert len(digests) == 2 and digests[0] == digests[1]  # as on any folder, full and incremental


@needs_mounts
def test_read_only_staging_is_read_by_publish_and_refused_by_an_ingest(tmp_path):
    raw = five(tmp_path)
    source = tmp_path / "source"
    run(raw, source, jobs=2, progress=False)
    (source / ".gia-staging.lock").unlink()  # a staging folder copied from elsewhere, read-only, with no lock file
    staging = tmp_path / "staging"
    staging.mkdir()
    snapshot = tmp_path / "snapshot"
    done = in_namespace(f"""mount --bind '{source}' '{staging}'
mount -o remount,bind,ro '{staging}'
{PY} -c "from pathlib import Path; from ingest.publish import take_snapshot; take_snapshot(Path('{staging}'), Path('{snapshot}'))"
{ingest(raw, staging)} && exit 9 || echo "exit=$?"
{digest(staging)}""")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]  # publish's snapshot of it was taken
    assert staged_state(snapshot) == staged_state(source)
    assert "exit=1" in done.stdout
    refusal = [line for line in done.stderr.split("\n") if line.startswith("ingest:")]
    assert refusal == [f"ingest: could not write the staging in {staging}: Read-only file system ({staging}/.gia-staging.lock); "
                       "the last good staging there is intact"], done.stderr


@needs_mounts
def test_a_full_disk_under_the_warehouse_keeps_the_last_good_one(sample_warehouse, tmp_path):
    staging = sample_warehouse.parent / "staging"
    folder = tmp_path / "wh"
    folder.mkdir()
    size_kb = sample_warehouse.stat().st_size // 1024 + 256  # the last good file and 256 KB: no room for a build
    done = in_namespace(f"""mount -t tmpfs -o size={size_kb}k none '{folder}'
cp '{sample_warehouse}' '{folder}/gia.duckdb'
sha256sum '{folder}/gia.duckdb'
{PY} -m ingest.publish --warehouse '{folder}/gia.duckdb' --staging '{staging}' -- --quiet && exit 9 || echo "exit=$?"
sha256sum '{folder}/gia.duckdb'
echo left:; ls -a '{folder}'""")
    sums = [line.split()[0] for line in done.stdout.split("\n") if line.endswith(" " + f"{folder}/gia.duckdb")]
    assert len(sums) == 2 and sums[0] == sums[1], done.stdout + done.stderr  # the last good warehouse, untouched
    assert "exit=1" in done.stdout or "exit=2" in done.stdout
    assert done.stderr.strip().split("\n")[-1] == f"publish: dbt build failed (exit 1); {folder}/gia.duckdb is unchanged", \
        done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert done.stdout.split("left:")[1].split() == [".", "..", ".gia.duckdb.lock", "gia.duckdb"]  # its build removed


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_a_lock_file_that_is_not_a_regular_file_is_refused(tmp_path, kind, capsys):
    from ingest import cli
    raw = five(tmp_path)
    staging = tmp_path / "staging"
    staging.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    lock = staging / ".gia-staging.lock"
    if kind == "symlink":
        lock.symlink_to(victim)  # once truncated, and the ingest's pid written into it
    elif kind == "fifo":
        import os
        os.mkfifo(lock)
    else:
        lock.mkdir()
    assert cli.main([str(raw), "--out", str(staging), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"ingest: staging folder {staging}: its lock file {lock} is ") and "\n" not in err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (staging / "reports.parquet").exists()


def test_a_warehouse_lock_that_is_a_symlink_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "wh"
    folder.mkdir()
    (folder / ".gia.duckdb.lock").symlink_to(victim)
    done = subprocess.run([PY, "-m", "ingest.publish", "--warehouse", str(folder / "gia.duckdb"), "--staging",
                           str(tmp_path / "none")], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "is a symbolic link" in done.stderr and "Traceback" not in done.stderr
    assert victim.read_text(encoding="utf-8") == "precious"
