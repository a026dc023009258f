"""CSV and TSV: one unit per row, one column per language, for spreadsheets and scripts.

The header row names the columns: language tags (`en`, `de-DE`, `zh_CN` ...) and,
optionally, `id`, `context`, `document`, `status`, `note` (any case). The first language
column is the source. The delimiter (comma, tab or semicolon) is sniffed from the header
when not given. Inline codes are written as their native text (`<b>`, `%s`), so a CSV
round trip keeps what a reader sees but not the code structure.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, cast

from charset_normalizer import from_bytes

from tm.errors import FormatError, LanguageTagError
from tm.formats.common import Progress, lang_tag, parse_status
from tm.formats.inline import protect_text
from tm.langs import normalize_tag
from tm.models import Status, Unit, Variant, native_text

# Optional columns besides languages, and the Unit field each fills.
COLUMNS = ("id", "context", "document", "status", "note")
DELIMITERS = ("\t", ",", ";")
_SNIFF_BYTES = 1 << 16


def _is_tag(cell: str) -> bool:
    try:
        return normalize_tag(cell) != "*all*"
    except LanguageTagError:
        return False


def sniff_delimiter(header_line: str) -> str | None:
    """The delimiter that splits a header line into the most recognisable columns."""
    best: tuple[int, int, str] | None = None
    for rank, delim in enumerate(DELIMITERS):
        cells = next(csv.reader([header_line], delimiter=delim), [])
        if len(cells) < 2:
            continue
        names = [c.strip() for c in cells]
        langs = sum(1 for c in names if c.lower() not in COLUMNS and _is_tag(c))
        known = sum(1 for c in names if c.lower() in COLUMNS)
        if langs == 0 or langs + known != len(names):
            continue
        score = (langs + known, -rank, delim)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


def _detect_encoding(head: bytes, path: str | None) -> tuple[str, int]:
    """(encoding, bytes of BOM to skip) for CSV input: BOM, UTF-8, else a best guess."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    try:
        head.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and len(head) >= _SNIFF_BYTES - 4:
            return "utf-8", 0  # a character cut by the end of the sample
    # Not UTF-8: guess from a sample big enough to guess from; otherwise assume the
    # encoding spreadsheets on Windows save "CSV" in.
    # Among near-equal guesses prefer cp1252 (similar Latin code pages tie often).
    if len(head) < 2048:
        return "cp1252", 0
    candidates = [match.encoding for match in from_bytes(head)]
    if not candidates or "cp1252" in candidates:
        return "cp1252", 0
    return candidates[0], 0


def _text_stream(fileobj: IO[bytes] | IO[str], path: str | None) -> IO[str]:
    if isinstance(fileobj, io.TextIOBase):
        return fileobj
    raw: IO[bytes] = fileobj  # type: ignore[assignment]
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(_Raw(raw))
    head = buffered.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
    encoding, skip = _detect_encoding(head, path)
    if skip:
        buffered.read(skip)
    return io.TextIOWrapper(buffered, encoding=encoding, newline="")


