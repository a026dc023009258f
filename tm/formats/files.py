"""Reading and writing files by format name: the entry points services call.

Why a layer over the per-format functions: services and the CLI deal in paths and
format names; this module opens the file, picks the reader or writer, attributes every
FormatError to the path, and writes atomically so a failed export leaves no half file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from tm.errors import FormatError, NotFoundError, UsageError
from tm.formats.common import Progress
from tm.formats.csvtsv import read_csv, write_csv
from tm.formats.detect import FORMATS, detect_format
from tm.formats.po import FuzzyPolicy, read_po, write_po
from tm.formats.tmx import read_tmx, write_tmx
from tm.formats.xliff import read_xliff, write_xliff2, write_xliff12
from tm.models import Unit

WRITE_FORMATS = (*FORMATS, "xliff12", "xliff2")


def read_units(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    fuzzy: FuzzyPolicy = "draft",
) -> Iterator[Unit]:
    """Stream the units of a file; the format is detected unless given.

    `source_lang` / `target_lang` fill in what the file does not say (PO language,
    TMX `srclang="*all*"`, the CSV source column); `fuzzy` is the PO and XLIFF policy
    for unfinished entries.
    """
    name = os.fspath(path)
    if format is not None and format not in FORMATS:
        raise UsageError(f"unknown format {format!r} (use one of: {', '.join(FORMATS)})")
    if not os.path.isfile(name):
        raise NotFoundError(f"no such file: {name}")
    fmt = format or detect_format(name)
    with open(name, "rb") as fh:
        try:
            if fmt == "tmx":
                yield from read_tmx(fh, path=name, source_lang=source_lang)
            elif fmt == "po":
                yield from read_po(
                    fh, path=name, source_lang=source_lang, target_lang=target_lang, fuzzy=fuzzy
                )
            elif fmt == "xliff":
                yield from read_xliff(fh, path=name, fuzzy=fuzzy)
            else:
                delimiter = "\t" if fmt == "tsv" else None
                yield from read_csv(fh, path=name, delimiter=delimiter, source_lang=source_lang)
        except FormatError as err:
            if err.path is None:
                err.path = name  # keep the subclass (UnsafeXMLError ...), add the file
            raise


def _write(
    fileobj: IO[bytes],
    units: Iterable[Unit],
    fmt: str,
    source_lang: str | None,
    target_lang: str | None,
    langs: list[str] | None,
    progress: Progress | None,
) -> int:
    if fmt == "tmx":
        return write_tmx(fileobj, units, source_lang=source_lang, progress=progress)
    if fmt in ("po", "xliff", "xliff12", "xliff2"):
        if not source_lang or not target_lang:
            raise UsageError(f"writing {fmt} needs a source and a target language")
        writer: Callable[..., int]
        if fmt == "po":
            writer = write_po
        elif fmt == "xliff2":
            writer = write_xliff2
        else:
            writer = write_xliff12
        return writer(
            fileobj, units, source_lang=source_lang, target_lang=target_lang, progress=progress
        )
    columns = langs or [lang for lang in (source_lang, target_lang) if lang]
    if not columns:
        raise UsageError(f"writing {fmt} needs the languages of its columns")
    delimiter = "\t" if fmt == "tsv" else ","
    return write_csv(fileobj, units, langs=columns, delimiter=delimiter, progress=progress)


def write_units(
    path_or_fileobj: str | os.PathLike[str] | IO[bytes],
    units: Iterable[Unit],
    *,
    format: str,
    source_lang: str | None = None,
    target_lang: str | None = None,
    langs: list[str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write units in `format` (`xliff` means XLIFF 1.2); return how many were written.

    A path is written atomically (temporary file, then rename). PO and XLIFF need
    `source_lang` and `target_lang`; CSV/TSV write `langs` (default: those two).
    """
    if format not in WRITE_FORMATS:
        raise UsageError(f"unknown format {format!r} (use one of: {', '.join(WRITE_FORMATS)})")
    if not isinstance(path_or_fileobj, str | os.PathLike):
        return _write(path_or_fileobj, units, format, source_lang, target_lang, langs, progress)
    name = os.fspath(path_or_fileobj)
    # Same directory, so the rename is atomic; opened like any new file, so the
    # result gets the user's usual permissions (mkstemp would make it private).
    tmp = f"{name}.{os.getpid()}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "xb") as fh:
            count = _write(fh, units, format, source_lang, target_lang, langs, progress)
        os.replace(tmp, name)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count
