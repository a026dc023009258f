"""In-memory glossaries: one file's concepts (`Glossary`) and several merged (`GlossarySet`).

Files are the source of truth (see docs/glossary.md); these containers are what the
readers produce and the matcher, checker and pre-translator consume.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tm.langs import match_key
from tm.models import Concept

if TYPE_CHECKING:
    from tm.terms import TermMatcher

CONCEPT_ID_RE = re.compile(r"^[a-z][a-z0-9._-]*$")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in a glossary, with where it is, for `validate` and loaders."""

    severity: Severity
    code: str  # stable identifier: duplicate-id, status-conflict, bad-tag, ...
    message: str
    path: str | None = None
    line: int | None = None
    concept_id: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        where = self.path or "<glossary>"
        if self.line is not None:
            where += f":{self.line}"
        if self.concept_id:
            where += f" [{self.concept_id}]"
        return f"{where}: {self.severity}: {self.message} ({self.code})"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "concept_id": self.concept_id,
            "lang": self.lang,
        }


@dataclass
class Glossary:
    """The concepts of one glossary file with its header (name, languages, priority)."""

    name: str
    concepts: list[Concept] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    priority: int = 0
    description: str | None = None
    source: str | None = None
    path: Path | None = None

    def concept(self, concept_id: str) -> Concept | None:
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        return None

    def term_languages(self) -> list[str]:
        """Languages that have terms, declared languages first, then in order of use."""
        seen: dict[str, None] = dict.fromkeys(self.languages)
        for concept in self.concepts:
            for term in concept.terms:
                if not any(match_key(lang) == match_key(term.lang) for lang in seen):
                    seen[term.lang] = None
        return list(seen)


def merge_concepts(winner: Concept, fallback: Concept) -> Concept:
    """A higher-priority concept completed by a lower one, language by language.

    Why: a client glossary that overrides `tamoxifen` for English and Spanish should
    not make the shipped Chinese, French and German terms disappear.
    """
    own = {match_key(t.lang) for t in winner.terms}
    terms = list(winner.terms) + [t for t in fallback.terms if match_key(t.lang) not in own]
    return replace(
        winner,
        subject=winner.subject or fallback.subject,
        source=winner.source or fallback.source,
        definitions={**fallback.definitions, **winner.definitions},
        notes={**fallback.notes, **winner.notes},
        terms=terms,
    )


@dataclass
class GlossarySet:
    """Several glossaries used together, the higher `priority` winning on conflicts.

    `concepts` lists each concept id once, best glossary first; a concept defined in
    two glossaries is the higher one's, completed per language by the lower one.
    """

    glossaries: list[Glossary]

    def __post_init__(self) -> None:
        # Stable: equal priorities keep the order given (command line, then file name).
        self.glossaries = sorted(self.glossaries, key=lambda g: -g.priority)

    @cached_property
    def concepts(self) -> list[Concept]:
        merged: dict[str, Concept] = {}
        for glossary in self.glossaries:
            for concept in glossary.concepts:
                if concept.id in merged:
                    merged[concept.id] = merge_concepts(merged[concept.id], concept)
                else:
                    merged[concept.id] = concept
        return list(merged.values())

    def concept(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    @cached_property
    def _by_id(self) -> dict[str, Concept]:
        return {c.id: c for c in self.concepts}

    @property
    def languages(self) -> list[str]:
        seen: dict[str, None] = {}
        for glossary in self.glossaries:
            for lang in glossary.term_languages():
                seen.setdefault(lang, None)
        return list(seen)

    @cached_property
    def matcher(self) -> TermMatcher:
        """A term matcher over the merged concepts (built once, languages on demand)."""
        from tm.terms import TermMatcher

        return TermMatcher(self.concepts)

    @classmethod
    def of(cls, glossaries: Iterable[Glossary]) -> GlossarySet:
        return cls(list(glossaries))


def stamp_concepts(glossary: Glossary) -> None:
    """Record the glossary's name and priority on each concept (the matcher ranks by it)."""
    for concept in glossary.concepts:
        concept.glossary = glossary.name
        concept.priority = glossary.priority


def languages_in_order(concepts: Sequence[Concept], declared: Sequence[str] = ()) -> list[str]:
    """Declared languages first, then others in order of first use (for stable output)."""
    seen: dict[str, None] = dict.fromkeys(declared)
    keys = {match_key(lang) for lang in declared}
    for concept in concepts:
        for lang in [
            *(t.lang for t in concept.terms),
            *concept.definitions,
            *concept.notes,
        ]:
            if match_key(lang) not in keys:
                keys.add(match_key(lang))
                seen[lang] = None
    return list(seen)
