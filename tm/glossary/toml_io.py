"""The glossary TOML format: parse (leniently, collecting findings) and write canonically.

Format: docs/glossary.md. Writing is block-wise so edits stay small in `git diff`:
`splice_concepts` replaces only the `[[concept]]` blocks that changed and appends new
ones, leaving every other byte (comments included) as it was.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import tomli_w

from tm.errors import LanguageTagError
from tm.glossary.model import CONCEPT_ID_RE, Finding, Glossary, languages_in_order
from tm.langs import normalize_tag
from tm.models import Concept, Term, TermStatus
from tm.terms import gc_paused

HEADER_KEYS = ("name", "languages", "priority", "description", "source")
CONCEPT_KEYS = ("id", "subject", "source", "nested", "definition", "note", "terms")
TERM_KEYS = (
    "text",
    "status",
    "pos",
    "case_sensitive",
    "inflect",
    "variants",
    "usage",
    "note",
    "dnt",
)
PARTS_OF_SPEECH = ("noun", "verb", "adjective", "adverb", "properNoun", "other")

_CONCEPT_HEADER_RE = re.compile(r"^[ \t]*\[\[[ \t]*concept[ \t]*\]\][ \t]*(?:#.*)?$")
_TOML_LINE_RE = re.compile(r"at line (\d+)")
_BARE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_MAX_INLINE = 100  # a term list longer than this is written one term per line


# --- reading --------------------------------------------------------------------------


def loads_toml(text: str) -> dict[str, Any]:
    """Parse TOML with rtoml (Rust, ~4x faster on big glossaries), tomllib's errors on failure.

    Why both: rtoml makes a 10,000-concept glossary load in a fraction of a second;
    tomllib is the reference whose error messages (with line numbers) users see.
    """
    try:
        import rtoml
    except ImportError:  # pragma: no cover - rtoml is a dependency; stay usable without it
        return tomllib.loads(text)
    try:
        data: dict[str, Any] = rtoml.loads(text)
    except rtoml.TomlParsingError:
        return tomllib.loads(text)  # raises TOMLDecodeError with the line
    return data


def concept_header_lines(text: str) -> list[int]:
    """1-based line numbers of the `[[concept]]` headers, in file order."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if _CONCEPT_HEADER_RE.match(line)
    ]


