"""Write models/marts/fct_agency_year_measures.yml from seeds/measures.csv: the wide measures mart
has a column per measure (and per rate its numerator, denominator and rated flag), each described
in Chinese and English from the measure dictionary. tests/test_measures.py checks the file is this
script's output.

    .venv/bin/python scripts/measures_yaml.py
"""
from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "models" / "marts" / "fct_agency_year_measures.yml"

HEAD = """version: 2
# Written by scripts/measures_yaml.py from seeds/measures.csv: edit the seed, then run the script.
models:
- name: fct_agency_year_measures
  description: 指标宽表：每份主报告一行，每个指标一列（比率另有分子、分母与是否评级列）；与 fct_report_measures 同数。
    / Measures side by side, one row per canonical report and a column per measure (a rate also with its
    numerator, denominator and rated flag); the same numbers as fct_report_measures.
  columns:
  - name: report_id
    description: 报告编号（见 dim_report）/ Report id (see dim_report)
    data_tests: [not_null, unique]
  - name: agency
    description: 报告机关（如实照录）/ The reporting body as printed
  - name: agency_key
    description: 机关键（跨年份标识同一机关，见 dim_agency）/ Agency key (one body across years, see dim_agency)
  - name: report_year
    description: 统计年度 / Statistics year
  - name: layout
    description: 表格版式 2019 或 2021 / Form layout, 2019 or 2021
  - name: agency_level
    description: 机关层级（标签见 dim_code_label）/ Agency level (labels in dim_code_label)
  - name: province_name
    description: 省级区划名称 / Province name
"""

TAIL = """  - name: min_count
    description: "最低计数（dbt 变量 measure_min_count，默认30）：分母低于它的比率不评级 / The minimum count (dbt var
      measure_min_count, default 30): a rate whose denominator is below it is not rated"
"""


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render() -> str:
    out = [HEAD]
    with open(ROOT / "seeds" / "measures.csv", encoding="utf-8", newline="") as f:
        for m in sorted(csv.DictReader(f), key=lambda r: int(r["sort_order"])):
            code, zh, en = m["measure"], m["label_zh"], m["label_en"]
            num_zh, num_en, den_zh, den_en = m["numerator_zh"], m["numerator_en"], m["denominator_zh"], m["denominator_en"]
            if m["kind"] == "rate":
                columns = [
                    (code, f"{zh}（{num_zh} ÷ {den_zh}，0–1；分母为0或空时为空）/ {en} ({num_en} ÷ {den_en}, 0–1; "
                           "null when the denominator is 0 or null)"),
                    (f"{code}_numerator", f"{zh}的分子：{num_zh} / Numerator of {en}: {num_en}"),
                    (f"{code}_denominator", f"{zh}的分母：{den_zh} / Denominator of {en}: {den_en}"),
                    (f"{code}_rated", f"{zh}是否评级（分母不少于最低计数）/ Whether {en} is rated (its denominator "
                                      "reaches the minimum count)"),
                ]
            else:
                columns = [(code, f"{zh}：{num_zh} / {en}: {num_en}")]
            out += [f"  - name: {name}\n    description: {quote(text)}\n" for name, text in columns]
    out.append(TAIL)
    return "".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
