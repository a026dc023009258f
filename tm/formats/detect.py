"""Which format a file is in: from its content first, its name second.

Why content first: files travel with wrong or missing extensions (`export.xml`,
`memory.txt`), and an XLIFF saved as `.tmx` must not be half-read as TMX.
"""

from __future__ import annotations

import os
import re

from tm.errors import UnknownFormatError
from tm.formats.csvtsv import sniff_delimiter
from tm.formats.xmlsafe import decode_head, scan_prolog

FORMATS = ("tmx", "po", "xliff", "csv", "tsv")

EXTENSIONS = {
    ".tmx": "tmx",
    ".po": "po",
    ".pot": "po",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".xlf2": "xliff",
    ".sdlxliff": "xliff",
    ".mqxliff": "xliff",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
}

_SNIFF_BYTES = 1 << 16
_PO_RE = re.compile(r'^(?:#~\s*)?(?:msgctxt|msgid)\s+"', re.MULTILINE)


def format_from_extension(path: str | os.PathLike[str]) -> str | None:
    """The format a file name suggests (`.xlf` -> `xliff`), or None."""
    name = os.fspath(path).lower()
    for ext, fmt in EXTENSIONS.items():
        if name.endswith(ext):
            return fmt
    return None


def detect_content(head: bytes, *, path: str | None = None) -> str | None:
    """The format the first bytes of a file show, or None when they do not tell."""
    text = decode_head(head).lstrip("\ufeff \t\r\n")
    if not text:
        return None
    if text.startswith("<"):
        prolog = scan_prolog(head, path=path, final=True)
        root = (prolog.local_root or "").lower() if prolog else ""
        if root in ("tmx", "xliff"):
            return root
        raise UnknownFormatError(
            f"XML file with root element <{prolog.root if prolog else '?'}> is neither TMX "
            "nor XLIFF",
            path=path,
        )
    if _PO_RE.search(text):
        return "po"
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(first_line)
    if delimiter is not None:
        return "tsv" if delimiter == "\t" else "csv"
    return None


def detect_format(path: str | os.PathLike[str]) -> str:
    """`tmx`, `po`, `xliff`, `csv` or `tsv` for a file, or UnknownFormatError saying why."""
    name = os.fspath(path)
    with open(name, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    found = detect_content(head, path=name) or format_from_extension(name)
    if found is None:
        why = (
            "the file is empty"
            if not head.strip()
            else "the content is not TMX, XLIFF, PO, or CSV/TSV with a header row of language tags"
        )
        raise UnknownFormatError(
            f"cannot tell the format: {why}, and the file name has no known extension; "
            f"name the format explicitly (one of: {', '.join(FORMATS)})",
            path=name,
        )
    return found
