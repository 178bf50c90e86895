"""Scans and page images → the boxes of their text, by OCR: what boxes.page_lines rebuilds rows
and cells from, as it does for a PDF's characters.

RapidOCR (PP-OCR models inside the wheel, run by onnxruntime) reads each page image into words
with their boxes and confidence: a CJK character is a word, a number is one. A page scanned or
photographed a little askew is turned straight first (the angle whose rows of pixels are most
unevenly dark), one photographed at a slant made square on (its table's outline a rectangle
again), a long screenshot read in bands of a page's height; the table's ruling lines are found in the image (long
thin runs of dark pixels outside the words, from one rule to another), and then the same
reconstruction as for a PDF places each word in its cell.

A number OCR is not sure of (a low confidence, or letters read among its digits: ``1O``, ``S5``)
is never passed on as a number: it becomes ``UNCERTAIN``, one mark for the whole cell, which the
reader stages as a null cell with a warning. The identities then check what was read (parse).

OCR costs ~7 CPU-seconds a page here (bench: scan): the models are loaded only when a scan is met, once per
process, and run on one thread (a worker per core reads files side by side; results do not
depend on the number of threads).
"""
from __future__ import annotations

from functools import cache

import numpy as np

from . import boxes
from .document import UNCERTAIN, Document, Unreadable
from .pdf import NoTextLayer, paged_document

DPI = 150  # scans are read at this resolution (the models see text lines ~30 px high)
SURE = 0.9  # a number read with less confidence than this is UNCERTAIN
TEXT_SCORE = 0.3  # lines read with less confidence are dropped (below SURE: their numbers become UNCERTAIN)
PAGE_SECONDS = 120.0  # each page OCR'd adds this to the file's time limit (cli --timeout)
MAX_PAGES = 40  # a scan of more pages is read from its first MAX_PAGES pages (with a warning)
MAX_PIXELS = 40_000_000  # larger images are scaled down first (a 300-dpi A3 page is 35 Mpx)
SKEW_DEGREES = 5.0  # skew searched within ± this (a phone held a little askew)
READABLE_WIDTH = int(8.27 * DPI)  # an A4 page's width at DPI, in pixels
MODEL_SIDE = 2000  # RapidOCR shrinks an image whose longer side is larger to this
_SLACK_PX = 6.0  # rules found in an image stop a few pixels short of each other
WORD_MARGIN = 0.2  # of a word box's height, above and below its glyphs
SOLID = 0.95  # of a rule's length in ink: a drawn line (strokes of stacked characters have gaps)
EVEN_INK = 195  # darker than this (of 255) against the paper around it, evened out, is ink: a blurred rule is


def image_document(raw: bytes, ocr: bool = True) -> Document:
    """A page image (a photo, a screenshot, a scan saved as .png/.jpg/.tif …): every page by OCR."""
    if not ocr:
        raise NoTextLayer()
    images = image_pages(raw)
    warnings = [f"ocr_pages_limit:{MAX_PAGES}/{len(images)}"] if len(images) > MAX_PAGES else []
    images = images[:MAX_PAGES]
    more_time(len(images))
    return paged_document([(number, page_text(image)) for number, image in enumerate(images, start=1)], "image",
                          warnings, len(images))


def image_pages(raw: bytes) -> list[np.ndarray]:
    """The pages of an image file (a multi-page TIFF has several), as grey arrays."""
    import cv2

    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # a broken image is a status, not stderr
    data = np.frombuffer(raw, np.uint8)
    if raw[:4] in (b"II*\x00", b"MM\x00*"):
        ok, pages = cv2.imdecodemulti(data, cv2.IMREAD_GRAYSCALE)
        pages = list(pages) if ok else []
    else:
        page = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
        pages = [] if page is None else [page]
    if not pages:
        raise Unreadable("image_broken")
    return [_bounded(p) for p in pages]


