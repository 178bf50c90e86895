"""Stage 3, records: the token stream → records, each the text printed before a run of values and
the values themselves.

The stream alternates between label text and values whatever its lines and cells: a record ends
where text follows a value. Its text is kept as pieces (split where the source put a separator or
a list marker such as ``一、`` ``(三)`` ``7.``) so that a row label can be found at the end of a
header it was printed after, or wrapped over several pieces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .labels import MARKER, label_key
from .lexer import TEXT, Token

_SENTENCE_END = re.compile(r"[。;！？!?]")


@dataclass
class Record:
    texts: list[Token] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """The whole text before the values, separators dropped."""
        return "".join(t.raw for t in self.texts)

    @cached_property
    def pieces(self) -> tuple[str, ...]:
        """The label's pieces after the last sentence end, as match keys (noise and markers dropped)."""
        raw: list[str] = []
        for t in self.texts:
            if t.spaced or not raw:
                raw.append(t.raw)
            else:
                raw[-1] += t.raw
        text = "\n".join(raw)
        ends = list(_SENTENCE_END.finditer(text))
        if ends:
            text = text[ends[-1].end():]
        out = []
        for chunk in text.split("\n"):
            for part in _split_at_markers(chunk):
                key = label_key(part)
                if key:
                    out.append(key)
        return tuple(out)

    @property
    def start(self) -> int:
        first = self.texts or self.values
        return first[0].start if first else 0


def _split_at_markers(text: str) -> list[str]:
    cuts = [m.start() for m in MARKER.finditer(text) if m.start() > 0]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def build_records(tokens: list[Token]) -> list[Record]:
    records: list[Record] = []
    current: Record | None = None
    for tok in tokens:
        if tok.kind == TEXT:
            if current is None or current.values:
                current = Record()
                records.append(current)
            current.texts.append(tok)
        else:
            if current is None:
                current = Record()
                records.append(current)
            current.values.append(tok)
    return records
