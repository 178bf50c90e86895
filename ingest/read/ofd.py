"""OFD (GB/T 33190, China's fixed-layout format) → Document: every page's text objects placed by
their coordinates and its drawn lines as ruling lines → the same row and cell reconstruction as a
PDF's characters (boxes.page_lines).

An OFD is a zip of XML (read hardened: see package): OFD.xml names the document, whose
Document.xml lists the pages; each page's Content.xml holds layers of TextObjects (a Boundary
box, a font size, TextCodes with X/Y and DeltaX/DeltaY spacing) and PathObjects (lines as
AbbreviatedData ``M x y L x y``). Units are millimetres, y down.
"""
from __future__ import annotations

import posixpath
import re

from . import boxes
from .document import Document, Unreadable
from .package import local, open_zip, parse_xml, read_member
from .pdf import paged_document

RULE = 0.9  # a path this thin (mm) is a line
RULE_MIN = 2.0  # … and at least this long
SLACK = 0.7  # mm: lines drawn a little short or long still meet
MAX_PAGES = 500
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def ofd_document(raw: bytes) -> Document:
    z = open_zip(raw, "ofd")
    root = parse_xml(read_member(z, "OFD.xml", "ofd"), "ofd")
    doc_root = next((e.text.strip() for e in root.iter() if local(e.tag) == "DocRoot" and e.text), None)
    if not doc_root:
        raise Unreadable("ofd_broken:no_doc_root")
    doc_root = doc_root.lstrip("/")
    document = parse_xml(read_member(z, doc_root, "ofd"), "ofd")
    base = posixpath.dirname(doc_root)
    size = _page_size(document)
    pages: list[tuple[int, list[str]]] = []
    page_refs = [e.get("BaseLoc") for e in document.iter() if local(e.tag) == "Page" and e.get("BaseLoc")]
    for number, loc in enumerate(page_refs[:MAX_PAGES], start=1):
        path = posixpath.normpath(posixpath.join(base, loc.lstrip("/"))) if not loc.startswith("/") else loc.lstrip("/")
        page = parse_xml(read_member(z, path, "ofd"), "ofd")
        height = _page_size(page) or size
        chars, rules = _page_objects(page, height[1] if height else 297.0)
        pages.append((number, boxes.page_lines(chars, rules)))
    return paged_document(pages, "ofd", [])


def _page_size(element) -> tuple[float, float] | None:
    box = next((e.text for e in element.iter() if local(e.tag) == "PhysicalBox" and e.text), None)
    if not box:
        return None
    numbers = [float(n) for n in _NUMBER.findall(box)]
    return (numbers[2], numbers[3]) if len(numbers) == 4 else None


def _page_objects(page, height: float) -> tuple[list[boxes.Box], boxes.Rules]:
    """The page's characters as boxes (y up) and its drawn lines as rules."""
    chars: list[boxes.Box] = []
    horizontal, vertical = [], []
    for obj in page.iter():
        name = local(obj.tag)
        if name == "TextObject":
            chars += _text_boxes(obj, height)
        elif name == "PathObject":
            _path_rules(obj, height, horizontal, vertical)
    return chars, boxes.Rules(horizontal, vertical, slack=SLACK)


def _boundary(obj) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in _NUMBER.findall(obj.get("Boundary", ""))]
    return tuple(numbers) if len(numbers) == 4 else (0.0, 0.0, 0.0, 0.0)


def _text_boxes(obj, height: float) -> list[boxes.Box]:
    x0, y0, _, _ = _boundary(obj)
    size = float(obj.get("Size", "3.5") or 3.5)
    out = []
    for code in obj:
        if local(code.tag) != "TextCode" or not code.text:
            continue
        text = code.text
        x = float(code.get("X", "0") or 0)
        y = float(code.get("Y", "0") or 0)
        dx = _deltas(code.get("DeltaX"), len(text) - 1, size)
        dy = _deltas(code.get("DeltaY"), len(text) - 1, 0.0) if code.get("DeltaY") else [0.0] * (len(text) - 1)
        for i, ch in enumerate(text):
            if not ch.isspace():
                width = dx[i] if i < len(dx) else size
                left = x0 + x
                baseline = y0 + y
                out.append((ch, left, height - baseline, left + min(width, size), height - baseline + size))
            if i < len(dx):
                x += dx[i]
                y += dy[i] if i < len(dy) else 0.0
    return out


def _deltas(spec: str | None, n: int, default: float) -> list[float]:
    """DeltaX/DeltaY: numbers, ``g N d`` repeating d N times."""
    if not spec:
        return [default] * n
    out: list[float] = []
    tokens = spec.split()
    i = 0
    while i < len(tokens) and len(out) < n:
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * min(int(float(tokens[i + 1])), n)
            i += 3
        else:
            try:
                out.append(float(tokens[i]))
            except ValueError:
                pass
            i += 1
    return out + [default] * (n - len(out))


def _path_rules(obj, height: float, horizontal: list, vertical: list) -> None:
    """A path's straight lines, from its AbbreviatedData (M/L segments), or its thin boundary."""
    x0, y0, w, h = _boundary(obj)
    data = next((e.text for e in obj if local(e.tag) == "AbbreviatedData" and e.text), "")
    tokens = data.split()
    at = None
    i = 0
    drawn = False
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "L") and i + 2 < len(tokens):
            try:
                point = (x0 + float(tokens[i + 1]), y0 + float(tokens[i + 2]))
            except ValueError:
                return
            if op == "L" and at is not None:
                drawn |= _segment(at, point, height, horizontal, vertical)
            at = point
            i += 3
        else:
            i += 1
    if not drawn and w and h:
        if h <= RULE and w >= RULE_MIN:
            horizontal.append((height - (y0 + h / 2), x0, x0 + w))
        elif w <= RULE and h >= RULE_MIN:
            vertical.append((x0 + w / 2, height - (y0 + h), height - y0))


def _segment(a, b, height: float, horizontal: list, vertical: list) -> bool:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= RULE and abs(ax - bx) >= RULE_MIN:
        horizontal.append((height - (ay + by) / 2, min(ax, bx), max(ax, bx)))
        return True
    if abs(ax - bx) <= RULE and abs(ay - by) >= RULE_MIN:
        vertical.append(((ax + bx) / 2, height - max(ay, by), height - min(ay, by)))
        return True
    return False
