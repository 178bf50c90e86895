"""Write seeds/townships.csv, the township-level divisions (乡、镇、街道) a township's report is placed
by when its name does not say its county, from the National Bureau of Statistics' list as of
2023-06-30 (../shared/data/townships, WTFPL):

    .venv/bin/python scripts/townships_seed.py [TOWNSHIPS_DIR]

Each township gets the division it lies in, in the codes of seeds/divisions.csv (end of 2024): its
county, or the code that county went to since (seeds/division_changes.csv); a township the statistics
list under one of its own development-zone codes (xx71–xx79, not GB/T 2260 divisions) gets the
prefecture the zone belongs to. Run scripts/divisions_seed.py first.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWNSHIPS = ROOT.parent / "shared" / "data" / "townships"
COLUMNS = ("township_code", "township_name", "division_code")


def read(directory: Path) -> list[dict[str, str]]:
    with open(directory / "townships_2023.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def seed_rows(townships: list[dict[str, str]], seeds: Path) -> list[tuple[str, str, str]]:
    with open(seeds / "divisions.csv", encoding="utf-8", newline="") as f:
        in_force = {r["division_code"] for r in csv.DictReader(f)}
    with open(seeds / "division_changes.csv", encoding="utf-8", newline="") as f:
        went_to = {r["former_code"]: r["division_code"] for r in csv.DictReader(f)}
    out = []
    for t in townships:
        county = t["areaCode"]
        code = county if county in in_force else went_to.get(county)
        if code is None and county[4] == "7" and county[:4] + "00" in in_force:  # a statistics-only zone code
            code = county[:4] + "00"
        if code:
            out.append((t["code"], t["name"], code))
    return sorted(out)


def render(rows: list[tuple[str, ...]]) -> str:
    lines = [",".join(COLUMNS)] + [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else TOWNSHIPS
    rows = seed_rows(read(source), ROOT / "seeds")
    (ROOT / "seeds" / "townships.csv").write_text(render(rows), encoding="utf-8")
    print(f"seeds/townships.csv: {len(rows)} townships")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
