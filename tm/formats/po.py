"""Gettext PO: reader and writer around `Unit`, through polib.

Mapping (docs/formats.md has the table): msgid/msgstr -> source/target variant,
msgctxt -> `context_key`, `#, fuzzy` -> Status.DRAFT (or skipped), translator comment
-> `note`, other flags / extracted comments / references -> props `x-po-flag`,
`x-po-comment`, `x-po-occurrence`. A plural entry becomes one unit per form: form 0
pairs msgid with msgstr[0], form k pairs msgid_plural with msgstr[k]; props
`x-po-plural` (k) and `x-po-msgid` / `x-po-msgid-plural` let the writer rebuild it.

The writer's promise is that `msgfmt -c` accepts its output: a full header with the
language's Plural-Forms, one entry per msgctxt+msgid (duplicates: the most trusted
unit wins), and entries msgfmt would reject (newline mismatch, format-string mismatch,
wrong number of plural forms) written as fuzzy so they stay visible but compile.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Literal

import polib

import tm
from tm.errors import FormatError, UsageError
from tm.formats.common import Progress, lang_tag, pick_pair, write_text
from tm.formats.inline import protect_text
from tm.formats.plurals import nplurals, plural_forms
from tm.models import Status, Unit, Variant, native_text

PROP_PLURAL = "x-po-plural"
PROP_MSGID = "x-po-msgid"
PROP_MSGID_PLURAL = "x-po-msgid-plural"
PROP_FLAG = "x-po-flag"
PROP_COMMENT = "x-po-comment"
PROP_OCCURRENCE = "x-po-occurrence"

FuzzyPolicy = Literal["draft", "skip"]

_CHARSET_RE = re.compile(rb"charset=([\w.:-]+)")
_LINE_RE = re.compile(r"\(line (\d+)\)")
_MODIFIER_SCRIPT = {"latin": "Latn", "cyrillic": "Cyrl", "arabic": "Arab", "devanagari": "Deva"}


def _decode(data: bytes, path: str | None) -> str:
    """PO bytes to text: BOM first, then the header's charset, UTF-8 by default."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
        charset = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        charset = "utf-16"
    else:
        m = _CHARSET_RE.search(data[:8192])
        charset = m.group(1).decode("ascii") if m else "utf-8"
        if charset.upper() == "CHARSET":  # an untouched POT template
            charset = "utf-8"
        try:
            codecs.lookup(charset)
        except LookupError as err:
            raise FormatError(f"unknown charset {charset!r} in the PO header", path=path) from err
    try:
        return data.decode(charset)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise FormatError(f"not valid {charset}: {err.reason}", path=path, line=line) from err


def po_language(value: str, *, path: str | None = None) -> str:
    """A gettext locale name (`pt_BR`, `sr@latin`) as a normalised BCP 47 tag."""
    base, _, modifier = value.strip().partition("@")
    base = base.split(".")[0]  # de_DE.UTF-8
    script = _MODIFIER_SCRIPT.get(modifier.lower())
    if script:
        parts = base.replace("_", "-").split("-")
        base = "-".join([parts[0], script, *parts[1:]])
    return lang_tag(base, path=path, line=1)


def gettext_language(tag: str) -> str:
    """Our tag as the `Language` header spells it (`pt-BR` -> `pt_BR`)."""
    return tag.replace("-", "_")


def _open_text(
    fileobj_or_path: IO[bytes] | str | os.PathLike[str], path: str | None
) -> tuple[str, str | None]:
    if isinstance(fileobj_or_path, str | os.PathLike):
        name = os.fspath(fileobj_or_path)
        with open(name, "rb") as fh:
            return _decode(fh.read(), path or name), path or name
    data = fileobj_or_path.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff"), path
    return _decode(data, path), path


