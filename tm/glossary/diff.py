"""What changed between two versions of a glossary, concept by concept and term by term.

Terms are identified by language and text, so a status change reads as a change
(`mosaic: preferred -> forbidden`), not as a removal plus an addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tm.glossary.model import Glossary
from tm.models import Concept, Term


@dataclass
class ConceptChange:
    """One concept's difference: added, removed, or changed with a list of details."""

    concept_id: str
    kind: str  # added | removed | changed
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"concept_id": self.concept_id, "change": self.kind, "details": self.details}


def _term_summary(term: Term) -> str:
    extras = [term.status.value]
    if term.case_sensitive:
        extras.append("case-sensitive")
    if term.do_not_translate:
        extras.append("dnt")
    return f"{term.text!r} ({', '.join(extras)})"


def _term_fields(term: Term) -> dict[str, object]:
    return {
        "status": term.status.value,
        "pos": term.part_of_speech,
        "case_sensitive": term.case_sensitive,
        "inflect": term.inflect,
        "variants": list(term.variants),
        "usage": term.usage_note,
        "note": term.note,
        "dnt": term.do_not_translate,
    }


def _concept_details(old: Concept, new: Concept) -> list[str]:
    details: list[str] = []
    for name in ("subject", "source", "nested"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            details.append(f"{name}: {a!r} -> {b!r}")
    for name, a_map, b_map in (
        ("definition", old.definitions, new.definitions),
        ("note", old.notes, new.notes),
    ):
        for lang in sorted(set(a_map) | set(b_map)):
            if a_map.get(lang) != b_map.get(lang):
                details.append(f"{name}.{lang}: {a_map.get(lang)!r} -> {b_map.get(lang)!r}")
    old_terms = {(t.lang, t.text): t for t in old.terms}
    new_terms = {(t.lang, t.text): t for t in new.terms}
    for key, term in new_terms.items():
        if key not in old_terms:
            details.append(f"{term.lang}: + {_term_summary(term)}")
    for key, term in old_terms.items():
        if key not in new_terms:
            details.append(f"{term.lang}: - {_term_summary(term)}")
            continue
        a, b = _term_fields(term), _term_fields(new_terms[key])
        for name in a:
            if a[name] != b[name]:
                details.append(f"{term.lang}: {term.text!r} {name}: {a[name]!r} -> {b[name]!r}")
    return details


def diff_glossaries(old: Glossary, new: Glossary) -> list[ConceptChange]:
    """Concept-level changes from `old` to `new`, in `new`'s order then removed ones."""
    old_by_id = {c.id: c for c in old.concepts}
    new_ids = {c.id for c in new.concepts}
    changes: list[ConceptChange] = []
    for concept in new.concepts:
        before = old_by_id.get(concept.id)
        if before is None:
            terms = ", ".join(f"{t.lang}:{t.text}" for t in concept.terms[:6])
            changes.append(ConceptChange(concept.id, "added", [terms] if terms else []))
            continue
        details = _concept_details(before, concept)
        if details:
            changes.append(ConceptChange(concept.id, "changed", details))
    for concept in old.concepts:
        if concept.id not in new_ids:
            changes.append(ConceptChange(concept.id, "removed"))
    return changes
