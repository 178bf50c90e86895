"""Stage 3, records: the token stream → records, each a label and the values printed after it.

A record starts at a text token that follows a value, or at one that opens with a list marker
(``一、`` ``(三)`` ``7.`` and damaged forms such as ``、`` ``()``). Other text continues the label
(labels and headers wrapped over several lines or cells).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import TEXT, Token

_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]{0,3}\)|\d{1,2}[.、]|、|第[一二三四五六七八九十]+条)")
# characters that carry no meaning in a label: punctuation, quotes, spaces
_NOISE = re.compile(r"[\s\W_]+")


@dataclass
class Record:
    label_tokens: list[Token] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)
    label: str = ""  # set by finish() once the record is built
    is_narrative: bool = False

    def finish(self) -> "Record":
        self.label = label = "".join(t.raw for t in self.label_tokens)
        self.is_narrative = "。" in label or len(label) > 240  # a sentence, not a table label
        return self

    @property
    def line(self) -> int:
        first = self.label_tokens or self.values
        return first[0].line if first else 0

    def label_suffixes(self, tails: int = 4) -> list[str]:
        """The label and its last few tails: a row label may sit at the end of a header it was merged
        into, and spans at most a few wrapped cells."""
        n = len(self.label_tokens)
        starts = [0] + list(range(max(1, n - tails), n))
        return ["".join(t.raw for t in self.label_tokens[k:]) for k in starts]


def starts_record(text: str) -> bool:
    return bool(_MARKER.match(text))


def build_records(tokens: list[Token]) -> list[Record]:
    records: list[Record] = []
    current: Record | None = None
    for tok in tokens:
        if tok.kind == TEXT:
            if current is None or current.values or starts_record(tok.raw):
                current = Record()
                records.append(current)
            current.label_tokens.append(tok)
        else:
            if current is None:
                current = Record()
                records.append(current)
            current.values.append(tok)
    for rec in records:
        rec.finish()
    return records


def strip_marker(label: str) -> str:
    """Drop leading list markers: ``三、本年度办理结果(一)予以公开`` keeps its row part only at the end."""
    prev = None
    while prev != label:
        prev = label
        label = _MARKER.sub("", label, count=1).lstrip()
    return label


def label_key(label: str) -> str:
    return _NOISE.sub("", strip_marker(label))


def bigrams(s: str) -> frozenset[str]:
    if len(s) < 2:
        return frozenset((s,)) if s else frozenset()
    return frozenset(map(str.__add__, s, s[1:]))
