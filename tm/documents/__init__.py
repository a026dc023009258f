"""Document filters: articles (plain text, Markdown, HTML) in, translated articles out.

`read_document(path)` gives a `Document`: a skeleton plus translatable `Block`s with
inline markup protected as codes. `Document.segments(lang)` cuts the blocks into
sentences (tm.segment) with ids like `b12-s2`; `rebuild(document, translations, out,
target_lang=...)` writes the article back in its format with the translations in place
(segments without a translation keep their source text). `Document.to_json()` /
`Document.from_json()` carry a document inside a bilingual file, so a rebuild does not
need the original.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from tm.documents.encoding import Decoded, decode_bytes
from tm.documents.model import Block, DocSegment, Document, Segmentation, Slot, Translation
from tm.errors import FormatError, UnknownFormatError, UsageError
from tm.segment import SrxRules

__all__ = [
    "FORMATS",
    "Block",
    "DocSegment",
    "Document",
    "Segmentation",
    "Slot",
    "Translation",
    "detect_document_format",
    "parse_document",
    "read_document",
    "rebuild",
]

FORMATS = ("text", "markdown", "html")
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
_HTML_SNIFF = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html[\s>]|<!--)|<(?:p|div|body|h[1-6]|ul|table)[\s>]", re.I
)
_MD_SNIFF = re.compile(
    r"^(?:#{1,6}\s|```|~~~|\s{0,3}[-*+]\s|\s{0,3}\d+\.\s|>\s)|\]\([^)\s]+\)|\*\*\S", re.M
)


def detect_document_format(path: str | os.PathLike[str] | None, text: str = "") -> str:
    """`text`, `markdown` or `html`, from the file extension, else from the content."""
    if path is not None:
        ext = Path(path).suffix.lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
    head = text[:8192]
    if _HTML_SNIFF.search(head):
        return "html"
    if _MD_SNIFF.search(head):
        return "markdown"
    return "text"


def parse_document(
    text: str,
    fmt: str,
    *,
    path: str | None = None,
    encoding: str = "utf-8",
    bom: bool = False,
) -> Document:
    """A Document from already decoded text (what read_document does after decoding)."""
    if fmt not in FORMATS:
        raise UnknownFormatError(
            f"unknown document format {fmt!r} (use one of: {', '.join(FORMATS)})", path=path
        )
    newline = "\n"
    crlf = text.count("\r\n")
    if crlf and crlf == text.count("\n"):
        newline, text = "\r\n", text.replace("\r\n", "\n")
    elif "\r" in text and fmt == "markdown":
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # mixed: markdown-it would
    lang = None
    try:
        if fmt == "text":
            from tm.documents.plaintext import parse_text

            skeleton, blocks = parse_text(text)
        elif fmt == "markdown":
            from tm.documents.markdown import parse_markdown

            skeleton, blocks = parse_markdown(text)
        else:
            from tm.documents.html import parse_html

            skeleton, blocks, lang = parse_html(text)
    except FormatError as err:
        if path and not err.path:
            raise err.with_path(path) from err
        raise
    return Document(
        format=fmt,
        skeleton=skeleton,
        blocks=blocks,
        path=path,
        encoding=encoding,
        bom=bom,
        newline=newline,
        lang=lang,
    )


def read_document(
    path: str | os.PathLike[str] | IO[bytes],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
) -> Document:
    """Read an article; format from `fmt`, else the extension, else the content.

    The encoding is `encoding` if given, else a BOM, else UTF-8, else detected.
    """
    if isinstance(path, str | os.PathLike):
        name: str | None = os.fspath(path)
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            raise FormatError(f"cannot read: {err.strerror}", path=name) from err
    else:
        data = path.read()
        raw_name = getattr(path, "name", None)
        name = raw_name if isinstance(raw_name, str) else None
    decoded: Decoded = decode_bytes(data, encoding=encoding, path=name)
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown document format {fmt!r} (use one of: {', '.join(FORMATS)})")
    chosen = fmt or detect_document_format(name, decoded.text)
    return parse_document(
        decoded.text,
        chosen,
        path=name,
        encoding=decoded.encoding,
        bom=decoded.bom and decoded.encoding == "utf-8",
    )


def rebuild(
    document: Document,
    translations: Mapping[str, Translation],
    out: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    target_lang: str,
    source_lang: str | None = None,
    rules: SrxRules | None = None,
) -> None:
    """Write the target article in the document's format, UTF-8, structure preserved.

    `translations` maps segment ids (`b12-s2`) to coded text and its codes, or to a
    string (then the source segment's codes apply). Segments without one keep their
    source text. Ids refer to the document's recorded segmentation (made by
    `Document.segments`, kept in the JSON); pass `source_lang` (and the same `rules`)
    to segment again when it has none.
    """
    text = document.render(
        translations, target_lang=target_lang, source_lang=source_lang, rules=rules
    )
    data = text.encode("utf-8")
    if document.bom:
        data = b"\xef\xbb\xbf" + data
    if isinstance(out, str | os.PathLike):
        target = Path(out)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    elif isinstance(out, io.TextIOBase):
        out.write(text)
    else:
        out.write(data)  # type: ignore[arg-type]
