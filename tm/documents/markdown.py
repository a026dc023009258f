"""Markdown articles: markdown-it-py finds the structure, the source text is kept.

Why not render from markdown-it's tokens: a Markdown writer would normalise the author's
formatting (list markers, emphasis style, spacing, reference links). Instead each
translatable inline run (paragraph, heading, list item, quote, table cell) is located in
the source and replaced by a slot; everything else stays as it was, byte for byte.

Inside a run, markup becomes inline codes and only text is translated: `**`/`__`, `*`/`_`,
`~~` (paired codes), `` `code` `` (one code holding the span), links `[text](url "title")`
(the text is translated, `[` and `](url "title")` are the codes), images `![alt](src)`
(the alt text is translated), autolinks and inline HTML. Backslash escapes and entities
stay in the text as written. Continuation lines keep their prefixes (`> `, indentation)
outside the text. Code blocks, fenced code, HTML blocks, link reference definitions and
YAML front matter are not translated.

If a run cannot be aligned with markdown-it's tokens (rare constructs), its raw source
becomes the block text without codes: still translatable, still byte-exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle

from tm.documents.builder import CodedText, SkeletonBuilder, has_words
from tm.documents.model import Block, Slot
from tm.models import InlineCode

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n.*?\n\1[ \t]*(?:\n|\Z)", re.S)
_HTML_CLOSE = re.compile(r"</\s*([A-Za-z][\w:-]*)")
_HTML_OPEN = re.compile(r"<\s*([A-Za-z][\w:-]*)")
_VOID = {
    "br",
    "img",
    "hr",
    "wbr",
    "input",
    "source",
    "track",
    "area",
    "col",
    "embed",
    "meta",
    "link",
}
_HARDBREAK = re.compile(r"[ \t]*\\?\n")

# Hints the bilingual writers understand (XLIFF 1.2 ctype, XLIFF 2 type/subType).
_ATTRS: dict[str, tuple[tuple[str, str], ...]] = {
    "strong": (("ctype", "bold"), ("type", "fmt"), ("subType", "xlf:b")),
    "em": (("ctype", "italic"), ("type", "fmt"), ("subType", "xlf:i")),
    "s": (("type", "fmt"),),
    "link": (("ctype", "link"), ("type", "link")),
    "image": (("ctype", "x-image"), ("type", "image")),
    "code": (("type", "other"),),
    "html": (("type", "fmt"),),
}


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.disable("text_join")  # keep escapes and entities as separate tokens
    return md


class _AlignError(Exception):
    """The tokens do not line up with the raw text: use the raw text as is."""


@dataclass
class _Aligner:
    """Walks inline tokens over the raw inline text, turning markup into codes."""

    raw: str
    pos: int = 0
    out: CodedText = field(default_factory=CodedText)
    open_ids: dict[str, list[str]] = field(default_factory=dict)

    def ws_then(self, s: str) -> None:
        """`s` must come next, possibly after white space (kept as text)."""
        j = self.pos
        while j < len(self.raw) and self.raw[j] in " \t\n" and not self.raw.startswith(s, j):
            j += 1
        if not self.raw.startswith(s, j):
            raise _AlignError(f"expected {s!r} at {j}")
        self.out.text(self.raw[self.pos : j])
        self.pos = j

    def take(self, n: int) -> str:
        s = self.raw[self.pos : self.pos + n]
        self.pos += n
        return s

    def open(self, key: str, kind: str, data: str) -> None:
        pid = self.out.code("open", "pc", data, _ATTRS.get(kind, ()))
        self.open_ids.setdefault(key, []).append(pid)

    def close(self, key: str, kind: str, data: str) -> None:
        stack = self.open_ids.get(key)
        pid = stack.pop() if stack else None
        self.out.code("close", "pc", data, _ATTRS.get(kind, ()), pair_id=pid)

    def link_tail(self) -> str:
        """From `]` to the end of the link: `](url "title")`, `][ref]` or `]`."""
        raw, p = self.raw, self.pos
        if not raw.startswith("]", p):
            raise _AlignError("link text does not end with ]")
        if raw.startswith("](", p):
            q = p + 2
            while q < len(raw) and raw[q] in " \t\n":
                q += 1
            if q < len(raw) and raw[q] != ")":
                dest = parseLinkDestination(raw, q, len(raw))
                if not dest.ok:
                    raise _AlignError("bad link destination")
                q = dest.pos
                while q < len(raw) and raw[q] in " \t\n":
                    q += 1
                if q < len(raw) and raw[q] != ")":
                    title = parseLinkTitle(raw, q, len(raw))
                    if not title.ok:
                        raise _AlignError("bad link title")
                    q = title.pos
                    while q < len(raw) and raw[q] in " \t\n":
                        q += 1
            if q >= len(raw) or raw[q] != ")":
                raise _AlignError("link without )")
            end = q + 1
        elif raw.startswith("][", p):
            close = raw.find("]", p + 2)
            if close < 0:
                raise _AlignError("reference link without ]")
            end = close + 1
        else:
            end = p + 1
        return self.take(end - p)

    def run(self, tokens: list[Any]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            t = tok.type
            if t == "text":
                if tok.content:
                    self.ws_then(tok.content)
                    self.out.text(self.take(len(tok.content)))
            elif t == "text_special":
                self.ws_then(tok.markup)
                self.out.text(self.take(len(tok.markup)))
            elif t in ("softbreak", "hardbreak"):
                m = _HARDBREAK.match(self.raw, self.pos)
                if not m:
                    raise _AlignError("line break not found")
                self.out.text(self.take(m.end() - self.pos))
            elif t == "code_inline":
                self.ws_then(tok.markup)
                fence = re.compile(f"(?<!`){re.escape(tok.markup)}(?!`)")
                m = fence.search(self.raw, self.pos + len(tok.markup))
                if not m:
                    raise _AlignError("unclosed code span")
                data = self.take(m.end() - self.pos)
                self.out.code("standalone", "ph", data, _ATTRS["code"])
            elif t in ("strong_open", "em_open", "s_open"):
                self.ws_then(tok.markup)
                kind = t[:-5]
                self.open(kind, kind, self.take(len(tok.markup)))
            elif t in ("strong_close", "em_close", "s_close"):
                self.ws_then(tok.markup)
                kind = t[:-6]
                self.close(kind, kind, self.take(len(tok.markup)))
            elif t == "link_open" and tok.markup in ("autolink", "linkify"):
                self.ws_then("<")
                end = self.raw.find(">", self.pos)
                if end < 0:
                    raise _AlignError("unclosed autolink")
                self.out.code("standalone", "ph", self.take(end + 1 - self.pos), _ATTRS["link"])
                while i < len(tokens) and tokens[i].type != "link_close":
                    i += 1
            elif t == "link_open":
                self.ws_then("[")
                self.open("link", "link", self.take(1))
            elif t == "link_close":
                self.close("link", "link", self.link_tail())
            elif t == "image":
                self.ws_then("![")
                self.open("image", "image", self.take(2))
                self.run(list(tok.children or []))
                self.close("image", "image", self.link_tail())
            elif t == "html_inline":
                self.ws_then(tok.content)
                self.html(self.take(len(tok.content)))
            else:
                raise _AlignError(f"unsupported inline token {t}")
            i += 1

    def html(self, data: str) -> None:
        close = _HTML_CLOSE.match(data)
        if close:
            self.close("html:" + close.group(1).lower(), "html", data)
            return
        opened = _HTML_OPEN.match(data)
        if opened and not data.endswith("/>") and opened.group(1).lower() not in _VOID:
            self.open("html:" + opened.group(1).lower(), "html", data)
        else:
            self.out.code("standalone", "ph", data, _ATTRS["html"])


def _inline_codes(raw: str, children: list[Any]) -> tuple[str, tuple[InlineCode, ...]]:
    """Coded text for a run, or the raw text itself when the tokens do not line up."""
    aligner = _Aligner(raw)
    try:
        aligner.run(children)
        if raw[aligner.pos :].strip():
            raise _AlignError("text left over")
        aligner.out.text(raw[aligner.pos :])
        text, codes = aligner.out.value()
    except _AlignError:
        fallback = CodedText()
        fallback.text(raw)
        return fallback.value()
    return text, codes


def _continuation(first_prefix: str) -> str:
    """Prefix for lines a translation adds: `> ` kept, list markers become spaces."""
    return "".join(ch if ch == ">" else " " for ch in first_prefix)


def parse_markdown(source: str) -> tuple[list[str | Slot], list[Block]]:
    """Skeleton and blocks of a Markdown article (see the module doc)."""
    front = _FRONT_MATTER.match(source)
    parse_src = source
    if front:  # blank it out for the parser, keeping line numbers
        parse_src = "\n" * front.group(0).count("\n") + source[front.end() :]
    tokens = _parser().parse(parse_src)
    lines = source.split("\n")
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1

    sk = SkeletonBuilder(source)
    in_item = in_quote = 0
    heading: str | None = None  # "atx" or "setext" while inside a heading
    cell_cursor: tuple[int, int] | None = None  # (row line, column) inside a table row
    for tok in tokens:
        t = tok.type
        if t == "list_item_open":
            in_item += 1
        elif t == "list_item_close":
            in_item -= 1
        elif t == "blockquote_open":
            in_quote += 1
        elif t == "blockquote_close":
            in_quote -= 1
        elif t == "heading_open":
            heading = "atx" if tok.markup.startswith("#") else "setext"
        elif t == "heading_close":
            heading = None
        elif t == "tr_open" and tok.map:
            cell_cursor = (tok.map[0], 0)
        elif t == "tr_close":
            cell_cursor = None
        elif t == "inline" and tok.map:
            if cell_cursor is not None:
                cell_cursor = _table_cell(sk, tok, lines, starts, cell_cursor)
                continue
            kind = (
                "heading"
                if heading
                else "list-item"
                if in_item
                else "quote"
                if in_quote
                else "paragraph"
            )
            _run(sk, tok, lines, starts, kind, heading == "atx")
    return sk.finish()


def _table_cell(
    sk: SkeletonBuilder, tok: Any, lines: list[str], starts: list[int], cursor: tuple[int, int]
) -> tuple[int, int]:
    row, col = cursor
    content = tok.content
    if not content:
        return cursor
    line = lines[row]
    if "|" in content:  # markdown-it unescapes \| in cells; the source has it escaped
        content = content.replace("|", "\\|")
    at = line.find(content, col)
    if at < 0 or not has_words(content):
        return (row, col if at < 0 else at + len(content))
    text, codes = _inline_codes(content, list(tok.children or []))
    start = starts[row] + at
    block = Block(
        id=sk.next_id(), text=text, codes=codes, kind="table-cell", line=row + 1, escape="md-cell"
    )
    sk.add(start, start + len(content), block)
    return (row, at + len(content))


def _run(
    sk: SkeletonBuilder,
    tok: Any,
    lines: list[str],
    starts: list[int],
    kind: str,
    single_line: bool,
) -> None:
    """Locate one inline run in the source and add it as a block."""
    first_line = tok.map[0]
    content_lines = tok.content.split("\n")
    bodies: list[str] = []
    prefixes: list[str] = []
    start = end = -1
    first_prefix = ""
    for i, cline in enumerate(content_lines):
        n = first_line + i
        if n >= len(lines):
            return
        src = lines[n]
        body = cline if i == 0 else cline.lstrip(" \t")
        at = src.find(body) if body else len(src.rstrip())
        if at < 0 or (i > 0 and src[:at].strip(" \t>") != ""):
            return _fallback(sk, tok, lines, starts, kind)
        if i < len(content_lines) - 1 and src[at + len(body) :] != "":
            return _fallback(sk, tok, lines, starts, kind)
        if i == 0:
            start = starts[n] + at
            first_prefix = src[:at]
        else:
            prefixes.append(src[:at])
        bodies.append(body)
        end = starts[n] + at + len(body)
    raw = "\n".join(bodies)
    if not has_words(raw):
        return
    text, codes = _inline_codes(raw, list(tok.children or []))
    block = Block(
        id=sk.next_id(),
        text=text,
        codes=codes,
        kind=kind,
        line=first_line + 1,
        escape="md-line" if single_line else "none",
        line_prefixes=tuple(prefixes),
        continuation=_continuation(first_prefix),
    )
    sk.add(start, end, block)


def _fallback(
    sk: SkeletonBuilder, tok: Any, lines: list[str], starts: list[int], kind: str
) -> None:
    """The run's source lines as they stand (prefixes included) when alignment fails."""
    a, b = tok.map
    first = lines[a]
    start = starts[a] + len(first) - len(first.lstrip())
    last = lines[b - 1]
    end = starts[b - 1] + len(last.rstrip())
    if end <= start or start < sk.pos:
        return
    coded = CodedText()
    coded.text(sk.source[start:end])
    text, codes = coded.value()
    if has_words(text):
        sk.add(start, end, Block(id=sk.next_id(), text=text, codes=codes, kind=kind, line=a + 1))
