"""Consistency rules for a glossary, beyond what parsing catches (see docs/glossary.md).

Errors (exit 1): a term approved in one place and forbidden in another (same language,
equal up to case, hyphens and spacing), duplicate concept ids,
duplicate concepts, malformed language tags and markup inside terms, plus every parse
error. Warnings: a declared language missing from a concept, a language with no
approved term, two concepts sharing a preferred term (homonyms), unknown part of speech.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tm.glossary.model import Finding, Glossary
from tm.glossary.toml_io import PARTS_OF_SPEECH
from tm.langs import match_key
from tm.models import Concept, Term, TermStatus
from tm.terms import tokenize

_MARKUP_RE = re.compile(r"<[/!?]?[A-Za-z][^<>]*>|[\ue000-\uf8ff]|&[a-z]+;|&#\d+;")


def term_key(term: Term) -> tuple[str, str]:
    """What makes two terms "the same term": language, and text up to case and separators.

    UK/US spellings are *not* folded here: a US client may forbid `tumour` while
    preferring `tumor`, and the matcher tells the two apart by the spelling it sees.
    """
    tokens = (t.text for t in tokenize(term.text))
    if not term.case_sensitive:
        tokens = (unicodedata.normalize("NFKC", t).casefold() for t in tokens)
    return match_key(term.lang), " ".join(tokens)


def validate_glossary(glossary: Glossary, findings: Iterable[Finding] = ()) -> list[Finding]:
    """Every finding for one glossary: `findings` from parsing plus the rules here."""
    path = str(glossary.path) if glossary.path else None
    out = list(findings)

    def add(
        severity: str, code: str, message: str, concept: Concept | None = None, **kw: str | None
    ) -> None:
        out.append(
            Finding(
                "error" if severity == "error" else "warning",
                code,
                message,
                path=path,
                line=concept.line if concept else None,
                concept_id=concept.id if concept else None,
                lang=kw.get("lang"),
            )
        )

    # Duplicate ids: the second definition would silently shadow the first.
    seen_ids: dict[str, Concept] = {}
    for concept in glossary.concepts:
        if concept.id in seen_ids:
            add("error", "duplicate-id", f"concept id {concept.id!r} is defined twice", concept)
        seen_ids.setdefault(concept.id, concept)

    usages: dict[tuple[str, str], list[tuple[Concept, Term]]] = {}
    for concept in glossary.concepts:
        for term in concept.terms:
            usages.setdefault(term_key(term), []).append((concept, term))
            if _MARKUP_RE.search(term.text) or any(_MARKUP_RE.search(v) for v in term.variants):
                add(
                    "error",
                    "markup-in-term",
                    f"term {term.text!r} contains markup or a code",
                    concept,
                    lang=term.lang,
                )
            if term.text != term.text.strip() or "  " in term.text:
                add(
                    "error",
                    "whitespace",
                    f"term {term.text!r} has stray spaces",
                    concept,
                    lang=term.lang,
                )
            if term.part_of_speech and term.part_of_speech not in PARTS_OF_SPEECH:
                add(
                    "warning",
                    "unknown-pos",
                    f"term {term.text!r}: part of speech {term.part_of_speech!r} is not one of "
                    + ", ".join(PARTS_OF_SPEECH),
                    concept,
                    lang=term.lang,
                )

    # The same term approved somewhere and forbidden somewhere: a checker cannot obey both.
    for (lang, _key), uses in usages.items():
        forbidden = [(c, t) for c, t in uses if t.status is TermStatus.FORBIDDEN]
        approved = [(c, t) for c, t in uses if t.status.approved]
        if not forbidden or not approved:
            continue
        for fc, ft in forbidden:
            for ac, at in approved:
                code = (
                    "forbidden-preferred"
                    if at.status is TermStatus.PREFERRED
                    else "forbidden-admitted"
                )
                where = "in the same concept" if ac is fc else f"in concept {ac.id!r}"
                add(
                    "error",
                    code,
                    f"{lang} term {ft.text!r} is forbidden here but {at.status.value} "
                    f"as {at.text!r} {where}",
                    fc,
                    lang=ft.lang,
                )

    # Concepts whose preferred terms agree in every language they share are duplicates;
    # sharing a preferred term in only some languages is a homonym the matcher must rank.
    preferred: dict[str, dict[str, set[str]]] = {}
    for concept in glossary.concepts:
        langs: dict[str, set[str]] = {}
        for term in concept.terms:
            if term.status is TermStatus.PREFERRED:
                lang, key = term_key(term)
                langs.setdefault(lang, set()).add(key)
        preferred[concept.id] = langs
    order = {c.id: i for i, c in reversed(list(enumerate(glossary.concepts)))}
    reported: set[tuple[str, str]] = set()
    for (lang, _key), uses in usages.items():
        ids = sorted(
            {c.id for c, t in uses if t.status is TermStatus.PREFERRED}, key=order.__getitem__
        )
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if (a, b) in reported:
                    continue
                reported.add((a, b))
                shared = set(preferred[a]) & set(preferred[b])
                same = all(preferred[a][lg] & preferred[b][lg] for lg in shared)
                concept_b = seen_ids[b]
                if same:
                    add(
                        "error",
                        "duplicate-concept",
                        f"concept {b!r} duplicates {a!r} (same preferred terms)",
                        concept_b,
                    )
                else:
                    add(
                        "warning",
                        "shared-preferred-term",
                        f"{lang}: concepts {a!r} and {b!r} share a preferred term",
                        concept_b,
                        lang=lang,
                    )

    declared = [match_key(lang) for lang in glossary.languages]
    for concept in glossary.concepts:
        have = {match_key(t.lang) for t in concept.terms}
        approved_langs = {match_key(t.lang) for t in concept.terms if t.status.approved}
        for lang, key in zip(glossary.languages, declared, strict=True):
            if key not in have:
                add(
                    "warning",
                    "missing-language",
                    f"no {lang} term (the glossary declares {lang})",
                    concept,
                    lang=lang,
                )
        for key in sorted(have - approved_langs):
            add(
                "warning",
                "no-approved-term",
                f"{key}: only deprecated/forbidden terms, nothing to suggest",
                concept,
                lang=key,
            )
    return out


def has_errors(findings: Iterable[Finding], *, strict: bool = False) -> bool:
    """Whether findings should fail a run (`strict`: warnings too)."""
    return any(f.severity == "error" or strict for f in findings)
