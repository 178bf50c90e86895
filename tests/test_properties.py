"""Properties over generated reports (hypothesis): exact round trips in every shape (the stream
shapes too: a whole page on one line, cells run together with no separator), nulls never wrong
numbers when cells drop, and no exception on mangled input."""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.read import FOOTNOTE, Unreadable, normalise, read_document
from ingest.parse import parse_report
from ingest.records import number_value
from ingest.synth import SHAPES, random_truth, render

STATUSES = {"parsed", "partial", "no_tables", "unreadable"}
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cells(rep):
    return {code: [None if c.value is None else int(c.value) for c in row] for code, row in rep.applications.items()}


@FAST
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from(SHAPES), layout=st.sampled_from(["2019", "2021"]),
       damage=st.booleans(), appendix=st.booleans())
def test_every_shape_parses_back_to_its_numbers(seed, shape, layout, damage, appendix):
    truth = random_truth(random.Random(seed), layout)
    raw, suffix, expected = render(truth, shape, seed, damage=damage, appendix=appendix)
    rep = parse_report(raw, f"r{suffix}", suffix)
    assert rep.layout == layout
    # stream shapes included: what the generator runs together its own brute force decodes
    assert cells(rep) == expected.applications
    assert [c.value for c in rep.reviews.values()] == expected.reviews
    assert {m: c.value for m, c in rep.proactive.items()} == expected.proactive


@FAST
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from(SHAPES), drops=st.integers(1, 6))
def test_dropped_cells_are_null_never_wrong(seed, shape, drops):
    truth = random_truth(random.Random(seed))
    raw, suffix, expected = render(truth, shape, seed, drop_cells=drops)
    got = cells(parse_report(raw, f"r{suffix}", suffix))
    for code, row in expected.applications.items():
        for g, e in zip(got[code], row):
            assert g is None or g == e, (code, row, got[code])


def mangle(data: bytes, rng: random.Random, ops: list[str]) -> bytes:
    for op in ops:
        if not data:
            break
        i, j = sorted(rng.randrange(len(data)) for _ in range(2))
        if op == "truncate":
            data = data[:i]
        elif op == "delete":
            data = data[:i] + data[j:]
        elif op == "garbage":
            data = data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[i:]
        elif op == "shuffle":
            lines = data.split(b"\n")
            rng.shuffle(lines)
            data = b"\n".join(lines)
        elif op == "duplicate":
            data = data[:j] + data[i:j] + data[j:]
        elif op == "reencode":
            data = data.decode("utf-8", "ignore").encode(rng.choice(["gb18030", "utf-16", "utf-8-sig"]), "ignore")
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from(SHAPES),
       ops=st.lists(st.sampled_from(["truncate", "delete", "garbage", "shuffle", "duplicate", "reencode"]),
                    min_size=1, max_size=4))
def test_mangled_input_never_raises_and_invents_nothing(seed, shape, ops):
    rng = random.Random(seed)
    raw, suffix, _ = render(random_truth(rng), shape, seed)
    data = mangle(raw, rng, ops)
    rep = parse_report(data, f"r{suffix}", suffix)
    assert rep.status in STATUSES
    try:
        text = read_document(data, suffix).original + "\n" + data.decode("utf-8", "ignore")
    except Unreadable:
        assert rep.status == "unreadable"
        return
    squeezed = "".join(text.split())
    for row in rep.applications.values():
        for c in row:
            if c.value is not None:  # every number is printed in the input as its raw says (or is a cut of a run)
                assert c.raw in squeezed and number_value(normalise(c.raw).rstrip(FOOTNOTE)) == c.value, c