class _Raw(io.RawIOBase):
    """Adapter so any binary file object (BytesIO, sockets) can sit under BufferedReader."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n


def read_csv(
    fileobj: IO[bytes] | IO[str],
    *,
    path: str | None = None,
    delimiter: str | None = None,
    source_lang: str | None = None,
) -> Iterator[Unit]:
    """Units from a CSV/TSV file whose header row names the languages (see module doc).

    `source_lang` picks the source column; default: the first language column.
    """
    stream = _text_stream(fileobj, path)
    try:
        yield from _read_rows(stream, path, delimiter, source_lang)
    except UnicodeDecodeError as err:
        raise FormatError(
            f"not valid text in the detected encoding: {err.reason}", path=path
        ) from err


def _read_rows(
    stream: IO[str], path: str | None, delimiter: str | None, source_lang: str | None
) -> Iterator[Unit]:
    header_line = stream.readline()
    offset = 1  # physical lines consumed before the csv reader starts
    while header_line and not header_line.strip():
        header_line = stream.readline()
        offset += 1
    if not header_line:
        return  # an empty file holds no units
    if delimiter is None:
        delimiter = sniff_delimiter(header_line.rstrip("\r\n"))
        if delimiter is None:
            raise FormatError(
                "the header row must name the columns: language tags (en, de-DE ...) and "
                f"optionally {', '.join(COLUMNS)}; separated by tab, comma or semicolon",
                path=path,
                line=offset,
            )
    header = next(csv.reader([header_line], delimiter=delimiter))
    lang_cols: list[tuple[int, str]] = []
    field_cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell.strip()
        if name.lower() in COLUMNS:
            field_cols[name.lower()] = i
        else:
            lang_cols.append((i, lang_tag(name, path=path, line=offset)))
    if not lang_cols:
        raise FormatError("the header row names no language column", path=path, line=offset)
    src = lang_tag(source_lang) if source_lang else lang_cols[0][1]
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    width = len(header)
    consumed = 0
    try:
        for row in reader:
            line = offset + consumed + 1
            consumed = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise FormatError(
                    f"expected {width} fields as in the header, found {len(row)}",
                    path=path,
                    line=line,
                )
            unit = _row_unit(row, lang_cols, field_cols, src, path, line)
            if unit is not None:
                yield unit
    except csv.Error as err:
        raise FormatError(
            f"CSV syntax error: {err}", path=path, line=offset + reader.line_num
        ) from err


def _row_unit(
    row: list[str],
    lang_cols: list[tuple[int, str]],
    field_cols: dict[str, int],
    src: str,
    path: str | None,
    line: int,
) -> Unit | None:
    variants = []
    for i, lang in lang_cols:
        if row[i]:
            text, codes = protect_text(row[i])
            variants.append(Variant(lang, text, codes))
    if not variants:
        return None
    unit = Unit(variants=variants, line=line)
    unit.source_lang = src if any(v.lang == src for v in variants) else None
    if "id" in field_cols:
        unit.unit_id = row[field_cols["id"]] or None
    if "context" in field_cols:
        unit.context_key = row[field_cols["context"]] or None
    if "document" in field_cols:
        unit.document = row[field_cols["document"]] or None
    if "note" in field_cols:
        unit.note = row[field_cols["note"]] or None
    if "status" in field_cols and row[field_cols["status"]].strip():
        unit.status = parse_status(row[field_cols["status"]], path=path, line=line)
    return unit


def write_csv(
    fileobj: IO[bytes] | IO[str],
    units: Iterable[Unit],
    *,
    langs: list[str],
    delimiter: str = ",",
    progress: Progress | None = None,
) -> int:
    """Write one row per unit: the `langs` columns, then id, context, document, status,
    note. Units with none of the languages are skipped; returns the rows written."""
    tags = [lang_tag(lang) for lang in langs]
    if not tags:
        raise FormatError("write_csv needs at least one language column")
    binary = not isinstance(fileobj, io.TextIOBase)
    stream: IO[str] = (
        io.TextIOWrapper(cast(IO[bytes], fileobj), encoding="utf-8", newline="")
        if binary
        else cast(IO[str], fileobj)
    )
    count = 0
    try:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow([*tags, *COLUMNS])
        for unit in units:
            cells = []
            for tag in tags:
                variant = unit.variant(tag)
                cells.append(native_text(variant.text, variant.codes) if variant else "")
            if not any(cells):
                continue
            status = "" if unit.status is Status.TRANSLATED else unit.status.value
            writer.writerow(
                [
                    *cells,
                    unit.unit_id or "",
                    unit.context_key or "",
                    unit.document or "",
                    status,
                    unit.note or "",
                ]
            )
            count += 1
            if progress is not None and count % 10_000 == 0:
                progress(count, None, "csv")
        stream.flush()
    finally:
        if binary:
            stream.detach()  # type: ignore[attr-defined]
    if progress is not None:
        progress(count, count, "csv")
    return count
