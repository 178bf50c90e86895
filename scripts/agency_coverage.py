"""How generated names of every shape resolve: mapped / central / ambiguous / unknown, and how many
would be placed in a wrong division (must be 0). Names are built from the real divisions seed.

    .venv/bin/python scripts/agency_coverage.py
"""
import collections
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ingest import agency  # noqa: E402
rows = list(csv.DictReader(open(Path(__file__).resolve().parent.parent / 'seeds' / 'divisions.csv', encoding='utf-8')))
names = {r['division_code']: r['division_name'] for r in rows}
rng = random.Random(20261122)
BODIES = ["人民政府", "教育局", "财政局", "人民政府办公室", "卫生健康委员会", "市场监督管理局", "司法局"]
CENTRAL = ["教育部", "财政部", "国家统计局", "海关总署", "国家发展和改革委员会", "生态环境部", "国务院办公厅"]
out = collections.Counter(); wrong = 0; by_shape = collections.defaultdict(collections.Counter)
for i in range(1000):
    shape = rng.choice(["full", "city+county", "bare", "township", "central", "body_only"])
    r = rng.choice(rows); code = r['division_code']
    chain = [names[c] for c in (r['province_code'], r['prefecture_code']) if c and c != code] + [names[code]]
    body = rng.choice(BODIES)
    if shape == "full": name = "".join(chain) + body
    elif shape == "city+county": name = "".join(chain[-2:]) + body
    elif shape == "bare": name = names[code] + body
    elif shape == "township": name = "".join(chain[-2:]) + rng.choice(["城关镇", "新华街道", "白沙乡"]) + "人民政府"
    elif shape == "central": name, code = rng.choice(CENTRAL), None
    else: name, code = body if body != "人民政府" else "教育局", None
    p = agency.resolve(name)
    out[p.division_status] += 1; by_shape[shape][p.division_status] += 1
    if p.division_code and p.division_code != code: wrong += 1
print(out, "wrong:", wrong)
for s, c in by_shape.items(): print(s, dict(c))