class _Reader:
    """Collects findings while turning parsed TOML into a Glossary."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def error(self, code: str, message: str, **where: Any) -> None:
        self.findings.append(Finding("error", code, message, path=self.path, **where))

    def tag(self, raw: str, *, line: int | None, concept_id: str | None) -> str | None:
        try:
            return normalize_tag(raw)
        except LanguageTagError:
            self.error(
                "bad-tag",
                f"not a BCP 47 language tag: {raw!r}",
                line=line,
                concept_id=concept_id,
            )
            return None

    def lang_strings(
        self, value: Any, what: str, *, line: int | None, concept_id: str | None
    ) -> dict[str, str]:
        if not isinstance(value, Mapping):
            self.error(
                "bad-value",
                f'`{what}` must be a table of language = text (`{what}.en = "..."`)',
                line=line,
                concept_id=concept_id,
            )
            return {}
        out: dict[str, str] = {}
        for raw_lang, text in value.items():
            lang = self.tag(raw_lang, line=line, concept_id=concept_id)
            if lang is None:
                continue
            if not isinstance(text, str):
                self.error(
                    "bad-value",
                    f"`{what}.{raw_lang}` must be a string",
                    line=line,
                    concept_id=concept_id,
                )
                continue
            out[lang] = text
        return out

    def term(self, item: Any, lang: str, *, line: int | None, concept_id: str) -> Term | None:
        if isinstance(item, str) and item.strip():
            return Term(text=item, lang=lang)  # the common case, kept fast for big files
        where = {"line": line, "concept_id": concept_id, "lang": lang}
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, Mapping):
            self.error("bad-term", f"a term must be a string or a table, not {item!r}", **where)
            return None
        unknown = sorted(set(item) - set(TERM_KEYS))
        if unknown:
            self.error(
                "unknown-key",
                f"unknown term key(s) {', '.join(unknown)} (known: {', '.join(TERM_KEYS)})",
                **where,
            )
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            self.error("bad-term", "a term needs a non-empty `text`", **where)
            return None
        try:
            status = TermStatus(str(item.get("status", "preferred")).strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in TermStatus)
            self.error(
                "bad-status",
                f"term {text!r}: unknown status {item.get('status')!r} (use {allowed})",
                **where,
            )
            status = TermStatus.PREFERRED
        flags: dict[str, bool] = {}
        for key, default in (("case_sensitive", False), ("inflect", True), ("dnt", False)):
            value = item.get(key, default)
            if not isinstance(value, bool):
                self.error("bad-value", f"term {text!r}: `{key}` must be true or false", **where)
                value = default
            flags[key] = value
        variants = item.get("variants", [])
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            self.error("bad-value", f"term {text!r}: `variants` must be a list of strings", **where)
            variants = []
        strings: dict[str, str | None] = {}
        for key in ("pos", "usage", "note"):
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                self.error("bad-value", f"term {text!r}: `{key}` must be a string", **where)
                value = None
            strings[key] = value
        return Term(
            text=text,
            lang=lang,
            status=status,
            part_of_speech=strings["pos"],
            case_sensitive=flags["case_sensitive"],
            variants=list(variants),
            usage_note=strings["usage"],
            note=strings["note"],
            do_not_translate=flags["dnt"],
            inflect=flags["inflect"],
        )

    def concept(self, raw: Any, line: int | None) -> Concept | None:
        if not isinstance(raw, Mapping):
            self.error("bad-concept", "`concept` must be written as [[concept]] tables", line=line)
            return None
        concept_id = raw.get("id")
        if not isinstance(concept_id, str) or not concept_id:
            self.error("missing-id", "concept without an `id`", line=line)
            return None
        where = {"line": line, "concept_id": concept_id}
        if not CONCEPT_ID_RE.match(concept_id):
            self.error(
                "bad-id",
                f"concept id {concept_id!r} must match [a-z][a-z0-9._-]* (it becomes an XML ID)",
                **where,
            )
        unknown = sorted(set(raw) - set(CONCEPT_KEYS))
        if unknown:
            self.error(
                "unknown-key",
                f"unknown concept key(s) {', '.join(unknown)} (known: {', '.join(CONCEPT_KEYS)})",
                **where,
            )
        concept = Concept(id=concept_id)
        for key in ("subject", "source"):
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                self.error("bad-value", f"`{key}` must be a string", **where)
                value = None
            setattr(concept, key, value)
        nested = raw.get("nested", False)
        if not isinstance(nested, bool):
            self.error("bad-value", "`nested` must be true or false", **where)
            nested = False
        concept.nested = nested
        if "definition" in raw:
            concept.definitions = self.lang_strings(
                raw["definition"], "definition", line=line, concept_id=concept_id
            )
        if "note" in raw:
            concept.notes = self.lang_strings(raw["note"], "note", line=line, concept_id=concept_id)
        terms = raw.get("terms", {})
        if not isinstance(terms, Mapping):
            self.error("bad-value", "`terms` must be a table: terms.en = [...]", **where)
            terms = {}
        for raw_lang, items in terms.items():
            lang = self.tag(raw_lang, line=line, concept_id=concept_id)
            if lang is None:
                continue
            if isinstance(items, str | Mapping):
                items = [items]
            if not isinstance(items, list):
                self.error("bad-value", f"`terms.{raw_lang}` must be a list", **where)
                continue
            for item in items:
                term = self.term(item, lang, line=line, concept_id=concept_id)
                if term is not None:
                    concept.terms.append(term)
        if not concept.terms:
            self.error("no-terms", "concept has no terms", **where)
        return concept


def parse_glossary_toml(
    text: str, *, path: str | None = None, default_name: str | None = None
) -> tuple[Glossary, list[Finding]]:
    """Read a glossary file's text, returning what could be read and every problem found.

    Lenient on purpose: `validate` reports all problems at once; `load_glossary` turns
    the first error into a FormatError.
    """
    with gc_paused():  # 10^5 small objects for a big glossary: see tm.terms.gc_paused
        return _parse_glossary_toml(text, path=path, default_name=default_name)


def _parse_glossary_toml(
    text: str, *, path: str | None, default_name: str | None
) -> tuple[Glossary, list[Finding]]:
    reader = _Reader(path)
    name = default_name or "glossary"
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as err:
        m = _TOML_LINE_RE.search(str(err))
        reader.error("toml-syntax", f"not valid TOML: {err}", line=int(m.group(1)) if m else None)
        return Glossary(name=name), reader.findings
    unknown = sorted(set(data) - {"glossary", "concept"})
    if unknown:
        reader.error(
            "unknown-key",
            f"unknown top-level key(s) {', '.join(unknown)} (use [glossary] and [[concept]])",
        )
    header = data.get("glossary", {})
    if not isinstance(header, Mapping):
        reader.error("bad-header", "`glossary` must be a table: [glossary]")
        header = {}
    glossary = Glossary(name=name)
    for key in sorted(set(header) - set(HEADER_KEYS)):
        reader.error("unknown-key", f"unknown [glossary] key {key!r}")
    if isinstance(header.get("name"), str) and header["name"].strip():
        glossary.name = header["name"].strip()
    elif "name" in header:
        reader.error("bad-header", "[glossary] name must be a non-empty string")
    languages = header.get("languages", [])
    if not isinstance(languages, list):
        reader.error("bad-header", "[glossary] languages must be a list of language tags")
        languages = []
    for raw in languages:
        lang = reader.tag(str(raw), line=None, concept_id=None)
        if lang is not None:
            glossary.languages.append(lang)
    priority = header.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        reader.error("bad-header", "[glossary] priority must be an integer")
        priority = 0
    glossary.priority = priority
    for key in ("description", "source"):
        value = header.get(key)
        if value is not None and not isinstance(value, str):
            reader.error("bad-header", f"[glossary] {key} must be a string")
            value = None
        setattr(glossary, key, value)

    raw_concepts = data.get("concept", [])
    if not isinstance(raw_concepts, list):
        reader.error("bad-concept", "concepts must be written as [[concept]] blocks")
        raw_concepts = []
    lines = concept_header_lines(text)
    _read_concepts(reader, glossary, raw_concepts, lines)
    return glossary, reader.findings


def _read_concepts(
    reader: _Reader, glossary: Glossary, raw_concepts: list[Any], lines: list[int]
) -> None:
    for index, raw in enumerate(raw_concepts):
        line = lines[index] if index < len(lines) else None
        concept = reader.concept(raw, line)
        if concept is None:
            continue
        concept.glossary = glossary.name
        concept.priority = glossary.priority
        concept.line = line
        glossary.concepts.append(concept)


# --- writing --------------------------------------------------------------------------


def _value(value: Any) -> str:
    """One TOML value (string, number, bool, list of strings) in tomli-w's spelling."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _key(key: str) -> str:
    return key if _BARE_KEY_RE.match(key) else _value(key)


