"""Zip packages of XML (ODF, OFD, OOXML spreadsheets) opened defensively: a member is read only up
to a bounded decompressed size (a zip bomb is a status, not an exhausted memory), and XML with a
document type declaration is refused (no entity expansion, no external entities)."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from .document import Unreadable

MAX_MEMBER = 64 * 2**20  # a report's XML is kilobytes to a few MB
MAX_TOTAL = 256 * 2**20  # … and all of a package's members together


def open_zip(raw: bytes, fmt: str) -> zipfile.ZipFile:
    """The package, or Unreadable (``<fmt>_broken``, ``<fmt>_too_large``, ``<fmt>_encrypted``)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Unreadable(f"{fmt}_broken:not_a_zip") from None
    if any(i.flag_bits & 0x1 for i in infos):
        raise Unreadable(f"{fmt}_encrypted")
    if sum(i.file_size for i in infos) > MAX_TOTAL:
        raise Unreadable(f"{fmt}_too_large")
    return z


def read_member(z: zipfile.ZipFile, name: str, fmt: str) -> bytes:
    """A member's bytes, read no further than MAX_MEMBER whatever its header claims."""
    try:
        with z.open(name) as f:
            data = f.read(MAX_MEMBER + 1)
    except KeyError:
        raise Unreadable(f"{fmt}_broken:no_{name.rsplit('/', 1)[-1]}") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise Unreadable(f"{fmt}_broken:bad_member") from None
    if len(data) > MAX_MEMBER:
        raise Unreadable(f"{fmt}_too_large")
    return data


def parse_xml(data: bytes, fmt: str) -> ElementTree.Element:
    """The XML's root; one declaring a document type (entities) is refused."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise Unreadable(f"{fmt}_broken:doctype")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise Unreadable(f"{fmt}_broken:xml") from None


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]
