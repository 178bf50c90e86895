"""Renderings of a report with known answers in the formats reports come in, made from its PDF or
its HTML: page scans (resolution, JPEG quality, a small rotation, a phone photo's blur and uneven
light), a "searchable" scan with an invisible text layer that lost a row, an OFD written from the
PDF's characters and drawn lines, a .mht from a web page, and an .xlsx with merged cells.

Used by the tests (a few small pages: OCR is seconds a page) and, with ``python tests/renderings.py
SRC_DIR OUT_DIR``, to render a larger set whose accuracy is measured with score_staging.py.
"""
from __future__ import annotations

import ctypes
import io
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image


def page_images(pdf: bytes, dpi: int = 150, pages: list[int] | None = None) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(pdf)
    out = []
    for i in pages if pages is not None else range(len(doc)):
        out.append(doc[i].render(scale=dpi / 72, grayscale=True).to_numpy().copy())
    doc.close()
    return out


def degraded(page: np.ndarray, quality: int | None = None, angle: float = 0.0, blur: float = 0.0,
             shade: bool = False, keystone: float = 0.0) -> np.ndarray:
    """A page as a scanner or a phone gives it: seen from below its middle (the top edge
    ``keystone`` of the width narrower), turned by ``angle`` degrees, blurred, lit unevenly,
    JPEG-compressed at ``quality``."""
    h, w = page.shape
    if keystone:
        inset = keystone * w / 2
        quad = np.float32([[inset, 0], [w - inset, 0], [w, h], [0, h]])
        m = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), quad)
        page = cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if angle:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur:
        page = cv2.GaussianBlur(page, (0, 0), blur)
    if shade:  # darker towards one corner, as a photo under a lamp
        ramp = np.linspace(1.0, 0.8, w)[None, :] * np.linspace(1.0, 0.9, h)[:, None]
        page = (page.astype(np.float32) * ramp).clip(0, 255).astype(np.uint8)
    if quality:
        ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, quality])
        page = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return page


def image_file(page: np.ndarray, suffix: str, quality: int = 90) -> bytes:
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if suffix in (".jpg", ".jpeg") else []
    ok, data = cv2.imencode(suffix, page, params)
    return data.tobytes()


def scan_pdf(pages: list[np.ndarray], dpi: int = 150, hidden_text: list[list[tuple[str, float, float, float]]] | None = None,
             visible: bool = False) -> bytes:
    """A PDF of page images; with ``hidden_text`` (per page: text, x, y in points, size) an invisible
    text layer (render mode 3) over them, as OCR software makes a "searchable" scan (``visible``:
    the text drawn over the image, as over a page-size background picture)."""
    out = pdfium.PdfDocument.new()
    for k, page in enumerate(pages):
        h, w = page.shape
        width, height = w * 72 / dpi, h * 72 / dpi
        pdf_page = out.new_page(width, height)
        image = pdfium.PdfImage.new(out)
        bitmap = pdfium.PdfBitmap.from_pil(Image.fromarray(page).convert("RGB"))
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        pdf_page.insert_obj(image)
        if hidden_text:
            font = pdfium_c.FPDFText_LoadStandardFont(out.raw, b"Helvetica")
            for text, x, y, size in hidden_text[k]:
                obj = pdfium_c.FPDFPageObj_CreateTextObj(out.raw, font, size)
                codes = (ctypes.c_ushort * (len(text) + 1))(*map(ord, text), 0)
                pdfium_c.FPDFText_SetText(obj, codes)
                if not visible:
                    pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
                pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
                pdfium_c.FPDFPage_InsertObject(pdf_page.raw, obj)
        pdf_page.gen_content()
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def pdf_lines(pdf: bytes) -> list[list[tuple[str, float, float, float]]]:
    """Per page, the PDF's text lines as (text, x, y, size): what an OCR text layer would hold."""
    from ingest.read.boxes import _lines

    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        textpage = page.get_textpage()
        from ingest.read.pdf import _chars
        chars = _chars(textpage)
        pages.append([("".join(c[0] for c in line), line[0][1], line[0][2], line[0][4] - line[0][2])
                      for line in _lines(chars)])
    return pages


