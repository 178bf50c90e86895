"""Each way an attack on the pipeline found to publish wrong numbers, lose a file or stop a run:
the input, and what must hold afterwards."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ENV, five, staged_state
from ingest import cli
from ingest.cli import run
from ingest.parse import parse_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "raw"
PIPES = (SAMPLES / "000_b871b4d2c0ca5613.txt").read_text(encoding="utf-8")  # 2021, pipe rows, 新收 12, 总计 13


def rows(out: Path, name: str, columns: str = "*") -> list:
    return duckdb.sql(f"select {columns} from read_parquet('{out}/{name}.parquet') order by all").fetchall()



# --- numbers exactly as printed, or null ----------------------------------------------------------

def test_a_footnote_marker_is_not_a_digit():
    rep = parse_report(PIPES.replace("(七)总计 | 13 |", "(七)总计 | 13¹ |").encode(), "f.txt", ".txt")
    total = rep.applications["total_processed"][0]
    assert (total.value, total.raw) == (13, "13¹")  # not 131; raw as printed, before normalisation
    assert "footnote_marker:total_processed:13¹" in rep.warnings


def test_big_integers_are_exact_or_null(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big.txt").write_text(PIPES.replace("(七)总计 | 13 |", "(七)总计 | 9007199254740993 |")
                                 .replace("一、本年新收政府信息公开申请数量 | 12 |", "一、本年新收政府信息公开申请数量 | 123456789012345678901 |"),
                                 encoding="utf-8")
    run(raw, tmp_path / "out", jobs=1, progress=False)  # a 21-digit number used to crash the run
    values = dict(((r, c), v) for r, c, v in rows(tmp_path / "out", "applications", "row_code, applicant_type, value"))
    assert values[("total_processed", "natural_person")] == 9007199254740993  # not …992 through a float
    assert values[("new_received", "natural_person")] is None
    assert any(w.startswith("value_out_of_range:new_received") for w in rows(tmp_path / "out", "reports", "warnings")[0][0])


HIDDEN = """<html><body><p>某区2023年政府信息公开工作年度报告</p>
<div style="display:none"><table><tr><td>一、本年新收政府信息公开申请数量</td><td>999</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>999</td></tr></table></div>
{table}</body></html>"""


def test_hidden_html_is_not_read():
    visible = "".join(f"<table><tr><td>{line.split('|')[0]}</td>" + "".join(f"<td>{c.strip()}</td>" for c in line.split("|")[1:] if c.strip())
                      + "</tr></table>" for line in PIPES.split("\n") if line.count("|") >= 7)
    rep = parse_report(HIDDEN.format(table=visible).encode(), "h.html", ".html")
    assert rep.applications["new_received"][0].value == 12  # the page's, not the hidden 999


def test_a_table_printed_twice_agreeing_and_disagreeing():
    twice = PIPES + "\n附件\n" + PIPES[PIPES.index("三、收到和处理"):PIPES.index("五、")]
    rep = parse_report(twice.encode(), "t.txt", ".txt")
    assert rep.status == "parsed" and "tables_twice" in rep.warnings  # the copies agree: nothing lost
    other = twice[:len(PIPES)] + twice[len(PIPES):].replace("(七)总计 | 13 |", "(七)总计 | 14 |", 1)
    rep = parse_report(other.encode(), "t.txt", ".txt")
    assert rep.applications["total_processed"][0].value is None  # printed 20 and 21: neither
    assert "tables_conflict:applications:total_processed:1" in rep.warnings
    assert rep.applications["total_processed"][1].value == 0  # the cells the copies agree on stand


def test_another_years_table_before_the_reports_own_is_not_mapped_into_it():
    table_2019 = (SAMPLES / "001_5a46c2b8c80e9869.txt").read_text(encoding="utf-8")  # a 2019-form report
    old = table_2019[table_2019.index("二、主动公开政府信息情况"):table_2019.index("五、")]
    rep = parse_report(("附:上年度情况\n" + old + "\n" + PIPES).encode(), "t.txt", ".txt")
    assert (rep.report_year, rep.layout) == (2021, "2021")
    assert rep.applications["new_received"][6].value == 12  # this year's 2021-form table
    assert any(w.startswith("tables_twice:other_layout") for w in rep.warnings)


# --- one file never stops or stalls a run ---------------------------------------------------------

def test_a_long_run_of_digits_in_table_four_is_bounded():
    text = PIPES.replace("0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "1234567890" * 3)
    started = time.perf_counter()
    rep = parse_report(text.encode(), "f.txt", ".txt")
    assert time.perf_counter() - started < 5  # was over two minutes: ×2.3 per digit
    assert all(c.value is None for c in rep.reviews.values())


def test_every_path_gets_a_row_and_none_stops_the_run(tmp_path):
    raw = five(tmp_path)
    os.mkfifo(raw / "pipe.txt")  # would block a reader forever
    (raw / "zero.txt").symlink_to("/dev/zero")  # would fill the memory
    (raw / "outside.txt").symlink_to(SAMPLES / "000_b871b4d2c0ca5613.txt")
    (raw / "inside.txt").symlink_to(raw / "000_b871b4d2c0ca5613.txt")
    (raw / "dangling.txt").symlink_to(raw / "gone.txt")
    (raw / "linked_folder").symlink_to(raw / "sub")
    (raw / "sub").mkdir()
    gbk_name = os.path.join(os.fsencode(raw), "报告".encode("gbk") + b".txt")
    with open(gbk_name, "wb") as f:
        f.write(PIPES.encode())
    (raw / "report.pdf").write_bytes(b"%PDF-1.4 broken")
    stats = run(raw, tmp_path / "out", jobs=2, progress=False)
    status = {path: (st, w) for path, st, w in rows(tmp_path / "out", "reports", "source_path, status, warnings")}
    assert stats["files"] == 5 + 8 and len(status) == 13  # every path, one row each
    assert status["pipe.txt"] == ("unreadable", ["unreadable:not_a_file"])
    assert status["zero.txt"] == ("unreadable", ["unreadable:symlink_outside_raw"])
    assert status["outside.txt"] == ("unreadable", ["unreadable:symlink_outside_raw"])
    assert status["dangling.txt"] == ("unreadable", ["unreadable:dangling_symlink"])
    assert status["linked_folder"] == ("unreadable", ["unreadable:symlinked_folder"])
    assert status["inside.txt"][0] == "parsed" and "duplicate_of:000_b871b4d2c0ca5613.txt" in status["inside.txt"][1]
    assert status["报告.txt"][0] == "parsed"  # a GBK file name, shown as what it spells
    assert status["report.pdf"] == ("unreadable", ["unreadable:pdf_broken"])
    again = run(raw, tmp_path / "out", jobs=1, progress=False)  # the incremental run too
    assert again["files"] == 13 and again["unchanged"] >= 6


def test_a_file_vanishing_or_changing_mid_run_is_a_status(tmp_path, monkeypatch):
    raw = five(tmp_path)
    real = cli.read_file

    def vanishing(entry, max_bytes):
        if entry.rel.startswith("002"):
            os.unlink(entry.path)
        return real(entry, max_bytes)

    monkeypatch.setattr(cli, "read_file", vanishing)
    run(raw, tmp_path / "out", jobs=1, progress=False)
    status = dict(rows(tmp_path / "out", "reports", "source_path, warnings"))
    assert status["002_08e398edbd93b538.txt"] == ["unreadable:vanished"]
    monkeypatch.setattr(cli, "read_file", real)
    assert run(raw, tmp_path / "out", jobs=1, progress=False)["files"] == 4  # and the next run goes on


def test_a_parse_over_the_time_budget_is_given_up(tmp_path, monkeypatch):
    raw = five(tmp_path)
    real = cli.parse_report

    def stuck(raw_, rel, *a):
        if rel.startswith("003"):
            time.sleep(5)
        return real(raw_, rel, *a)

    monkeypatch.setattr(cli, "parse_report", stuck)
    started = time.perf_counter()
    run(raw, tmp_path / "out", jobs=1, progress=False, seconds=0.5)
    assert time.perf_counter() - started < 4
    assert dict(rows(tmp_path / "out", "reports", "source_path, warnings"))["003_1fe9055233aaf28b.txt"] == ["parser_timeout:0.5s"]


def test_a_killed_ingest_takes_its_workers_with_it(tmp_path):
    import psutil
    from ingest.synth import write_corpus
    write_corpus(tmp_path / "corpus", 1500, seed=4)
    proc = subprocess.Popen([sys.executable, "-m", "ingest", str(tmp_path / "corpus" / "raw"), "--out",
                             str(tmp_path / "out"), "--jobs", "2", "--no-progress"], cwd=ROOT, env=ENV)
    deadline = time.time() + 20
    while time.time() < deadline and len(psutil.Process(proc.pid).children()) < 2:
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children()
    assert workers, "no workers started"
    proc.kill()  # the main process only: its workers must not go on
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive


# --- incremental equals full, always ----------------------------------------------------------------

def changes(tmp_path: Path):
    """Each kind of change between two runs on one staging folder."""
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    manifest = tmp_path / "m.csv"
    return {
        "code": lambda mp: mp.setattr(cli, "ingest_version", lambda *a: "a-new-parser"),
        "seeds": lambda mp: (seeds.joinpath("form_rows.csv").write_text(
            seeds.joinpath("form_rows.csv").read_text(encoding="utf-8").replace("New requests received", "New requests"),
            encoding="utf-8"), mp.setenv("GIA_SEEDS_DIR", str(seeds))),
        "manifest_added": lambda mp: manifest.write_text("path,agency\n002_08e398edbd93b538.txt,厦门市海沧区人民政府\n", encoding="utf-8"),
        "manifest_column_added": lambda mp: manifest.write_text(
            "path,agency,url\n002_08e398edbd93b538.txt,厦门市海沧区人民政府,http://x\n", encoding="utf-8"),
        "max_bytes": None,
    }


@pytest.mark.parametrize("change", ["code", "seeds", "manifest_added", "manifest_column_added", "max_bytes"])
def test_incremental_equals_full_after_every_kind_of_change(tmp_path, monkeypatch, change):
    raw = five(tmp_path)
    out = tmp_path / "out"
    first_manifest = tmp_path / "m.csv" if change == "manifest_column_added" else None
    if first_manifest:
        first_manifest.write_text("path,agency\n002_08e398edbd93b538.txt,海沧区人民政府\n", encoding="utf-8")
    run(raw, out, manifest=first_manifest, jobs=1, progress=False)
    step = changes(tmp_path)[change]
    if step:
        step(monkeypatch)
    manifest = tmp_path / "m.csv" if (tmp_path / "m.csv").exists() else None
    max_bytes = 9000 if change == "max_bytes" else cli.MAX_BYTES  # 003 (9 KB) becomes too large
    run(raw, out, manifest=manifest, jobs=1, progress=False, max_bytes=max_bytes)
    run(raw, tmp_path / "full", manifest=manifest, jobs=1, progress=False, full=True, max_bytes=max_bytes)
    assert staged_state(out) == staged_state(tmp_path / "full")
    assert len(rows(out, "applications")) == len({r[:3] for r in rows(out, "applications")})  # no second copy


# --- the manifest, as strict as a loader should be ---------------------------------------------------

def test_manifest_problems_are_reported_and_nothing_applied_silently(tmp_path, capsys):
    raw = five(tmp_path)
    (raw / "sub").mkdir()
    shutil.copy(raw / "000_b871b4d2c0ca5613.txt", raw / "sub" / "000_b871b4d2c0ca5613.txt")
    (raw / "a").mkdir()
    (raw / "a" / "same.txt").write_text(PIPES, encoding="utf-8")
    (raw / "b").mkdir()
    (raw / "b" / "same.txt").write_text(PIPES + "\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,agency,report_year,url\n"
                        "same.txt,某县,2023,http://a\n"  # a bare name two files share: not applied
                        "001_5a46c2b8c80e9869.txt,芝罘区发改局,20200,http://b\n"  # a year out of range
                        "001_5a46c2b8c80e9869.txt,again,2020,http://c\n"  # a duplicate row
                        "missing.txt,无此文件,2020,http://d\n"  # matches no file
                        "002_08e398edbd93b538.txt,厦门市海沧区人民政府,2023,http://e\n", encoding="gb18030")
    assert cli.main([str(raw), "--out", str(tmp_path / "out"), "--manifest", str(manifest), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    for problem in ("not UTF-8: read as GB18030", "'same.txt' names 2 files", "report_year '20200' is not",
                    "'001_5a46c2b8c80e9869.txt' again", "'missing.txt' matches no file"):
        assert problem in printed, problem
    reports = {p: (a, y, u, w) for p, a, y, u, w in rows(tmp_path / "out", "reports", "source_path, agency, report_year, url, warnings")}
    assert reports["a/same.txt"][0] != "某县" and "manifest_ambiguous_name:same.txt" in reports["a/same.txt"][3]
    assert reports["001_5a46c2b8c80e9869.txt"][1:3] == (2020, "http://b")  # the parser's year; the first row's url
    assert "manifest_bad_value:report_year:20200" in reports["001_5a46c2b8c80e9869.txt"][3]
    assert reports["002_08e398edbd93b538.txt"][:3] == ("厦门市海沧区人民政府", 2023, "http://e")


def test_a_broken_manifest_is_an_error_naming_its_line(tmp_path, capsys):
    raw = five(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text('path,agency\n002_08e398edbd93b538.txt,"unclosed\n003.txt,x\n', encoding="utf-8")
    assert cli.main([str(raw), "--out", str(tmp_path / "out"), "--manifest", str(manifest)]) == 2
    assert "line" in capsys.readouterr().err


def test_a_moved_file_takes_its_new_paths_manifest_row(tmp_path):
    raw = five(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,agency\n002_08e398edbd93b538.txt,旧路径的机关\nnew/002.txt,新路径的机关\n", encoding="utf-8")
    run(raw, tmp_path / "out", manifest=manifest, jobs=1, progress=False)
    (raw / "new").mkdir()
    (raw / "002_08e398edbd93b538.txt").rename(raw / "new" / "002.txt")
    run(raw, tmp_path / "out", manifest=manifest, jobs=1, progress=False)
    assert dict(rows(tmp_path / "out", "reports", "source_path, agency"))["new/002.txt"] == "新路径的机关"
