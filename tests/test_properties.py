"""Properties over generated reports (hypothesis): exact round trips in every shape (the stream
shapes too: a whole page on one line, cells run together with no separator), nulls never wrong
numbers when cells drop, and no exception on mangled input."""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.read import FOOTNOTE, Unreadable, normalise, read_document
from ingest.parse import parse_report
from ingest.records import number_value
from ingest.form import load_form
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


ROWS_2021 = [r for r in load_form().table_rows("applications") if "2021" in r.layouts]
TABLE_HEAD = ["三、收到和处理政府信息公开申请情况", "申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他"]
# how converters print a row's label against its values (markitdown, pdfplumber, pdftotext, lynx …)
ROW_SHAPES = ["same_line", "label_before", "label_after", "wrapped", "apart", "cell_per_line"]


def out_of_step_truth(rng: random.Random) -> dict[str, list[int]]:
    """Every row's numbers distinct from its neighbours', its total adding up."""
    truth = {}
    for r in ROWS_2021:
        a, b = rng.randint(1, 60), rng.randint(0, 60)
        truth[r.code] = [a, b, 0, 0, 0, 0, a + b]
    return truth


def assert_null_or_right(lines: list[str], truth: dict[str, list[int]]) -> None:
    rep = parse_report("\n".join(TABLE_HEAD + lines).encode(), "r.txt", ".txt")
    for code, row in rep.applications.items():
        for cell, expected in zip(row, truth.get(code, [None] * 7)):
            assert cell.value is None or cell.value == expected, (code, [c.value for c in row], truth.get(code))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), drops=st.sets(st.integers(0, len(ROWS_2021) - 1), max_size=3))
def test_rows_printed_out_of_step_with_their_values_are_null_or_right(seed, drops):
    """Blocks of rows in the shapes converters print (values on the label's line, before or after
    it, a label wrapped around them, a block's labels apart from its values, a cell per line), some
    values lines lost: a row's cells are its own numbers or null, never another row's."""
    rng = random.Random(seed)
    truth = out_of_step_truth(rng)
    lines, k = [], 0
    while k < len(ROWS_2021):
        shape, size = rng.choice(ROW_SHAPES), rng.randint(1, 4)
        block = ROWS_2021[k:k + size]
        values = {r.code: None if ROWS_2021.index(r) in drops else " ".join(map(str, truth[r.code])) for r in block}
        if shape == "apart":
            lines += [r.label_zh for r in block] + [v for v in values.values() if v]
        for r in block if shape != "apart" else ():
            v = values[r.code]
            if shape == "same_line":
                lines.append(f"{r.label_zh} {v or ''}")
            elif shape == "label_before":
                lines += [r.label_zh] + ([v] if v else [])
            elif shape == "label_after":
                lines += ([v] if v else []) + [r.label_zh]
            elif shape == "cell_per_line":
                lines += [r.label_zh] + (v.split() if v else [])
            else:  # wrapped: the list number and two characters on the values' line, the rest below
                cut = max(r.label_zh.rfind("."), r.label_zh.rfind("、"), r.label_zh.rfind(")")) + 3
                lines += [f"{r.label_zh[:cut]} {v or ''}", r.label_zh[cut:]]
        k += size
    assert_null_or_right(lines, truth)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), same_line=st.floats(0, 1))
def test_values_lines_shuffled_against_their_labels_are_null_or_right(seed, same_line):
    """Labels and values lines each in the form's order, merged at random (a values line printed
    next to any row's label), on the label's own line when it follows it: null or right."""
    rng = random.Random(seed)
    truth = out_of_step_truth(rng)
    labels, values = [("label", r) for r in ROWS_2021], [("values", r) for r in ROWS_2021]
    merged = []
    while labels or values:
        merged.append((labels if labels and (not values or rng.random() < 0.5) else values).pop(0))
    lines = []
    for i, (kind, row) in enumerate(merged):
        text = row.label_zh if kind == "label" else " ".join(map(str, truth[row.code]))
        if kind == "values" and i and merged[i - 1] == ("label", row) and rng.random() < same_line:
            lines[-1] += " " + text
        else:
            lines.append(text)
    assert_null_or_right(lines, truth)