def _bounded(page: np.ndarray) -> np.ndarray:
    import cv2

    pixels = page.shape[0] * page.shape[1]
    if pixels <= MAX_PIXELS:
        return page
    scale = (MAX_PIXELS / pixels) ** 0.5
    return cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def page_text(page: np.ndarray) -> list[str]:
    """The lines of a page image, as boxes.page_lines makes them from the words OCR read. A page
    much taller than wide (a long screenshot) is read as bands of a page's height, cut where a
    row of pixels is blank or a rule: whole, the models would see it shrunk to MODEL_SIDE, its
    text too small to read, and one skew would not fit its length."""
    page = _readable(page)
    lines: list[str] = []
    for band in _bands(page):
        band = rectified(straightened(band))
        words = read_words(band)
        lines += boxes.page_lines(words, ruling_lines(band, words))
    return lines


def _bands(page: np.ndarray) -> list[np.ndarray]:
    """The page cut into bands at most a page high (1.4 × its width): each cut on the blank row of
    pixels nearest the band's end, else on a rule (kept at the foot of one band and the head of
    the next, so the table rows around it stay whole), else where the band ends."""
    h, w = page.shape
    height = int(1.4 * w)
    if h <= 1.5 * height:
        return [page]
    ink = (_ink(page) > 0).mean(axis=1)
    bands, start = [], 0
    while h - start > 1.2 * height:
        window = np.arange(start + height * 2 // 3, start + height)
        blank = window[ink[window] < 0.002]
        rules = window[ink[window] > 0.5]
        if len(blank):
            cut = end = int(blank[np.argmax(blank)])
        elif len(rules):
            end, cut = int(rules[-1]) + 3, int(rules[-1]) - 3
        else:
            cut = end = start + height
        bands.append(page[start:end])
        start = cut
    bands.append(page[start:])
    return bands


def _readable(page: np.ndarray) -> np.ndarray:
    """A page narrower than an A4 page at DPI (a screenshot, a small scan) enlarged to that width:
    a lone narrow digit (1) in a wide cell is missed at a screen's resolution."""
    import cv2

    width = page.shape[1]
    if width >= READABLE_WIDTH:
        return page
    scale = min(3.0, READABLE_WIDTH / width)
    return cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


def has_table(page: np.ndarray) -> bool:
    """Whether a page image prints a ruled table (3 rules across a quarter of its width, 3 down a
    tenth of its height): cheap, so a scan's pages without tables need no OCR."""
    page = rectified(straightened(page))
    h, w = page.shape
    rules = ruling_lines(page, [], (w // 4, h // 10))
    return len(rules.horizontal) >= 3 and len(rules.vertical) >= 3


def straightened(page: np.ndarray) -> np.ndarray:
    """The page turned by its skew (within ± SKEW_DEGREES): text lines and rules horizontal."""
    import cv2

    angle = skew(page)
    if abs(angle) < 0.05:
        return page
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rectified(page: np.ndarray) -> np.ndarray:
    """The page as seen square on: a photo taken from a little below or aside makes the table's
    rectangle a trapezoid, its borders slanting; the one homography that makes its outline a
    rectangle again straightens the whole (flat) page."""
    import cv2

    h, w = page.shape
    thick = cv2.dilate(_ink(page), np.ones((3, 3), np.uint8))  # a slanting rule stays one run
    lines = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 12, 1))) \
        | cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // 25)))
    contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return page
    outline = max(contours, key=cv2.contourArea)
    if cv2.contourArea(outline) < 0.1 * h * w:
        return page
    quad = cv2.approxPolyDP(cv2.convexHull(outline), 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4:
        return page
    tl, tr, br, bl = _corners(quad.reshape(4, 2).astype(np.float32))
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    square = np.float32([tl, tl + (width, 0), tl + (width, height), tl + (0, height)])
    if np.abs(square - np.float32([tl, tr, br, bl])).max() < 2.0:
        return page  # already square on (within 2 pixels)
    m = cv2.getPerspectiveTransform(np.float32([tl, tr, br, bl]), square)
    return cv2.warpPerspective(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _corners(points: np.ndarray) -> tuple[np.ndarray, ...]:
    """Four points as top left, top right, bottom right, bottom left."""
    by_sum = points[np.argsort(points.sum(axis=1))]
    by_diff = points[np.argsort(points[:, 0] - points[:, 1])]
    return by_sum[0], by_diff[-1], by_sum[-1], by_diff[0]


def skew(page: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's rows of ink most uneven: text
    lines and rules then run along rows of pixels."""
    import cv2

    scale = min(1.0, 1000 / max(page.shape))
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else page
    ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1].astype(np.float32)
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-SKEW_DEGREES, SKEW_DEGREES + 0.01, 0.25), key=sharpness)
    return float(max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness))


def ruling_lines(page: np.ndarray, words: list[boxes.Box], lengths: tuple[int, int] | None = None) -> boxes.Rules:
    """The page's ruling lines, in boxes' coordinates (y up, pixels): runs of dark pixels outside
    the words OCR read (a column of characters' strokes is no rule), at least two text lines long
    across and one down (``lengths``: their minimum lengths), small breaks (JPEG, a faint scan)
    closed."""
    import cv2

    h, w = page.shape
    ink = _ink(page)
    unerased = ink.copy() if words else ink
    for _, left, bottom, right, top in words:  # y up → rows of the array
        # the box's full width, and its height but the margins OCR's boxes have above and below the
        # glyphs: a rule close above or below a word (a tight row) is kept
        margin = int((top - bottom) * WORD_MARGIN)
        ink[max(0, int(h - top) + margin):int(h - bottom) - margin + 1, max(0, int(left) - 1):int(right) + 2] = 0
    if lengths is None:
        text = sorted(top - bottom for _, _, bottom, _, top in words)
        line = text[len(text) // 2] if text else 20
        lengths = (int(2 * line), int(1.2 * line))
    horizontal, vertical = _runs(ink, lengths)
    if words:  # rules long enough to be nothing else, words not erased: a rule a word's box straddles
        long_h, long_v = _runs(unerased, (3 * lengths[0], 3 * lengths[1]))
        horizontal, vertical = _merged(horizontal + long_h), _merged(vertical + long_v)
        vertical = _framed(_clear_of(vertical, words, unerased), horizontal, max(_SLACK_PX, lengths[1] / 2),
                           3 * lengths[1])
    return boxes.Rules(horizontal, vertical, slack=_SLACK_PX)


def _clear_of(vertical: list[boxes.Rule], words: list[boxes.Box], ink: np.ndarray) -> list[boxes.Rule]:
    """The vertical rules that are rules: one that runs through two words' boxes is kept only when
    it is ink all along (a border the text touches); the left edges of characters stacked in a
    tight column, left after their words were erased, have gaps between the lines."""
    h = ink.shape[0]
    out = []
    for x, y0, y1 in vertical:
        crossed = sum(1 for _, left, bottom, right, top in words
                      if left + 2 < x < right - 2 and bottom < y1 and top > y0)
        column = ink[max(0, int(h - y1)):int(h - y0), max(0, int(x) - 1):int(x) + 2]
        if crossed < 2 or (column.size and column.any(axis=1).mean() >= SOLID):
            out.append((x, y0, y1))
    return out


def _framed(vertical: list[boxes.Rule], horizontal: list[boxes.Rule], reach: float, long: float) -> list[boxes.Rule]:
    """The vertical rules that run from one horizontal rule to another, as a cell's border does
    (a ``long`` one may lack one end: a table's border where its top rule faded): strokes of
    characters OCR did not read, stacked in a cell, end inside it."""
    def meets(x: float, y: float) -> bool:
        return any(abs(hy - y) <= reach and x0 - _SLACK_PX <= x <= x1 + _SLACK_PX for hy, x0, x1 in horizontal)

    return [(x, y0, y1) for x, y0, y1 in vertical
            if (meets(x, y0) + meets(x, y1)) >= (1 if y1 - y0 >= long else 2)]


def _ink(page: np.ndarray) -> np.ndarray:
    """The page's dark pixels: dark against their surroundings (a faint print), or dark against
    the paper once its uneven light is evened out (a rule that glyphs crowd, where the
    surroundings' mean is dark too)."""
    import cv2

    paper = cv2.GaussianBlur(cv2.dilate(page, np.ones((15, 15), np.uint8)), (0, 0), 8)
    even = cv2.divide(page, np.maximum(paper, 1), scale=255)
    return cv2.adaptiveThreshold(page, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15) \
        | cv2.threshold(even, EVEN_INK, 255, cv2.THRESH_BINARY_INV)[1]


def _runs(ink: np.ndarray, lengths: tuple[int, int]) -> tuple[list[boxes.Rule], list[boxes.Rule]]:
    """Straight runs of ink at least ``lengths`` (across, down) long and a few pixels thick."""
    import cv2

    h = ink.shape[0]
    horizontal, vertical = [], []
    for along_x, out in ((True, horizontal), (False, vertical)):
        length = max(12, lengths[0] if along_x else lengths[1])
        close = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1) if along_x else (1, 5))
        keep = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if along_x else (1, length))
        mask = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, close), cv2.MORPH_OPEN, keep)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, bw, bh, _ in stats[1:count]:
            if along_x and bh <= 12:
                out.append((h - (y + bh / 2), float(x), float(x + bw)))
            elif not along_x and bw <= 12:
                out.append((x + bw / 2, float(h - (y + bh)), float(h - y)))
    return horizontal, vertical


def _merged(rules: list[boxes.Rule]) -> list[boxes.Rule]:
    """One rule for runs found twice or broken in two: within a few pixels across, touching along."""
    groups: list[list[boxes.Rule]] = []
    for rule in sorted(rules):
        if groups and rule[0] - groups[-1][-1][0] <= _SLACK_PX:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    out = []
    for group in groups:
        pos = sum(r[0] for r in group) / len(group)
        spans: list[list[float]] = []
        for _, start, end in sorted(group, key=lambda r: r[1]):
            if spans and start <= spans[-1][1] + _SLACK_PX:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        out += [(pos, start, end) for start, end in spans]
    return out



def read_words(page: np.ndarray) -> list[boxes.Box]:
    """Every word OCR reads on the page, as a box (y up); a number it is unsure of is UNCERTAIN."""
    result = _engine()(page, use_det=True, use_cls=False, use_rec=True, return_word_box=True)
    if result.boxes is None or not result.txts:
        return []  # nothing on it (word_results then holds a placeholder)
    h = page.shape[0]
    out: list[boxes.Box] = []
    for line in result.word_results:
        for text, score, quad in line:
            if not text or quad is None:
                continue
            xs = [p[0] for p in quad]
            ys = [p[1] for p in quad]
            if score < SURE and any(c.isdigit() for c in text):
                score = _second_reading(page, text, min(xs), min(ys), max(xs), max(ys))
            out.append((_sure(text, score), float(min(xs)), float(h - max(ys)), float(max(xs)), float(h - min(ys))))
    return out


def _second_reading(page: np.ndarray, text: str, x0: float, y0: float, x1: float, y1: float) -> float:
    """A number read without confidence is read again on its own, as it is and twice as large:
    its confidence when both readings agree with the first (a page's clutter around a word lowers
    the first reading's), 0 when one does not."""
    import cv2

    pad = 4
    crop = page[max(0, int(y0) - pad):int(y1) + pad, max(0, int(x0) - pad):int(x1) + pad]
    if crop.size == 0:
        return 0.0
    scores = []
    for scale in (1.0, 2.0):
        image = crop if scale == 1.0 else cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        result = _engine()(image, use_det=False, use_cls=False, use_rec=True)
        if not result.txts or result.txts[0] != text:
            return 0.0
        scores.append(result.scores[0])
    return min(scores)


def _sure(text: str, score: float) -> str:
    """A word as read, or UNCERTAIN for a number read without confidence or with Latin letters among
    its digits (O for 0, l for 1, S for 5: a number OCR half took for a word)."""
    if not any(c.isdigit() for c in text):
        return text
    if score < SURE or any("a" <= c.lower() <= "z" for c in text):
        return UNCERTAIN
    return text


@cache
def _engine():
    """RapidOCR with its bundled models, on one thread, quiet (imported here: 1 s and 300 MB that a
    run without scans never pays)."""
    import cv2
    from rapidocr import RapidOCR

    cv2.setNumThreads(1)
    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False, "Global.text_score": TEXT_SCORE,
                            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                            "EngineConfig.onnxruntime.inter_op_num_threads": 1})


def more_time(pages: int) -> None:
    """Extend the file's time limit (the clock its worker shows the run's watchdog) by PAGE_SECONDS
    a page to OCR."""
    from ..workers import more_time as extend
    extend(PAGE_SECONDS * pages)
