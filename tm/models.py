"""Plain data the whole library passes around: units, inline codes, matches, concepts.

No database, no I/O: readers produce these, the store persists them, the matcher and
the glossary engine consume them. Keeping them plain dataclasses lets the pure core be
tested without a database.

Inline codes: a segment's text carries one Unicode private-use character per inline
code (U+E000 + index into `codes`), the way Okapi's "coded text" does. Matching can
treat a code as one token, formats can round-trip the original markup from `codes`, and
plain `str` operations (length, slicing, hashing) stay valid.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

CODE_BASE = 0xE000
CODE_LIMIT = 0xF8FF  # end of the BMP private use area: at most 6,400 codes a segment

CodeRole = Literal["open", "close", "standalone"]


class Status(enum.StrEnum):
    """Review status of a unit; ranking prefers the later ones (see `rank`)."""

    DRAFT = "draft"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    CORRECTED = "corrected"

    @property
    def rank(self) -> int:
        """Higher is more trusted: corrected pairs are the product's reason to exist."""
        return _STATUS_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Status:
        try:
            return cls(value.strip().lower())
        except ValueError as err:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown status {value!r} (use one of: {allowed})") from err


_STATUS_RANK = {Status.DRAFT: 0, Status.TRANSLATED: 1, Status.REVIEWED: 2, Status.CORRECTED: 3}


@dataclass(frozen=True)
class InlineCode:
    """One inline code (tag, placeholder) of a segment, kept so it survives a round trip.

    `kind` is the element it came from (TMX bpt/ept/ph/it/hi/ut, XLIFF g/x/bx/ex/ph/pc/
    sc/ec ...); `data` the native code it stands for (`<b>`, `%s`), `attrs` any other
    attributes in document order, `id` the pairing id that links an open and close code.
    """

    role: CodeRole
    id: str
    kind: str
    data: str = ""
    attrs: tuple[tuple[str, str], ...] = ()


def code_char(index: int) -> str:
    """The private-use character that stands for `codes[index]` in segment text."""
    if not 0 <= index <= CODE_LIMIT - CODE_BASE:
        raise ValueError(f"too many inline codes in one segment ({index + 1})")
    return chr(CODE_BASE + index)


def code_index(ch: str) -> int | None:
    """Index of the code a character stands for, or None for ordinary text."""
    cp = ord(ch)
    return cp - CODE_BASE if CODE_BASE <= cp <= CODE_LIMIT else None


def has_codes(text: str) -> bool:
    return any(CODE_BASE <= ord(ch) <= CODE_LIMIT for ch in text)


def display_text(text: str, codes: Sequence[InlineCode]) -> str:
    """Text for people: codes shown as `{1}`, `{/1}` and `{1/}`, as CAT tools show tags."""
    out: list[str] = []
    for ch in text:
        idx = code_index(ch)
        if idx is None or idx >= len(codes):
            out.append(ch)
            continue
        code = codes[idx]
        num = idx + 1
        out.append({"open": f"{{{num}}}", "close": f"{{/{num}}}"}.get(code.role, f"{{{num}/}}"))
    return "".join(out)


def native_text(text: str, codes: Sequence[InlineCode]) -> str:
    """Text with each code replaced by the native markup it stands for (`<b>`, `%s`)."""
    out: list[str] = []
    for ch in text:
        idx = code_index(ch)
        if idx is None or idx >= len(codes):
            out.append(ch)
        else:
            out.append(codes[idx].data)
    return "".join(out)


def strip_codes(text: str) -> str:
    """Text without any inline code characters (for word counts and concordance)."""
    return "".join(ch for ch in text if code_index(ch) is None)


@dataclass
class Variant:
    """One language's text within a unit (a TMX `tuv`)."""

    lang: str
    text: str
    codes: tuple[InlineCode, ...] = ()
    created_at: datetime | None = None
    created_by: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
    props: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Neighbouring segments of the same language in the original document, used for
    # in-context (101) matches.
    prev_text: str | None = None
    next_text: str | None = None

    @property
    def plain(self) -> str:
        return native_text(self.text, self.codes)


