"""ICU/Java regular expressions (the dialect SRX files are written in) translated to `re`.

SRX 2.0 rules are ICU regexes: `\\p{Lu}`, `\\x{2026}`, `\\Q...\\E`, `\\h`, POSIX and
nested character classes, inline flags in the middle of a pattern. The standard library
`re` has none of these, so each pattern is parsed into a small tree and written back out
in `re` syntax: Unicode properties become explicit code-point ranges computed from
`unicodedata` (so they follow the running Python's Unicode version).

The same tree can also be written out *reversed* (`translate(p, reverse=True)`): a
pattern that matches `s` then matches `s[::-1]` in reversed text. The segmenter needs
this to test "does the beforebreak pattern match some text that ends exactly here?" with
one anchored `match()` on the reversed text, which is exact (backtracking explores every
alternative) where a forward `search()` would only report one match end per start.
Look-aheads turn into look-behinds when reversed, which `re` only allows at fixed width.

Not supported (a `RegexTranslationError` names the construct): back-references, set
intersection/subtraction (`&&`, `--`), `\\G`, `\\X`, and variable-width look-behinds.
Atomic groups and possessive quantifiers are kept going forward and relaxed to ordinary
ones in the reversed form (they only ever make a pattern match less, never more).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_CP = sys.maxunicode

Ranges = tuple[tuple[int, int], ...]


class RegexTranslationError(ValueError):
    """The pattern uses a construct `re` cannot express, or is malformed."""


# --- tree ---------------------------------------------------------------------------


@dataclass
class _Atom:
    """One character's worth of pattern (`a`, `[a-z]`, `\\d`, `.`), identical both ways."""

    py: str
    icase: bool = False


@dataclass
class _Anchor:
    kind: str  # "^", "$", "A", "Z", "b", "B"
    multiline: bool = False


@dataclass
class _Seq:
    items: list[_Node]


@dataclass
class _Alt:
    options: list[_Node]


@dataclass
class _Group:
    body: _Node
    kind: str  # "group", "atomic", "la", "nla", "lb", "nlb"


@dataclass
class _Repeat:
    body: _Node
    lo: int
    hi: int | None
    lazy: bool = False
    possessive: bool = False


_Node = _Atom | _Anchor | _Seq | _Alt | _Group | _Repeat


# --- Unicode properties -------------------------------------------------------------


@lru_cache(maxsize=1)
def _category_table() -> dict[str, Ranges]:
    """Code-point ranges of every two-letter general category (one pass, ~0.2 s, cached)."""
    table: dict[str, list[tuple[int, int]]] = {}
    category = unicodedata.category
    prev = category(chr(0))
    start = 0
    for cp in range(1, MAX_CP + 1):
        cat = category(chr(cp))
        if cat != prev:
            table.setdefault(prev, []).append((start, cp - 1))
            prev, start = cat, cp
    table.setdefault(prev, []).append((start, MAX_CP))
    return {k: tuple(v) for k, v in table.items()}


