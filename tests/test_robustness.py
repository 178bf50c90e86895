"""Hostile and messy input, and safe rebuilds: nothing lost, nothing invented, readers undisturbed."""
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ENV, SAMPLE_COUNT
from ingest.cli import run
from ingest.read import Unreadable, read_document
from ingest.parse import parse_report
from ingest.synth import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "raw").glob("*.txt"))
BIN = Path(sys.executable).parent


def staged(out: Path, name: str, sql: str = "*", where: str = "true") -> list:
    return duckdb.sql(f"select {sql} from read_parquet('{out}/{name}.parquet') where {where} order by all").fetchall()


# --- input hygiene ------------------------------------------------------------------------------

SAMPLE_004 = (ROOT / "samples" / "raw" / "004_e91101857bf848ba.txt").read_text(encoding="utf-8")
HTML_004 = "<html><body>" + "".join(
    f"<p>{line.replace('&', '&amp;')}</p>" if "|" not in line else
    "<table><tr>" + "".join(f"<td>{c}</td>" for c in line.split("|")) + "</tr></table>"
    for line in SAMPLE_004.split("\n")) + "</body></html>"
CASES = {  # file name: (bytes, expected status, expected warning or encoding)
    "empty.txt": (b"", "unreadable", "unreadable:empty"),
    "binary.txt": (bytes(range(256)) * 16, "unreadable", "unreadable:binary"),
    "gbk.txt": (SAMPLE_004.encode("gb18030"), "parsed", "gb18030"),
    "utf8_bom.txt": (b"\xef\xbb\xbf" + SAMPLE_004.encode(), "parsed", "utf-8-sig"),
    "utf16_bom.txt": (SAMPLE_004.encode("utf-16"), "parsed", "utf-16-le"),
    "utf16_no_bom.txt": (SAMPLE_004.encode("utf-16-be"), "parsed", "utf-16-be"),
    "full_width.txt": (SAMPLE_004.translate(str.maketrans("0123456789:()", "０１２３４５６７８９：（）")).encode(),
                       "parsed", "utf-8"),
    "entities.html": (HTML_004.replace("规章", "&#35268;&#31456;").encode(), "parsed", "utf-8"),
    "pre_2019.txt": ("某县2017年政府信息公开工作年度报告\n全年主动公开信息100条,依申请公开12件。".encode(), "no_tables", "no_tables"),
}
MAX_BYTES = max(len(data) for data, _, _ in CASES.values()) + 1  # every case fits, but for:
CASES["huge.txt"] = (SAMPLE_004.encode() + b" " * MAX_BYTES, "too_large", "too_large:")


@pytest.fixture(scope="module")
def hygiene(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hygiene")
    for name, (data, _, _) in CASES.items():
        (tmp / "raw").mkdir(exist_ok=True)
        (tmp / "raw" / name).write_bytes(data)
    run(tmp / "raw", tmp / "out", jobs=1, progress=False, max_bytes=MAX_BYTES)
    return {r[0]: r[1:] for r in staged(tmp / "out", "reports", "source_path, status, encoding, warnings, report_id")}, tmp


@pytest.mark.parametrize("name", CASES)
def test_every_bad_file_gets_a_clear_status(hygiene, name):
    rows, _ = hygiene
    status, encoding, warnings, rid = rows[name]
    data, expected_status, marker = CASES[name]
    assert status == expected_status
    assert marker in (encoding or "") or any(w.startswith(marker) for w in warnings)
    assert rid == hashlib.sha256(data).hexdigest()[:16]  # identified by its bytes, even when not read


def test_readable_variants_give_the_same_numbers(hygiene):
    rows, tmp = hygiene
    values = {}
    for name in ("gbk.txt", "utf8_bom.txt", "utf16_bom.txt", "utf16_no_bom.txt", "full_width.txt", "entities.html"):
        rid = rows[name][3]
        values[name] = staged(tmp / "out", "applications", "row_code, applicant_type, value", f"report_id = '{rid}'")
    assert len({repr(v) for v in values.values()}) == 1 and values["gbk.txt"]


def test_null_markers_are_null_with_the_text_kept(tmp_path):
    text = SAMPLE_004.replace("(一)予以公开\n\n8\n\n0\n\n0", "(一)予以公开\n\n—\n\n/\n\n无", 1)
    assert text != SAMPLE_004
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "r.txt").write_text(text, encoding="utf-8")
    run(tmp_path / "raw", tmp_path / "out", jobs=1, progress=False)
    cells = dict((a, (v, r)) for a, v, r in staged(tmp_path / "out", "applications", "applicant_type, value, raw",
                                                   "row_code = 'granted'"))
    assert [cells[a] for a in ("natural_person", "commercial_enterprise", "research_institution")] \
        == [(None, "—"), (None, "/"), (None, "无")]
    warnings = staged(tmp_path / "out", "reports", "warnings")[0][0]
    assert "cell_blank:granted:1" in warnings


