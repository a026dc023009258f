"""Glossary CSV in the memoQ/Phrase layout: one column per language plus status columns.

Columns: `concept_id`, `subject`, `source`, then per language `LANG`, `LANG_status`,
`LANG_pos`, `LANG_note` (the term's note), `LANG_definition`. One row holds one term per
language; a concept with several terms in a language continues on following rows with
the same `concept_id` (concept fields only on its first row). Without a `concept_id`
column every row is a concept. Lost on the way through CSV: variants, usage notes,
case-sensitivity, do-not-translate, concept notes (use TOML or TBX for those).
"""

from __future__ import annotations

import csv
import re
from typing import IO

from tm.errors import FormatError, LanguageTagError
from tm.glossary.model import CONCEPT_ID_RE, Glossary, languages_in_order
from tm.langs import normalize_tag
from tm.models import Concept, Term, TermStatus

FIELDS = ("status", "pos", "note", "definition")
_STATUS_ALIASES = {
    "": TermStatus.PREFERRED,
    "preferred": TermStatus.PREFERRED,
    "admitted": TermStatus.ADMITTED,
    "allowed": TermStatus.ADMITTED,
    "deprecated": TermStatus.DEPRECATED,
    "superseded": TermStatus.DEPRECATED,
    "forbidden": TermStatus.FORBIDDEN,
    "prohibited": TermStatus.FORBIDDEN,
}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"c-{slug or 'term'}"


def read_glossary_csv(
    textobj: IO[str], *, path: str | None = None, name: str = "glossary"
) -> Glossary:
    """Read a glossary CSV (comma, semicolon or tab separated; sniffed)."""
    sample = textobj.read(8192)
    textobj.seek(0)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(textobj, dialect)
    header = next(rows, None)
    if not header:
        raise FormatError("empty CSV: no header row", path=path, line=1)
    columns: dict[str, int] = {}
    lang_cols: dict[str, int] = {}
    lang_fields: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(header):
        col = raw.strip()
        low = col.lower()
        if low in ("concept_id", "id", "subject", "source"):
            columns["concept_id" if low == "id" else low] = index
            continue
        base, _, suffix = col.rpartition("_")
        if base and suffix.lower() in FIELDS:
            try:
                lang_fields[(normalize_tag(base), suffix.lower())] = index
                continue
            except LanguageTagError:
                pass
        try:
            lang_cols[normalize_tag(col)] = index
        except LanguageTagError as err:
            raise FormatError(
                f"column {col!r} is neither a language tag nor a known column", path=path, line=1
            ) from err
    if not lang_cols:
        raise FormatError("no language columns (e.g. `en`, `es`)", path=path, line=1)

    glossary = Glossary(name=name, languages=list(lang_cols))
    by_id: dict[str, Concept] = {}

    def cell(row: list[str], index: int | None) -> str:
        return row[index].strip() if index is not None and index < len(row) else ""

    for line, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        concept_id = cell(row, columns.get("concept_id"))
        if not concept_id:
            first = next((cell(row, i) for i in lang_cols.values() if cell(row, i)), "")
            concept_id = _slug(first)
            while concept_id in by_id:
                concept_id += "-2"
        if not CONCEPT_ID_RE.match(concept_id):
            concept_id = _slug(concept_id)
        concept = by_id.get(concept_id)
        if concept is None:
            concept = Concept(id=concept_id)
            by_id[concept_id] = concept
            glossary.concepts.append(concept)
        concept.subject = concept.subject or cell(row, columns.get("subject")) or None
        concept.source = concept.source or cell(row, columns.get("source")) or None
        for lang, index in lang_cols.items():
            definition = cell(row, lang_fields.get((lang, "definition")))
            if definition:
                concept.definitions.setdefault(lang, definition)
            text = cell(row, index)
            if not text:
                continue
            raw_status = cell(row, lang_fields.get((lang, "status"))).lower()
            status = _STATUS_ALIASES.get(raw_status)
            if status is None:
                raise FormatError(
                    f"unknown status {raw_status!r} for {lang} term {text!r}",
                    path=path,
                    line=line,
                    unit=concept_id,
                )
            concept.terms.append(
                Term(
                    text=text,
                    lang=lang,
                    status=status,
                    part_of_speech=cell(row, lang_fields.get((lang, "pos"))) or None,
                    note=cell(row, lang_fields.get((lang, "note"))) or None,
                )
            )
    # Rows hold one term per language; a concept's terms read back grouped by language.
    column = {lang: i for i, lang in enumerate(lang_cols)}
    for concept in glossary.concepts:
        concept.terms.sort(key=lambda t: column[t.lang])
    return glossary


def write_glossary_csv(textobj: IO[str], glossary: Glossary) -> None:
    """Write the CSV layout described in the module doc (UTF-8, comma, header row)."""
    languages = languages_in_order(glossary.concepts, glossary.languages)
    writer = csv.writer(textobj, lineterminator="\n")
    header = ["concept_id", "subject", "source"]
    for lang in languages:
        header += [lang, *(f"{lang}_{f}" for f in FIELDS)]
    writer.writerow(header)
    for concept in glossary.concepts:
        per_lang = {lang: [t for t in concept.terms if t.lang == lang] for lang in languages}
        depth = max([len(terms) for terms in per_lang.values()] + [1])
        for row_index in range(depth):
            first = row_index == 0
            row = [
                concept.id,
                (concept.subject or "") if first else "",
                (concept.source or "") if first else "",
            ]
            for lang in languages:
                terms = per_lang[lang]
                term = terms[row_index] if row_index < len(terms) else None
                row += [
                    term.text if term else "",
                    term.status.value if term else "",
                    (term.part_of_speech or "") if term else "",
                    (term.note or "") if term else "",
                    concept.definitions.get(lang, "") if first else "",
                ]
            writer.writerow(row)
