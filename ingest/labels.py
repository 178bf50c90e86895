"""Label similarity: how much a record's text reads like each of the form's printed labels.

Labels are compared by their character bigrams (Dice), which survives the damage real reports
carry: a missing or wrong character (``其他法律行政止公开``), a label wrapped over pieces, a label
printed after a header with no separator between them (``…现行有效件数规章``).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import chain

# list markers, damaged ones included (``、本年度办理结果``, ``() 不予公开``); the lookahead lets the
# regex engine pass over other characters at once (3x faster over a table's text)
MARKER = re.compile(r"(?=[一二三四五六七八九十(（\d、])"
                    r"(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{0,3}[)）]|(?<!\d)\d{1,2}[.、](?!\d)|^、)")
_NOISE = re.compile(r"[\W_]+")

MAX_WRAPPED_PIECES = 6  # a label wrapped in a narrow cell comes in at most this many pieces
# tails of the text, for labels glued to what was printed before them; each label finds a tail of
# about its own length
TAIL_LENGTHS = (2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 19, 22, 26, 30, 35, 40)


def label_key(label: str) -> str:
    """What a label is matched by: its characters without list markers, punctuation and spaces."""
    return _NOISE.sub("", MARKER.sub("", label))


def bigrams(s: str) -> frozenset[str]:
    if len(s) < 2:
        return frozenset((s,)) if s else frozenset()
    return frozenset(map(str.__add__, s, s[1:]))


def candidates(pieces: tuple[str, ...]) -> list[str]:
    """The strings a label may be, at the end of a record's text: its last pieces joined, and
    tails of every length."""
    out = ["".join(pieces[-j:]) for j in range(1, min(MAX_WRAPPED_PIECES, len(pieces)) + 1)]
    whole = "".join(pieces)
    out += [whole[-n:] for n in TAIL_LENGTHS if n < len(whole)]
    return list(dict.fromkeys(out))


class LabelIndex:
    """Labels indexed by their bigrams: a record is scored against every label in one pass."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.position = {label: i for i, label in enumerate(labels)}
        self.sizes = []
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            key = bigrams(label)
            self.sizes.append(len(key))
            for g in key:
                self.index[g].append(i)
        self.scores = lru_cache(maxsize=1 << 12)(self._scores)  # bounded: memory flat over a corpus

    def _scores(self, pieces: tuple[str, ...]) -> tuple[float, ...]:
        """Best Dice similarity of each label to any candidate of ``pieces`` (see ``candidates``)."""
        best = [0.0] * len(self.labels)
        for cand in candidates(pieces):
            key = bigrams(cand)
            shared = Counter(chain.from_iterable(self.index.get(g, ()) for g in key))
            n = len(key)
            for i, c in shared.items():
                s = 2 * c / (n + self.sizes[i])
                if s > best[i]:
                    best[i] = s
        return tuple(best)
