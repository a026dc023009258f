"""Plain records of a pre-translated job: what every bilingual writer and the report read.

The service fills these from the document segments, the memory lookup and the glossary;
the writers (XLIFF 2.1, XLIFF 1.2, PO) and the analysis report only read them, so each
can be tested with hand-made records and no database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from tm.models import InlineCode

# Analysis bands in report order (CAT-tool convention). Keys are stable: JSON reports and
# scripts use them.
IN_CONTEXT = "in-context"
EXACT = "100"
NO_MATCH = "no-match"
REPETITIONS = "repetitions"
BANDS: tuple[str, ...] = (
    IN_CONTEXT,
    EXACT,
    "95-99",
    "85-94",
    "75-84",
    "50-74",
    NO_MATCH,
    REPETITIONS,
)
BAND_LABELS = {
    IN_CONTEXT: "In context (101%)",
    EXACT: "100%",
    "95-99": "95-99%",
    "85-94": "85-94%",
    "75-84": "75-84%",
    "50-74": "50-74%",
    NO_MATCH: "No match",
    REPETITIONS: "Repetitions",
}
# Lowest score the analysis looks for: below it a "match" saves a translator nothing.
ANALYSIS_FLOOR = 50.0

# Fuzzy bands as (band, lowest score), highest first.
_FUZZY_BANDS = (("95-99", 95.0), ("85-94", 85.0), ("75-84", 75.0), ("50-74", 50.0))


def band_for(kind: str | None, score: float | None) -> str:
    """The analysis band of a best match (`kind` in-context|exact|fuzzy|adapted).

    The score decides, so an exact text whose match lost points (a draft translation,
    different case) lands in the band of its score, as CAT tools count it; in-context
    needs the context and a full score (the matcher gives it 101).
    """
    if kind is None or score is None:
        return NO_MATCH
    if score >= 101 or (kind == "in-context" and score >= 100):
        return IN_CONTEXT
    if score >= 100:
        return EXACT
    for band, low in _FUZZY_BANDS:
        if score >= low:
            return band
    return NO_MATCH


class SegmentState(enum.StrEnum):
    """What the translator has to do with a segment of the bilingual file."""

    FINAL_READY = "final-ready"  # in-context or exact match applied: confirm and go
    REVIEW = "review"  # fuzzy or adapted match applied: edit it
    SOURCE_COPY = "source-copy"  # --mt-fill source: the source text stands in the target
    UNTRANSLATED = "untranslated"  # nothing applied: translate from scratch


@dataclass
class MatchInfo:
    """One memory match, as the bilingual file shows it (a copy of the lookup's Match)."""

    score: float
    kind: str  # in-context | exact | fuzzy | adapted
    source_text: str
    target_text: str
    source_codes: tuple[InlineCode, ...] = ()
    target_codes: tuple[InlineCode, ...] = ()
    memory: str | None = None
    unit_id: str | None = None
    status: str | None = None
    origin_file: str | None = None
    document: str | None = None
    penalties: list[str] = field(default_factory=list)
    similarity: float | None = None  # source similarity before penalties, if known

    @property
    def final_ready(self) -> bool:
        """In-context and exact matches at full score only need a translator's confirmation."""
        return self.kind in ("in-context", "exact") and self.score >= 100

    @property
    def origin(self) -> str:
        """Where the match came from, for people: memory and file."""
        parts = [p for p in (self.memory, self.origin_file) if p]
        return ": ".join(parts) if parts else "translation memory"

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "kind": self.kind,
            "band": band_for(self.kind, self.score),
            "source": self.source_text,
            "target": self.target_text,
            "memory": self.memory,
            "unit_id": self.unit_id,
            "status": self.status,
            "origin_file": self.origin_file,
            "document": self.document,
            "penalties": list(self.penalties),
            "similarity": self.similarity,
        }


@dataclass
class GlossaryEntry:
    """A glossary concept found in a source segment, with its approved target terms."""

    concept_id: str
    source_term: str  # the glossary term that matched
    found_text: str  # the text as it stands in the segment (maybe inflected)
    start: int
    end: int
    targets: list[str] = field(default_factory=list)
    definition: str | None = None
    glossary: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept": self.concept_id,
            "term": self.source_term,
            "found": self.found_text,
            "start": self.start,
            "end": self.end,
            "targets": list(self.targets),
            "glossary": self.glossary,
        }


@dataclass
class PretranslatedSegment:
    """One source segment with what pre-translation put in its target and why."""

    id: str
    source: str  # with inline-code characters
    source_codes: tuple[InlineCode, ...] = ()
    block_id: str | None = None
    line: int | None = None
    prev_text: str | None = None
    next_text: str | None = None
    target: str | None = None
    target_codes: tuple[InlineCode, ...] = ()
    state: SegmentState = SegmentState.UNTRANSLATED
    band: str = NO_MATCH  # analysis band; REPETITIONS for a 2nd+ occurrence
    applied: MatchInfo | None = None  # the match whose target was applied
    candidates: list[MatchInfo] = field(default_factory=list)  # shown to the translator
    repetition_of: str | None = None  # id of the first occurrence
    glossary: list[GlossaryEntry] = field(default_factory=list)
    words: int = 0
    characters: int = 0

    @property
    def adapted(self) -> bool:
        return self.applied is not None and self.applied.kind == "adapted"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "block": self.block_id,
            "line": self.line,
            "source": self.source,
            "target": self.target,
            "state": self.state.value,
            "band": self.band,
            "adapted": self.adapted,
            "repetition_of": self.repetition_of,
            "match": self.applied.to_dict() if self.applied else None,
            "glossary": [g.to_dict() for g in self.glossary],
            "words": self.words,
            "characters": self.characters,
        }


@dataclass
class BilingualFile:
    """One pre-translated document: its segments and what rebuilding it needs."""

    name: str  # the source document's file name, as the bilingual file records it
    source_lang: str
    target_lang: str
    original_format: str  # document filter name (text, markdown, html, po, xliff ...)
    skeleton: str  # Document.to_json(): enough to rebuild the article in its format
    segments: list[PretranslatedSegment] = field(default_factory=list)
    memory: str | None = None
    tool_note: str | None = None