# Script ranges for the scripts segmentation rules mention (Unicode Scripts.txt is not in
# the standard library); block-level approximations, good enough for punctuation rules.
_SCRIPTS: dict[str, Ranges] = {
    "han": (
        (0x2E80, 0x2FDF),
        (0x3005, 0x3005),
        (0x3007, 0x3007),
        (0x3021, 0x3029),
        (0x3038, 0x303B),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF),
        (0x20000, 0x2FA1F),
        (0x30000, 0x3134F),
    ),
    "hiragana": ((0x3041, 0x309F), (0x1B001, 0x1B11F)),
    "katakana": ((0x30A0, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    "hangul": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF)),
}
_SCRIPT_ALIASES = {
    "hani": "han",
    "hira": "hiragana",
    "kana": "katakana",
    "hang": "hangul",
    "incjkunifiedideographs": "han",
    "inhiragana": "hiragana",
    "inkatakana": "katakana",
    "inhangulsyllables": "hangul",
}
_CATEGORY_ALIASES = {
    "letter": "L",
    "alpha": "L",
    "alphabetic": "L",
    "lowercase_letter": "Ll",
    "lowercaseletter": "Ll",
    "lower": "Ll",
    "javalowercase": "Ll",
    "uppercase_letter": "Lu",
    "uppercaseletter": "Lu",
    "upper": "Lu",
    "javauppercase": "Lu",
    "titlecase_letter": "Lt",
    "modifier_letter": "Lm",
    "other_letter": "Lo",
    "mark": "M",
    "number": "N",
    "digit": "Nd",
    "decimal_number": "Nd",
    "decimal_digit_number": "Nd",
    "punctuation": "P",
    "punct": "P",
    "initial_punctuation": "Pi",
    "final_punctuation": "Pf",
    "open_punctuation": "Ps",
    "close_punctuation": "Pe",
    "dash_punctuation": "Pd",
    "other_punctuation": "Po",
    "symbol": "S",
    "separator": "Z",
    "space_separator": "Zs",
    "other": "C",
    "control": "Cc",
    "cntrl": "Cc",
}
_WHITESPACE: Ranges = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
_HSPACE: Ranges = (
    (0x09, 0x09),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
_VSPACE: Ranges = ((0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029))
_LINE_END: Ranges = ((0x0A, 0x0A), (0x0D, 0x0D), (0x85, 0x85), (0x2028, 0x2029))


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CP:
        out.append((nxt, MAX_CP))
    return tuple(out)


@lru_cache(maxsize=256)
def property_ranges(name: str) -> Ranges:
    """Code points of a Unicode property as ICU spells it (`Lu`, `L`, `IsHan`, `gc=Nd`)."""
    key = name.strip()
    for prefix in ("General_Category=", "general_category=", "gc=", "sc=", "Script="):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    low = key.lower().replace(" ", "_")
    if low.startswith("is") and len(low) > 2 and low not in _CATEGORY_ALIASES:
        stripped = key[2:]
        if stripped and (stripped[0].isupper() or stripped.lower() in _SCRIPTS):
            key, low = stripped, stripped.lower()
    low = _SCRIPT_ALIASES.get(low, low)
    if low in _SCRIPTS:
        return _SCRIPTS[low]
    if low in ("space", "white_space", "whitespace"):
        return _WHITESPACE
    if low == "alnum":
        return _merge([*property_ranges("L"), *property_ranges("Nd")])
    cat = _CATEGORY_ALIASES.get(low, key)
    table = _category_table()
    if len(cat) == 2 and cat[0].upper() + cat[1].lower() in table:
        return table[cat[0].upper() + cat[1].lower()]
    if len(cat) == 2 and cat[0].upper() + cat[1].lower() == "Lc":  # cased letter
        return _merge([*table["Lu"], *table["Ll"], *table["Lt"]])
    if len(cat) == 1 and cat.upper() in "LMNPSZC":
        major = cat.upper()
        return _merge([r for k, v in table.items() if k[0] == major for r in v])
    raise RegexTranslationError(f"unknown Unicode property \\p{{{name}}}")


# --- emission helpers ---------------------------------------------------------------


def _class_char(cp: int) -> str:
    ch = chr(cp)
    if ch.isascii() and ch.isalnum():
        return ch
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _ranges_to_class(ranges: Ranges, extra: str = "") -> str:
    """`re` character class for code-point ranges (plus shortcut escapes like `\\d`)."""
    parts = [extra]
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_class_char(lo))
        elif hi == lo + 1:
            parts.append(_class_char(lo) + _class_char(hi))
        else:
            parts.append(f"{_class_char(lo)}-{_class_char(hi)}")
    body = "".join(parts)
    if not body:
        return "(?!)"  # an empty class matches nothing
    return f"[{body}]"


# --- parser -------------------------------------------------------------------------


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}
_SHORTCUTS = {"d", "D", "w", "W", "s", "S"}