def _term_value(term: Term) -> str:
    fields: list[tuple[str, Any]] = [("text", term.text)]
    if term.status is not TermStatus.PREFERRED:
        fields.append(("status", term.status.value))
    if term.part_of_speech:
        fields.append(("pos", term.part_of_speech))
    if term.case_sensitive:
        fields.append(("case_sensitive", True))
    if not term.inflect:
        fields.append(("inflect", False))
    if term.variants:
        fields.append(("variants", list(term.variants)))
    if term.usage_note:
        fields.append(("usage", term.usage_note))
    if term.note:
        fields.append(("note", term.note))
    if term.do_not_translate:
        fields.append(("dnt", True))
    if len(fields) == 1:
        return _value(term.text)
    return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in fields) + " }"


def format_concept(concept: Concept, *, languages: Sequence[str] = ()) -> str:
    """The canonical `[[concept]]` block (keys in a fixed order, ends with a newline)."""
    order = languages_in_order([concept], languages)
    out = ["[[concept]]", f"id = {_value(concept.id)}"]
    if concept.subject:
        out.append(f"subject = {_value(concept.subject)}")
    if concept.source:
        out.append(f"source = {_value(concept.source)}")
    if concept.nested:
        out.append("nested = true")
    for what, values in (("definition", concept.definitions), ("note", concept.notes)):
        for lang in [*[lang for lang in order if lang in values], *values]:
            line = f"{what}.{_key(lang)} = {_value(values[lang])}"
            if line not in out:
                out.append(line)
    by_lang: dict[str, list[Term]] = {}
    for term in concept.terms:
        by_lang.setdefault(term.lang, []).append(term)
    for lang in [*[lang for lang in order if lang in by_lang], *by_lang]:
        terms = by_lang.pop(lang, None)
        if terms is None:
            continue
        items = [_term_value(t) for t in terms]
        lead = f"terms.{_key(lang)} = "
        one_line = lead + "[" + ", ".join(items) + "]"
        if len(one_line) <= _MAX_INLINE and all(not i.startswith("{") for i in items):
            out.append(one_line)
        else:
            out.append(lead + "[")
            out.extend(f"  {item}," for item in items)
            out.append("]")
    return "\n".join(out) + "\n"