def test_every_value_points_at_its_line():
    path = ROOT / "samples" / "raw" / "002_08e398edbd93b538.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    rep = parse_report(path.read_bytes(), "002.txt", ".txt")
    for cells in rep.applications.values():
        for c in cells:
            assert c.raw in lines[c.line - 1]
    assert all(c.raw in lines[c.line - 1] for c in rep.proactive.values())


# --- fuzz: the real sample reports, mangled -----------------------------------------------------

def mangle(data: bytes, rng: random.Random) -> bytes:
    op = rng.choice(["truncate", "shuffle", "drop_cells", "garbage", "reencode", "interleave"])
    if op == "truncate":
        return data[: rng.randrange(len(data))]
    if op == "shuffle":
        lines = data.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines)
    if op == "drop_cells":
        lines = data.decode("utf-8", "replace").split("\n")
        return "\n".join(l for l in lines if not (l.strip(" |").isdigit() and rng.random() < 0.2)).encode()
    if op == "garbage":
        i = rng.randrange(len(data))
        return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + data[i:]
    if op == "reencode":
        return data.decode("utf-8", "replace").encode(rng.choice(["gb18030", "utf-16", "utf-16-le"]), "replace")
    other = rng.choice(SAMPLES).read_bytes()
    return data[: len(data) // 2] + other[len(other) // 2:]


@pytest.mark.parametrize("seed", range(120))
def test_fuzzed_samples_never_raise_nor_invent_values(seed):
    rng = random.Random(seed)
    data = rng.choice(SAMPLES).read_bytes()
    for _ in range(rng.randint(1, 3)):
        data = mangle(data, rng)
    rep = parse_report(data, "f.txt", ".txt")
    assert rep.status in {"parsed", "partial", "no_tables", "unreadable"}
    try:
        squeezed = "".join(read_document(data, ".txt").original.split())
    except Unreadable:
        assert rep.status == "unreadable" and not rep.applications
        return
    for cells in list(rep.applications.values()) + [[c] for c in rep.reviews.values()] + [[c] for c in rep.proactive.values()]:
        for c in cells:
            if c.value is not None:
                assert c.raw and c.raw in squeezed, c  # printed in the input (a decoded run's cut: within its run)


# --- interrupted runs ------------------------------------------------------------------------

def test_killing_ingest_mid_run_loses_and_duplicates_nothing(tmp_path):
    write_corpus(tmp_path / "corpus", 1200, seed=9)
    raw, out = tmp_path / "corpus" / "raw", tmp_path / "staging"
    proc = subprocess.Popen([sys.executable, "-m", "ingest", str(raw), "--out", str(out), "--jobs", "2", "--no-progress"],
                            cwd=ROOT, env=ENV, start_new_session=True)
    time.sleep(0.8)  # start-up takes ~0.4 s and the run ~1.5 s: killed while the workers parse
    assert proc.poll() is None, "the run ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "reports.parquet").exists()  # nothing half-written under a real name
    stats = run(raw, out, jobs=2, progress=False)
    assert stats["files"] == 1200
    assert not list(out.glob(".*.tmp"))  # the killed run's temporary files are cleaned up
    assert staged(out, "applications", "count(*), count(distinct (report_id, row_code, applicant_type))")[0] \
        == staged(out, "applications", "count(*), count(*)")[0]
    assert staged(out, "reports", "count(distinct source_path)") == [(1200,)]


def test_a_run_killed_between_renames_is_parsed_again(tmp_path, monkeypatch):
    """Where the folders cannot be swapped in one step, the four files are renamed in one by one;
    a set cut short by a kill is told by its fingerprints and parsed again."""
    import ingest.staging
    monkeypatch.setattr(ingest.staging, "exchange", lambda a, b: False)
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "samples" / "raw", raw)
    out = tmp_path / "staging"
    run(raw, out, jobs=1, progress=False)
    (raw / "extra.txt").write_bytes((raw / "000_b871b4d2c0ca5613.txt").read_bytes() + b"\n")
    renames = []
    real_replace = os.replace

    def dies_after_one(src, dst):
        if renames:
            raise KeyboardInterrupt
        renames.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        run(raw, out, jobs=1, progress=False)
    monkeypatch.setattr(os, "replace", real_replace)
    stats = run(raw, out, jobs=1, progress=False)  # the files disagree: nothing is reused
    assert (stats["unchanged"], stats["files"]) == (0, SAMPLE_COUNT + 1)
    assert staged(out, "reports", "count(*)") == [(SAMPLE_COUNT + 1,)]


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path):
    """Only the run holding the staging folder's lock writes there: what another run left
    under a temporary name is a killed run's, and goes."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_bytes((ROOT / "samples" / "raw" / "000_b871b4d2c0ca5613.txt").read_bytes())
    out = tmp_path / "staging"
    out.mkdir()
    (out / ".reports.parquet.999999.tmp").write_bytes(b"half")
    run(tmp_path / "raw", out, jobs=1, progress=False)
    assert not list(out.glob(".*.tmp")) and staged(out, "reports", "count(*)") == [(1,)]