class _Parser:
    """Recursive-descent parser for the ICU regex subset SRX files use."""

    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.pos = 0
        self.flags: set[str] = set()

    def error(self, message: str) -> RegexTranslationError:
        return RegexTranslationError(f"{message} at offset {self.pos} in {self.src!r}")

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.src[i] if i < len(self.src) else ""

    def parse(self) -> _Node:
        node = self.parse_alt()
        if self.pos < len(self.src):
            raise self.error("unbalanced ')'")
        return node

    def parse_alt(self) -> _Node:
        options = [self.parse_seq()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.parse_seq())
        return options[0] if len(options) == 1 else _Alt(options)

    def skip_extended(self) -> None:
        while "x" in self.flags and self.pos < len(self.src):
            ch = self.src[self.pos]
            if ch.isspace():
                self.pos += 1
            elif ch == "#":
                while self.pos < len(self.src) and self.src[self.pos] != "\n":
                    self.pos += 1
            else:
                break

    def parse_seq(self) -> _Node:
        items: list[_Node] = []
        while True:
            self.skip_extended()
            ch = self.peek()
            if ch in ("", "|", ")"):
                break
            atom = self.parse_primary()
            if atom is None:
                continue
            items.append(self.parse_quantifiers(atom))
        return items[0] if len(items) == 1 else _Seq(items)

    def parse_quantifiers(self, atom: _Node) -> _Node:
        self.skip_extended()
        ch = self.peek()
        bounds: tuple[int, int | None] | None = None
        if ch == "*":
            bounds = (0, None)
            self.pos += 1
        elif ch == "+":
            bounds = (1, None)
            self.pos += 1
        elif ch == "?":
            bounds = (0, 1)
            self.pos += 1
        elif ch == "{":
            m = re.compile(r"\{(\d+)(?:(,)(\d*))?\}").match(self.src, self.pos)
            if m:
                lo = int(m.group(1))
                hi: int | None = lo
                if m.group(2):
                    hi = int(m.group(3)) if m.group(3) else None
                if hi is not None and hi < lo:
                    raise self.error("bad repetition bounds")
                bounds = (lo, hi)
                self.pos = m.end()
        if bounds is None:
            return atom
        if isinstance(atom, _Anchor | _Repeat):
            raise self.error("nothing to repeat")
        lazy = possessive = False
        if self.peek() == "?":
            lazy = True
            self.pos += 1
        elif self.peek() == "+":
            possessive = True
            self.pos += 1
        if self.peek() in ("*", "+", "?"):
            raise self.error("multiple repeat")
        return _Repeat(atom, bounds[0], bounds[1], lazy, possessive)

    def literal(self, ch: str) -> _Atom:
        return _Atom(re.escape(ch), icase="i" in self.flags)

    def parse_primary(self) -> _Node | None:
        ch = self.src[self.pos]
        if ch == "(":
            return self.parse_group()
        if ch == "[":
            self.pos += 1
            ranges, extra = self.parse_class_body()
            return _Atom(_ranges_to_class(ranges, extra), icase="i" in self.flags)
        if ch == ".":
            self.pos += 1
            if "s" in self.flags:
                return _Atom(r"[\s\S]")
            return _Atom(_ranges_to_class(_complement(_LINE_END)))
        if ch in "^$":
            self.pos += 1
            return _Anchor(ch, multiline="m" in self.flags)
        if ch == "\\":
            return self.parse_escape()
        if ch in "*+?":
            raise self.error("nothing to repeat")
        self.pos += 1
        return self.literal(ch)

    def parse_group(self) -> _Node | None:
        self.pos += 1  # "("
        saved = set(self.flags)
        kind = "group"
        if self.peek() == "?":
            self.pos += 1
            nxt = self.peek()
            if nxt == "#":
                end = self.src.find(")", self.pos)
                if end < 0:
                    raise self.error("unterminated comment")
                self.pos = end + 1
                return None
            lookup = {":": "group", "=": "la", "!": "nla", ">": "atomic"}
            if nxt in lookup:
                kind = lookup[nxt]
                self.pos += 1
            elif self.src.startswith("<=", self.pos):
                kind, self.pos = "lb", self.pos + 2
            elif self.src.startswith("<!", self.pos):
                kind, self.pos = "nlb", self.pos + 2
            elif nxt == "<" or self.src.startswith("P<", self.pos):
                end = self.src.find(">", self.pos)
                if end < 0:
                    raise self.error("unterminated group name")
                self.pos = end + 1
            else:
                m = re.compile(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(self.src, self.pos)
                if not m:
                    raise self.error("unknown group construct")
                on, off = set(m.group(1)), set(m.group(2) or "")
                unknown = (on | off) - set("imsxuw")
                if unknown:
                    raise self.error(f"unsupported inline flag {''.join(sorted(unknown))!r}")
                self.pos = m.end()
                if m.group(3) == ")":
                    # ICU: the flags hold until the end of the enclosing group.
                    self.flags = (self.flags | on) - off
                    return None
                self.flags = (self.flags | on) - off
        body = self.parse_alt()
        if self.peek() != ")":
            raise self.error("missing ')'")
        self.pos += 1
        self.flags = saved
        return _Group(body, kind)

    def parse_hex(self) -> int:
        """After `\\x`: `{h...}` or two hex digits."""
        if self.peek() == "{":
            end = self.src.find("}", self.pos)
            if end < 0:
                raise self.error("unterminated \\x{...}")
            digits = self.src[self.pos + 1 : end]
            self.pos = end + 1
        else:
            digits = self.src[self.pos : self.pos + 2]
            self.pos += 2
        try:
            cp = int(digits, 16)
        except ValueError as err:
            raise self.error("bad hex escape") from err
        if cp > MAX_CP:
            raise self.error("code point out of range")
        return cp

    def parse_escaped_char(self, c: str) -> int | None:
        """Code point of a one-character escape after the backslash, or None."""
        if c in _SIMPLE_ESCAPES:
            self.pos += 1
            return ord(_SIMPLE_ESCAPES[c])
        if c == "u":
            digits = self.src[self.pos + 1 : self.pos + 5]
            if len(digits) != 4:
                raise self.error("bad \\u escape")
            self.pos += 5
            return int(digits, 16)
        if c == "U":
            digits = self.src[self.pos + 1 : self.pos + 9]
            self.pos += 9
            return int(digits, 16)
        if c == "x":
            self.pos += 1
            return self.parse_hex()
        if c == "0":
            m = re.compile(r"0([0-7]{1,3})").match(self.src, self.pos)
            if not m:
                raise self.error("bad octal escape")
            self.pos = m.end()
            return int(m.group(1), 8)
        if c == "c":
            ctl = self.peek(1)
            self.pos += 2
            return ord(ctl) ^ 0x40
        if c == "N" and self.peek(1) == "{":
            end = self.src.find("}", self.pos)
            name = self.src[self.pos + 2 : end]
            self.pos = end + 1
            try:
                return ord(unicodedata.lookup(name))
            except KeyError as err:
                raise self.error(f"unknown character name {name!r}") from err
        return None

    def parse_property(self, c: str) -> Ranges:
        """After `\\p` or `\\P` (at the letter): the property's ranges, negated for P."""
        self.pos += 1
        if self.peek() == "{":
            end = self.src.find("}", self.pos)
            if end < 0:
                raise self.error("unterminated \\p{...}")
            name = self.src[self.pos + 1 : end]
            self.pos = end + 1
        else:
            name = self.peek()
            self.pos += 1
        negate = c == "P"
        if name.startswith("^"):
            negate, name = not negate, name[1:]
        try:
            ranges = property_ranges(name)
        except RegexTranslationError as err:
            raise self.error(str(err)) from err
        return _complement(ranges) if negate else ranges

    def parse_escape(self) -> _Node:
        self.pos += 1  # backslash
        c = self.peek()
        if not c:
            raise self.error("trailing backslash")
        icase = "i" in self.flags
        if c in _SHORTCUTS:
            self.pos += 1
            return _Atom("\\" + c)
        if c in "hHvV":
            self.pos += 1
            ranges = _HSPACE if c in "hH" else _VSPACE
            if c.isupper():
                ranges = _complement(ranges)
            return _Atom(_ranges_to_class(ranges))
        if c == "R":
            self.pos += 1
            crlf = _Seq([_Atom(r"\r"), _Atom(r"\n")])
            return _Group(_Alt([crlf, _Atom(_ranges_to_class(_VSPACE))]), "atomic")
        if c in "bB":
            self.pos += 1
            return _Anchor(c)
        if c == "A":
            self.pos += 1
            return _Anchor("A")
        if c in "Zz":
            self.pos += 1
            return _Anchor("Z")
        if c in "pP":
            return _Atom(_ranges_to_class(self.parse_property(c)), icase=icase)
        if c == "Q":
            end = self.src.find("\\E", self.pos + 1)
            text = self.src[self.pos + 1 : end if end >= 0 else len(self.src)]
            self.pos = end + 2 if end >= 0 else len(self.src)
            atoms: list[_Node] = [self.literal(ch) for ch in text]
            return _Group(_Seq(atoms), "group")
        if (c.isdigit() and c != "0") or c == "k":
            raise self.error("back-references are not supported")
        if c in "GXz":
            raise self.error(f"\\{c} is not supported")
        cp = self.parse_escaped_char(c)
        if cp is not None:
            return _Atom(re.escape(chr(cp)), icase=icase)
        self.pos += 1
        return self.literal(c)

    def parse_class_body(self) -> tuple[Ranges, str]:
        """After `[`: ranges plus shortcut escapes (`\\d\\w\\s`, kept as `re` escapes)."""
        negate = False
        if self.peek() == "^":
            negate = True
            self.pos += 1
        ranges: list[tuple[int, int]] = []
        shortcuts = ""
        first = True
        while True:
            ch = self.peek()
            if not ch:
                raise self.error("unterminated character class")
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            if self.src.startswith("&&", self.pos) or self.src.startswith("--", self.pos):
                raise self.error("character class set operations are not supported")
            if ch == "[":
                posix = re.compile(r"\[:(\^?)([a-zA-Z]+):\]").match(self.src, self.pos)
                if posix:
                    self.pos = posix.end()
                    got = property_ranges(posix.group(2))
                    ranges.extend(_complement(got) if posix.group(1) else got)
                    continue
                self.pos += 1
                inner, inner_short = self.parse_class_body()
                if inner_short:
                    raise self.error("nested classes with \\d, \\w or \\s are not supported")
                ranges.extend(inner)
                continue
            if ch == "\\" and self.peek(1) in _SHORTCUTS:
                shortcuts += "\\" + self.peek(1)
                self.pos += 2
                continue
            if ch == "\\" and self.peek(1) in "pP":
                self.pos += 1
                ranges.extend(self.parse_property(self.peek()))
                continue
            if ch == "\\" and self.peek(1) in "hv":
                self.pos += 2
                ranges.extend(_HSPACE if self.src[self.pos - 1] == "h" else _VSPACE)
                continue
            lo = self.class_char()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                hi = self.class_char()
                if hi < lo:
                    raise self.error("bad character range")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))
        merged = _merge(ranges)
        if negate:
            if shortcuts:
                # Let `re` negate: [^...\d] keeps the shortcut exact.
                listed = _ranges_to_class(merged)[1:-1] if merged else ""
                return (), "^" + shortcuts + listed
            return _complement(merged), ""
        return merged, shortcuts

    def class_char(self) -> int:
        ch = self.peek()
        if ch == "\\":
            self.pos += 1
            c = self.peek()
            if c == "Q":
                raise self.error("\\Q inside a character class is not supported")
            cp = self.parse_escaped_char(c)
            if cp is not None:
                return cp
            self.pos += 1
            return ord(c)
        self.pos += 1
        return ord(ch)


