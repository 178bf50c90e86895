"""The fast path (ingest/fast.py) against the full reader: on every corpus at hand and on generated
reports, a report the fast path accepts is, cell for cell, warning for warning, the report the full
reader makes of it; every clean table the generator prints is accepted; damage makes it decline
or agree. Plus the pass's pure checks, table-driven."""
import random
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.align import MATCH_MIN
from ingest.fast import _aligned_in_order, _values, _without_note
from ingest.parse import FAST, FULL, parse_report
from ingest.records import NUMBER, Token
from ingest.synth import SHAPES, break_identity, random_truth, render

ROOT = Path(__file__).resolve().parent.parent
# the repository's corpora; the shared ones beside it and a local corpus of converter outputs when present
CORPORA = {"samples": ROOT / "samples" / "raw", "fixtures": ROOT / "tests" / "fixtures",
           **{f"shared_{p.parent.name}": p for p in sorted((ROOT.parent / "shared" / "corpus").glob("*/raw"))},
           "convcorpus": ROOT.parent / "convcorpus" / "raw"}
READ = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
CLEAN_SHAPES = ("pipe", "cell_per_line", "cell_per_line_pipe", "html")  # one row per line or cell, no page furniture


def both_paths(raw: bytes, suffix: str) -> str | None:
    """Read a file with the fast path on and off; where the fast path read it, the two reports are
    equal in everything but which path read them. Returns the fast run's path."""
    fast = parse_report(raw, f"r{suffix}", suffix)
    full = parse_report(raw, f"r{suffix}", suffix, fast=False)
    assert full.read_path in (FULL, None)
    if fast.read_path == FAST:
        a, b = asdict(fast), asdict(full)
        assert a.pop("read_path") == FAST and b.pop("read_path") == FULL
        assert a == b, [k for k in a if a[k] != b[k]]
    return fast.read_path


@pytest.mark.parametrize("name", list(CORPORA))
def test_fast_reads_agree_with_the_full_reader_on_every_corpus(name):
    folder = CORPORA[name]
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in READ)
    read = [both_paths(p.read_bytes(), p.suffix.lower()) for p in paths]
    if name == "samples":  # the bundled reports printing their tables cleanly (not 003: cells dropped)
        assert {p.name[:3] for p, how in zip(paths, read) if how == FAST} >= {"000", "001", "002", "004", "007"}
    assert FAST in read or name == "fixtures"


def test_fast_reads_agree_on_generated_reports():
    """Every shape, damaged labels, dropped cells, broken totals, tables in an appendix."""
    rng = random.Random(23)
    paths = []
    for i in range(120):
        truth = random_truth(rng)
        if rng.random() < 0.2:
            break_identity(truth, rng)
        raw, suffix, _ = render(truth, rng.choice(SHAPES), i, damage=rng.random() < 0.3,
                                appendix=rng.random() < 0.2, drop_cells=rng.choice((0, 0, 0, 1, 2)))
        paths.append(both_paths(raw, suffix))
    assert paths.count(FAST) > 20 and paths.count(FULL) > 20


@pytest.mark.parametrize("shape", CLEAN_SHAPES)
def test_tables_printed_twice_are_left_to_the_full_reader(shape):
    """A page and its print version, a body and an appendix: the full reader reads both copies and
    merges them; the fast path reads one table set only."""
    truth = random_truth(random.Random(5), "2021")
    raw, suffix, _ = render(truth, shape, 5)
    text = raw.decode("utf-8")
    if shape == "html":
        cut, end = text.index("<p><strong>二、"), text.index("<p style", text.index("</table>", text.index("四、")))
    else:
        cut, end = text.index("二、主动公开政府信息情况"), text.index("五、存在的主要问题")
    twice = (text[:end] + text[cut:end] + text[end:]).encode("utf-8")
    assert both_paths(raw, suffix) == FAST
    assert both_paths(twice, suffix) == FULL
    assert "tables_twice" in parse_report(twice, f"r{suffix}", suffix).warnings


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cells(rep) -> dict:
    return {code: [c.value for c in row] for code, row in rep.applications.items()}


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from(CLEAN_SHAPES), layout=st.sampled_from(["2019", "2021"]),
       appendix=st.booleans())
def test_every_clean_table_takes_the_fast_path(seed, shape, layout, appendix):
    truth = random_truth(random.Random(seed), layout)
    raw, suffix, expected = render(truth, shape, seed, appendix=appendix)
    rep = parse_report(raw, f"r{suffix}", suffix)
    assert rep.read_path == FAST
    assert cells(rep) == expected.applications
    assert [c.value for c in rep.reviews.values()] == expected.reviews
    assert {m: c.value for m, c in rep.proactive.items()} == expected.proactive
    assert both_paths(raw, suffix) == FAST


