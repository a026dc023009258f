"""A document as a skeleton with holes plus translatable blocks, and its segments.

Why a skeleton of literal strings and slots: every format (plain text, Markdown, HTML)
then rebuilds the same way, by rendering each slot and concatenating, and the whole
thing serialises to JSON (`to_json`) so a bilingual file can carry it and `build-target`
needs nothing but that file. For text and Markdown the literal strings are slices of the
original, so a rebuild with no translation reproduces it byte for byte; for HTML they are
lxml's serialisation of the tree (see tm.documents.html).

A block holds coded text (tm.models: one private-use character per InlineCode). Its
segments are cut inside the block by tm.segment; `Document.segments` records the cut
(`segmentation`) so segment ids can be mapped back when rebuilding, also from JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tm.errors import FormatError, UsageError
from tm.models import CODE_BASE, CODE_LIMIT, InlineCode, code_char
from tm.segment import Span, SrxRules, default_rules, segment

JSON_VERSION = 1
# Slot markers inside serialised HTML and inside code data (an `alt` inside an <img> code).
MARK = "\ufffc"
MARK_RE = re.compile(f"(?P<q>[\"']?){MARK}(?P<name>[^{MARK}]+){MARK}(?P=q)")
LANG_SLOT = "@lang"

Escape = str  # "none" | "html" | "html-attr" | "md-line" | "md-cell"
Translation = str | tuple[str, Sequence[InlineCode]]

_CODE_RE = re.compile(f"[{chr(CODE_BASE)}-{chr(CODE_LIMIT)}]")


@dataclass(frozen=True)
class Slot:
    """A hole in the skeleton: a block id, or `@lang` (the HTML lang attribute)."""

    name: str
    quoted: bool = False  # an attribute value: the slot renders its own quotes


@dataclass
class Block:
    """A translatable unit of the document: paragraph, heading, list item, cell, alt text.

    `text` is coded text over `codes`; `line` the 1-based source line it starts on;
    `escape` how text is written back (HTML text or attribute escaping, Markdown lines);
    `line_prefixes` what the source had before each continuation line (Markdown `> `,
    list indentation), `continuation` the prefix for extra lines a translation adds;
    `subflow` marks attribute text (alt, title), which SRX `segmentsubflows` governs.
    """

    id: str
    text: str
    kind: str
    line: int
    codes: tuple[InlineCode, ...] = ()
    escape: Escape = "none"
    line_prefixes: tuple[str, ...] = ()
    continuation: str = ""
    subflow: bool = False
    name: str | None = None  # the element or attribute it came from: "p", "img@alt"


@dataclass(frozen=True)
class DocSegment:
    """A segment to translate: its text and codes renumbered from 0, plus context.

    `start`/`end` are offsets into the block's text; `prev_text`/`next_text` are the
    neighbouring segments of the document (for in-context matches).
    """

    id: str
    block_id: str
    text: str
    codes: tuple[InlineCode, ...]
    line: int
    kind: str
    start: int
    end: int
    prev_text: str | None = None
    next_text: str | None = None


@dataclass(frozen=True)
class Segmentation:
    """How the blocks were cut: language and spans per block id."""

    lang: str
    spans: Mapping[str, tuple[Span, ...]]


@dataclass
class Document:
    """An article: its skeleton, its blocks and how it was read."""

    format: str  # "text" | "markdown" | "html"
    skeleton: list[str | Slot]
    blocks: list[Block]
    path: str | None = None
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\n"
    lang: str | None = None  # the language the document declares (HTML lang), if any
    segmentation: Segmentation | None = None
    _by_id: dict[str, Block] = field(default_factory=dict, repr=False, compare=False)

    def block(self, block_id: str) -> Block:
        if len(self._by_id) != len(self.blocks):
            self._by_id = {b.id: b for b in self.blocks}
        try:
            return self._by_id[block_id]
        except KeyError as err:
            raise UsageError(f"no block {block_id!r} in the document") from err

    # --- segments -------------------------------------------------------------------

    def segments(self, lang: str, rules: SrxRules | None = None) -> list[DocSegment]:
        """Segment every block for language `lang`; records the cut in `segmentation`."""
        srx = rules if rules is not None else default_rules()
        spans_by_block: dict[str, tuple[Span, ...]] = {}
        for block in self.blocks:
            if block.subflow and not srx.segment_subflows:
                spans = _whole(block.text)
            else:
                spans = segment(block.text, lang, rules=srx, codes=block.codes)
            spans_by_block[block.id] = tuple(spans)
        self.segmentation = Segmentation(lang, spans_by_block)
        return self.recorded_segments()

    def recorded_segments(self) -> list[DocSegment]:
        """The segments of the recorded cut (from `segments` or the JSON), not cut again.

        What `build-target` needs: the ids and texts exactly as the bilingual file has
        them, even if the rules have changed since. Empty when nothing was recorded.
        """
        if self.segmentation is None:
            return []
        found = [
            (block, k, start, end)
            for block in self.blocks
            for k, (start, end) in enumerate(self.segmentation.spans.get(block.id, ()), start=1)
        ]
        coded = [renumber_codes(b.text[s:e], b.codes) for b, _k, s, e in found]
        return [
            DocSegment(
                id=f"{block.id}-s{k}",
                block_id=block.id,
                text=coded[i][0],
                codes=coded[i][1],
                line=block.line + block.text.count("\n", 0, start),
                kind=block.kind,
                start=start,
                end=end,
                prev_text=coded[i - 1][0] if i else None,
                next_text=coded[i + 1][0] if i + 1 < len(coded) else None,
            )
            for i, (block, k, start, end) in enumerate(found)
        ]

    # --- rendering ------------------------------------------------------------------

    def render(
        self,
        translations: Mapping[str, Translation] | None = None,
        *,
        target_lang: str | None = None,
        source_lang: str | None = None,
        rules: SrxRules | None = None,
    ) -> str:
        """The document text with translated segments in place (see `rebuild`)."""
        translations = translations or {}
        seg = self.segmentation
        if source_lang is not None and (seg is None or seg.lang != source_lang or rules):
            self.segments(source_lang, rules)
            seg = self.segmentation
        if translations and seg is None:
            raise UsageError(
                "the document was never segmented: pass the source language so segment "
                "ids can be mapped back"
            )
        renderer = _Renderer(self, translations, target_lang, seg)
        text = "".join(renderer.part(p) for p in self.skeleton)
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return text

    # --- JSON -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of everything a rebuild needs (the XLIFF skeleton)."""
        return {
            "version": JSON_VERSION,
            "format": self.format,
            "path": self.path,
            "encoding": self.encoding,
            "bom": self.bom,
            "newline": self.newline,
            "lang": self.lang,
            "skeleton": [
                p
                if isinstance(p, str)
                else {"slot": p.name, **({"quoted": True} if p.quoted else {})}
                for p in self.skeleton
            ],
            "blocks": [_block_to_dict(b) for b in self.blocks],
            "segmentation": None
            if self.segmentation is None
            else {
                "lang": self.segmentation.lang,
                "spans": {k: [list(s) for s in v] for k, v in self.segmentation.spans.items()},
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        try:
            if data.get("version") != JSON_VERSION:
                raise FormatError(f"unsupported document JSON version {data.get('version')!r}")
            skeleton: list[str | Slot] = [
                p if isinstance(p, str) else Slot(str(p["slot"]), bool(p.get("quoted", False)))
                for p in data["skeleton"]
            ]
            seg = data.get("segmentation")
            return cls(
                format=str(data["format"]),
                skeleton=skeleton,
                blocks=[_block_from_dict(b) for b in data["blocks"]],
                path=data.get("path"),
                encoding=str(data.get("encoding", "utf-8")),
                bom=bool(data.get("bom", False)),
                newline=str(data.get("newline", "\n")),
                lang=data.get("lang"),
                segmentation=None
                if seg is None
                else Segmentation(
                    str(seg["lang"]),
                    {k: tuple(Span(int(a), int(b)) for a, b in v) for k, v in seg["spans"].items()},
                ),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise FormatError(f"not a document skeleton: {err}") from err

    @classmethod
    def from_json(cls, text: str) -> Document:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise FormatError(f"document skeleton is not JSON: {err}") from err
        if not isinstance(data, dict):
            raise FormatError("document skeleton is not a JSON object")
        return cls.from_dict(data)


def _whole(text: str) -> list[Span]:
    stripped = text.strip()
    if not stripped:
        return []
    start = text.index(stripped[0])
    return [Span(start, start + len(stripped))]


def renumber_codes(text: str, codes: Sequence[InlineCode]) -> tuple[str, tuple[InlineCode, ...]]:
    """Re-point code characters at a new list holding only the codes `text` uses."""
    if not codes or _CODE_RE.search(text) is None:
        return text, ()
    mapping: dict[str, str] = {}
    used: list[InlineCode] = []

    def repoint(m: re.Match[str]) -> str:
        ch = m.group()
        if ch not in mapping:
            idx = ord(ch) - CODE_BASE
            if idx >= len(codes):
                return ch
            mapping[ch] = code_char(len(used))
            used.append(codes[idx])
        return mapping[ch]

    return _CODE_RE.sub(repoint, text), tuple(used)


def _code_to_dict(c: InlineCode) -> dict[str, Any]:
    out: dict[str, Any] = {"role": c.role, "id": c.id, "kind": c.kind, "data": c.data}
    if c.attrs:
        out["attrs"] = [list(a) for a in c.attrs]
    return out


def _code_from_dict(d: Mapping[str, Any]) -> InlineCode:
    role = d["role"]
    if role not in ("open", "close", "standalone"):
        raise ValueError(f"bad code role {role!r}")
    return InlineCode(
        role=role,
        id=str(d["id"]),
        kind=str(d["kind"]),
        data=str(d.get("data", "")),
        attrs=tuple((str(k), str(v)) for k, v in d.get("attrs", [])),
    )


def _block_to_dict(b: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"id": b.id, "kind": b.kind, "line": b.line, "text": b.text}
    if b.codes:
        out["codes"] = [_code_to_dict(c) for c in b.codes]
    if b.escape != "none":
        out["escape"] = b.escape
    if b.line_prefixes:
        out["prefixes"] = list(b.line_prefixes)
    if b.continuation:
        out["continuation"] = b.continuation
    if b.subflow:
        out["subflow"] = True
    if b.name:
        out["name"] = b.name
    return out


def _block_from_dict(d: Mapping[str, Any]) -> Block:
    return Block(
        id=str(d["id"]),
        text=str(d["text"]),
        kind=str(d["kind"]),
        line=int(d["line"]),
        codes=tuple(_code_from_dict(c) for c in d.get("codes", [])),
        escape=str(d.get("escape", "none")),
        line_prefixes=tuple(str(p) for p in d.get("prefixes", [])),
        continuation=str(d.get("continuation", "")),
        subflow=bool(d.get("subflow", False)),
        name=d.get("name"),
    )


# --- rendering ----------------------------------------------------------------------


def escape_html_text(text: str) -> str:
    """Text node escaping exactly as lxml's HTML serialiser writes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_html_attr(value: str) -> str:
    """An attribute value with quotes, as libxml2's HTML serialiser chooses them."""
    escaped = escape_html_text(value)
    if '"' in escaped:
        if "'" in escaped:
            return '"' + escaped.replace('"', "&quot;") + '"'
        return "'" + escaped + "'"
    return '"' + escaped + '"'


def _escape_md_cell(text: str) -> str:
    """A table cell stays one line and keeps its column: newline -> space, | -> \\|."""
    text = text.replace("\n", " ")
    return re.sub(r"(?<!\\)\|", r"\\|", text)


_ESCAPERS: dict[str, Callable[[str], str]] = {
    "none": lambda s: s,
    "html": escape_html_text,
    "html-attr": escape_html_text,  # quotes are added around the whole value
    "md-line": lambda s: s.replace("\n", " "),
    "md-cell": _escape_md_cell,
}


class _Renderer:
    """Renders slots: blocks (with translated segments spliced in) and the lang slot."""

    def __init__(
        self,
        doc: Document,
        translations: Mapping[str, Translation],
        target_lang: str | None,
        seg: Segmentation | None,
    ) -> None:
        self.doc = doc
        self.translations = translations
        self.target_lang = target_lang
        self.seg = seg
        self.cache: dict[str, str] = {}
        self.depth = 0
        from tm.langs import uses_spaces

        self.join_fix: str | None = None  # how to join translated neighbours
        if seg is not None and target_lang is not None:
            src_spaces, tgt_spaces = uses_spaces(seg.lang), uses_spaces(target_lang)
            if src_spaces and not tgt_spaces:
                self.join_fix = ""
            elif tgt_spaces and not src_spaces:
                self.join_fix = " "

    def part(self, p: str | Slot) -> str:
        if isinstance(p, str):
            return p
        return self.slot(p.name, p.quoted)

    def slot(self, name: str, quoted: bool) -> str:
        if name == LANG_SLOT:
            value = self.target_lang or self.doc.lang or ""
            return quote_html_attr(value) if quoted else escape_html_text(value)
        if name not in self.cache:
            self.depth += 1
            if self.depth > 20:
                raise FormatError("document skeleton refers to itself (slot loop)")
            self.cache[name] = self.block_text(self.doc.block(name))
            self.depth -= 1
        text = self.cache[name]
        return quote_html_attr(text) if quoted else text

    def coded(self, text: str, codes: Sequence[InlineCode], escape: Escape, where: str) -> str:
        """Coded text to native markup: text escaped for the format, codes verbatim."""
        esc = _ESCAPERS[escape] if escape != "html-attr" else (lambda s: s)
        out: list[str] = []
        pos = 0
        for m in _CODE_RE.finditer(text):
            out.append(esc(text[pos : m.start()]))
            idx = ord(m.group()) - CODE_BASE
            if idx >= len(codes):
                raise FormatError(
                    f"segment {where} uses inline code {idx + 1}, which it does not have"
                )
            data = codes[idx].data
            out.append(
                MARK_RE.sub(lambda mm: self.slot(mm["name"], bool(mm["q"])), data)
                if MARK in data
                else data
            )
            pos = m.end()
        out.append(esc(text[pos:]))
        return "".join(out)

    def block_text(self, block: Block) -> str:
        spans = self.seg.spans.get(block.id) if self.seg is not None else None
        if not spans:
            native = self.coded(block.text, block.codes, block.escape, block.id)
        else:
            pieces: list[str] = []
            pos = 0
            prev_translated = False
            for k, (start, end) in enumerate(spans, start=1):
                seg_id = f"{block.id}-s{k}"
                gap = block.text[pos:start]
                tr = self.translations.get(seg_id)
                if (
                    k > 1
                    and self.join_fix is not None
                    and tr is not None
                    and prev_translated
                    and "\n" not in gap
                    and gap.strip() == ""
                ):
                    gap = self.join_fix
                pieces.append(self.coded(gap, block.codes, block.escape, seg_id))
                if tr is None:
                    pieces.append(
                        self.coded(block.text[start:end], block.codes, block.escape, seg_id)
                    )
                else:
                    text, codes = (tr, None) if isinstance(tr, str) else (tr[0], tr[1])
                    if codes is None:  # plain string: codes as in the source segment
                        _t, codes = renumber_codes(block.text[start:end], block.codes)
                    pieces.append(self.coded(text, codes, block.escape, seg_id))
                prev_translated = tr is not None
                pos = end
            pieces.append(self.coded(block.text[pos:], block.codes, block.escape, block.id))
            native = "".join(pieces)
        if "\n" in native and (block.line_prefixes or block.continuation):
            lines = native.split("\n")
            out = [lines[0]]
            for i, line in enumerate(lines[1:]):
                prefix = (
                    block.line_prefixes[i] if i < len(block.line_prefixes) else block.continuation
                )
                out.append(prefix + line)
            native = "\n".join(out)
        return native
