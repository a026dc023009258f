"""Helpers every format module shares: language tags, dates, prop names, variant choice.

Kept in one place so that a tag, a date or a status read from TMX means the same thing
as one read from XLIFF or CSV, and so that every reader reports a bad value with the
file and line in the same words.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO

from tm.errors import FormatError, LanguageTagError
from tm.langs import match_key, normalize_tag
from tm.models import Status, Unit, Variant

# Progress callback, as everywhere in the library: (done, total or None, label).
Progress = Callable[[int, int | None, str], None]

# TMX props that carry Unit / Variant fields TMX has no attribute for (documented in
# docs/formats.md). Unit level: status, context key, document; variant level: the
# neighbouring segments used for in-context matches.
PROP_STATUS = "x-status"
PROP_CONTEXT = "x-context"
PROP_DOCUMENT = "x-document"
PROP_PREV = "x-prev"
PROP_NEXT = "x-next"
# OmegaT writes these for its alternative translations (tu level; prev/next are the
# neighbours of the source segment). Read, never written.
OMEGAT_PROPS = {"file": "document", "id": "context", "prev": "prev", "next": "next"}

# Raw tag -> normalised tag; readers look here first (a function call per tuv is
# measurable when reading 100k units a second).
TAG_CACHE: dict[str, str] = {}


def lang_tag(value: str | None, *, path: str | None = None, line: int | None = None) -> str:
    """Normalised BCP 47 tag, or a FormatError naming the file and line."""
    if value is None or not value.strip():
        raise FormatError("missing language tag", path=path, line=line)
    found = TAG_CACHE.get(value)
    if found is not None:
        return found
    try:
        tag = normalize_tag(value)
    except LanguageTagError as err:
        raise FormatError(f"bad language tag {value!r}", path=path, line=line) from err
    if len(TAG_CACHE) < 10_000:
        TAG_CACHE[value] = tag
    return tag


def parse_status(value: str, *, path: str | None = None, line: int | None = None) -> Status:
    """Status from its name (draft, translated, reviewed, corrected), case-insensitive."""
    try:
        return Status.parse(value)
    except ValueError as err:
        raise FormatError(str(err), path=path, line=line) from err


def parse_date(value: str, *, path: str | None = None, line: int | None = None) -> datetime:
    """An aware UTC datetime from TMX's `YYYYMMDDThhmmssZ` (ISO 8601 also accepted).

    Why the hand-written fast path: strptime costs more than the rest of a simple tu.
    Why the memo: a file's dates repeat (one per import session or project), and
    datetimes are immutable, so equal strings can share one.
    """
    known = _DATES.get(value)
    if known is not None:
        return known
    parsed = _parse_date(value, path=path, line=line)
    if len(_DATES) >= _DATES_MAX:
        _DATES.clear()
    _DATES[value] = parsed
    return parsed


_DATES: dict[str, datetime] = {}
_DATES_MAX = 4096


def _parse_date(value: str, *, path: str | None, line: int | None) -> datetime:
    s = value.strip()
    if len(s) == 16 and s[8] == "T" and s[15] == "Z" and s[:8].isdigit() and s[9:15].isdigit():
        try:
            return datetime(
                int(s[0:4]),
                int(s[4:6]),
                int(s[6:8]),
                int(s[9:11]),
                int(s[11:13]),
                int(s[13:15]),
                tzinfo=UTC,
            )
        except ValueError as err:
            raise FormatError(f"bad date {value!r}", path=path, line=line) from err
    try:
        parsed = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError as err:
        raise FormatError(
            f"bad date {value!r} (expected YYYYMMDDThhmmssZ)", path=path, line=line
        ) from err
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_date(value: datetime) -> str:
    """TMX date (`YYYYMMDDThhmmssZ`, UTC); a naive datetime is taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def resolve_source(declared: str | None, variants: list[Variant]) -> str | None:
    """The variant language the declared source language refers to (`en` -> `en-US`)."""
    if declared is None or declared == "*all*":
        return None
    for v in variants:
        if v.lang == declared:
            return declared
    key = match_key(declared)
    for v in variants:
        if match_key(v.lang) == key:
            return v.lang
    return None


def pick_pair(unit: Unit, source_lang: str, target_lang: str) -> tuple[Variant, Variant] | None:
    """The source and target variants of a unit for a bilingual format, or None."""
    source = unit.variant(source_lang)
    target = unit.variant(target_lang)
    if source is None or target is None or source is target:
        return None
    return source, target


def write_text(fileobj: IO[bytes] | IO[str], text: str) -> None:
    """Write `text` as UTF-8 to a binary stream, or as is to a text stream."""
    if isinstance(fileobj, io.TextIOBase):
        fileobj.write(text)
    else:
        fileobj.write(text.encode("utf-8"))  # type: ignore[arg-type]


def join_notes(notes: list[str]) -> str | None:
    """One note from several (Unit.note is a single string)."""
    kept = [n for n in notes if n]
    return "\n".join(kept) if kept else None
