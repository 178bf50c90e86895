"""Files with the same bytes across a run: the first path each report_id was staged under.

A copy of a file staged earlier in the run keeps its row, with ``duplicate_of:<first path>``, and
stages no cells. The index is kept in a private temporary SQLite file: as a dict it took ≈150
bytes a report, and the run's memory grew with the corpus.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from .files import TemporaryDatabase

_LOOKUP_BATCH = 500  # ids asked at once (SQLite limits the parameters of one statement)


class FirstPaths(TemporaryDatabase):
    """report_id → the path its bytes were first staged under."""

    def __init__(self) -> None:
        super().__init__("create table first_path (report_id text primary key, path text not null) without rowid")

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember each (report_id, path) whose id is not known yet; the first path stands."""
        self._db.executemany("insert or ignore into first_path values (?, ?)", pairs)

    def of(self, ids: Iterable[str]) -> dict[str, str]:
        """The first path of each of ``ids`` that is known."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        for i in range(0, len(ids), _LOOKUP_BATCH):
            batch = ids[i:i + _LOOKUP_BATCH]
            found.update(self._db.execute(
                f"select report_id, path from first_path where report_id in ({','.join('?' * len(batch))})", batch))
        return found


def drop_earlier_copies(tables: dict[str, pa.Table], first: FirstPaths) -> dict[str, pa.Table]:
    """Files whose bytes an earlier chunk already staged keep their row, with a warning; their
    cells are staged once, under the first path."""
    reports = tables["reports"]
    ids = reports.column("report_id").to_pylist()
    known = first.of(rid for rid in ids if rid)
    copies = {i: known[rid] for i, rid in enumerate(ids) if rid in known}
    first.add((rid, path) for rid, path in zip(ids, reports.column("source_path").to_pylist()) if rid)
    if not copies:
        return tables
    warnings = reports.column("warnings").to_pylist()
    for i, path in copies.items():
        warnings[i] = warnings[i] + [f"duplicate_of:{path}"]
    out = {"reports": reports.set_column(reports.schema.get_field_index("warnings"), "warnings",
                                         pa.array(warnings, reports.schema.field("warnings").type))}
    copied = pa.array({ids[i] for i in copies}, pa.string())
    for name, table in tables.items():
        if name != "reports":
            out[name] = table.filter(pc.invert(pc.is_in(table.column("report_id"), copied)))
    return out
