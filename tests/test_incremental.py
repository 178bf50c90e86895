"""Re-running ingest on a folder reuses what is staged for unchanged files, and ends where a full run would."""
import os
import shutil
from pathlib import Path

import duckdb
import pytest


from ingest.cli import run

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("reports", "applications", "reviews", "proactive", "statements")
COMPARED = {"reports": "report_id, source_path, source_format, status, layout, report_year, agency, warnings",
            "applications": "report_id, row_code, applicant_type, value, raw",
            "reviews": "report_id, cell, value", "proactive": "report_id, measure, value, raw"}


def rows(out: Path) -> dict:
    return {name: sorted(duckdb.sql(f"select {cols} from read_parquet('{out}/{name}.parquet')").fetchall(), key=repr)
            for name, cols in COMPARED.items()}


@pytest.fixture
def folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in (ROOT / "samples" / "raw").glob("00[0-4]_*.txt"):  # five text pages
        shutil.copy(f, raw)
    out = tmp_path / "staging"
    first = run(raw, out, jobs=1, progress=False)
    assert first["unchanged"] == 0 and first["files"] == 5
    return raw, out


def logging_parses(monkeypatch, log: Path) -> None:
    """Every file parsed from now on is written to ``log`` (files are parsed in worker processes)."""
    import ingest.cli as cli
    real = cli.parse_report

    def logged(raw_, rel, *a):
        with open(log, "a") as f:
            f.write(rel + "\n")
        return real(raw_, rel, *a)
    monkeypatch.setattr(cli, "parse_report", logged)


def full_run(raw: Path, tmp: Path) -> dict:
    out = tmp / "full"
    run(raw, out, jobs=1, progress=False, full=True)
    return rows(out)


def test_nothing_changed_rewrites_nothing(folder):
    raw, out = folder
    before = {n: (out / f"{n}.parquet").read_bytes() for n in NAMES}
    stats = run(raw, out, jobs=1, progress=False)
    assert stats["unchanged"] == 5 and stats["files"] == 5 and stats["status:parsed"] == 4
    assert {n: (out / f"{n}.parquet").read_bytes() for n in NAMES} == before


def test_new_changed_moved_and_deleted_files(folder, tmp_path, monkeypatch):
    raw, out = folder
    (raw / "sub").mkdir()
    shutil.copy(ROOT / "samples" / "raw" / "002_08e398edbd93b538.txt", raw / "sub" / "copy.txt")  # same bytes: a copy
    (raw / "003_1fe9055233aaf28b.txt").rename(raw / "sub" / "moved.txt")  # moved: reused, not parsed
    (raw / "000_b871b4d2c0ca5613.txt").write_text("一份新的报告\n无表格", encoding="utf-8")  # changed
    (raw / "004_e91101857bf848ba.txt").unlink()  # deleted
    (raw / "new.txt").write_text((ROOT / "samples" / "raw" / "004_e91101857bf848ba.txt").read_text(encoding="utf-8") + "\n附",
                                 encoding="utf-8")
    log = tmp_path / "parsed.log"
    logging_parses(monkeypatch, log)
    stats = run(raw, out, jobs=1, progress=False)
    assert sorted(log.read_text().split()) == ["000_b871b4d2c0ca5613.txt", "new.txt"]
    assert (stats["unchanged"], stats["moved"], stats["files"]) == (2, 2, 6)
    assert rows(out) == full_run(raw, tmp_path)


def test_touched_file_is_hashed_not_parsed(folder, tmp_path, monkeypatch):
    raw, out = folder
    path = raw / "001_5a46c2b8c80e9869.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    log = tmp_path / "parsed.log"
    logging_parses(monkeypatch, log)
    stats = run(raw, out, jobs=1, progress=False)
    assert not log.exists(), "bytes already staged"
    assert (stats["unchanged"], stats["moved"]) == (4, 1)
    mtime = duckdb.sql(f"select mtime_ns from read_parquet('{out}/reports.parquet') where source_path = '{path.name}'").fetchone()
    assert mtime == (path.stat().st_mtime_ns,)


def test_another_manifest_parses_everything_again(folder, tmp_path):
    raw, out = folder
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,agency\n002_08e398edbd93b538.txt,厦门市海沧区人民政府\n", encoding="utf-8")
    stats = run(raw, out, manifest=manifest, jobs=1, progress=False)
    assert stats["unchanged"] == 0
    assert ("厦门市海沧区人民政府",) in duckdb.sql(f"select agency from read_parquet('{out}/reports.parquet')").fetchall()


@pytest.mark.parametrize("suffix", [".doc", ".md", ".htm", ".TXT", ""])
def test_staged_bytes_under_another_suffix_are_read_as_that_suffix(folder, tmp_path, suffix):
    """A copy whose bytes are staged under a .txt is read by its own suffix's reader, as a full run
    reads it (a .doc is unsupported there, never the .txt's parse)."""
    raw, out = folder
    shutil.copy(raw / "002_08e398edbd93b538.txt", raw / f"copy{suffix}")
    run(raw, out, jobs=1, progress=False)
    assert rows(out) == full_run(raw, tmp_path)