@dataclass
class Unit:
    """A multilingual translation unit: the same meaning in any number of languages.

    `source_lang` records which variant was the source when the file said so (TMX
    `srclang`, XLIFF `source-language`); lookups may still go in any direction.
    """

    variants: list[Variant]
    source_lang: str | None = None
    unit_id: str | None = None  # TMX tuid, XLIFF unit id, PO msgctxt+msgid position
    context_key: str | None = None  # PO msgctxt, XLIFF resname/id: an in-context key
    document: str | None = None  # the document the pair was translated in
    status: Status = Status.TRANSLATED
    usage_count: int = 0
    created_at: datetime | None = None
    created_by: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
    note: str | None = None
    props: list[tuple[str, str]] = field(default_factory=list)
    # Where in the input file the unit started, for error messages and findings.
    line: int | None = None

    def variant(self, lang: str) -> Variant | None:
        """The first variant in the same language as `lang` (regional variants match)."""
        from tm.langs import match_key

        key = match_key(lang)
        exact = [v for v in self.variants if v.lang == lang]
        if exact:
            return exact[0]
        for v in self.variants:
            if match_key(v.lang) == key:
                return v
        return None

    @property
    def languages(self) -> list[str]:
        return [v.lang for v in self.variants]

    def with_variants(self, variants: Iterable[Variant]) -> Unit:
        return replace(self, variants=list(variants))


# --- glossary -----------------------------------------------------------------------


class TermStatus(enum.StrEnum):
    """Normative status of a term (TBX administrativeStatus / normativeAuthorization)."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    DEPRECATED = "deprecated"
    FORBIDDEN = "forbidden"

    @property
    def approved(self) -> bool:
        """Preferred and admitted terms are the ones a translation may use."""
        return self in (TermStatus.PREFERRED, TermStatus.ADMITTED)


@dataclass
class Term:
    """A designation of a concept in one language, with the rules for using it."""

    text: str
    lang: str
    status: TermStatus = TermStatus.PREFERRED
    part_of_speech: str | None = None
    case_sensitive: bool = False
    variants: list[str] = field(default_factory=list)  # spelling/inflected forms to match
    usage_note: str | None = None
    note: str | None = None  # e.g. why a forbidden term is wrong
    do_not_translate: bool = False
    # False: recognise only `text` and `variants` as written (no lemmatising/stemming),
    # for short words that inflection would confuse with other words.
    inflect: bool = True


@dataclass
class Concept:
    """A concept entry: one meaning, its subject field and its terms in many languages."""

    id: str
    subject: str | None = None
    definitions: dict[str, str] = field(default_factory=dict)  # lang -> definition
    notes: dict[str, str] = field(default_factory=dict)  # lang -> note
    source: str | None = None
    terms: list[Term] = field(default_factory=list)
    glossary: str | None = None  # name of the glossary it came from
    # Priority of that glossary: when two concepts claim the same span, the higher wins.
    priority: int = 0
    # True: report this concept's terms even inside a longer matched term
    # ("chemotherapy" inside "neoadjuvant chemotherapy"); off by default.
    nested: bool = False
    line: int | None = None  # where the concept starts in its glossary file, for messages

    def terms_in(self, lang: str, *, approved_only: bool = False) -> list[Term]:
        from tm.langs import match_key

        key = match_key(lang)
        return [
            t
            for t in self.terms
            if match_key(t.lang) == key and (not approved_only or t.status.approved)
        ]


@dataclass(frozen=True)
class TermHit:
    """A term found in a text: where, which concept, which term and with what status."""

    start: int
    end: int
    text: str  # the text as it stands in the input (inflected form)
    concept_id: str
    term: str  # the glossary term that matched
    status: TermStatus
    lang: str
    glossary: str | None = None  # the glossary of the concept that won the span
    # Other concepts whose terms match exactly the same span (homonyms, overlapping
    # glossaries), best first; empty in the usual case.
    alternatives: tuple[str, ...] = ()
