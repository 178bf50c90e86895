"""The README's example queries and their output, kept true: each query of docs/readme_examples.sql
runs on a warehouse with the DuckDB CLI, and README.md's block for it (marked ``<!-- example: NAME
-->``) is rewritten with the query and what the CLI printed.

    .venv/bin/python scripts/readme_examples.py [--warehouse warehouse/gia.duckdb] [--check]

Run it on the demo warehouse (`make demo`). ``--check`` changes nothing and exits 1 when the README
differs (tests/test_readme.py runs it on the sample reports' warehouse).
"""
from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "readme_examples.sql"
README = ROOT / "README.md"
CLI = Path(sys.executable).parent / "duckdb"
NAME = re.compile(r"^-- example: (\S+)[ \t]*\n", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def examples(path: Path = EXAMPLES) -> dict[str, str]:
    """name → the query as the README prints it (its comment lines included)."""
    parts = NAME.split(path.read_text(encoding="utf-8"))
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}


def printed(warehouse: Path, sql: str) -> str:
    """What the DuckDB CLI prints for ``sql`` on the warehouse, read-only."""
    done = subprocess.run([str(CLI), "-readonly", str(warehouse), "-c", sql], capture_output=True, text=True,
                          check=True)
    return "\n".join(line.rstrip() for line in ANSI.sub("", done.stdout).strip("\n").splitlines())


def block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- example: {re.escape(name)} -->\n)```sql\n.*?```\n```text\n.*?```\n", re.S)


def rewritten(readme: str, outputs: dict[str, tuple[str, str]]) -> str:
    for name, (sql, out) in outputs.items():
        pattern = block(name)
        if not pattern.search(readme):
            raise SystemExit(f"README.md has no block <!-- example: {name} --> for docs/readme_examples.sql")
        readme = pattern.sub(lambda m: f"{m.group(1)}```sql\n{sql}\n```\n```text\n{out}\n```\n", readme)
    return readme


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, default=ROOT / "warehouse" / "gia.duckdb")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when README.md differs")
    args = ap.parse_args(argv)
    outputs = {name: (sql, printed(args.warehouse, sql)) for name, sql in examples().items()}
    before = README.read_text(encoding="utf-8")
    after = rewritten(before, outputs)
    if args.check:
        if after != before:
            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                       "README.md", "README.md (as the warehouse prints it)"))
            return 1
        return 0
    README.write_text(after, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
