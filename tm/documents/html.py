"""HTML articles: text nodes and alt/title attributes translated, markup kept as codes.

lxml.html parses (no network, no DTD, comments kept). Block elements (p, h1-h6, li, td,
th, caption, blockquote, dt, dd, figcaption, title, and any container with text of its
own, such as a div) give blocks; inline elements inside them (b, i, em, strong, a, span,
sup, sub, br, img ...) become inline codes whose data is the element's start or end tag
as serialised. `code`, `kbd`, `script`, `svg` and friends inside a paragraph are one code
each (never translated); `pre`, `code`, `script`, `style` blocks and anything marked
`translate="no"` are left alone. `alt`, `title`, `placeholder`, `aria-label` and
`<meta name="description">` content are subflow blocks of their own.

The skeleton is the tree serialised by lxml with slot markers where the blocks were, so
a rebuild is exactly lxml's serialisation of the original tree with translated text
(`normalize_html` gives that form of any input). What serialisation changes, compared
with the input bytes: attribute quoting and entity spelling (`&nbsp;` becomes the
character), tag and attribute name case, implied end tags, spaces in URL attributes
(`src`, `href`) percent-escaped, and a trailing newline only if the input had one. The
`lang` attribute of `<html>` becomes the target language; `<meta charset>` says UTF-8.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import lxml.html
from lxml import etree

from tm.documents.builder import CodedText, has_words
from tm.documents.model import LANG_SLOT, MARK, MARK_RE, Block, Slot
from tm.errors import FormatError

INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "input",
        "select",
        "textarea",
        "button",
        "output",
        "meter",
        "progress",
        "svg",
        "math",
        "script",
        "noscript",
        "ruby",
        "rt",
        "rp",
        "picture",
        "audio",
        "video",
        "canvas",
        "iframe",
        "object",
        "embed",
        "map",
        "area",
        "slot",
    ]
)
VOID_TAGS = frozenset(
    [
        "br",
        "img",
        "wbr",
        "input",
        "area",
        "embed",
        "source",
        "track",
        "col",
        "hr",
        "meta",
        "link",
        "base",
    ]
)
# Inline elements whose content is never translated: one code for the whole element.
OPAQUE_TAGS = frozenset(
    [
        "code",
        "kbd",
        "samp",
        "var",
        "script",
        "style",
        "svg",
        "math",
        "textarea",
        "select",
        "object",
        "iframe",
        "canvas",
        "audio",
        "video",
        "template",
        "noscript",
        "embed",
        "map",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "pre",
        "code",
        "textarea",
        "svg",
        "math",
        "template",
        "noscript",
        "iframe",
        "object",
        "canvas",
        "select",
        "audio",
        "video",
        "link",
        "base",
    ]
)
TRANSLATABLE_ATTRS = ("alt", "title", "placeholder", "aria-label")
META_NAMES = frozenset(
    [
        "description",
        "keywords",
        "og:title",
        "og:description",
        "twitter:title",
        "twitter:description",
    ]
)
KINDS = {
    "p": "paragraph",
    "li": "list-item",
    "td": "table-cell",
    "th": "table-cell",
    "caption": "caption",
    "figcaption": "caption",
    "legend": "caption",
    "blockquote": "quote",
    "dt": "term",
    "dd": "definition",
    "title": "title",
    "summary": "heading",
    **{f"h{i}": "heading" for i in range(1, 7)},
}
_ATTRS: dict[str, tuple[tuple[str, str], ...]] = {
    "b": (("ctype", "bold"), ("type", "fmt"), ("subType", "xlf:b")),
    "strong": (("ctype", "bold"), ("type", "fmt"), ("subType", "xlf:b")),
    "i": (("ctype", "italic"), ("type", "fmt"), ("subType", "xlf:i")),
    "em": (("ctype", "italic"), ("type", "fmt"), ("subType", "xlf:i")),
    "u": (("ctype", "underlined"), ("type", "fmt"), ("subType", "xlf:u")),
    "a": (("ctype", "link"), ("type", "link")),
    "img": (("ctype", "image"), ("type", "image")),
    "br": (("ctype", "lb"), ("type", "fmt"), ("subType", "xlf:lb")),
}
_DEFAULT_ATTRS = (("type", "fmt"),)
_SPLIT = f"{MARK}split{MARK}"
_WHOLE_DOC = re.compile(r"<!doctype|<html[\s>]|<head[\s>]|<body[\s>]", re.I)


def _mark(name: str) -> str:
    return f"{MARK}{name}{MARK}"


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=False,
        remove_pis=False,
        no_network=True,
        huge_tree=False,
        default_doctype=False,
    )


def _serialize(el: Any, *, with_tail: bool = False) -> str:
    return str(etree.tostring(el, method="html", encoding="unicode", with_tail=with_tail))


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _no_translate(el: Any) -> bool:
    return el.get("translate", "").lower() == "no" or "notranslate" in el.get("class", "").split()


def _parse(source: str) -> tuple[Any, bool]:
    """(tree root or wrapper div, whether the input is a whole document)."""
    whole = _WHOLE_DOC.search(source) is not None
    try:
        if whole:
            return lxml.html.document_fromstring(source.encode("utf-8"), parser=_parser()), True
        return lxml.html.fragment_fromstring(source, create_parent="div", parser=_parser()), False
    except (etree.ParserError, ValueError) as err:
        raise FormatError(f"cannot parse HTML: {err}") from err


def _to_string(root: Any, whole: bool, source: str) -> str:
    if whole:
        text = str(etree.tostring(root.getroottree(), method="html", encoding="unicode"))
    else:
        text = _serialize(root)
        text = text[len("<div>") : -len("</div>")] if text.startswith("<div>") else text
    if source.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    return text


def _prepare(root: Any, whole: bool) -> str | None:
    """Point `lang` at the target-language slot and `<meta charset>` at UTF-8."""
    declared = None
    if whole:
        html = root if _tag(root) == "html" else root.getroottree().getroot()
        declared = html.get("lang") or html.get("xml:lang")
        html.set("lang", _mark(LANG_SLOT))
        if html.get("xml:lang") is not None:
            html.set("xml:lang", _mark(LANG_SLOT))
    for meta in root.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
        elif meta.get("http-equiv", "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")
    return declared


def normalize_html(source: str) -> str:
    """The serialisation a rebuild produces from `source` with nothing translated
    (for a whole document: with `lang` set to what it declared, charset UTF-8)."""
    root, whole = _parse(source)
    declared = _prepare(root, whole)
    text = _to_string(root, whole, source)
    return text.replace(_mark(LANG_SLOT), declared or "")


class _Extractor:
    """Walks the tree, turning runs of inline content into blocks and slot markers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.count = 0

    def new_id(self) -> str:
        """Ids follow document order (a paragraph's id precedes its alt texts')."""
        self.count += 1
        return f"b{self.count}"

    # --- attributes ------------------------------------------------------------------

    def attr_block(self, el: Any, attr: str, value: str) -> str | None:
        """A subflow block for an attribute value; returns its marker (None: keep)."""
        if not has_words(value):
            return None
        coded = CodedText()
        coded.text(value)
        text, codes = coded.value()
        bid = self.new_id()
        self.blocks.append(
            Block(
                id=bid,
                text=text,
                codes=codes,
                kind="attribute",
                line=el.sourceline or 1,
                escape="html-attr",
                subflow=True,
                name=f"{_tag(el)}@{attr}",
            )
        )
        return _mark(bid)

    def attributes(self, el: Any, target: Any) -> None:
        """Translatable attributes of `el`, replaced by markers on `target`."""
        names: list[str] = [a for a in TRANSLATABLE_ATTRS if el.get(a) is not None]
        key = (el.get("name") or el.get("property") or "").lower()
        if _tag(el) == "meta" and key in META_NAMES and el.get("content") is not None:
            names.append("content")
        for attr in names:
            marker = self.attr_block(el, attr, el.get(attr))
            if marker is not None:
                target.set(attr, marker)

    def attributes_deep(self, el: Any) -> None:
        if not isinstance(el.tag, str) or _tag(el) in OPAQUE_TAGS or _no_translate(el):
            return
        self.attributes(el, el)
        for child in el:
            self.attributes_deep(child)

    # --- structure -------------------------------------------------------------------

    def is_inline(self, el: Any) -> bool:
        return not isinstance(el.tag, str) or _tag(el) in INLINE_TAGS

    def container(self, el: Any) -> None:
        if not isinstance(el.tag, str):
            return
        tag = _tag(el)
        if tag in SKIP_TAGS or _no_translate(el):
            return
        self.attributes(el, el)
        kind = KINDS.get(tag, "text")
        holder: tuple[str, Any] = ("text", el)
        run: list[Any] = []
        for child in list(el):
            if self.is_inline(child):
                run.append(child)
                continue
            self.run(el, holder, run, kind)
            self.container(child)
            holder, run = ("tail", child), []
        self.run(el, holder, run, kind)

    def run(self, parent: Any, holder: tuple[str, Any], children: list[Any], kind: str) -> None:
        where, node = holder
        lead_text = (node.text if where == "text" else node.tail) or ""
        if not children and not lead_text.strip():
            return
        if not has_words(_visible(lead_text, children)):
            for child in children:
                self.attributes_deep(child)
            return
        bid = self.new_id()
        coded = CodedText()
        coded.text(lead_text)
        for child in children:
            self.inline(child, coded)
            coded.text(child.tail or "")
        text, codes = coded.value()
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        lead, core, trail = text[:start], text[start:end], text[end:]
        for child in children:
            parent.remove(child)
        marked = lead + _mark(bid) + trail
        if where == "text":
            node.text = marked
        else:
            node.tail = marked
        line = (node.sourceline or 1) + lead.count("\n")
        self.blocks.append(
            Block(
                id=bid,
                text=core,
                codes=codes,
                kind=kind,
                line=line,
                escape="html",
                name=_tag(parent),
            )
        )

    def inline(self, el: Any, coded: CodedText) -> None:
        tag = _tag(el)
        if not isinstance(el.tag, str):  # comment, processing instruction
            coded.code("standalone", "ph", _serialize(el), (("type", "other"),))
            return
        attrs = _ATTRS.get(tag, _DEFAULT_ATTRS)
        if tag in OPAQUE_TAGS or _no_translate(el):
            coded.code("standalone", "ph", _serialize(el), (("type", "other"),))
            return
        shell = _shell(el)
        self.attributes(el, shell)
        if tag in VOID_TAGS or (not el.text and len(el) == 0):
            # Empty elements: libxml2 drops some optional end tags, so keep it whole.
            coded.code("standalone", "ph", _serialize(shell), attrs)
            return
        shell.text = _SPLIT
        start, _, end = _serialize(shell).partition(_SPLIT)
        pid = coded.code("open", "pc", start, attrs)
        coded.text(el.text or "")
        for child in el:
            self.inline(child, coded)
            coded.text(child.tail or "")
        coded.code("close", "pc", end, attrs, pair_id=pid)


