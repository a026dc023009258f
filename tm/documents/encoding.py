"""Bytes to text for source articles: a given encoding, a BOM, UTF-8, or detection.

Why this order: an encoding the user names wins; a byte-order mark is unambiguous; most
files are UTF-8, and strict UTF-8 decoding almost never succeeds on anything else; only
then is charset-normalizer asked to guess (legacy Chinese GB2312/GBK/GB18030 pages,
Windows-1252 Western ones). Guesses are widened to the superset codec (GB2312 and GBK
to GB18030, Latin-1 to Windows-1252, as browsers do) so a rare character outside the
guessed charset does not fail the whole file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from tm.errors import FormatError, UsageError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "ascii": "utf-8",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "big5": "big5hkscs",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


@dataclass(frozen=True)
class Decoded:
    """Decoded text and what it was: the codec name and whether a BOM was removed."""

    text: str
    encoding: str
    bom: bool


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as err:
        raise UsageError(f"unknown encoding {name!r}") from err


def _decode(data: bytes, encoding: str, path: str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise FormatError(
            f"cannot decode as {encoding} (byte {err.start}): pass the right --encoding",
            path=path,
            line=line,
        ) from err


def decode_bytes(data: bytes, *, encoding: str | None = None, path: str | None = None) -> Decoded:
    """Decode a document's bytes (see the module doc for the order of attempts)."""
    if encoding:
        codec = _codec(encoding)
        for bom, name in _BOMS:
            same = codec == name or (codec == "utf-8-sig" and name == "utf-8")
            if data.startswith(bom) and (
                same or (codec in ("utf-16", "utf-32") and name.startswith(codec))
            ):
                return Decoded(_decode(data[len(bom) :], name, path), name, True)
        if codec == "utf-8-sig":
            codec = "utf-8"
        return Decoded(_decode(data, codec, path), codec, False)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(_decode(data[len(bom) :], name, path), name, True)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        try:
            declared = codecs.lookup(meta.group(1).decode("ascii")).name
            name = _WIDER.get(declared.replace("-", "_"), declared)
            return Decoded(data.decode(name), codecs.lookup(name).name, False)
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise FormatError(
            "cannot detect the text encoding: pass --encoding (e.g. utf-8, gb18030)", path=path
        )
    guessed = codecs.lookup(best.encoding).name.replace("-", "_")
    name = _WIDER.get(guessed, best.encoding)
    try:
        return Decoded(data.decode(name), codecs.lookup(name).name, False)
    except UnicodeDecodeError:
        return Decoded(_decode(data, best.encoding, path), codecs.lookup(best.encoding).name, False)
