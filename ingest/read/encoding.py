"""Bytes → str: BOMs, UTF-8, GB18030/GBK (declared or not), UTF-16 without a BOM; binary refused.

A text whose bytes are mostly one encoding with a few broken sequences (a converter cutting a
multi-byte character at a cell's edge) is decoded with those few replaced (``U+FFFD``, read as a
space), and says how many (``encoding_errors:N``); it is refused only when most of it fails.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .document import Unreadable

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"), (b"\xff\xfe", "utf-16", "utf-16-le"),
         (b"\xfe\xff", "utf-16", "utf-16-be"))
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACED = "\ufffd"
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that did not decode (surrogateescape)
_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")


class Decoded(NamedTuple):
    text: str
    encoding: str
    errors: int  # runs of bytes the encoding could not decode, each replaced by REPLACED


def decode_text(raw: bytes) -> Decoded:
    """The text of a file's bytes, the encoding read and how many sequences did not decode."""
    if not raw.strip():
        raise Unreadable("empty")
    decoded = _decode(raw)
    sample = decoded.text[:20000]
    if len(_CONTROL.findall(sample)) + (sample.count(REPLACED) if not decoded.errors else 0) > max(8, len(sample) // 100):
        raise Unreadable("binary")
    return decoded


def _decode(raw: bytes) -> Decoded:
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw.decode(codec), name, 0)
            except UnicodeDecodeError:
                raise Unreadable(f"undecodable:{name}") from None
    if b"\x00" in raw[:4096]:
        # UTF-16 without a BOM, or binary: only text decodes to (almost) nothing but text characters
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw[: len(raw) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text[:4000]):
                return Decoded(text, enc, 0)
        raise Unreadable("binary")
    candidates = ["utf-8", "gb18030"]
    declared = _META_CHARSET.search(raw[:4096])
    if declared and declared.group(1).decode("ascii").lower() in ("gbk", "gb2312", "gb18030", "x-gbk"):
        candidates = ["gb18030", "utf-8"]
    for enc in candidates:
        try:
            return Decoded(raw.decode(enc), enc, 0)
        except UnicodeDecodeError:
            continue
    # broken sequences: the encoding in which fewest bytes fail, each run of them replaced
    bad, text, enc = min(((len(_ESCAPED.findall(t := raw.decode(enc, "surrogateescape"))), t, enc) for enc in candidates),
                         key=lambda decoded: decoded[0])  # on a tie, the declared or likelier encoding
    if bad > len(raw) // 2:
        raise Unreadable("undecodable")
    text, runs = _ESCAPED_RUN.subn(REPLACED, text)
    return Decoded(text, enc, runs)


def _looks_like_text(text: str) -> bool:
    plausible = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    cjk_or_ascii = sum(1 for ch in text if ch < "\x7f" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return bool(text) and plausible >= 0.98 * len(text) and cjk_or_ascii >= 0.9 * len(text)
