"""Inline codes: our coded text <-> the inline markup of TMX, XLIFF 1.2 and XLIFF 2.

A segment is text with one private-use character per `InlineCode` (see tm.models).
Reading turns a `seg`/`source`/`target` element into (text, codes); writing turns them
back into child elements of an empty element. Why one module for three dialects: a TM
mixes units imported from all of them, so a code read from XLIFF must be writable as
TMX and back, with roles mapped (open -> bpt/bx/sc, close -> ept/ex/ec, standalone ->
ph/x) and only attributes the target dialect's schema accepts.

Round trips within one dialect are lossless at the model level: the element name is
`kind`, native code text is `data`, the remaining attributes are `attrs`. Two pseudo
attributes (names that cannot be XML names) carry what has no field of its own:

* `#inner`: the inner markup of a code element that had child elements (TMX/XLIFF
  `<sub>`); `data` then holds its flattened text.
* literal private-use characters found in input text become standalone codes of kind
  `char` whose `data` is the character, so they cannot be mistaken for code markers;
  every writer emits them as plain text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal
from xml.sax.saxutils import escape

from lxml import etree

from tm.errors import FormatError
from tm.models import CODE_BASE, CODE_LIMIT, CodeRole, InlineCode, code_char

Dialect = Literal["tmx", "xliff12", "xliff2"]

CHAR_KIND = "char"
INNER_ATTR = "#inner"

NS_XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
NS_XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
_PREFIX: dict[str, str] = {"tmx": "", "xliff12": f"{{{NS_XLIFF12}}}", "xliff2": f"{{{NS_XLIFF2}}}"}

PUA_RE = re.compile(f"[{chr(CODE_BASE)}-{chr(CODE_LIMIT)}]")
# Characters XML 1.0 cannot carry (XLIFF 2 writes them as <cp hex=".."/>).
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NMTOKEN_BAD_RE = re.compile(r"[^\w.\-:]")


# --- reading ------------------------------------------------------------------------


_MAX_CODES = CODE_LIMIT - CODE_BASE + 1
# The same codes recur in every segment of a file (`<bpt i="1">&lt;b&gt;</bpt>`); codes
# are immutable, so readers share one instance per distinct code instead of building a
# frozen dataclass each time (5x cheaper on code-heavy TMX).
_CODE_CACHE: dict[tuple[object, ...], InlineCode] = {}
_CODE_CACHE_SIZE = 50_000


class _Collector:
    """Accumulates coded text and its codes while walking an element."""

    __slots__ = ("codes", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.codes: list[InlineCode] = []

    def text(self, s: str | None) -> None:
        if not s:
            return
        if PUA_RE.search(s) is None:
            self.parts.append(s)
            return
        pos = 0
        for m in PUA_RE.finditer(s):
            self.parts.append(s[pos : m.start()])
            self.add("standalone", "", CHAR_KIND, m.group())
            pos = m.end()
        self.parts.append(s[pos:])

    def add(
        self,
        role: CodeRole,
        code_id: str,
        kind: str,
        data: str = "",
        attrs: tuple[tuple[str, str], ...] = (),
    ) -> None:
        key = (role, code_id, kind, data, attrs)
        code = _CODE_CACHE.get(key)
        if code is None:
            code = InlineCode(role, code_id, kind, data, attrs)
            if len(_CODE_CACHE) >= _CODE_CACHE_SIZE:
                _CODE_CACHE.clear()
            _CODE_CACHE[key] = code
        n = len(self.codes)
        self.parts.append(chr(CODE_BASE + n) if n < _MAX_CODES else code_char(n))
        self.codes.append(code)

    def result(self) -> tuple[str, tuple[InlineCode, ...]]:
        return "".join(self.parts), tuple(self.codes)


def protect_text(text: str) -> tuple[str, tuple[InlineCode, ...]]:
    """Coded text for plain input (PO, CSV): literal private-use characters become codes."""
    if PUA_RE.search(text) is None:
        return text, ()
    col = _Collector()
    col.text(text)
    return col.result()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def _inner_markup(el: etree._Element) -> str:
    parts = [escape(el.text or "")]
    parts.extend(etree.tostring(c, encoding="unicode", with_tail=True) for c in el)
    return "".join(parts)


def _native(el: etree._Element) -> tuple[str, list[tuple[str, str]]]:
    """Native code text of a code element, plus `#inner` when it has sub-elements."""
    if len(el) == 0:
        return el.text or "", []
    return "".join(el.itertext()), [(INNER_ATTR, _inner_markup(el))]


def _pop(attrs: list[tuple[str, str]], name: str) -> str | None:
    for i, (key, value) in enumerate(attrs):
        if key == name:
            del attrs[i]
            return value
    return None


def _attrs_of(el: etree._Element, lower: bool) -> list[tuple[str, str]]:
    if lower:
        return [(k.lower(), v) for k, v in el.attrib.items()]
    return list(el.attrib.items())


class _Reader:
    """Walks inline content of one dialect, feeding a _Collector."""

    def __init__(self, dialect: Dialect, data: Mapping[str, str] | None) -> None:
        self.dialect = dialect
        self.data = data or {}
        self.col = _Collector()
        self.auto = 0

    def content(self, el: etree._Element) -> None:
        self.col.text(el.text)
        for child in el:
            self.child(child)
            self.col.text(child.tail)

    def child(self, child: etree._Element) -> None:
        tag = child.tag
        if not isinstance(tag, str):
            if tag is etree.Entity:  # an unresolved entity reference: keep it as written
                self.col.text(child.text)
            return  # comments and processing instructions are not content
        local = _local(tag)
        if self.dialect == "tmx":
            # TMX from old tools may be upper-case; lower-case only then (it is hot).
            if local.islower():
                self._tmx(local, child, child.items())
            else:
                self._tmx(local.lower(), child, _attrs_of(child, True))
        elif self.dialect == "xliff12":
            self._xliff12(local, child, _attrs_of(child, False))
        else:
            self._xliff2(local, child, _attrs_of(child, False))

    def _next_auto(self, prefix: str) -> str:
        self.auto += 1
        return f"{prefix}{self.auto}"

    def _paired(
        self,
        kind: str,
        code_id: str,
        attrs: list[tuple[str, str]],
        el: etree._Element,
        open_data: str = "",
        close_data: str = "",
    ) -> None:
        self.col.add("open", code_id, kind, open_data, tuple(attrs))
        self.content(el)
        self.col.add("close", code_id, kind, close_data)

    def _unknown(self, local: str, el: etree._Element, attrs: list[tuple[str, str]]) -> None:
        data, extra = _native(el)
        self.col.add("standalone", "", local, data, tuple(attrs + extra))

    def _tmx(self, local: str, el: etree._Element, attrs: list[tuple[str, str]]) -> None:
        if local in ("bpt", "ept"):
            code_id = _pop(attrs, "i") or ""
            data, extra = _native(el)
            role: CodeRole = "open" if local == "bpt" else "close"
            self.col.add(role, code_id, local, data, tuple(attrs + extra))
        elif local == "it":
            pos = _pop(attrs, "pos")
            data, extra = _native(el)
            it_role: CodeRole = "close" if pos == "end" else "open"
            code_id = dict(attrs).get("x", "")
            self.col.add(it_role, code_id, local, data, tuple(attrs + extra))
        elif local in ("ph", "ut"):
            data, extra = _native(el)
            code_id = dict(attrs).get("x", "")
            self.col.add("standalone", code_id, local, data, tuple(attrs + extra))
        elif local == "hi":
            code_id = dict(attrs).get("x") or self._next_auto("hi")
            self._paired("hi", code_id, attrs, el)
        elif local == "sub":
            self.content(el)
        else:
            self._unknown(local, el, attrs)

    def _xliff12(self, local: str, el: etree._Element, attrs: list[tuple[str, str]]) -> None:
        if local == "g":
            code_id = _pop(attrs, "id") or self._next_auto("g")
            self._paired("g", code_id, attrs, el)
        elif local == "mrk":
            code_id = _pop(attrs, "mid") or self._next_auto("m")
            self._paired("mrk", code_id, attrs, el)
        elif local == "x":
            code_id = _pop(attrs, "id") or ""
            self.col.add("standalone", code_id, "x", "", tuple(attrs))
        elif local in ("bx", "ex", "bpt", "ept", "it"):
            own_id = _pop(attrs, "id") or ""
            rid = _pop(attrs, "rid")
            if rid and own_id and own_id != rid:
                attrs.insert(0, ("id", own_id))
            code_id = rid or own_id
            role: CodeRole
            if local == "it":
                role = "close" if _pop(attrs, "pos") == "close" else "open"
            else:
                role = "open" if local in ("bx", "bpt") else "close"
            data, extra = ("", []) if local in ("bx", "ex") else _native(el)
            self.col.add(role, code_id, local, data, tuple(attrs + extra))
        elif local == "ph":
            code_id = _pop(attrs, "id") or ""
            data, extra = _native(el)
            self.col.add("standalone", code_id, "ph", data, tuple(attrs + extra))
        elif local == "sub":
            self.content(el)
        else:
            self._unknown(local, el, attrs)

    def _ref(self, attrs: list[tuple[str, str]], name: str) -> str:
        ref = _pop(attrs, name)
        return self.data.get(ref, "") if ref else ""

    def _xliff2(self, local: str, el: etree._Element, attrs: list[tuple[str, str]]) -> None:
        if local == "ph":
            code_id = _pop(attrs, "id") or ""
            data = self._ref(attrs, "dataRef")
            self.col.add("standalone", code_id, "ph", data, tuple(attrs))
        elif local == "pc":
            code_id = _pop(attrs, "id") or self._next_auto("pc")
            start = self._ref(attrs, "dataRefStart")
            end = self._ref(attrs, "dataRefEnd")
            self._paired("pc", code_id, attrs, el, start, end)
        elif local in ("sc", "ec"):
            own_id = _pop(attrs, "id")
            start_ref = _pop(attrs, "startRef")
            _pop(attrs, "isolated")
            data = self._ref(attrs, "dataRef")
            sc_role: CodeRole = "open" if local == "sc" else "close"
            code_id = start_ref or own_id or ""
            self.col.add(sc_role, code_id, local, data, tuple(attrs))
        elif local == "mrk":
            code_id = _pop(attrs, "id") or self._next_auto("m")
            self._paired("mrk", code_id, attrs, el)
        elif local == "sm":
            code_id = _pop(attrs, "id") or ""
            self.col.add("open", code_id, "sm", "", tuple(attrs))
        elif local == "em":
            code_id = _pop(attrs, "startRef") or ""
            self.col.add("close", code_id, "em", "", tuple(attrs))
        elif local == "cp":
            hex_value = el.get("hex", "")
            try:
                self.col.text(chr(int(hex_value, 16)))
            except ValueError as err:
                raise FormatError(
                    f"<cp hex={hex_value!r}> is not a code point", line=el.sourceline
                ) from err
        else:
            self._unknown(local, el, attrs)


def read_inline(
    element: etree._Element, dialect: Dialect, *, data: Mapping[str, str] | None = None
) -> tuple[str, tuple[InlineCode, ...]]:
    """Coded text and codes of a TMX `seg` or XLIFF `source`/`target` element.

    `data` is the XLIFF 2 unit's `originalData` (id -> native code), so `dataRef`s turn
    into `InlineCode.data`.
    """
    if len(element) == 0:
        text = element.text or ""
        if PUA_RE.search(text) is None:
            return text, ()
    reader = _Reader(dialect, data)
    reader.content(element)
    return reader.col.result()


def read_original_data(element: etree._Element | None) -> dict[str, str]:
    """XLIFF 2 `<originalData>`: data id -> native code text (`<cp>` decoded)."""
    out: dict[str, str] = {}
    if element is None:
        return out
    for data in element:
        if not isinstance(data.tag, str) or _local(data.tag) != "data":
            continue
        parts = [data.text or ""]
        for cp in data:
            if isinstance(cp.tag, str) and _local(cp.tag) == "cp":
                try:
                    parts.append(chr(int(cp.get("hex", ""), 16)))
                except ValueError as err:
                    raise FormatError(
                        f"<cp hex={cp.get('hex')!r}> is not a code point", line=cp.sourceline
                    ) from err
            parts.append(cp.tail or "")
        out[data.get("id", "")] = "".join(parts)
    return out


# --- writing ------------------------------------------------------------------------


class IdMap:
    """Output ids for codes: stable across the variants of a unit, unique, well-formed.

    XLIFF 2 wants NMTOKEN ids unique in a unit and the same id for the same code in
    source and target; TMX wants one `i` per bpt/ept pair. Keys are (class, original id,
    ordinal): share one IdMap between the source and target of a unit.
    """

    def __init__(self, *, nmtoken: bool) -> None:
        self.nmtoken = nmtoken
        self._ids: dict[tuple[str, str, int], str] = {}
        self._used: set[str] = set()
        self._count = 0

    def get(self, cls: str, original: str, ordinal: int = 0) -> str:
        """Output id for the `ordinal`-th code of class `cls` with id `original`."""
        key = (cls, original, ordinal)
        found = self._ids.get(key)
        if found is not None:
            return found
        base = original
        if self.nmtoken and base:
            base = _NMTOKEN_BAD_RE.sub("_", base)
        if not base:
            self._count += 1
            base = str(self._count)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}_{n}"
        self._used.add(candidate)
        self._ids[key] = candidate
        return candidate


class DataRefs:
    """XLIFF 2 `<originalData>` being built for one unit: native code -> data id."""

    def __init__(self) -> None:
        self.by_content: dict[str, str] = {}

    def ref(self, content: str) -> str:
        found = self.by_content.get(content)
        if found is None:
            found = f"d{len(self.by_content) + 1}"
            self.by_content[content] = found
        return found

    def element(self) -> etree._Element | None:
        """The `<originalData>` element, or None when no code carried native data."""
        if not self.by_content:
            return None
        od = etree.Element(f"{{{NS_XLIFF2}}}originalData")
        for content, data_id in self.by_content.items():
            data = etree.SubElement(od, f"{{{NS_XLIFF2}}}data", id=data_id)
            _Out(data, "xliff2").text(content)
        return od


# Attribute validators: a code read from one dialect keeps only what the target
# schema accepts (a TMX type="bold" is not an XLIFF 2 type).
_Check = Callable[[str], bool]


def _any(_value: str) -> bool:
    return True


def _enum(*values: str, x_ext: bool = False) -> _Check:
    allowed = frozenset(values)
    return lambda v: v in allowed or (x_ext and v.startswith("x-") and len(v) > 2 and " " not in v)


def _nmtoken(value: str) -> bool:
    return bool(value) and _NMTOKEN_BAD_RE.search(value) is None


def _nmtokens(value: str) -> bool:
    return all(_nmtoken(v) for v in value.split()) and bool(value.split())


_USER_DEFINED_RE = re.compile(r"^[^\s:]+:[^\s:]+$")


def _user_defined(value: str) -> bool:
    return _USER_DEFINED_RE.match(value) is not None


_YESNO = _enum("yes", "no")
_X12_DELIM = _enum("bold", "italic", "underlined", "link", x_ext=True)
_X12_PLACE = _enum("image", "pb", "lb", x_ext=True)
_X12_ASSOC = _enum("preceding", "following", "both")
# The schema's mtype list, as words.
_MTYPES = (
    "abbrev abbreviated-form abbreviation acronym appellation collocation common-name "
    "datetime equation expanded-form formula head-term initialism "
    "international-scientific-term internationalism logical-expression "
    "materials-management-unit name near-synonym part-number phrase "
    "phraseological-unit protected romanized-form seg set-phrase short-form sku "
    "standard-text symbol synonym synonymous-phrase term transcribed-form "
    "transliterated-form truncated-term variant"
)
_X12_MTYPE = _enum(*_MTYPES.split(), x_ext=True)
_X2_TYPE = _enum("fmt", "ui", "quote", "link", "image", "other")
_X2_MRK_TYPE: _Check = lambda v: v in ("generic", "comment", "term") or _user_defined(v)  # noqa: E731
_X2_BASE: dict[str, _Check] = {
    "canCopy": _YESNO,
    "canDelete": _YESNO,
    "canReorder": _enum("yes", "firstNo", "no"),
    "copyOf": _nmtoken,
    "subType": _user_defined,
    "type": _X2_TYPE,
}
_X2_SINGLE = {**_X2_BASE, "disp": _any, "equiv": _any, "subFlows": _nmtokens}
_X2_MRK = {"translate": _YESNO, "type": _X2_MRK_TYPE, "ref": _any, "value": _any}
_X12_TEXT = {"xid": _any, "equiv-text": _any}

_ALLOWED: dict[tuple[str, str], dict[str, _Check]] = {
    ("tmx", "bpt"): {"x": _any, "type": _any},
    ("tmx", "ept"): {},
    ("tmx", "it"): {"x": _any, "type": _any},
    ("tmx", "ph"): {"x": _any, "assoc": _any, "type": _any},
    ("tmx", "ut"): {"x": _any},
    ("tmx", "hi"): {"x": _any, "type": _any},
    ("xliff12", "g"): {"ctype": _X12_DELIM, "clone": _YESNO, **_X12_TEXT},
    ("xliff12", "x"): {"ctype": _X12_PLACE, "clone": _YESNO, **_X12_TEXT},
    ("xliff12", "bx"): {"ctype": _X12_DELIM, "clone": _YESNO, **_X12_TEXT},
    ("xliff12", "ex"): dict(_X12_TEXT),
    ("xliff12", "ph"): {"ctype": _X12_PLACE, "crc": _any, "assoc": _X12_ASSOC, **_X12_TEXT},
    ("xliff12", "bpt"): {"ctype": _X12_DELIM, "crc": _any, **_X12_TEXT},
    ("xliff12", "ept"): {"crc": _any, **_X12_TEXT},
    ("xliff12", "it"): {"ctype": _X12_DELIM, "crc": _any, **_X12_TEXT},
    ("xliff12", "mrk"): {"mtype": _X12_MTYPE, "comment": _any},
    ("xliff2", "ph"): _X2_SINGLE,
    ("xliff2", "pc"): {
        **_X2_BASE,
        "canOverlap": _YESNO,
        "dir": _enum("ltr", "rtl", "auto"),
        "dispStart": _any,
        "dispEnd": _any,
        "equivStart": _any,
        "equivEnd": _any,
        "subFlowsStart": _nmtokens,
        "subFlowsEnd": _nmtokens,
    },
    ("xliff2", "sc"): {**_X2_SINGLE, "canOverlap": _YESNO, "dir": _enum("ltr", "rtl", "auto")},
    ("xliff2", "ec"): {**_X2_SINGLE, "canOverlap": _YESNO, "dir": _enum("ltr", "rtl", "auto")},
    ("xliff2", "mrk"): _X2_MRK,
    ("xliff2", "sm"): _X2_MRK,
    ("xliff2", "em"): {},
}
# TMX writes assoc as p/f/b, XLIFF 1.2 as preceding/following/both.
_ASSOC_TO_X12 = {"p": "preceding", "f": "following", "b": "both"}
_ASSOC_TO_TMX = {v: k for k, v in _ASSOC_TO_X12.items()}


def _filter_attrs(dialect: str, element: str, attrs: Sequence[tuple[str, str]]) -> dict[str, str]:
    allowed = _ALLOWED.get((dialect, element), {})
    out: dict[str, str] = {}
    for name, value in attrs:
        if name == "assoc":
            value = (_ASSOC_TO_X12 if dialect == "xliff12" else _ASSOC_TO_TMX).get(value, value)
        check = allowed.get(name)
        if check is not None:
            if check(value):
                out[name] = value
        elif name[:1] == "{" and dialect == "xliff2" and element != "em":
            out[name] = value  # XLIFF 2 accepts attributes of other namespaces (lax)
    if "subType" in out and "type" not in out:
        del out["subType"]
    return out


class _Out:
    """Appends text and child elements to an element, tracking where text goes."""

    def __init__(self, root: etree._Element, dialect: str) -> None:
        self.dialect = dialect
        self.prefix = _PREFIX[dialect]
        self.stack: list[etree._Element] = [root]
        self.last: list[etree._Element | None] = [None]

    def _raw(self, s: str) -> None:
        last = self.last[-1]
        if last is None:
            cur = self.stack[-1]
            cur.text = (cur.text or "") + s
        else:
            last.tail = (last.tail or "") + s

    def text(self, s: str) -> None:
        if not s:
            return
        if _XML_INVALID_RE.search(s) is None:
            self._raw(s)
            return
        if self.dialect != "xliff2":
            bad = _XML_INVALID_RE.search(s)
            assert bad is not None
            raise FormatError(
                f"character U+{ord(bad.group()):04X} cannot be written in "
                f"{'TMX' if self.dialect == 'tmx' else 'XLIFF 1.2'} (XML 1.0 forbids it)"
            )
        pos = 0
        for m in _XML_INVALID_RE.finditer(s):
            self._raw(s[pos : m.start()])
            self.empty("cp", {"hex": f"{ord(m.group()):04X}"})
            pos = m.end()
        self._raw(s[pos:])

    def empty(
        self, tag: str, attrib: Mapping[str, str], content: str = "", inner: str | None = None
    ) -> etree._Element:
        el = etree.SubElement(self.stack[-1], self.prefix + tag, attrib)
        self.last[-1] = el
        if inner is not None and _restore_inner(el, inner, content, self.prefix):
            return el
        if content:
            self.stack.append(el)
            self.last.append(None)
            self.text(content)
            self.pop()
        return el

    def push(self, tag: str, attrib: Mapping[str, str]) -> None:
        el = etree.SubElement(self.stack[-1], self.prefix + tag, attrib)
        self.last[-1] = el
        self.stack.append(el)
        self.last.append(None)

    def pop(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()
            self.last.pop()


def _restore_inner(el: etree._Element, inner: str, content: str, prefix: str) -> bool:
    """Put `#inner` markup back into `el` if it still matches `data` and the dialect."""
    from tm.formats.xmlsafe import safe_parser

    try:
        wrapper = etree.fromstring(f"<w>{inner}</w>".encode(), safe_parser())
    except etree.XMLSyntaxError:
        return False
    if "".join(wrapper.itertext()) != content:
        return False
    for sub in wrapper.iter():
        if sub is wrapper or not isinstance(sub.tag, str):
            continue
        if (prefix and not sub.tag.startswith(prefix)) or (not prefix and sub.tag[:1] == "{"):
            return False
    el.text = wrapper.text
    for sub in list(wrapper):
        el.append(sub)
    return True


def _pairs(seq: Sequence[InlineCode | str]) -> tuple[dict[int, int], set[int]]:
    """Pair open and close codes by id; tell which pairs nest properly (can be elements)."""
    partner: dict[int, int] = {}
    waiting: dict[str, list[int]] = {}
    for pos, item in enumerate(seq):
        if isinstance(item, str):
            continue
        if item.role == "open":
            waiting.setdefault(item.id, []).append(pos)
        elif item.role == "close":
            opens = waiting.get(item.id)
            if opens:
                start = opens.pop(0)
                partner[start] = pos
                partner[pos] = start
    nestable: set[int] = set()
    stack: list[int] = []
    for pos, item in enumerate(seq):
        if isinstance(item, str) or pos not in partner:
            continue
        if item.role == "open":
            stack.append(pos)
        else:
            start = partner[pos]
            if stack and stack[-1] == start:
                stack.pop()
                nestable.add(start)
                nestable.add(pos)
            elif start in stack:
                stack.remove(start)
    return partner, nestable


_SPLIT_RE = re.compile(f"([{chr(CODE_BASE)}-{chr(CODE_LIMIT)}])")


def _tokens(text: str, codes: Sequence[InlineCode]) -> list[InlineCode | str]:
    """Text runs and codes in order (a code character without a code stays text)."""
    seq: list[InlineCode | str] = []
    n = len(codes)
    for i, piece in enumerate(_SPLIT_RE.split(text)):
        if i % 2:  # a private-use character
            idx = ord(piece) - CODE_BASE
            if idx < n:
                seq.append(codes[idx])
                continue
        if not piece:
            continue
        if seq and isinstance(seq[-1], str):
            seq[-1] += piece
        else:
            seq.append(piece)
    return seq


def _ordinals(seq: Sequence[InlineCode | str], partner: dict[int, int]) -> dict[int, int]:
    """Tell apart codes that share an id, the same way in every variant of a unit.

    The n-th pair (or placeholder) with id "1" gets ordinal n, so source and target map
    it to the same output id while two different pairs never share one (XLIFF 1.2
    requires unique `rid`s). Codes without an id are told apart by position; a close
    uses its open's ordinal.
    """
    ordinals: dict[int, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for pos, item in enumerate(seq):
        if isinstance(item, str) or item.kind == CHAR_KIND:
            continue
        if item.role == "close" and pos in partner:
            ordinals[pos] = ordinals[partner[pos]]
        elif not item.id:
            ordinals[pos] = pos
        else:
            cls = "pair" if pos in partner else item.role
            key = (cls, item.id)
            ordinals[pos] = seen.get(key, 0)
            seen[key] = ordinals[pos] + 1
    return ordinals


def write_inline(
    element: etree._Element,
    text: str,
    codes: Sequence[InlineCode],
    dialect: Dialect,
    *,
    ids: IdMap | None = None,
    data: DataRefs | None = None,
) -> None:
    """Fill an empty `seg`/`source`/`target` element with coded text as inline markup.

    `ids` should be shared by the variants of one unit (consistent ids across source and
    target); `data` collects XLIFF 2 native codes for `<originalData>` (required there).
    """
    if not codes and _XML_INVALID_RE.search(text) is None:
        element.text = text or None
        return
    if ids is None:
        ids = IdMap(nmtoken=dialect != "tmx")
    if dialect == "xliff2" and data is None:
        raise ValueError("write_inline: XLIFF 2 needs a DataRefs collector")
    seq = _tokens(text, codes)
    partner, nestable = _pairs(seq)
    out = _Out(element, dialect)
    chosen: dict[int, str] = {}  # element chosen for an open code, read at its close
    ordinals = _ordinals(seq, partner)
    for pos, item in enumerate(seq):
        if isinstance(item, str):
            out.text(item)
            continue
        if item.kind == CHAR_KIND:
            out.text(item.data)
            continue
        ordinal = ordinals[pos]
        if dialect == "tmx":
            _write_tmx(out, item, pos, partner, nestable, chosen, ids, ordinal, seq)
        elif dialect == "xliff12":
            _write_x12(out, item, pos, partner, nestable, chosen, ids, ordinal, seq)
        else:
            assert data is not None
            _write_x2(out, item, pos, partner, nestable, chosen, ids, ordinal, seq, data)


def _attr(code: InlineCode, wanted: str) -> str | None:
    for name, value in code.attrs:
        if name == wanted:
            return value
    return None


def _inner(code: InlineCode) -> str | None:
    return _attr(code, INNER_ATTR)


def _write_tmx(
    out: _Out,
    code: InlineCode,
    pos: int,
    partner: dict[int, int],
    nestable: set[int],
    chosen: dict[int, str],
    ids: IdMap,
    ordinal: int,
    seq: Sequence[InlineCode | str],
) -> None:
    kind = code.kind
    if code.role == "standalone":
        tag = kind if kind in ("ph", "ut") else "ph"
        out.empty(tag, _filter_attrs("tmx", tag, code.attrs), code.data, _inner(code))
        return
    paired = pos in partner
    if code.role == "open":
        if kind == "it" or not paired:
            tag = "it"
            attrib = {"pos": "begin", **_filter_attrs("tmx", "it", code.attrs)}
            out.empty(tag, attrib, code.data, _inner(code))
        elif kind == "hi" and pos in nestable and not code.data and not _data_at(seq, partner[pos]):
            tag = "hi"
            out.push("hi", _filter_attrs("tmx", "hi", code.attrs))
        else:
            tag = "bpt"
            attrib = {
                "i": ids.get("pair", code.id, ordinal),
                **_filter_attrs("tmx", "bpt", code.attrs),
            }
            out.empty(tag, attrib, code.data, _inner(code))
        chosen[pos] = tag
        return
    opened = chosen.get(partner[pos]) if paired else None
    if opened == "hi":
        out.pop()
    elif opened == "bpt":
        attrib = {"i": ids.get("pair", code.id, ordinal), **_filter_attrs("tmx", "ept", code.attrs)}
        out.empty("ept", attrib, code.data, _inner(code))
    else:
        attrib = {"pos": "end", **_filter_attrs("tmx", "it", code.attrs)}
        out.empty("it", attrib, code.data, _inner(code))


def _data_at(seq: Sequence[InlineCode | str], pos: int) -> str:
    item = seq[pos]
    return "" if isinstance(item, str) else item.data


def _write_x12(
    out: _Out,
    code: InlineCode,
    pos: int,
    partner: dict[int, int],
    nestable: set[int],
    chosen: dict[int, str],
    ids: IdMap,
    ordinal: int,
    seq: Sequence[InlineCode | str],
) -> None:
    kind = code.kind
    attrs = [(k, v) for k, v in code.attrs if k != "id"]
    if code.role == "standalone":
        tag = "x" if kind == "x" and not code.data else "ph" if kind == "ph" or code.data else "x"
        attrib = {"id": ids.get("ph", code.id, ordinal), **_filter_attrs("xliff12", tag, attrs)}
        out.empty(tag, attrib, code.data if tag == "ph" else "", _inner(code))
        return
    paired = pos in partner
    if code.role == "open":
        other_data = _data_at(seq, partner[pos]) if paired else ""
        wrap = paired and pos in nestable and not code.data and not other_data
        pair_id = ids.get("pair", code.id, ordinal)
        mtype_ok = "mtype" in _filter_attrs("xliff12", "mrk", attrs)
        if kind == "it":
            tag = "it"
        elif wrap and kind == "mrk" and mtype_ok:
            tag = "mrk"
        elif wrap and kind == "g":
            tag = "g"
        elif kind == "bpt" or code.data or other_data:
            tag = "bpt" if paired else "it"  # elements that carry native data
        elif kind == "bx":
            tag = "bx"
        elif wrap:
            tag = "g"
        else:
            tag = "bx"
        chosen[pos] = tag
        if tag == "mrk":
            mrk_attrs = _filter_attrs("xliff12", "mrk", attrs)
            # No mid: on a target's mrk the schema requires it to name a seg-source mrk.
            out.push("mrk", {"mtype": mrk_attrs.pop("mtype"), **mrk_attrs})
        elif tag == "g":
            out.push("g", {"id": pair_id, **_filter_attrs("xliff12", "g", attrs)})
        elif tag == "it":
            attrib = {"id": _attr(code, "id") or pair_id, "pos": "open"}
            out.empty(
                "it", {**attrib, **_filter_attrs("xliff12", "it", attrs)}, code.data, _inner(code)
            )
        else:
            attrib = {"id": _attr(code, "id") or pair_id}
            if paired:
                attrib["rid"] = pair_id
            content = code.data if tag == "bpt" else ""
            out.empty(
                tag,
                {**attrib, **_filter_attrs("xliff12", tag, attrs)},
                content,
                _inner(code) if tag == "bpt" else None,
            )
        return
    opened = chosen.get(partner[pos]) if paired else None
    if opened in ("g", "mrk"):
        out.pop()
        return
    pair_id = ids.get("pair", code.id, ordinal)
    if opened == "bpt" or opened == "bx":
        tag = "ept" if opened == "bpt" else "ex"
        attrib = {"id": _attr(code, "id") or pair_id, "rid": pair_id}
    elif opened == "it" or kind == "it" or code.data:
        tag = "it"
        attrib = {"id": _attr(code, "id") or pair_id, "pos": "close"}
    else:
        tag = "ex"
        attrib = {"id": _attr(code, "id") or pair_id}
    content = code.data if tag in ("ept", "it") else ""
    out.empty(
        tag,
        {**attrib, **_filter_attrs("xliff12", tag, attrs)},
        content,
        _inner(code) if content else None,
    )


def _write_x2(
    out: _Out,
    code: InlineCode,
    pos: int,
    partner: dict[int, int],
    nestable: set[int],
    chosen: dict[int, str],
    ids: IdMap,
    ordinal: int,
    seq: Sequence[InlineCode | str],
    data: DataRefs,
) -> None:
    kind = code.kind
    if code.role == "standalone":
        attrib = {"id": ids.get("ph", code.id, ordinal)}
        if code.data:
            attrib["dataRef"] = data.ref(code.data)
        out.empty("ph", {**attrib, **_filter_attrs("xliff2", "ph", code.attrs)})
        return
    paired = pos in partner
    if code.role == "open":
        other_data = _data_at(seq, partner[pos]) if paired else ""
        # Annotation markers carry no native data; a code with data needs pc/sc.
        marker = kind in ("mrk", "sm", "em") and not code.data and not other_data
        cls = "mrk" if marker else "pair"
        pair_id = ids.get(cls, code.id, ordinal)
        if marker and paired and kind == "mrk" and pos in nestable:
            tag = "mrk"
            out.push("mrk", {"id": pair_id, **_filter_attrs("xliff2", "mrk", code.attrs)})
        elif marker and paired:
            tag = "sm"
            out.empty("sm", {"id": pair_id, **_filter_attrs("xliff2", "sm", code.attrs)})
        elif paired and pos in nestable and kind != "sc":
            tag = "pc"
            attrib = {"id": pair_id}
            if code.data:
                attrib["dataRefStart"] = data.ref(code.data)
            end_data = _data_at(seq, partner[pos])
            if end_data:
                attrib["dataRefEnd"] = data.ref(end_data)
            out.push("pc", {**attrib, **_filter_attrs("xliff2", "pc", code.attrs)})
        else:
            tag = "sc"
            attrib = {"id": pair_id}
            if not paired:
                attrib["isolated"] = "yes"
            if code.data:
                attrib["dataRef"] = data.ref(code.data)
            out.empty("sc", {**attrib, **_filter_attrs("xliff2", "sc", code.attrs)})
        chosen[pos] = tag
        return
    opened = chosen.get(partner[pos]) if paired else None
    if opened in ("pc", "mrk"):
        out.pop()
        return
    if opened == "sm":
        out.empty("em", {"startRef": ids.get("mrk", code.id, ordinal)})
        return
    if opened == "sc":
        attrib = {"startRef": ids.get("pair", code.id, ordinal)}
    else:
        attrib = {"id": ids.get("pair", code.id, ordinal), "isolated": "yes"}
    if code.data:
        attrib["dataRef"] = data.ref(code.data)
    out.empty("ec", {**attrib, **_filter_attrs("xliff2", "ec", code.attrs)})


# --- conveniences -------------------------------------------------------------------


def inline_to_xml(text: str, codes: Sequence[InlineCode], dialect: Dialect) -> str:
    """The inner markup of a segment as an XML string (for display, tests, debugging).

    XLIFF 2 native code data is not included (it lives in the unit's originalData).
    """
    holder = etree.Element(_PREFIX[dialect] + "seg")
    write_inline(holder, text, codes, dialect, data=DataRefs() if dialect == "xliff2" else None)
    raw = etree.tostring(holder, encoding="unicode")
    start = raw.index(">") + 1
    end = raw.rindex("<")
    return raw[start:end] if start <= end else ""
