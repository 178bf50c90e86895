"""Bytes → str: BOMs, UTF-8, GB18030/GBK (declared or not), UTF-16 without a BOM; binary refused."""
from __future__ import annotations

import re

from .document import Unreadable

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"), (b"\xff\xfe", "utf-16", "utf-16-le"),
         (b"\xfe\xff", "utf-16", "utf-16-be"))
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes."""
    if not raw.strip():
        raise Unreadable("empty")
    text, encoding = _decode(raw)
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise Unreadable("binary")
    return text, encoding


def _decode(raw: bytes) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name
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
                return text, enc
        raise Unreadable("binary")
    candidates = ["utf-8", "gb18030"]
    declared = _META_CHARSET.search(raw[:4096])
    if declared and declared.group(1).decode("ascii").lower() in ("gbk", "gb2312", "gb18030", "x-gbk"):
        candidates = ["gb18030", "utf-8"]
    for enc in candidates:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise Unreadable("undecodable")


def _looks_like_text(text: str) -> bool:
    plausible = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    cjk_or_ascii = sum(1 for ch in text if ch < "\x7f" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return bool(text) and plausible >= 0.98 * len(text) and cjk_or_ascii >= 0.9 * len(text)
