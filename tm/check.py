"""Glossary-compliance rules over segment pairs: what `tm check` reports, without any I/O.

Input is a stream of `CheckPair` (source text or None, target text, languages, where it
came from) and a term matcher; output is `Finding` objects. Reading files, the store,
configuration and rendering live elsewhere, so the rules can be tested on strings.

Rules (ids are stable; they appear in configs, baselines and suppression markers):

* ``missing-term`` (error): the source holds a term of a concept and the target none of
  that concept's approved (preferred/admitted) target terms, inflected forms included.
* ``forbidden-term`` (error): the target holds a forbidden term; names the approved ones.
  Needs no source, so it also runs on monolingual articles.
* ``deprecated-term`` (warning): the target holds a deprecated term.
* ``inconsistent-translation`` (warning): one source segment, several translations.
* ``untranslated-term`` (warning): a do-not-translate source term is missing from the
  target, or a term that must be translated was copied into the target unchanged.

One error, one finding: when the target uses a forbidden or deprecated term of the very
concept the source holds, only that term's rule fires (not also missing-term), and a
copied-over source term is reported as untranslated-term rather than missing-term.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tm.langs import match_key, uses_spaces
from tm.models import CODE_BASE, CODE_LIMIT, Concept, Term, TermHit, TermStatus
from tm.normalize import exact_key


class Severity(enum.StrEnum):
    """How bad a finding is; `--fail-on` compares against `rank`."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


@dataclass(frozen=True)
class Rule:
    """A rule's stable id, default severity and the one line that explains it."""

    id: str
    severity: Severity
    summary: str


MISSING_TERM = "missing-term"
FORBIDDEN_TERM = "forbidden-term"
DEPRECATED_TERM = "deprecated-term"
INCONSISTENT = "inconsistent-translation"
UNTRANSLATED = "untranslated-term"

RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            MISSING_TERM,
            Severity.ERROR,
            "The source has a glossary term but the target has none of its approved translations.",
        ),
        Rule(
            FORBIDDEN_TERM,
            Severity.ERROR,
            "The target uses a term the glossary forbids; use an approved term instead.",
        ),
        Rule(
            DEPRECATED_TERM,
            Severity.WARNING,
            "The target uses a deprecated term; replace it with the approved term.",
        ),
        Rule(
            INCONSISTENT,
            Severity.WARNING,
            "The same source segment is translated differently across the checked files.",
        ),
        Rule(
            UNTRANSLATED,
            Severity.WARNING,
            "A do-not-translate term was translated, or a term was left untranslated.",
        ),
    )
}

# Marker value meaning "every rule" in suppression markers and pair.ignore.
ALL_RULES = "*"


class TermFinder(Protocol):
    """What the rules need from the glossary engine (tm.terms.TermMatcher satisfies it)."""

    def find(self, text: str, lang: str, *, longest: bool = True) -> list[TermHit]: ...

    def approved_targets(self, concept_id: str, lang: str) -> list[Term]: ...


