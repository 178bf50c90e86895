"""The generator's corpus: answers in the shared gold format, years of one agency chained."""
import json

from ingest.synth import write_corpus


def test_corpus_gold_and_chained_years(tmp_path):
    write_corpus(tmp_path, 12, seed=11, broken=0, dropped=0)
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((tmp_path / "gold").glob("*.json"))]
    assert len(golds) == 12 and len(list((tmp_path / "raw").iterdir())) == 12
    assert [g["report_year"] for g in golds[:6]] == [2019, 2020, 2021, 2022, 2023, 2024]
    assert {g["layout"] for g in golds[:2]} == {"2019"} and {g["layout"] for g in golds[2:6]} == {"2021"}
    for last, this in zip(golds[:5], golds[1:6]):  # one agency, consecutive years
        assert this["applications"]["carried_over"] == last["applications"]["carried_forward"]
    for g in golds:
        apps = g["applications"]
        assert all(sum(v[:6]) == v[6] for v in apps.values())
        assert [a + b for a, b in zip(apps["new_received"], apps["carried_over"])] == \
            [a + b for a, b in zip(apps["total_processed"], apps["carried_forward"])]
