"""What a web page's CSS hides: an element is hidden when its ``hidden`` attribute, its inline
``style`` (CSS-escaped or not; the HTML parser has decoded its quotes and entities) or a rule of the page's ``<style>`` sheets
says ``display: none`` or ``visibility: hidden``/``collapse``, with CSS's cascade (``!important``,
inline over sheet, specificity, then order).

Sheet rules are applied for simple selectors (``tag``, ``.class``, ``#id``, ``*`` and their
compounds, in lists); a hiding rule with another selector (``div p``, ``a:hover``) is counted as
not applied, and a rule inside an @-block (``@media print``, a narrow screen) is not the page as
read. Classes and ids compare without ASCII case (as in the quirks mode most portals are in):
hiding too much loses a value, hiding too little reads one the page does not show.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

# every pattern here is linear: no quantified group can match the same text two ways
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)", re.S)
_SIMPLE_SELECTOR = re.compile(r"([A-Za-z][\w-]*|\*)?((?:[.#][\w-]+)*)")
_PART = re.compile(r"([.#])([\w-]+)")
_BRACE = re.compile(r"[{}]")
_HIDING = {"display": ("none",), "visibility": ("hidden", "collapse")}
_LIKE_ASCII = str.maketrans({"\u017f": "s", "\u0130": "i", "\u0131": "i", "\u212a": "k"})


def fold(text: str) -> str:
    """Lowercase, with the letters a case-insensitive match takes for ASCII (ſ, İ, ı, K) as
    ASCII: what a hiding word is compared as."""
    return text.translate(_LIKE_ASCII).lower()


def _unescape_css(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(2)
    return _CSS_ESCAPE.sub(one, text)


@functools.lru_cache(maxsize=4096)  # a page repeats its styles; the dicts are only read
def declarations(block: str) -> dict[str, tuple[str, bool]]:
    """The ``display`` and ``visibility`` a declaration block sets: property → (value, important);
    the last declaration of a property wins, an important one over one that is not."""
    out: dict[str, tuple[str, bool]] = {}
    block = _CSS_COMMENT.sub(" ", block) if "/*" in block else block
    for declaration in _unescape_css(block).split(";"):
        name, colon, value = declaration.partition(":")
        name = fold(name.strip())
        if not colon or name not in _HIDING:
            continue
        value = fold(value).strip()
        important = value.endswith("important") and "!" in value
        if important:
            value = value[:value.rindex("!")].strip()
        if important or not out.get(name, ("", False))[1]:
            out[name] = (value, important)
    return out


@dataclass(frozen=True)
class Rule:
    tag: str | None  # folded; None for any
    id: str | None
    classes: frozenset[str]
    specificity: tuple[int, int, int]
    order: int
    sets: dict  # property → (value, important)

    def matches(self, tag: str, id_: str | None, classes: set[str]) -> bool:
        return ((self.tag is None or self.tag == tag) and (self.id is None or self.id == id_)
                and self.classes <= classes)


@dataclass
class Stylesheet:
    rules: list[Rule] = field(default_factory=list)
    not_applied: int = 0  # hiding rules whose selector is not a simple one
    _by_key: dict[tuple, list[Rule]] = field(default_factory=dict)  # each rule under its id, a class, its tag, or any

    def hiding(self) -> list[Rule]:
        return [r for r in self.rules if hides(r.sets)]

    def matching(self, tag: str, id_: str | None, classes: set[str]) -> list[Rule]:
        """The rules that select an element (looked up by its id, classes and tag, not tried one by one)."""
        keys = [("any",), ("tag", tag), *(("class", c) for c in classes)] + ([("id", id_)] if id_ else [])
        return [r for key in keys for r in self._by_key.get(key, ()) if r.matches(tag, id_, classes)]

    def add(self, css: str) -> None:
        """The rules of one ``<style>`` element."""
        css = _CSS_COMMENT.sub(" ", css) if "/*" in css else css
        depth, prelude_at, body_at, prelude = 0, 0, 0, ""
        for m in _BRACE.finditer(css):
            if m.group() == "{":
                if depth == 0:
                    prelude, body_at = css[prelude_at:m.start()].rsplit(";", 1)[-1].strip(), m.end()
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0:
                    if not prelude.startswith("@"):  # @media, @supports …: not the page as read
                        self._rule(prelude, css[body_at:m.start()])
                    prelude_at = m.end()

    def _rule(self, selectors: str, block: str) -> None:
        sets = declarations(block)
        if not sets:
            return
        for selector in selectors.split(","):
            selector = _unescape_css(selector.strip())
            m = _SIMPLE_SELECTOR.fullmatch(selector)
            if not selector or m is None:
                self.not_applied += hides(sets)
                continue
            tag = fold(m.group(1)) if m.group(1) and m.group(1) != "*" else None
            ids = [fold(v) for kind, v in _PART.findall(m.group(2)) if kind == "#"]
            classes = frozenset(fold(v) for kind, v in _PART.findall(m.group(2)) if kind == ".")
            if len(set(ids)) > 1:
                continue  # #a#b matches nothing
            rule = Rule(tag, ids[0] if ids else None, classes, (len(ids), len(classes), tag is not None),
                        len(self.rules), sets)
            self.rules.append(rule)
            key = ("id", rule.id) if rule.id else ("class", min(classes)) if classes else ("tag", tag) if tag else ("any",)
            self._by_key.setdefault(key, []).append(rule)


def hides(sets: dict[str, tuple[str, bool]]) -> bool:
    return any(sets.get(name, ("", False))[0] in values for name, values in _HIDING.items())


def hidden(tag_name: str, attrs: dict[str, str], sheet: Stylesheet) -> bool:
    """Whether an element with this start tag is hidden by the page."""
    if "hidden" in attrs:
        return True
    inline = declarations(attrs["style"]) if "style" in attrs else {}
    classes = set(fold(attrs.get("class", "")).split())
    id_ = fold(attrs["id"].strip()) if "id" in attrs else None
    matching = sheet.matching(tag_name, id_, classes) if sheet.rules else []
    winner: dict[str, tuple] = {}
    for name in _HIDING:  # cascade: important first, then inline over the sheet, specificity, order
        candidates = [((important, True, (0, 0, 0), 0), value) for value, important in [inline[name]]] \
            if name in inline else []
        candidates += [((r.sets[name][1], False, r.specificity, r.order), r.sets[name][0])
                       for r in matching if name in r.sets]
        if candidates:
            winner[name] = max(candidates)[1]
    return any(winner.get(name) in values for name, values in _HIDING.items())