def ofd_from_pdf(pdf: bytes) -> bytes:
    """An OFD with the PDF's characters as TextObjects and its drawn lines as PathObjects (mm, y down)."""
    from ingest.read.pdf import _borders, _chars

    mm = 25.4 / 72
    doc = pdfium.PdfDocument(pdf)
    files = {}
    page_refs = []
    for n, page in enumerate(doc):
        width, height = page.get_size()
        textpage = page.get_textpage()
        chars = _chars(textpage)
        rules = _borders(page)
        objects = []
        for i, (ch, left, bottom, right, top) in enumerate(chars):
            size = (top - bottom) * mm
            x, y = left * mm, (height - bottom) * mm
            text = ch.replace("&", "&amp;").replace("<", "&lt;")
            objects.append(f'<ofd:TextObject ID="{n}{i}" Boundary="{x:.3f} {y - size:.3f} {size * 2:.3f} {size * 1.2:.3f}" '
                           f'Font="1" Size="{size:.3f}"><ofd:TextCode X="0" Y="{size:.3f}">{text}</ofd:TextCode>'
                           f'</ofd:TextObject>')
        for pos, a, b in rules.horizontal:
            y = (height - pos) * mm
            objects.append(f'<ofd:PathObject Boundary="{a * mm:.3f} {y:.3f} {(b - a) * mm:.3f} 0.3" LineWidth="0.25">'
                           f'<ofd:AbbreviatedData>M 0 0 L {(b - a) * mm:.3f} 0</ofd:AbbreviatedData></ofd:PathObject>')
        for pos, a, b in rules.vertical:
            y = (height - b) * mm
            objects.append(f'<ofd:PathObject Boundary="{pos * mm:.3f} {y:.3f} 0.3 {(b - a) * mm:.3f}" LineWidth="0.25">'
                           f'<ofd:AbbreviatedData>M 0 0 L 0 {(b - a) * mm:.3f}</ofd:AbbreviatedData></ofd:PathObject>')
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
            f'<ofd:Area><ofd:PhysicalBox>0 0 {width * mm:.3f} {height * mm:.3f}</ofd:PhysicalBox></ofd:Area>'
            f'<ofd:Content><ofd:Layer ID="L{n}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
        page_refs.append(f'<ofd:Page ID="P{n}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    files["Doc_0/Document.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">'
        '<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>')
    files["OFD.xml"] = ('<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
                        'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
                        '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in files.items():
            z.writestr(name, xml.encode("utf-8"))
    return buf.getvalue()


def mht_from_html(html: str, charset: str = "gb2312") -> bytes:
    """Word's single-file web page: the HTML as a quoted-printable part in ``charset``, beside an image part."""
    import quopri

    body = quopri.encodestring(html.encode("gb18030" if charset == "gb2312" else charset)).decode("ascii")
    return ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
            "------=_NextPart_01\r\nContent-Location: file:///C:/report.htm\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Type: text/html; charset=\"{charset}\"\r\n\r\n{body}\r\n"
            "------=_NextPart_01\r\nContent-Location: file:///C:/report.files/image001.png\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\niVBORw0KGgo=\r\n"
            "------=_NextPart_01--\r\n").encode("ascii")


def xlsx_from_rows(rows: list[list], merges: list[str]) -> bytes:
    """An .xlsx of ``rows`` with ``merges`` (A1:B2 ranges) merged, the value in the first cell."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def tiff_pages(pages: list[np.ndarray]) -> bytes:
    """A multi-page TIFF (as a fax or a scanner's batch mode saves one)."""
    buf = io.BytesIO()
    images = [Image.fromarray(p) for p in pages]
    images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    return buf.getvalue()


def screenshot(pages: list[np.ndarray]) -> np.ndarray:
    """The pages one under the other: a long screenshot of the report."""
    return np.vstack(pages)


if __name__ == "__main__":  # renderings of every PDF under SRC into OUT
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(src.glob("*.pdf")):
        data = pdf.read_bytes()
        pages = page_images(data, 200)
        small = [cv2.resize(p, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA) for p in pages]
        (out / f"{pdf.stem}.scan120q35.pdf").write_bytes(scan_pdf([degraded(p, 35) for p in small], dpi=120))
        (out / f"{pdf.stem}.scan200rot.pdf").write_bytes(scan_pdf([degraded(p, 60, angle=1.5) for p in pages], dpi=200))
        (out / f"{pdf.stem}.photo.tif").write_bytes(tiff_pages([degraded(p, 75, angle=-1.0, blur=1.0, shade=True) for p in pages]))
        (out / f"{pdf.stem}.slant.tif").write_bytes(
            tiff_pages([degraded(p, 75, angle=0.8, blur=0.8, shade=True, keystone=0.05) for p in page_images(data, 150)]))
        (out / f"{pdf.stem}.screenshot.png").write_bytes(image_file(screenshot(page_images(data, 110)), ".png"))
        (out / f"{pdf.stem}.ofd").write_bytes(ofd_from_pdf(data))