def _parse(text: str) -> polib.POFile:
    """Parse decoded PO text with polib.

    Why through a temporary file: given a string, polib splits it with
    str.splitlines(), which also breaks at U+2028, U+0085 and other characters that
    are ordinary text inside a PO string; a file is split at newlines only.
    """
    with tempfile.TemporaryDirectory(prefix="tm-po-") as tmp:
        name = os.path.join(tmp, "input.po")
        with open(name, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return polib.pofile(name, encoding="utf-8", wrapwidth=0)


def read_po(
    fileobj_or_path: IO[bytes] | str | os.PathLike[str],
    *,
    path: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    fuzzy: FuzzyPolicy = "draft",
) -> Iterator[Unit]:
    """Translated entries of a PO file as units (obsolete and untranslated ones skipped).

    `target_lang` defaults to the `Language` header, `source_lang` to the
    `X-Source-Language` header, else `en` (gettext msgids are English by convention).
    """
    if fuzzy not in ("draft", "skip"):
        raise UsageError(f"fuzzy must be 'draft' or 'skip', not {fuzzy!r}")
    text, path = _open_text(fileobj_or_path, path)
    try:
        catalog = _parse(text)
    except (OSError, ValueError) as err:
        m = _LINE_RE.search(str(err))
        detail = re.sub(r"Syntax error in po file (\(line \d+\))?:?\s*", "", str(err))
        raise FormatError(
            f"PO syntax error: {detail or 'not a keyword, comment or quoted string'}",
            path=path,
            line=int(m.group(1)) if m else None,
        ) from err
    yield from _units(catalog, path, source_lang, target_lang, fuzzy)


def _units(
    catalog: polib.POFile,
    path: str | None,
    source_lang: str | None,
    target_lang: str | None,
    fuzzy: FuzzyPolicy,
) -> Iterator[Unit]:
    meta = catalog.metadata
    src: str | None = lang_tag(source_lang) if source_lang else None
    if src is None:
        header_src = meta.get("X-Source-Language")
        src = po_language(header_src, path=path) if header_src else "en"
    tgt: str | None = lang_tag(target_lang) if target_lang else None
    if tgt is None and meta.get("Language"):
        tgt = po_language(meta["Language"], path=path)
    # Added for pre-translation round trips (tm/pretranslate/po_out.py): the document a
    # bilingual PO was made from, and each entry's neighbouring source segments.
    document = meta.get("X-TM-Document") or None
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        is_fuzzy = "fuzzy" in entry.flags
        if is_fuzzy and fuzzy == "skip":
            continue
        if entry.msgid_plural:
            forms = [(k, entry.msgstr_plural[k]) for k in sorted(entry.msgstr_plural)]
        else:
            forms = [(-1, entry.msgstr)]
        forms = [(k, s) for k, s in forms if s]
        if not forms:
            continue
        if tgt is None:
            raise FormatError(
                "the PO header has no Language; pass the target language",
                path=path,
                line=entry.linenum,
            )
        props = _entry_props(entry)
        for k, msgstr in forms:
            source_text = entry.msgid if k <= 0 else entry.msgid_plural
            unit_props = list(props)
            if k >= 0:
                unit_props.insert(0, (PROP_PLURAL, str(k)))
                if k == 0:
                    unit_props.insert(1, (PROP_MSGID_PLURAL, entry.msgid_plural))
                else:
                    unit_props.insert(1, (PROP_MSGID, entry.msgid))
            s_text, s_codes = protect_text(source_text)
            t_text, t_codes = protect_text(msgstr)
            source_variant = Variant(src, s_text, s_codes)
            if k < 0 and entry.comment:
                source_variant.prev_text, source_variant.next_text = _neighbours(entry.comment)
            yield Unit(
                variants=[source_variant, Variant(tgt, t_text, t_codes)],
                source_lang=src,
                document=document,
                context_key=entry.msgctxt,
                status=Status.DRAFT if is_fuzzy else Status.TRANSLATED,
                note=entry.tcomment or None,
                props=unit_props,
                line=entry.linenum,
            )


def _neighbours(comment: str) -> tuple[str | None, str | None]:
    """`#. tm-context: prev TEXT` / `next TEXT` lines (written by tm pretranslate)."""
    found: dict[str, str] = {}
    for line in comment.splitlines():
        if line.startswith("tm-context: "):
            kind, _, text = line[len("tm-context: ") :].partition(" ")
            if kind in ("prev", "next"):
                found.setdefault(kind, text)
    return found.get("prev"), found.get("next")


def _entry_props(entry: polib.POEntry) -> list[tuple[str, str]]:
    props = [(PROP_FLAG, flag) for flag in entry.flags if flag != "fuzzy"]
    if entry.comment:
        props.append((PROP_COMMENT, entry.comment))
    for file, line in entry.occurrences:
        props.append((PROP_OCCURRENCE, f"{file}:{line}" if line else file))
    return props


# --- writing ------------------------------------------------------------------------


@dataclass
class _Entry:
    """One PO entry being assembled from one unit (or several, for plural forms)."""

    msgctxt: str | None
    msgid: str
    msgstr: str = ""
    msgid_plural: str = ""
    forms: dict[int, str] = field(default_factory=dict)
    status: Status = Status.TRANSLATED
    changed_at: datetime | None = None
    note: str | None = None
    props: list[tuple[str, str]] = field(default_factory=list)

    def outranks(self, other: _Entry) -> bool:
        """Whether this candidate should replace `other` for the same msgctxt+msgid."""
        if self.status.rank != other.status.rank:
            return self.status.rank > other.status.rank
        if self.changed_at and other.changed_at:
            return _aware(self.changed_at) > _aware(other.changed_at)
        return False


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _prop(props: list[tuple[str, str]], name: str) -> str | None:
    for key, value in props:
        if key == name:
            return value
    return None


_C_FORMAT_RE = re.compile(
    r"%(?:(\d+)\$)?[-+ #0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcspn])"
)
_PY_FORMAT_RE = re.compile(
    r"%(?:\(([^)]*)\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?([diouxXeEfFgGcrsa])"
)
_BRACE_FORMAT_RE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


def _format_signature(flag: str, text: str) -> list[tuple[str, str]] | None:
    text = text.replace("%%", "")
    if flag == "c-format":
        return [
            (m.group(1) or "", m.group(2).replace("i", "d")) for m in _C_FORMAT_RE.finditer(text)
        ]
    if flag == "python-format":
        return sorted((m.group(1) or "", m.group(2)) for m in _PY_FORMAT_RE.finditer(text))
    if flag == "python-brace-format":
        return sorted((m.group(1), "") for m in _BRACE_FORMAT_RE.finditer(text))
    return None


def _compiles(msgid: str, translations: list[str], flags: list[str]) -> bool:
    """Whether msgfmt -c would accept this pair (so it need not be marked fuzzy)."""
    for msgstr in translations:
        if msgid.startswith("\n") != msgstr.startswith("\n"):
            return False
        if msgid.endswith("\n") != msgstr.endswith("\n"):
            return False
        for flag in flags:
            expected = _format_signature(flag, msgid)
            if expected is not None and expected != _format_signature(flag, msgstr):
                return False
    return True


def _entry_from(unit: Unit, source: Variant, target: Variant) -> _Entry | None:
    msgid = native_text(source.text, source.codes)
    msgstr = native_text(target.text, target.codes)
    if not msgid or not msgstr:
        return None
    entry = _Entry(
        msgctxt=unit.context_key,
        msgid=msgid,
        status=unit.status,
        changed_at=unit.changed_at or target.changed_at,
        note=unit.note,
        props=[p for p in unit.props if p[0] in (PROP_FLAG, PROP_COMMENT, PROP_OCCURRENCE)],
    )
    plural = _prop(unit.props, PROP_PLURAL)
    if plural is not None and plural.isdigit():
        k = int(plural)
        if k == 0:
            entry.msgid_plural = _prop(unit.props, PROP_MSGID_PLURAL) or ""
        else:
            entry.msgid_plural, entry.msgid = msgid, _prop(unit.props, PROP_MSGID) or ""
        if entry.msgid and entry.msgid_plural:
            entry.forms[k] = msgstr
            return entry
        entry.msgid, entry.msgid_plural = msgid, ""
    entry.msgstr = msgstr
    return entry


def _merge(entries: dict[tuple[str | None, str], _Entry], new: _Entry) -> None:
    key = (new.msgctxt, new.msgid)
    old = entries.get(key)
    if old is None:
        entries[key] = new
    elif new.forms and old.forms and new.msgid_plural == old.msgid_plural:
        for k, s in new.forms.items():
            if k not in old.forms or new.outranks(old):
                old.forms[k] = s
        if new.status.rank < old.status.rank:
            old.status = new.status  # a plural entry is only as trusted as its weakest form
    elif new.outranks(old):
        entries[key] = new


def _po_entry(entry: _Entry, n_forms: int) -> polib.POEntry:
    flags = [value for key, value in entry.props if key == PROP_FLAG and value != "fuzzy"]
    fuzzy = entry.status is Status.DRAFT
    po = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, tcomment=entry.note or "")
    comments = [value for key, value in entry.props if key == PROP_COMMENT]
    if comments:
        po.comment = "\n".join(comments)
    for key, value in entry.props:
        if key == PROP_OCCURRENCE:
            file, _, line = value.rpartition(":")
            po.occurrences.append((file, line) if file and line.isdigit() else (value, ""))
    if entry.forms:
        po.msgid_plural = entry.msgid_plural
        forms = [entry.forms.get(k, "") for k in range(max(n_forms, 1))]
        # Missing forms are filled from the nearest known one; msgfmt needs every form.
        if any(not f for f in forms) or max(entry.forms) >= n_forms:
            fuzzy = True
            known = [entry.forms[k] for k in sorted(entry.forms)]
            forms = [f or known[min(i, len(known) - 1)] for i, f in enumerate(forms)]
        po.msgstr_plural = dict(enumerate(forms))
        checks = [(entry.msgid, forms[:1]), (entry.msgid_plural, forms[1:] or forms)]
    else:
        po.msgstr = entry.msgstr
        checks = [(entry.msgid, [entry.msgstr])]
    if not all(_compiles(msgid, strs, flags) for msgid, strs in checks):
        fuzzy = True
    po.flags = (["fuzzy"] if fuzzy else []) + flags
    return po


