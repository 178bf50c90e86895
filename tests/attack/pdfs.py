"""Hostile PDFs, written by the tests (a few KB each)."""


def pdf_of(objects: dict[int, bytes]) -> bytes:
    """A PDF file of numbered objects (1: the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets.get(n, 0) for n in range(1, max(objects) + 1))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< " + extra + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def nested_forms(depth: int = 12, fan: int = 10) -> bytes:
    """A page drawing a form XObject ``fan`` times, each drawing the next ``fan`` times, ``depth``
    deep: fan**depth objects for PDFium to build (4 KB of file, unbounded memory)."""
    draw = b" ".join(b"q 1 0 0 1 1 1 cm /X Do Q" for _ in range(fan))
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /X 5 0 R >> >> "
                  b"/Contents 4 0 R >>",
               4: stream(draw)}
    for k in range(depth):
        last = k == depth - 1
        resources = b"/Resources << >>" if last else b"/Resources << /XObject << /X %d 0 R >> >>" % (6 + k)
        objects[5 + k] = stream(b"0 0 10 10 re f" if last else draw,
                                b"/Type /XObject /Subtype /Form /BBox [0 0 200 200] " + resources)
    return pdf_of(objects)


def glyph_to(code_point_hex: bytes, text: bytes = b"Total 12") -> bytes:
    """One page of Helvetica text whose font maps the glyph of ``1`` to ``code_point_hex`` (UTF-16BE
    hex in its ToUnicode map: ``D800`` is a lone surrogate)."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def 1 begincodespacerange "
            b"<00> <FF> endcodespacerange 1 beginbfchar <31> <" + code_point_hex + b"> endbfchar endcmap CMapName "
            b"currentdict /CMap defineresource pop end end")
    return pdf_of({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> "
                      b"/Contents 4 0 R >>",
                   4: stream(b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET"),
                   5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                   6: stream(cmap)})