@dataclass(frozen=True)
class CheckPair:
    """One thing to check: a target text, its source when there is one, and where it is.

    `source` is None for monolingual text (articles): only rules that need no source run.
    `ignore` holds rule ids suppressed for this unit by an inline marker (`*` = all).
    """

    target: str
    target_lang: str
    source: str | None = None
    source_lang: str | None = None
    file: str | None = None
    line: int | None = None
    unit: str | None = None
    ignore: frozenset[str] = frozenset()
    # A disambiguating context (PO msgctxt): the same source in another context may be
    # translated differently without being inconsistent.
    context: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem a person can act on: where, which rule, what was found, what to use."""

    rule: str
    severity: Severity
    file: str | None
    line: int | None
    unit: str | None
    source_lang: str | None
    target_lang: str
    concept: str | None
    source_term: str | None
    found: str | None
    expected: tuple[str, ...]
    message: str
    column: int | None = None
    note: str | None = None  # the glossary's note on the term: why it is wrong
    # Where `found` starts in the target text; callers that know how the text maps to
    # the file (articles) turn it into line and column.
    offset: int | None = field(default=None, compare=False)
    # The segment texts: kept for fingerprints (baselines survive line moves), not shown.
    source_text: str | None = field(default=None, repr=False, compare=False)
    target_text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract's finding object (docs/check.md); keys never removed."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "unit": self.unit,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "concept": self.concept,
            "source_term": self.source_term,
            "found": self.found,
            "expected": list(self.expected),
            "message": self.message,
            "note": self.note,
        }

    @property
    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.offset or 0,
            self.rule,
            self.found or "",
        )


def parse_severity(value: str) -> Severity | None:
    """Severity from config/CLI text; `off` (or `none`) disables the rule."""
    low = value.strip().lower()
    if low in ("off", "none", "ignore", "disabled"):
        return None
    if low == "info":
        return Severity.NOTE
    try:
        return Severity(low)
    except ValueError as err:
        raise ValueError(f"unknown severity {value!r} (use error, warning, note or off)") from err


# `tm-check: ignore` (every rule) or `tm-check: ignore missing-term, forbidden-term`, with an
# optional reason after ` -- `, in a PO translator comment, an XLIFF <note>, or an
# HTML/Markdown comment of an article.
_MARKER_RE = re.compile(r"tm-check:\s*ignore\b(?P<rest>[^\n]*)", re.IGNORECASE)
_RULE_LIKE_RE = re.compile(r"^[a-z]+(?:-[a-z]+)+$")


def suppressed_rules(notes: Iterable[str | None]) -> frozenset[str]:
    """Rule ids an inline suppression marker switches off (`*` when it names none).

    A marker naming only unknown rule-like words (a typo such as `forbiden-term`)
    suppresses nothing, so a typo can never silence more than was meant.
    """
    out: set[str] = set()
    for note in notes:
        if not note:
            continue
        for m in _MARKER_RE.finditer(note):
            words = [w for w in re.split(r"[\s,]+", m.group("rest").split("--")[0].lower()) if w]
            named = [w for w in words if _RULE_LIKE_RE.match(w)]
            if not named:
                out.add(ALL_RULES)
            out.update(w for w in named if w in RULES)
    return frozenset(out)


_CODE_RE = re.compile(f"[{chr(CODE_BASE)}-{chr(CODE_LIMIT)}]")


def plain_text(text: str) -> str:
    """Segment text with inline-code characters turned into spaces, so terms stay words.

    Offsets are kept (one character for one), which keeps columns right.
    """
    if _CODE_RE.search(text) is None:
        return text
    return _CODE_RE.sub(" ", text)


def _quote(items: Iterable[str]) -> str:
    return ", ".join(f"'{x}'" for x in items)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_verbatim(text: str, needle: str, *, case_sensitive: bool, lang: str) -> str | None:
    """`needle` as it stands in `text` (whole words where words have spaces), or None.

    A plain substring search with a boundary check, not a regex: it runs for every
    source term of every pair, and compiling one pattern per term costs more than that.
    """
    if not needle:
        return None
    hay, pin = (text, needle) if case_sensitive else (text.lower(), needle.lower())
    if len(hay) != len(text) or len(pin) != len(needle):
        hay, pin = text, needle  # lower() changed lengths (rare scripts): compare as written
    spaced = uses_spaces(lang) and _is_word_char(needle[0]) and _is_word_char(needle[-1])
    start = hay.find(pin)
    while start >= 0:
        end = start + len(pin)
        if not spaced or (
            (start == 0 or not _is_word_char(hay[start - 1]))
            and (end == len(hay) or not _is_word_char(hay[end]))
        ):
            return text[start:end]
        start = hay.find(pin, start + 1)
    return None


def contains_verbatim(text: str, needle: str, *, case_sensitive: bool, lang: str) -> bool:
    """Whether `needle` stands in `text` unchanged, as whole words where words have spaces."""
    return find_verbatim(text, needle, case_sensitive=case_sensitive, lang=lang) is not None


_APPROVED = frozenset({TermStatus.PREFERRED, TermStatus.ADMITTED})


# Languages that write compounds as one word: a term inside a longer word is the term
# (`Brustkrebs` in `Brustkrebsbehandlung`, `Rezidiv` in `Brustkrebsrezidiv`).
_COMPOUNDING = frozenset({"de", "nl", "sv", "da", "nb", "nn", "no", "is", "af", "lb"})
_LOOSE_MIN = 4  # shorter words (ER, HER2, `oral`) must stand as written
_LOOSE_PREFIX = 0.7  # share of a term word a derived form must keep (metastasis/metastatic)
_LETTERS_RE = re.compile(r"[^\W\d_]+")


def loosely_present(target: str, terms: Sequence[Term], *, lang: str) -> bool:
    """Whether the target plausibly uses one of `terms` in a form the matcher cannot see.

    The matcher knows inflection; a correct translation may still use a derived form
    (`metastatic` for 转移, `recurrent`) or, in German and its kin, a compound
    (`Östrogenspiegel`). A term counts as present when every word of it of at least
    four letters begins a target word sharing 70% of its letters, or, in compounding
    languages, stands inside a target word; shorter words must appear whole. Only used
    before reporting missing-term, never to excuse a forbidden term; case-sensitive terms
    are not loosened. Measured on the sample memory: see docs/check.md.
    """
    if not uses_spaces(lang):
        return False
    words = {w.lower() for w in _LETTERS_RE.findall(target)}
    if not words:
        return False
    compounding = match_key(lang) in _COMPOUNDING
    for term in terms:
        if term.case_sensitive:
            continue
        parts = [p.lower() for p in _LETTERS_RE.findall(term.text)]
        if parts and all(_loose_word(p, words, compounding) for p in parts):
            return True
    return False


def _loose_word(part: str, words: Collection[str], compounding: bool) -> bool:
    if part in words:
        return True
    if len(part) < _LOOSE_MIN:
        return False
    need = max(_LOOSE_MIN, math.ceil(_LOOSE_PREFIX * len(part)))
    stem = part[:need]
    return any(word.startswith(stem) or (compounding and part in word) for word in words)


def outermost_hits(hits: Sequence[TermHit], nested: Collection[str] = ()) -> list[TermHit]:
    """Hits not strictly inside a longer hit (the longest-match principle).

    `新辅助化疗` holds `化疗`; only the longer concept counts for the source, and a
    forbidden `lymphoma system` is not also read as `lymphoma`. Concepts in `nested` opt
    out (glossary `nested = true`). Hits sharing one span (homonyms) all stay.
    """
    if len(hits) < 2:
        return list(hits)
    out: list[TermHit] = []
    for h in hits:
        if h.concept_id in nested:
            out.append(h)
            continue
        inside = any(
            g.start <= h.start and h.end <= g.end and (g.end - g.start) > (h.end - h.start)
            for g in hits
        )
        if not inside:
            out.append(h)
    return out


@dataclass
class _Hits:
    """Term hits of one text, computed once and shared by all rules."""

    all: list[TermHit]
    outer: list[TermHit]

    def concepts(self) -> set[str]:
        return {h.concept_id for h in self.all}


class Checker:
    """Runs the per-pair rules against one glossary and collects cross-file evidence.

    Construct once per run (it indexes the glossary's terms), feed every pair to
    `check`, then call `finish` for the rules that need all pairs (consistency).
    """

    def __init__(
        self,
        matcher: TermFinder,
        concepts: Iterable[Concept],
        *,
        severities: Mapping[str, Severity | None] | None = None,
        rules: Collection[str] | None = None,
    ) -> None:
        self.matcher = matcher
        self._terms: dict[tuple[str, str, str], Term] = {}
        self._nested: set[str] = set()
        self._dnt_concepts: set[str] = set()  # concepts with a do-not-translate term
        self._priority: dict[str, int] = {}
        for concept in concepts:
            self._priority.setdefault(concept.id, concept.priority)
            if concept.nested:
                self._nested.add(concept.id)
            for term in concept.terms:
                key = (concept.id, match_key(term.lang), term.text.casefold())
                self._terms.setdefault(key, term)
                if term.do_not_translate:
                    self._dnt_concepts.add(concept.id)
        self.severities: dict[str, Severity] = {}
        for rule in RULES.values():
            if rules is not None and rule.id not in rules:
                continue
            severity = rule.severity
            if severities and rule.id in severities:
                configured = severities[rule.id]
                if configured is None:
                    continue
                severity = configured
            self.severities[rule.id] = severity
        # (source lang, target lang, context, source text) -> (target text, clean?, pair)
        self._consistency: dict[tuple[str, str, str, str], list[tuple[str, bool, CheckPair]]] = (
            defaultdict(list)
        )
        self._approved_cache: dict[tuple[str, str], tuple[Term, ...]] = {}
        self.suppressed = 0  # findings silenced by inline markers so far

    # -- glossary look-ups ------------------------------------------------------------

    def term_of(self, hit: TermHit) -> Term | None:
        """The glossary Term a hit matched (for its do-not-translate and case flags)."""
        return self._terms.get((hit.concept_id, match_key(hit.lang), hit.term.casefold()))

    def approved_terms(self, concept_id: str, lang: str) -> tuple[Term, ...]:
        """Approved target terms of a concept, preferred first (cached: asked per hit)."""
        key = (concept_id, match_key(lang))
        cached = self._approved_cache.get(key)
        if cached is None:
            cached = tuple(self.matcher.approved_targets(concept_id, lang))
            self._approved_cache[key] = cached
        return cached

    def approved(self, concept_id: str, lang: str) -> tuple[str, ...]:
        """The texts of `approved_terms`: what a finding tells the translator to use."""
        return tuple(t.text for t in self.approved_terms(concept_id, lang))

    def _hits(self, text: str, lang: str) -> _Hits:
        found = self.matcher.find(text, lang, longest=False)
        return _Hits(all=found, outer=outermost_hits(found, self._nested))

    # -- running ----------------------------------------------------------------------

    def active(self, rule: str) -> bool:
        """Whether the rule runs at all (selected and not switched off)."""
        return rule in self.severities

    def _unsuppressed(self, findings: list[Finding], pair: CheckPair) -> list[Finding]:
        """Drop findings an inline marker silences, counting them for the summary."""
        if not pair.ignore or not findings:
            return findings
        kept = [f for f in findings if ALL_RULES not in pair.ignore and f.rule not in pair.ignore]
        self.suppressed += len(findings) - len(kept)
        return kept

    def check(self, pair: CheckPair) -> list[Finding]:
        """Findings of the per-pair rules for one pair (consistency is gathered for later)."""
        target = plain_text(pair.target)
        if not target.strip():
            return []  # an untranslated unit is not a glossary problem
        source = plain_text(pair.source) if pair.source is not None else None
        tgt_hits = self._hits(target, pair.target_lang)
        src_hits = (
            self._hits(source, pair.source_lang)
            if source is not None and pair.source_lang is not None
            else None
        )
        findings: list[Finding] = []
        self._term_status_rules(pair, source, target, src_hits, tgt_hits, findings)
        if src_hits is not None and source is not None:
            self._source_term_rules(pair, source, target, src_hits, tgt_hits, findings)
            if self.active(INCONSISTENT) and source.strip():
                assert pair.source_lang is not None
                key = (
                    match_key(pair.source_lang),
                    match_key(pair.target_lang),
                    pair.context or "",
                    exact_key(source),
                )
                # The target's key is computed in finish(), only for repeated sources.
                self._consistency[key].append((target, not findings, pair))
        return self._unsuppressed(findings, pair)

    def run(self, pairs: Iterable[CheckPair]) -> Iterator[Finding]:
        """Check every pair, then yield the cross-pair findings: the whole rule set."""
        for pair in pairs:
            yield from self.check(pair)
        yield from self.finish()

    # -- forbidden / deprecated ---------------------------------------------------------

    def _term_status_rules(
        self,
        pair: CheckPair,
        source: str | None,
        target: str,
        src_hits: _Hits | None,
        tgt_hits: _Hits,
        out: list[Finding],
    ) -> None:
        wanted = {TermStatus.FORBIDDEN: FORBIDDEN_TERM, TermStatus.DEPRECATED: DEPRECATED_TERM}
        src_concepts = src_hits.concepts() if src_hits is not None else set()
        for hit in tgt_hits.outer:
            rule = wanted.get(hit.status)
            if rule is None or not self.active(rule):
                continue
            if self._ambiguous(hit, tgt_hits, src_concepts, bilingual=src_hits is not None):
                continue
            expected = self.approved(hit.concept_id, pair.target_lang)
            term = self.term_of(hit)
            source_term = None
            if src_hits is not None:
                source_term = next(
                    (h.text for h in src_hits.outer if h.concept_id == hit.concept_id), None
                )
            adjective = "forbidden" if rule == FORBIDDEN_TERM else "deprecated"
            message = f"'{hit.text}' is a {adjective} term for {hit.concept_id}"
            message += (
                f"; use {_quote(expected)}" if expected else "; the glossary has no approved term"
            )
            out.append(
                self._finding(
                    rule,
                    pair,
                    concept=hit.concept_id,
                    source_term=source_term,
                    found=hit.text,
                    expected=expected,
                    message=message,
                    note=term.note if term is not None else None,
                    offset=hit.start,
                    target=target,
                    source=source,
                )
            )

    def _ambiguous(
        self, hit: TermHit, tgt_hits: _Hits, src_concepts: set[str], *, bilingual: bool
    ) -> bool:
        """A forbidden term that is also an approved term of another concept on that span.

        "mammography" may be forbidden for mastectomy yet right for mammography. A
        higher-priority glossary approving it wins; with a source, the source decides;
        without one we cannot tell and stay quiet.
        """
        others = [
            g
            for g in tgt_hits.all
            if g.concept_id != hit.concept_id
            and g.status.approved
            and g.start <= hit.start
            and hit.end <= g.end
        ]
        if not others:
            return False
        mine = self._priority.get(hit.concept_id, 0)
        if any(self._priority.get(g.concept_id, 0) > mine for g in others):
            return True
        if bilingual:
            if hit.concept_id in src_concepts:
                return False
            return any(g.concept_id in src_concepts for g in others)
        return True

    # -- missing / untranslated ---------------------------------------------------------

    def _source_term_rules(
        self,
        pair: CheckPair,
        source: str,
        target: str,
        src_hits: _Hits,
        tgt_hits: _Hits,
        out: list[Finding],
    ) -> None:
        assert pair.source_lang is not None
        approved_here: set[str] = set()  # concepts the target renders with an approved term
        flagged_here: set[str] = set()  # ... with a forbidden or deprecated one
        for h in tgt_hits.all:
            (approved_here if h.status in _APPROVED else flagged_here).add(h.concept_id)
        # Hits on one span are homonyms: satisfied if the target has any of their concepts.
        spans: dict[tuple[int, int], list[TermHit]] = {}
        for h in src_hits.outer:
            if h.status is not TermStatus.FORBIDDEN:  # a wrong source word names no concept
                spans.setdefault((h.start, h.end), []).append(h)
        seen: set[tuple[str, ...]] = set()
        for group in spans.values():
            hit = group[0]
            if len(group) == 1:
                concepts: tuple[str, ...] = (hit.concept_id,)
            else:
                concepts = tuple(sorted({h.concept_id for h in group}))
            if concepts in seen:
                continue  # the same term twice in a source needs one finding at most
            seen.add(concepts)
            if not self._dnt_concepts.isdisjoint(concepts):
                dnt = [t for t in map(self.term_of, group) if t is not None and t.do_not_translate]
                if dnt:
                    self._check_dnt(pair, source, target, hit, dnt[0], approved_here, out)
                    continue
            if not approved_here.isdisjoint(concepts):
                continue
            if not flagged_here.isdisjoint(concepts):
                continue  # reported by forbidden-term / deprecated-term
            terms = [self.term_of(h) for h in group]
            expected = tuple(
                dict.fromkeys(t for c in concepts for t in self.approved(c, pair.target_lang))
            )
            if not expected:
                continue  # the glossary says nothing about this language
            if loosely_present(
                target,
                [t for c in concepts for t in self.approved_terms(c, pair.target_lang)],
                lang=pair.target_lang,
            ):
                continue
            concept = concepts[0] if len(concepts) == 1 else "|".join(concepts)
            case_sensitive = any(t is not None and t.case_sensitive for t in terms)
            if self.active(UNTRANSLATED) and contains_verbatim(
                target, hit.text, case_sensitive=case_sensitive, lang=pair.target_lang
            ):
                out.append(
                    self._finding(
                        UNTRANSLATED,
                        pair,
                        concept=concept,
                        source_term=hit.text,
                        found=hit.text,
                        expected=expected,
                        message=f"'{hit.text}' was left untranslated; use {_quote(expected)}",
                        target=target,
                        source=source,
                    )
                )
                continue
            if self.active(MISSING_TERM):
                out.append(
                    self._finding(
                        MISSING_TERM,
                        pair,
                        concept=concept,
                        source_term=hit.text,
                        found=None,
                        expected=expected,
                        message=(
                            f"source term '{hit.text}' ({concept}) is not translated with "
                            f"an approved term; use {_quote(expected)}"
                        ),
                        target=target,
                        source=source,
                    )
                )

    def _check_dnt(
        self,
        pair: CheckPair,
        source: str,
        target: str,
        hit: TermHit,
        term: Term,
        approved_here: Collection[str],
        out: list[Finding],
    ) -> None:
        """A do-not-translate term must reach the target as written (or as a glossary form)."""
        if not self.active(UNTRANSLATED):
            return
        if hit.concept_id in approved_here:
            return
        for needle in dict.fromkeys((hit.text, term.text)):
            if contains_verbatim(
                target, needle, case_sensitive=term.case_sensitive, lang=pair.target_lang
            ):
                return
        # Kept but with the wrong case (`her2` for case-sensitive `HER2`)?
        altered = None
        if term.case_sensitive:
            altered = find_verbatim(target, term.text, case_sensitive=False, lang=pair.target_lang)
        expected = tuple(
            dict.fromkeys((term.text, *self.approved(hit.concept_id, pair.target_lang)))
        )
        if altered:
            message = (
                f"'{hit.text}' is marked do-not-translate; write it as {_quote(expected)}, "
                f"not '{altered}'"
            )
        else:
            message = (
                f"'{hit.text}' is marked do-not-translate but does not appear in the "
                f"target; keep {_quote(expected)}"
            )
        out.append(
            self._finding(
                UNTRANSLATED,
                pair,
                concept=hit.concept_id,
                source_term=hit.text,
                found=altered,
                expected=expected,
                message=message,
                target=target,
                source=source,
            )
        )

    # -- consistency ----------------------------------------------------------------------

    def finish(self) -> list[Finding]:
        """Cross-pair findings, once every pair was seen: inconsistent translations.

        Each group of same-source pairs with more than one translation flags the pairs
        whose translation differs from the one to keep, and names it. The one to keep is
        a translation that broke no term rule, then the most frequent, then the first
        seen, so the advice never points at a translation the glossary rejects.
        """
        out: list[Finding] = []
        for group in self._consistency.values():
            if len(group) < 2:
                continue
            entries = [(exact_key(t), ok, p) for t, ok, p in group]
            counts = Counter(t for t, _clean, _p in entries)
            if len(counts) < 2:
                continue
            first_seen: dict[str, int] = {}
            clean: dict[str, bool] = {}
            for i, (t, ok, _p) in enumerate(entries):
                first_seen.setdefault(t, i)
                clean[t] = clean.get(t, True) and ok
            keep = max(counts, key=lambda t: (clean[t], counts[t], -first_seen[t]))
            model = entries[first_seen[keep]][2]
            keep_text = plain_text(model.target).strip()
            where = _where(model)
            for text_key, _ok, pair in entries:
                if text_key == keep:
                    continue
                this_text = plain_text(pair.target).strip()
                found = [
                    self._finding(
                        INCONSISTENT,
                        pair,
                        concept=None,
                        source_term=None,
                        found=this_text,
                        expected=(keep_text,),
                        message=(
                            f"same source translated differently elsewhere: "
                            f"{counts[keep]} unit(s) have '{_shorten(keep_text)}' "
                            f"(first at {where})"
                        ),
                        target=this_text,
                        source=plain_text(pair.source or ""),
                    )
                ]
                out.extend(self._unsuppressed(found, pair))
        self._consistency.clear()
        return out

    # -- building findings ----------------------------------------------------------------

    def _finding(
        self,
        rule: str,
        pair: CheckPair,
        *,
        concept: str | None,
        source_term: str | None,
        found: str | None,
        expected: Sequence[str],
        message: str,
        target: str,
        source: str | None,
        offset: int | None = None,
        note: str | None = None,
    ) -> Finding:
        return Finding(
            rule=rule,
            severity=self.severities[rule],
            file=pair.file,
            line=pair.line,
            unit=pair.unit,
            source_lang=pair.source_lang,
            target_lang=pair.target_lang,
            concept=concept,
            source_term=source_term,
            found=found,
            expected=tuple(expected),
            message=message,
            note=note,
            offset=offset,
            source_text=source,
            target_text=target,
        )


def _where(pair: CheckPair) -> str:
    where = pair.file or "<input>"
    if pair.line is not None:
        where += f":{pair.line}"
    elif pair.unit is not None:
        where += f" unit {pair.unit}"
    return where


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_pairs(
    pairs: Iterable[CheckPair],
    matcher: TermFinder,
    concepts: Iterable[Concept],
    *,
    severities: Mapping[str, Severity | None] | None = None,
    rules: Collection[str] | None = None,
) -> list[Finding]:
    """All findings for `pairs`, sorted by place: the one-call form of `Checker`."""
    checker = Checker(matcher, concepts, severities=severities, rules=rules)
    return sorted(checker.run(pairs), key=lambda f: f.sort_key)