# --- emission -----------------------------------------------------------------------


def _width(node: _Node) -> tuple[int, int | None]:
    if isinstance(node, _Atom):
        return 1, 1
    if isinstance(node, _Anchor):
        return 0, 0
    if isinstance(node, _Seq):
        lo = 0
        hi: int | None = 0
        for item in node.items:
            a, b = _width(item)
            lo += a
            hi = None if hi is None or b is None else hi + b
        return lo, hi
    if isinstance(node, _Alt):
        widths = [_width(o) for o in node.options]
        los = [w[0] for w in widths]
        his = [w[1] for w in widths]
        return min(los), None if any(h is None for h in his) else max(
            h for h in his if h is not None
        )
    if isinstance(node, _Group):
        return (0, 0) if node.kind in ("la", "nla", "lb", "nlb") else _width(node.body)
    a, b = _width(node.body)
    return a * node.lo, None if node.hi is None or b is None else b * node.hi


class _Emitter:
    def __init__(self, reverse: bool) -> None:
        self.reverse = reverse

    def emit(self, node: _Node) -> str:
        if isinstance(node, _Atom):
            return f"(?i:{node.py})" if node.icase else node.py
        if isinstance(node, _Anchor):
            return self.anchor(node)
        if isinstance(node, _Seq):
            items = reversed(node.items) if self.reverse else node.items
            return "".join(self.wrap_alt(i) for i in items)
        if isinstance(node, _Alt):
            return "|".join(self.emit(o) for o in node.options)
        if isinstance(node, _Group):
            return self.group(node)
        body = self.emit(node.body)
        if not isinstance(node.body, _Atom | _Group):
            body = f"(?:{body})"
        if (node.lo, node.hi) == (0, None):
            q = "*"
        elif (node.lo, node.hi) == (1, None):
            q = "+"
        elif (node.lo, node.hi) == (0, 1):
            q = "?"
        elif node.hi is None:
            q = f"{{{node.lo},}}"
        elif node.hi == node.lo:
            q = f"{{{node.lo}}}"
        else:
            q = f"{{{node.lo},{node.hi}}}"
        if node.lazy:
            q += "?"
        elif node.possessive and not self.reverse:
            q += "+"
        return body + q

    def wrap_alt(self, node: _Node) -> str:
        text = self.emit(node)
        return f"(?:{text})" if isinstance(node, _Alt) else text

    def anchor(self, node: _Anchor) -> str:
        if node.kind in "bB":
            return "\\" + node.kind
        if not self.reverse:
            return {"^": "(?m:^)" if node.multiline else "^",
                    "$": "(?m:$)" if node.multiline else "$",
                    "A": r"\A", "Z": r"\Z"}[node.kind]  # fmt: skip
        if node.kind == "^":
            return "(?m:$)" if node.multiline else r"\Z"
        if node.kind == "$":
            return "(?m:^)" if node.multiline else r"\A"
        return r"\Z" if node.kind == "A" else r"\A"

    def group(self, node: _Group) -> str:
        body = self.emit(node.body)
        kind = node.kind
        if kind == "group" or (kind == "atomic" and self.reverse):
            return f"(?:{body})"
        if kind == "atomic":
            return f"(?>{body})"
        ahead = kind in ("la", "nla")
        negative = kind in ("nla", "nlb")
        if ahead != self.reverse:  # a look-ahead going forward, or a look-behind reversed
            return f"(?!{body})" if negative else f"(?={body})"
        return self.lookbehind(node.body, negative)

    def lookbehind(self, body: _Node, negative: bool) -> str:
        """`re` needs fixed-width look-behinds; split alternatives of different widths."""
        lo, hi = _width(body)
        op = "(?<!" if negative else "(?<="
        if lo == hi:
            return f"{op}{self.emit(body)})"
        if isinstance(body, _Alt) and all(_width(o)[0] == _width(o)[1] for o in body.options):
            parts = [f"{op}{self.emit(o)})" for o in body.options]
            return "".join(parts) if negative else "(?:" + "|".join(parts) + ")"
        raise RegexTranslationError(
            "variable-width look-behind (or a look-ahead inside a beforebreak pattern) "
            "is not supported"
        )