def format_header(glossary: Glossary) -> str:
    """The canonical `[glossary]` table."""
    out = ["[glossary]", f"name = {_value(glossary.name)}"]
    if glossary.languages:
        out.append(f"languages = {_value(list(glossary.languages))}")
    out.append(f"priority = {glossary.priority}")
    if glossary.description:
        out.append(f"description = {_value(glossary.description)}")
    if glossary.source:
        out.append(f"source = {_value(glossary.source)}")
    return "\n".join(out) + "\n"


def format_glossary(glossary: Glossary) -> str:
    """A whole glossary file in canonical form (import, export --format toml)."""
    # One language order for the whole file (declared first), as the TBX writer uses.
    order = languages_in_order(glossary.concepts, glossary.languages)
    blocks = [format_header(glossary)]
    blocks += [format_concept(c, languages=order) for c in glossary.concepts]
    return "\n".join(blocks)


def _block_ranges(lines: Sequence[str], headers: Sequence[int]) -> list[tuple[int, int]]:
    """0-based [start, stop) line ranges of each concept block, trailing comments excluded.

    A comment just above the next `[[concept]]` (a section heading) belongs to what
    follows, so it survives when the block before it is rewritten.
    """
    ranges = []
    for i, header in enumerate(headers):
        start = header - 1
        limit = headers[i + 1] - 1 if i + 1 < len(headers) else len(lines)
        stop = limit
        while stop > start + 1 and (
            not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")
        ):
            stop -= 1
        ranges.append((start, stop))
    return ranges


def splice_concepts(
    text: str,
    *,
    replace: Mapping[int, str] | None = None,
    remove: Iterable[int] = (),
    append: Sequence[str] = (),
) -> str:
    """Rewrite only some concept blocks of a file (by position) and append new ones.

    Why: `tm glossary edit` must produce a one-block diff, and keep the comments and
    layout people wrote everywhere else.
    """
    replace = dict(replace or {})
    removed = set(remove)
    lines = text.splitlines(keepends=True)
    headers = concept_header_lines(text)
    ranges = _block_ranges([ln.rstrip("\r\n") for ln in lines], headers)
    out: list[str] = []
    cursor = 0
    for index, (start, stop) in enumerate(ranges):
        out.extend(lines[cursor:start])
        if index in removed:
            # Drop the block and the blank line after it, so no double gap is left.
            cursor = stop
            while cursor < len(lines) and not lines[cursor].strip():
                cursor += 1
            continue
        if index in replace:
            out.append(replace[index])
        else:
            out.extend(lines[start:stop])
        cursor = stop
    out.extend(lines[cursor:])
    result = "".join(out)
    if append:
        if result and not result.endswith("\n"):
            result += "\n"
        for block in append:
            if result and not result.endswith("\n\n"):
                result += "\n"
            result += block
    return result
