"""Hardened XML parsing: every XML reader in the project goes through this module.

Translation files come from customers and vendors, so a file must never make us read
/etc/passwd (external entities), fetch a URL (DTDs, XInclude) or expand a billion
laughs. lxml's options switch off loading and resolving; on top of that we refuse any
document whose DOCTYPE declares entities, before libxml2 sees a byte of it. A DOCTYPE
that only names a DTD (OmegaT writes `<!DOCTYPE tmx SYSTEM "tmx11.dtd">`) is accepted
and the DTD is not fetched.

Two layers: `scan_prolog` reads the prolog (XML declaration, comments, DOCTYPE) as text
and refuses `<!ENTITY` in it; after parsing, `check_docinfo` looks at the internal
subset lxml built and refuses any entity declaration that slipped past the scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

from tm.errors import FormatError, UnsafeXMLError

# Options every parser gets: nothing is fetched, loaded or expanded, and libxml2 keeps its
# default size limits (huge_tree=False) as a second guard against pathological input.
SAFE_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}

CHUNK_SIZE = 1 << 16
# A legitimate prolog (declaration, comments, DOCTYPE line) is a few hundred bytes; a
# megabyte of prolog is either an attack or not a document we can use.
MAX_PROLOG = 1 << 20

_NAME_RE = re.compile(r"[^\s/>]+")
_XMLNS_RE = re.compile(r"""\bxmlns\s*=\s*(["'])(.*?)\1""")
_VERSION_RE = re.compile(r"""\bversion\s*=\s*(["'])(.*?)\1""")


@dataclass(frozen=True)
class Prolog:
    """What precedes the root element, plus the root start tag, for sniffing formats."""

    root: str | None  # qualified name of the root element as written, None if no root
    root_tag: str  # the root start tag text (attributes included), may be truncated
    doctype: str | None  # the DOCTYPE declaration text, if any

    @property
    def local_root(self) -> str | None:
        """Root name without a namespace prefix (`xlf:xliff` -> `xliff`)."""
        return self.root.rsplit(":", 1)[-1] if self.root else None

    @property
    def namespace(self) -> str | None:
        """The root element's namespace as declared on its start tag, if any."""
        prefix = self.root.partition(":")[0] if self.root and ":" in self.root else None
        pattern = (
            _XMLNS_RE
            if prefix is None
            else re.compile(rf"""\bxmlns:{re.escape(prefix)}\s*=\s*(["'])(.*?)\1""")
        )
        m = pattern.search(self.root_tag)
        return m.group(2) if m else None

    @property
    def version(self) -> str | None:
        """The root's `version` attribute (TMX, XLIFF), if present in the start tag."""
        m = _VERSION_RE.search(self.root_tag.split(None, 1)[-1]) if self.root_tag else None
        return m.group(2) if m else None


def safe_parser(**overrides: Any) -> etree.XMLParser:
    """A parser that never loads DTDs, resolves entities or touches the network.

    Why not just this: a parser alone cannot refuse an internal entity declaration;
    use `safe_parse` / `safe_fromstring` / `safe_iterparse`, which also scan the prolog.
    """
    options = dict(SAFE_OPTIONS)
    options.update(overrides)
    for key in ("resolve_entities", "no_network", "load_dtd", "huge_tree"):
        if options[key] != SAFE_OPTIONS[key]:
            raise ValueError(f"safe_parser: {key} cannot be changed")
    return etree.XMLParser(**options)


def decode_head(head: bytes) -> str:
    """Decode the first bytes well enough to find markup (all of it is ASCII)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", errors="replace")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    # latin-1 maps every byte to one character, so ASCII markup survives in any
    # ASCII-compatible encoding (UTF-8, ISO-8859-x, windows-125x).
    return head.decode("latin-1")


def _skip_doctype(text: str, start: int, path: str | None) -> int | None:
    """Index just past the DOCTYPE that starts at `start`; refuse entity declarations.

    Returns None when the declaration is not complete in `text` yet.
    """
    i = start + len("<!DOCTYPE")
    n = len(text)
    in_subset = False
    while i < n:
        ch = text[i]
        if ch in "\"'":
            j = text.find(ch, i + 1)
            if j < 0:
                return None
            i = j + 1
            continue
        if in_subset:
            if text.startswith("<!--", i):
                j = text.find("-->", i + 4)
                if j < 0:
                    return None
                i = j + 3
                continue
            if text.startswith("<?", i):
                j = text.find("?>", i + 2)
                if j < 0:
                    return None
                i = j + 2
                continue
            if text.startswith("<!ENTITY", i) or text[i : i + 8].upper() == "<!ENTITY":
                raise UnsafeXMLError(
                    "the DOCTYPE declares entities (possible billion-laughs or external-entity "
                    "attack); refusing to parse",
                    path=path,
                    line=text.count("\n", 0, i) + 1,
                )
            if ch == "]":
                in_subset = False
        elif ch == "[":
            in_subset = True
        elif ch == ">":
            return i + 1
        i += 1
    return None


def scan_prolog(head: bytes, *, path: str | None = None, final: bool = False) -> Prolog | None:
    """Read the prolog in `head`; refuse entity declarations; find the root start tag.

    Returns None when `head` ends before the root start tag and more input may follow
    (`final=False`); with `final=True` an incomplete prolog gives a Prolog with no root.
    """
    text = decode_head(head)
    i = 1 if text.startswith("\ufeff") else 0
    n = len(text)
    doctype: str | None = None
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        if text.startswith("<?", i):
            j = text.find("?>", i + 2)
            if j < 0:
                break
            i = j + 2
        elif text.startswith("<!--", i):
            j = text.find("-->", i + 4)
            if j < 0:
                break
            i = j + 3
        elif text.startswith("<!DOCTYPE", i) or text[i : i + 9].upper() == "<!DOCTYPE":
            end = _skip_doctype(text, i, path)
            if end is None:
                break
            doctype = text[i:end]
            i = end
        elif text.startswith("<", i):
            m = _NAME_RE.match(text, i + 1)
            close = text.find(">", i)
            if m is None:
                return Prolog(root=None, root_tag="", doctype=doctype)
            if close < 0 and not final:
                # Attributes may continue past this buffer; 4 KB is enough for sniffing.
                if n - i < 4096:
                    return None
                close = n
            return Prolog(
                root=m.group(0), root_tag=text[i : close + 1 if close >= 0 else n], doctype=doctype
            )
        else:
            # Text before the root: not well-formed; the parser will say where.
            return Prolog(root=None, root_tag="", doctype=doctype)
    if final:
        return Prolog(root=None, root_tag="", doctype=doctype)
    return None


def read_prolog(fileobj: IO[bytes], *, path: str | None = None) -> tuple[Prolog, bytes]:
    """Read from `fileobj` until the root start tag; return the prolog and bytes read.

    The bytes must be fed to the parser before the rest of the stream.
    """
    head = b""
    while True:
        chunk = fileobj.read(CHUNK_SIZE)
        if isinstance(chunk, str):
            raise TypeError("XML readers need a binary file object (open(path, 'rb'))")
        head += chunk
        prolog = scan_prolog(head, path=path, final=not chunk)
        if prolog is not None:
            return prolog, head
        if len(head) > MAX_PROLOG:
            raise UnsafeXMLError(
                f"no root element in the first {MAX_PROLOG} bytes; refusing to parse", path=path
            )


def check_docinfo(element: etree._Element, *, path: str | None = None) -> None:
    """Refuse a parsed document whose internal DTD subset declares entities."""
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnsafeXMLError("the DOCTYPE declares entities; refusing to parse", path=path)


def syntax_error(err: etree.XMLSyntaxError, *, path: str | None = None) -> FormatError:
    """Turn an lxml syntax error into a FormatError with the file and line."""
    message = err.msg or "XML syntax error"
    line = err.lineno or None
    # With resolve_entities=False the push parser reports a generic "no element found";
    # the real cause (e.g. an undefined entity) is the last entry of the error log.
    last = err.error_log.last_error if err.error_log else None
    if last is not None and (not line or message.startswith("no element found")):
        message, line = last.message, last.line or None
    message = re.sub(r",? line \d+, column \d+$", "", message.strip())
    return FormatError(f"XML syntax error: {message}", path=path, line=line)


def safe_iterparse(
    fileobj: IO[bytes],
    events: Sequence[str] = ("end",),
    tag: str | Iterable[str] | None = None,
    *,
    path: str | None = None,
    on_prolog: Callable[[Prolog], None] | None = None,
) -> Iterator[tuple[str, etree._Element]]:
    """Stream (event, element) pairs like lxml.etree.iterparse, but hardened.

    Reads in 64 KB chunks, so memory stays bounded as long as the caller clears the
    elements it has processed (see `release`). Syntax errors become FormatError with
    the line; entity declarations raise UnsafeXMLError before parsing starts.
    `on_prolog` sees the prolog (root name, namespace) before any element, so a reader
    can refuse a file of the wrong kind early.
    """
    etree.clear_error_log()
    prolog, head = read_prolog(fileobj, path=path)
    if prolog.root is None and not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FormatError("empty file: no XML root element", path=path, line=1)
    if on_prolog is not None and prolog.root is not None:
        on_prolog(prolog)
    parser = etree.XMLPullParser(events=tuple(events), tag=tag, **SAFE_OPTIONS)
    checked = False
    chunk = head
    try:
        while True:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            for event in parser.read_events():
                if not checked:
                    check_docinfo(event[1], path=path)
                    checked = True
                yield event
            if not chunk:
                return
            chunk = fileobj.read(CHUNK_SIZE)
    except etree.XMLSyntaxError as err:
        raise syntax_error(err, path=path) from err


def release(element: etree._Element) -> None:
    """Free a processed element and its already-processed siblings (bounded memory)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def safe_fromstring(data: bytes, *, path: str | None = None) -> etree._Element:
    """Parse a whole document held in memory (small files, schema-validation tests)."""
    prolog = scan_prolog(data, path=path, final=True)
    if prolog is None or (prolog.root is None and not data.strip()):
        raise FormatError("empty file: no XML root element", path=path, line=1)
    etree.clear_error_log()
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as err:
        raise syntax_error(err, path=path) from err
    check_docinfo(root, path=path)
    return root


def safe_parse(fileobj: IO[bytes], *, path: str | None = None) -> etree._ElementTree:
    """Parse a whole document from a binary stream, hardened like `safe_iterparse`."""
    root = safe_fromstring(fileobj.read(), path=path)
    return root.getroottree()