def _first(node: _Node, reverse: bool) -> tuple[list[str], bool]:
    """(atoms a match can start with, can it match the empty string?)"""
    if isinstance(node, _Atom):
        return [f"(?i:{node.py})" if node.icase else node.py], False
    if isinstance(node, _Anchor):
        return [], True
    if isinstance(node, _Seq):
        atoms: list[str] = []
        for item in reversed(node.items) if reverse else node.items:
            got, nullable = _first(item, reverse)
            atoms.extend(got)
            if not nullable:
                return atoms, False
        return atoms, True
    if isinstance(node, _Alt):
        atoms, any_nullable = [], False
        for option in node.options:
            got, nullable = _first(option, reverse)
            atoms.extend(got)
            any_nullable = any_nullable or nullable
        return atoms, any_nullable
    if isinstance(node, _Group):
        if node.kind in ("la", "nla", "lb", "nlb"):
            return [], True  # zero width: the next item decides the first character
        return _first(node.body, reverse)
    atoms, nullable = _first(node.body, reverse)
    return atoms, nullable or node.lo == 0


def first_char_pattern(pattern: str, *, reverse: bool = False) -> str | None:
    """A one-character `re` pattern every match starts with, or None when it may be empty.

    Used to scan text quickly for the few places a rule can possibly match.
    """
    atoms, nullable = _first(_Parser(pattern).parse(), reverse)
    if nullable or not atoms:
        return None
    return "|".join(dict.fromkeys(atoms))


def translate(pattern: str, *, reverse: bool = False) -> str:
    """Rewrite an ICU pattern in `re` syntax; `reverse=True` matches reversed text."""
    tree = _Parser(pattern).parse()
    return _Emitter(reverse).emit(tree)


def compile_icu(pattern: str, *, reverse: bool = False) -> re.Pattern[str]:
    """Translate and compile; any failure is a RegexTranslationError naming the pattern."""
    python = translate(pattern, reverse=reverse)
    try:
        return re.compile(python)
    except re.error as err:
        raise RegexTranslationError(f"{err} in {pattern!r}") from err
