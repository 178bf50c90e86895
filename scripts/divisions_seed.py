"""Write seeds/divisions.csv and seeds/division_changes.csv, the administrative divisions (GB/T 2260
codes) agency names are resolved against, from areacodes (the Ministry of Civil Affairs' lists of
county-level and higher codes 1981–2024 with the old → new mapping; CC0, ../shared/data/areacodes):

    .venv/bin/python scripts/divisions_seed.py [AREACODES_DIR]

divisions.csv is the list in force at the end of 2024 (白杨市 2023, 和安县 and 和康县 2024 …) with
the year each code came into use; division_changes.csv holds the names and codes retired since
FORMER_SINCE with the one current code each went to (沙县 350427 → 沙县区 350405, 2021), so a report
printed under a former name keeps its agency's key. A division split between several codes
(邢台县 → 襄都区 and 信都区) has no single successor and is left out: its reports stay unplaced
rather than joined to one of the parts.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREACODES = ROOT.parent / "shared" / "data" / "areacodes"
FORMER_SINCE = 2018  # statistics years with the form start in 2019; a year before for reports printed late
LEVELS = {"省级": "province", "地级": "prefecture", "县级": "county"}
COLUMNS = ("division_code", "division_name", "division_level", "parent_code", "province_code", "prefecture_code",
           "in_use_since")
CHANGE_COLUMNS = ("former_code", "former_name", "division_level", "changed_in", "division_code")


def read(areacodes: Path) -> list[dict[str, str]]:
    with open(areacodes / "result.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def current(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    in_use = {r["代码"]: r for r in rows if r["状态"] == "在用"}
    out = []
    for code, r in sorted(in_use.items()):
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        level = LEVELS[r["级别"]]
        if level == "province":
            parent, prefecture = "", ""
        elif level == "prefecture":
            parent = province
        else:  # a county a province governs directly (仙桃市 429004, 北京's districts) has no prefecture
            prefecture = prefecture if prefecture in in_use else ""
            parent = prefecture or province
        out.append((code, r["名称"], level, parent, province, prefecture, r["启用时间"]))
    return out


def successor(code: str, by_code: dict[str, list[dict[str, str]]], seen: frozenset = frozenset()) -> str | None:
    """The code in use now that ``code``'s area went to, following later changes; None when it
    was split between several."""
    rows = by_code.get(code, [])
    if any(r["状态"] == "在用" for r in rows):
        return code
    retired = [r for r in rows if r["状态"] != "在用"]
    if not retired or code in seen:
        return None
    last = max(retired, key=lambda r: int(r["变更/弃用时间"] or 0))
    # codes with [YEAR] are parts that left earlier; the others are where the area went when retired
    targets = [t for t in last["新代码"].split(";") if t and "[" not in t]
    if len(targets) != 1:
        return None
    return successor(targets[0], by_code, seen | {code})


def changes(rows: list[dict[str, str]]) -> list[tuple[str, ...]]:
    by_code: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_code.setdefault(r["代码"], []).append(r)
    out = []
    for r in rows:
        year = r["变更/弃用时间"]
        if r["状态"] == "在用" or not year or int(year) < FORMER_SINCE or LEVELS[r["级别"]] != "county":
            continue
        targets = [t for t in r["新代码"].split(";") if t and not re.search(r"\[", t)]
        now = successor(targets[0], by_code) if len(targets) == 1 else None
        if now:
            out.append((r["代码"], r["名称"], "county", year, now))
    return sorted(set(out))


def render(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else AREACODES
    rows = read(source)
    (ROOT / "seeds" / "divisions.csv").write_text(render(COLUMNS, current(rows)), encoding="utf-8")
    (ROOT / "seeds" / "division_changes.csv").write_text(render(CHANGE_COLUMNS, changes(rows)), encoding="utf-8")
    print(f"wrote seeds/divisions.csv ({len(current(rows))}) and seeds/division_changes.csv ({len(changes(rows))})",
          file=sys.stderr)