def _shell(el: Any) -> Any:
    """The element alone (no content, no tail): copied so valueless attributes
    (`<input disabled>`) serialise exactly as in the document."""
    shell = copy.copy(el)
    for child in list(shell):
        shell.remove(child)
    shell.text = None
    shell.tail = None
    return shell


def _visible(lead: str, children: list[Any]) -> str:
    """The text a reader sees in a run (opaque elements and comments excluded)."""
    parts = [lead]
    for child in children:
        if (
            isinstance(child.tag, str)
            and _tag(child) not in OPAQUE_TAGS
            and not _no_translate(child)
        ):
            parts.append(_visible(child.text or "", list(child)))
        parts.append(child.tail or "")
    return "".join(parts)


def parse_html(source: str) -> tuple[list[str | Slot], list[Block], str | None]:
    """Skeleton, blocks and declared language of an HTML article (see the module doc)."""
    if MARK in source:
        raise FormatError(
            "the HTML contains U+FFFC (object replacement character), which is reserved"
        )
    root, whole = _parse(source)
    declared = _prepare(root, whole)
    extractor = _Extractor()
    extractor.container(root)
    text = _to_string(root, whole, source)
    parts: list[str | Slot] = []
    pos = 0
    for m in MARK_RE.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append(Slot(m["name"], quoted=bool(m["q"])))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    blocks = sorted(extractor.blocks, key=lambda b: int(b.id[1:]))
    return parts, blocks, declared