def write_po(
    fileobj: IO[bytes] | IO[str],
    units: Iterable[Unit],
    *,
    source_lang: str,
    target_lang: str,
    progress: Progress | None = None,
) -> int:
    """Write the source/target pairs of units as a PO file `msgfmt -c` accepts.

    Units lacking either language, or with an empty source or target, are skipped;
    one entry is written per msgctxt+msgid (the highest status, then the latest change,
    wins). Returns the number of entries written.
    """
    src = lang_tag(source_lang)
    tgt = lang_tag(target_lang)
    forms_header = plural_forms(tgt)
    n_forms = nplurals(forms_header) or 2
    entries: dict[tuple[str | None, str], _Entry] = {}
    seen = 0
    for unit in units:
        pair = pick_pair(unit, src, tgt)
        seen += 1
        if progress is not None and seen % 10_000 == 0:
            progress(seen, None, "po")
        if pair is None:
            continue
        entry = _entry_from(unit, *pair)
        if entry is not None:
            _merge(entries, entry)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    catalog = polib.POFile(wrapwidth=78)
    catalog.header = f"Translation memory export ({src} -> {tgt}) by tm-oncology."
    catalog.metadata = {
        "Project-Id-Version": "tm-oncology export",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "tm-oncology",
        "Language-Team": "none",
        "Language": gettext_language(tgt),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": forms_header,
        "X-Source-Language": gettext_language(src),
        "X-Generator": f"tm-oncology {tm.__version__}",
    }
    for entry in entries.values():
        catalog.append(_po_entry(entry, n_forms))
    text = str(catalog)
    if not text.endswith("\n"):
        text += "\n"
    write_text(fileobj, text)
    if progress is not None:
        progress(seen, seen, "po")
    return len(entries)
