"""Incremental = full: a file rewritten with its size and mtime kept, copies whose first copy was
deleted or now comes later, thousands of copies across chunks: the same staging as --full."""
import os
import shutil
from pathlib import Path

import duckdb

from conftest import five, staged_state
from ingest.cli import CHUNK_FILES, run

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "raw"
PIPES = "000_b871b4d2c0ca5613.txt"  # 新收 12 (自然人), 总计 13



def equal_to_full(raw: Path, out: Path, tmp_path: Path, **kw) -> dict:
    run(raw, out, jobs=2, progress=False, **kw)
    run(raw, tmp_path / "full", jobs=2, progress=False, full=True, **kw)
    incremental = staged_state(out)
    assert incremental == staged_state(tmp_path / "full")
    return incremental


def warnings_of(out: Path) -> dict:
    return dict(duckdb.sql(f"select source_path, warnings from read_parquet('{out}/reports.parquet')").fetchall())


def new_received(out: Path, path: str) -> int:
    return duckdb.sql(f"select a.value from read_parquet('{out}/applications.parquet') a join read_parquet('{out}/reports.parquet') "
                      f"r using (report_id) where r.source_path = '{path}' and a.row_code = 'new_received' "
                      "and a.applicant_type = 'natural_person'").fetchone()[0]


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_read_again(tmp_path):
    raw = five(tmp_path)
    out = tmp_path / "out"
    run(raw, out, jobs=2, progress=False)
    path = raw / PIPES
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count("数量 | 12 |") == 1
    path.write_text(text.replace("数量 | 12 |", "数量 | 13 |"), encoding="utf-8")  # corrected in place, as cp -p / rsync -t do
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    equal_to_full(raw, out, tmp_path)
    assert new_received(out, PIPES) == 13  # not the 12 staged before


def test_a_file_replaced_by_another_with_the_same_stat_is_read_again(tmp_path):
    raw = five(tmp_path)
    out = tmp_path / "out"
    run(raw, out, jobs=2, progress=False)
    path = raw / PIPES
    before = path.stat()
    other = tmp_path / "extracted.txt"  # what tar -x writes: a new file, the old mtime
    other.write_text(path.read_text(encoding="utf-8").replace("数量 | 12 |", "数量 | 14 |"), encoding="utf-8")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)
    equal_to_full(raw, out, tmp_path)
    assert new_received(out, PIPES) == 14


def test_a_deleted_first_copy_passes_the_report_to_the_next(tmp_path):
    raw = five(tmp_path)
    shutil.copy(raw / PIPES, raw / "b_copy.txt")
    shutil.copy(raw / PIPES, raw / "c_copy.txt")
    out = tmp_path / "out"
    run(raw, out, jobs=2, progress=False)
    assert warnings_of(out)["c_copy.txt"][-1] == f"duplicate_of:{PIPES}"
    (raw / PIPES).unlink()
    state = equal_to_full(raw, out, tmp_path)
    got = warnings_of(out)
    assert not any(w.startswith("duplicate_of") for w in got["b_copy.txt"])  # the first copy now
    assert got["c_copy.txt"][-1] == "duplicate_of:b_copy.txt"  # not the deleted one
    assert new_received(out, "b_copy.txt") == 12 and len(state["applications"]) == len({r[:3] for r in state["applications"]})


def test_a_new_copy_that_comes_first_is_the_first(tmp_path):
    raw = five(tmp_path)
    out = tmp_path / "out"
    manifest = tmp_path / "m.csv"  # with a manifest every new file is read (its row may differ): the late-first case
    manifest.write_text("path,url\n" + PIPES + ",http://a\n", encoding="utf-8")
    run(raw, out, manifest=manifest, jobs=2, progress=False)
    shutil.copy(raw / PIPES, raw / "0.txt")
    shutil.copy(raw / PIPES, raw / "zz_last.txt")
    for kw in ({"manifest": manifest}, {}):  # a file read before the row reused; then a moved row
        shutil.rmtree(tmp_path / "full", ignore_errors=True)
        equal_to_full(raw, out, tmp_path, **kw)
        got = warnings_of(out)
        assert not any(w.startswith("duplicate_of") for w in got["0.txt"])
        assert got[PIPES][-1] == got["zz_last.txt"][-1] == "duplicate_of:0.txt"


def test_copies_across_chunks_name_one_first_path_each(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    data = (SAMPLES / PIPES).read_bytes()
    copies = 3 * CHUNK_FILES + 5
    for i in range(copies):
        (raw / f"copy_{i:04d}.txt").write_bytes(data)
    out = tmp_path / "out"
    run(raw, out, jobs=2, progress=False)
    got = warnings_of(out)
    assert not any(w.startswith("duplicate_of") for w in got["copy_0000.txt"])
    named = [[w for w in ws if w.startswith("duplicate_of")] for path, ws in got.items() if path != "copy_0000.txt"]
    assert len(named) == copies - 1 and all(n == ["duplicate_of:copy_0000.txt"] for n in named)  # one each, the first
