"""``--manifest CSV``: what a scraper already knows about each file, loaded as strictly as a loader
should: nothing is applied silently.

A ``path`` column (relative to RAW_DIR; a bare file name matches only when one file has that
name) and any of ``title``, ``agency``, ``report_year``, ``published_at`` override what the parser
found; ``division_code`` (GB/T 2260), ``province``, ``city`` and ``county`` place the agency
(ingest/agency.py); every column but these four FIELDS is kept beside the report, as
``manifest_<name>`` where its name is one the staging files or the warehouse's models already
use (in any case: DuckDB's names are case-insensitive), so that it can never stand in for one of
theirs (a ``report_role`` column once decided which reports were counted). Problems are reported
row by row and column by column: an encoding other than UTF-8 (read as GB18030, said so), a
column name given twice or holding a quote or a control character (not kept), a duplicate path
(the first row kept), a value of the wrong type (not applied), a path that matches no file, a
bare name that matches several; a CSV that cannot be parsed (a stray quote) is an error naming
its line.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FIELDS = ("title", "agency", "report_year", "published_at")  # fill or override what the parser found
RESERVED = ("report_id", "source_path", "source_format", "layout", "applications_layout", "read_path", "info_fee_yuan",
            "status", "warnings", "encoding", "size_bytes", "mtime_ns", "ingest_version", "contact_address", "division_code",
            "division_status", "division_source", "division_candidates", "township", "agency_level", "agency_kind",
            "agency_key", "division_vintage", "ocr_pages", "info_fee_fen", "ctime_ns", "inode")
YEARS = range(1990, 2101)
MODELS = Path(__file__).resolve().parent.parent / "models"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SQL_COMMENT = re.compile(r"\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.S)
_BAD_NAME = re.compile(r'["\x00-\x1f\x7f]')


@functools.cache
def warehouse_names() -> frozenset[str]:
    """Every name the warehouse's models use (their columns, CTEs and aliases, SQL words), lower
    case: a manifest column by one of them would be read by the models as theirs."""
    names: set[str] = set()
    for path in MODELS.rglob("*.sql"):
        names.update(w.lower() for w in _NAME.findall(_SQL_COMMENT.sub(" ", path.read_text(encoding="utf-8"))))
    for path in MODELS.rglob("*.yml"):
        names.update(m.lower() for m in re.findall(r"^\s*-\s*name:\s*([A-Za-z_][A-Za-z0-9_]*)\s*$",
                                                   path.read_text(encoding="utf-8"), re.M))
    return frozenset(names)


class ManifestError(Exception):
    """The manifest cannot be read at all."""


@dataclass
class Manifest:
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # path as written → row
    sources: dict[str, str] = field(default_factory=dict)  # each extra column as staged → its header

    @property
    def columns(self) -> list[str]:
        """The extra columns, as staged."""
        return list(self.sources)
    problems: list[str] = field(default_factory=list)  # one line per problem, with the CSV line
    digest: str = ""  # of the bytes: part of the ingest version
    _lines: dict[str, int] = field(default_factory=dict)  # path → CSV line
    _bare: dict[str, list[str]] = field(default_factory=dict)  # bare name → the files that have it

    def match(self, rels: Iterable[str]) -> dict[str, dict[str, str]]:
        """The row for each file (by its path relative to RAW_DIR); reports rows that match no file
        and bare names that match several."""
        if not self.rows:
            return {}
        rels = list(rels)
        names: dict[str, list[str]] = {}
        for rel in rels:
            names.setdefault(PurePosixPath(rel).name, []).append(rel)
        matched: dict[str, dict[str, str]] = {}
        known = set(rels)
        for path, row in self.rows.items():
            if path in known:
                matched[path] = row
            elif "/" not in path and len(names.get(path, ())) == 1:
                matched.setdefault(names[path][0], row)
            elif "/" not in path and path in names:
                self.problems.append(f"line {self._lines[path]}: {path!r} names {len(names[path])} files; "
                                     f"give the path (not applied)")
                self._bare[path] = names[path]
            else:
                self.problems.append(f"line {self._lines[path]}: {path!r} matches no file under RAW_DIR")
        return matched

    def ambiguous(self, rel: str) -> str | None:
        """The bare name a file shares with others, when a row names it by that name alone."""
        name = PurePosixPath(rel).name
        return name if rel in self._bare.get(name, ()) else None


def load(path: Path) -> Manifest:
    data = path.read_bytes()
    manifest = Manifest(digest=hashlib.sha256(data).hexdigest()[:12])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ManifestError(f"{path}: neither UTF-8 nor GB18030") from None
        manifest.problems.append("the file is not UTF-8: read as GB18030")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        if "path" not in header:
            raise ManifestError(f"{path}: needs a 'path' column (the header is {header})")
        manifest.sources = _extra_columns(header, manifest.problems)
        manifest.digest = hashlib.sha256(data + repr(sorted(manifest.sources.items())).encode()).hexdigest()[:12]
        for record in reader:
            line = reader.line_num
            if not any(v.strip() for v in record):
                continue
            if len(record) != len(header):
                manifest.problems.append(f"line {line}: {len(record)} fields, the header has {len(header)} (row skipped)")
                continue
            row: dict[str, str] = {}
            for name, value in zip(header, record):
                row.setdefault(name, value)  # a name given twice: its first column
            key = row["path"].strip().replace("\\", "/").removeprefix("./")
            if not key:
                manifest.problems.append(f"line {line}: no path (row skipped)")
            elif key in manifest.rows:
                manifest.problems.append(f"line {line}: {key!r} again (the row on line {manifest._lines[key]} kept)")
            else:
                for problem in _bad_values(row):
                    manifest.problems.append(f"line {line}: {problem} (not applied)")
                manifest.rows[key] = row
                manifest._lines[key] = line
    except csv.Error as e:
        raise ManifestError(f"{path} line {reader.line_num}: {e}") from None
    return manifest


def _extra_columns(header: list[str], problems: list[str]) -> dict[str, str]:
    """The header's extra columns: staged name → header name. A name the staging files or the
    warehouse use gets ``manifest_``; a name given twice (in any case), or holding a quote or a
    control character, is not kept, with a problem naming its column."""
    reserved = {name.lower() for name in RESERVED} | warehouse_names()
    taken: dict[str, int] = {}  # staged name, lower case → its column
    sources: dict[str, str] = {}
    for position, name in enumerate(header, 1):
        if not name:
            continue
        if name in ("path", *FIELDS) and name not in taken:  # applied, not kept
            taken[name] = position
            continue
        if _BAD_NAME.search(name):
            problems.append(f"column {position}: {name!r} holds a quote or a control character (not kept)")
            continue
        staged = f"manifest_{name}" if name.lower() in reserved else name
        if staged.lower() in taken:
            first = taken[staged.lower()]
            problems.append(f"column {position}: {name!r} is a name column {first} already gives (not kept)")
            continue
        taken[staged.lower()] = position
        sources[staged] = name
    return sources


def _bad_values(row: dict[str, str]) -> list[str]:
    out = []
    for key in ("report_year", "published_at"):
        value = (row.get(key) or "").strip()
        if value and parsed_value(key, value) is None:
            out.append(f"{key} {value!r} is not {'a year 1990-2100' if key == 'report_year' else 'a date YYYY-MM-DD'}")
    return out


def parsed_value(key: str, value: str):
    """A manifest field's value in its type, or None when it is not one."""
    if key == "report_year":
        try:
            year = int(value)
        except ValueError:
            return None
        return year if year in YEARS else None
    if key == "published_at":
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value


def apply(rep, row: dict[str, str] | None, sources: dict[str, str], ambiguous: str | None = None
          ) -> dict[str, str | None]:
    """Override the report's fields with the row's and return its extra columns' values (by the
    name each is staged as)."""
    extras: dict[str, str | None] = {c: None for c in sources}
    if ambiguous:
        rep.warnings.append(f"manifest_ambiguous_name:{ambiguous}")
    if not row:
        return extras
    for key in FIELDS:
        value = (row.get(key) or "").strip()
        if not value:
            continue
        parsed = parsed_value(key, value)
        if parsed is None:
            rep.warnings.append(f"manifest_bad_value:{key}:{value}")
        else:
            setattr(rep, key, parsed)
    for staged, name in sources.items():
        extras[staged] = (row.get(name) or "").strip() or None
    return extras