def damaged(text: str, rng: random.Random, ops: list[str]) -> str:
    """A clean report's text with table damage of the kinds real files carry."""
    lines = text.split("\n")
    for op in ops:
        rows = [k for k, line in enumerate(lines) if re.search(r"\d", line)]
        k = rng.choice(rows)
        numbers = list(re.finditer(r"\d+", lines[k]))
        m = rng.choice(numbers)
        line = lines[k]
        if op == "drop_value":
            lines[k] = line[:m.start()] + line[m.end():]
        elif op == "blank_value":
            lines[k] = line[:m.start()] + rng.choice(("—", "/", "", "无")) + line[m.end():]
        elif op == "change_digit":
            lines[k] = line[:m.start()] + str((int(m.group()) + rng.randint(1, 9)) % 1000) + line[m.end():]
        elif op == "glue_values":
            lines[k] = re.sub(r"(\d)[ |]+(?=\d)", r"\1", line, count=1)
        elif op == "swap_lines" and k + 1 < len(lines):
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        elif op == "duplicate_line":
            lines.insert(k, line)
        elif op == "drop_line":
            del lines[k]
        elif op == "join_lines" and k + 1 < len(lines):
            lines[k:k + 2] = [line + lines[k + 1]]
        elif op == "garble_label":
            lines[k] = re.sub(r"[\u4e00-\u9fff]", lambda c: rng.choice("的一是不了人我在有他这"), line,
                              count=rng.randint(1, 3))
        elif op == "footnote":
            lines[k] = line[:m.end()] + rng.choice("¹²³") + line[m.end():]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from(SHAPES), layout=st.sampled_from(["2019", "2021"]),
       ops=st.lists(st.sampled_from(["drop_value", "blank_value", "change_digit", "glue_values", "swap_lines",
                                     "duplicate_line", "drop_line", "join_lines", "garble_label", "footnote"]),
                    min_size=1, max_size=3))
def test_damage_makes_the_fast_path_decline_or_agree(seed, shape, layout, ops):
    rng = random.Random(seed)
    raw, suffix, _ = render(random_truth(rng, layout), shape, seed)
    both_paths(damaged(raw.decode("utf-8"), rng, ops).encode("utf-8"), suffix)


# --- the pass's checks, table-driven -------------------------------------------------------------


def token(raw: str, kind: str = NUMBER, printed: str | None = None) -> Token:
    return Token(kind, raw, 1, 0, True, int(raw) if raw.isdigit() else None, raw if printed is None else printed)


@pytest.mark.parametrize("values, n, clean", [
    (["12", "0", "3"], 3, True),
    (["12", "0"], 3, False),  # a cell lost
    (["12", "0", "3", "4"], 3, False),  # a cell too many (two rows run together)
    (["12", "-3", "0"], 3, False),  # a sign: not a count
    (["1,234", "0", "3"], 3, False),  # a thousands comma: the full reader's number, not the clean case
    (["12.5", "0", "3"], 3, False),
    (["251000元", "0", "3"], 3, False),  # a unit
    (["1234567890123456789", "0", "3"], 3, False),  # past what int64 holds
])
def test_values_are_clean_counts(values, n, clean):
    assert (_values([token(v) for v in values], n) is not None) == clean


def test_blank_and_footnoted_values_are_not_clean():
    assert _values([token("—", kind="blank"), token("0"), token("0")], 3) is None
    assert _values([token("12", printed="12\ue001"), token("0"), token("0")], 3) is None
    assert _values([token("12", printed="１２"), token("0"), token("0")], 3) is not None  # full-width digits: a count


@pytest.mark.parametrize("scores, in_order", [
    # rows 0..2 (label positions 0..2) on runs 0..2: each run's similarity to every label
    ([(1.0, 0.2, 0.1), (0.1, 1.0, 0.2), (0.0, 0.3, 1.0)], True),
    ([(1.0, 0.2, 0.1), (0.5, 0.2, 0.2), (0.0, 0.3, 1.0)], True),  # row 1 reads like nothing: by position, as printed
    # run 1 reads like row 0 a little: row 0 keeps its own run, which it reads like far more
    ([(1.0, 0.2, 0.1), (0.55, 0.9, 0.2), (0.0, 0.3, 1.0)], True),
    ([(0.6, 0.2, 0.1), (1.0, 0.55, 0.2), (0.0, 0.3, 1.0)], True),  # run 1 reads like row 0 more, but row 0 on it
    # would leave row 1 without values, and its own run is worth more
    ([(0.5, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.6)], False),  # rows 0 and 1 on runs 1 and 2 outscore the order
    ([(0.5, 0.0, 0.0), (1.0, 0.5, 0.0), (0.0, 1.0, 0.5)], False),  # shifted by one run, as good as in order: a tie
])
def test_aligned_in_order_only_when_no_other_reading_can_score_as_much(scores, in_order):
    assert _aligned_in_order(scores, [0, 1, 2]) == in_order


def test_a_label_without_its_note_names_its_row():
    assert _without_note("部分公开(区分处理的,只计这一情形,不计其他情形)") == "部分公开"
    assert _without_note("予以公开") is None
    assert MATCH_MIN > 0.3  # what (二)部分公开 reads like its full label: it is named by the short form instead
