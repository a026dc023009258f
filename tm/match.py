"""Scoring and ranking of translation-memory matches: the formula translators see.

Pure: no database, no I/O. The store finds candidates (tm/store/fuzzy_index.py); this
module decides how good each one is.

The score (documented for users in docs/matching.md):

* **101 in-context**: the source is exact and the context matches too (same PO msgctxt
  or XLIFF unit id, or the same previous and next segments of the document).
* **100 exact**: the same text after `exact_key` (Unicode NFC, whitespace runs,
  invisible characters).
* **fuzzy 0-99**: `floor(100 * (L - d) / L)` where `d` is the Levenshtein distance
  between the two token sequences (words; single characters in scripts without spaces)
  and `L` the longer sequence's length, minus the named penalties below. Numbers and
  placeholders are single tokens compared by value, markup and inline codes are not
  tokens (they cost a tag penalty instead).
* **adapted**: the two differ *only* in numbers or placeholders; the query's values are
  put into the target and the score is `100 - PENALTY_ADAPTED`.

Every penalty is named in the result so a translator can see why a match is not 100.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

from tm.diff import DiffPiece, word_diff
from tm.models import InlineCode, Status
from tm.normalize import (
    _TOKEN_RE,
    PLACEHOLDER_KEY,
    Analysis,
    analyze,
    exact_key,
    gap_tags,
    gap_text,
    number_value,
)

MatchKind = Literal["in-context", "exact", "adapted", "fuzzy"]

# --- named penalties (points off the score) ------------------------------------------
# Case: "Delete file" vs "delete file" needs at most a capital fixed; cheap, but it must
# not look like an exact match (Okapi uses -2 as well).
PENALTY_CASE = 2
# Punctuation: a missing full stop or a comma is quick to fix, yet it is a change.
PENALTY_PUNCTUATION = 2
# Whitespace: spacing around punctuation ("word ." vs "word."); the smallest visible edit.
PENALTY_WHITESPACE = 1
# Per inline code or tag added, removed or moved: the translator must place the tags
# again, which is mechanical work, not translation (capped so tags never swamp words).
PENALTY_TAG = 1
PENALTY_TAG_MAX = 10
# Residual formatting: texts differ in a way none of the checks above name (number
# format `10.5` vs `10,5`, a tag swapped with a space). Never let such a pair pass as 100.
PENALTY_FORMAT = 1
# Adapted: the tool substituted numbers/placeholders into the target itself; the result
# is right in the common case but a person must glance at it (units, number words).
PENALTY_ADAPTED = 1
# Draft: nobody confirmed this translation; it must not look as trusted as a reviewed one.
PENALTY_DRAFT = 3
# Alternatives: the memory holds different translations of this same source, so this
# one is a choice, not the answer.
PENALTY_ALTERNATIVES = 1
# Different context: the unit was stored under another PO msgctxt / XLIFF id, which is
# how software strings tell apart "Open" (verb) and "Open" (state).
PENALTY_CONTEXT = 2

KIND_ORDER: dict[str, int] = {"in-context": 0, "exact": 1, "adapted": 2, "fuzzy": 3}


# --- bands -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bands:
    """Score bands as translators name them; `edges` are the lower bounds, descending.

    The default gives 101, 100, 95-99, 85-94, 75-84, 50-74 and "no match" below 50.
    """

    edges: tuple[int, ...] = (101, 100, 95, 85, 75, 50)

    def __post_init__(self) -> None:
        if list(self.edges) != sorted(set(self.edges), reverse=True) or not self.edges:
            raise ValueError(f"band edges must be distinct and descending: {self.edges}")
        if self.edges[-1] < 0 or self.edges[0] > 101:
            raise ValueError(f"band edges must lie within 0..101: {self.edges}")

    @classmethod
    def parse(cls, spec: str) -> Bands:
        """Bands from a comma-separated list of lower bounds, e.g. `101,100,95,85,75,50`."""
        try:
            edges = tuple(sorted({int(p) for p in spec.split(",") if p.strip()}, reverse=True))
        except ValueError as err:
            raise ValueError(f"bands must be integers separated by commas: {spec!r}") from err
        return cls(edges)

    @property
    def labels(self) -> list[str]:
        """Every band label, best first, ending with "no match"."""
        out = []
        upper = None
        for edge in self.edges:
            top = 101 if upper is None else upper - 1
            out.append(str(edge) if top <= edge else f"{edge}-{min(top, 99)}")
            upper = edge
        return [*out, "no match"]

    def band_of(self, score: int) -> str:
        """The label of the band `score` falls into."""
        ascending = sorted(self.edges)
        i = bisect.bisect_right(ascending, score)
        if i == 0:
            return "no match"
        return self.labels[len(self.edges) - i]


DEFAULT_BANDS = Bands()


# --- scoring a pair ----------------------------------------------------------------


@dataclass
class PairScore:
    """How a candidate source compares to the query, before unit-level penalties."""

    score: int
    kind: MatchKind  # "exact", "adapted" (only numbers/placeholders differ) or "fuzzy"
    similarity: int  # floor(100 * (L - d) / L) on token values, before penalties
    penalties: list[tuple[str, int]]
    # The score to fall back to when an "adapted" match cannot be adapted after all
    # (its target does not contain the numbers): the value differences become edits.
    fallback_score: int
    query: Analysis
    candidate: Analysis


def similarity(distance: int, length: int) -> int:
    """The base score: the share of tokens that need no edit, rounded down."""
    if length == 0:
        return 100
    return (100 * (length - distance)) // length


def _fused(analysis: Analysis, gap_of: Any) -> list[str]:
    """Each token value fused with what `gap_of` keeps of the gap after it.

    Fusing (rather than interleaving gap tokens) makes a word inserted together with
    its comma one edit, not a word edit plus a punctuation difference.
    """
    gaps = analysis.gaps
    last = len(analysis.tokens) - 1
    out = [
        t.value + "\x02" + (gap_of(gaps[i + 1]) if i < last else "")
        for i, t in enumerate(analysis.tokens)
    ]
    # The text's opening and closing punctuation stand apart: "removed." vs "removed by
    # surgery." only deletes words, the full stop is there in both.
    lead, tail = gap_of(gaps[0]), gap_of(gaps[-1]) if analysis.tokens else ""
    return ([f"\x02{lead}"] if lead else []) + out + ([f"\x03{tail}"] if tail else [])


def _punctuation_of(gap: str) -> str:
    return "".join(gap_text(gap).split())


def _spacing_of(gap: str) -> str:
    # A plain separator (a space, or nothing in Chinese) is no difference; spacing only
    # counts next to punctuation ("word ." vs "word.", "a,b" vs "a, b").
    rest = gap_text(gap)
    return rest if rest.strip() else ""


def _tags_with_values(analysis: Analysis) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(analysis.tokens):
        out.extend("\x03" + t for t in gap_tags(analysis.gaps[i]))
        out.append(token.value)
    out.extend("\x03" + t for t in gap_tags(analysis.gaps[-1]))
    return out


def _case_values(analysis: Analysis) -> list[str]:
    return [t.surface if t.kind in ("word", "char") else t.value for t in analysis.tokens]


def _codes_differ(a: Sequence[InlineCode], b: Sequence[InlineCode]) -> int:
    """How many inline codes differ in role or native data at the same index."""
    if not a or not b:
        return 0
    diff = abs(len(a) - len(b))
    for x, y in zip(a, b, strict=False):
        if x.role != y.role or x.data != y.data:
            diff += 1
    return diff


def formatting_penalties(
    query: Analysis, candidate: Analysis, value_distance: int
) -> list[tuple[str, int]]:
    """Case, punctuation, whitespace and tag penalties, each symmetric in its arguments.

    Each check adds one kind of detail back into the token sequences and asks whether the
    edit distance grows: it only does when that detail differs on words that otherwise
    match, so a changed word never also costs a punctuation penalty for the same edit.
    """
    out: list[tuple[str, int]] = []
    if Levenshtein.distance(_case_values(query), _case_values(candidate)) > value_distance:
        out.append(("case", PENALTY_CASE))
    punct = Levenshtein.distance(_fused(query, _punctuation_of), _fused(candidate, _punctuation_of))
    if punct > value_distance:
        out.append(("punctuation", PENALTY_PUNCTUATION))
    spacing = Levenshtein.distance(_fused(query, _spacing_of), _fused(candidate, _spacing_of))
    if spacing > punct:
        out.append(("whitespace", PENALTY_WHITESPACE))
    tags = Levenshtein.distance(_tags_with_values(query), _tags_with_values(candidate))
    if tags > value_distance:
        out.append(("tags", min(PENALTY_TAG * (tags - value_distance), PENALTY_TAG_MAX)))
    return out


def score_pair(
    query: str | Analysis,
    candidate: str | Analysis,
    *,
    lang: str | None = None,
    query_codes: Sequence[InlineCode] = (),
    candidate_codes: Sequence[InlineCode] = (),
) -> PairScore:
    """Score `candidate` (a stored source) against `query`; symmetric in the two texts.

    `lang` is accepted for callers that know it; tokenisation already follows the script
    of each character, so mixed Chinese/Latin text scores the same with or without it.
    """
    qa = query if isinstance(query, Analysis) else analyze(query)
    ca = candidate if isinstance(candidate, Analysis) else analyze(candidate)
    code_diff = _codes_differ(query_codes, candidate_codes)
    if qa.text == ca.text:
        penalties = [("tags", min(PENALTY_TAG * code_diff, PENALTY_TAG_MAX))] if code_diff else []
        score = 100 - sum(p for _, p in penalties)
        return PairScore(score, "exact", 100, penalties, score, qa, ca)
    length = max(len(qa.tokens), len(ca.tokens))
    q_values, c_values = qa.values, ca.values
    value_distance = Levenshtein.distance(q_values, c_values)
    base = similarity(value_distance, length)
    penalties = formatting_penalties(qa, ca, value_distance)
    if code_diff and not any(name == "tags" for name, _ in penalties):
        penalties.append(("tags", min(PENALTY_TAG * code_diff, PENALTY_TAG_MAX)))
    masked_equal = value_distance > 0 and qa.keys == ca.keys
    if not penalties and value_distance == 0:
        # Same tokens, same gaps by every named check, yet not the same text.
        penalties.append(("format", PENALTY_FORMAT))
    formatting = sum(p for _, p in penalties)
    fallback = max(0, base - formatting)
    if masked_equal:
        adapted_penalties = [*penalties, ("adapted", PENALTY_ADAPTED)]
        score = max(0, 100 - formatting - PENALTY_ADAPTED)
        return PairScore(score, "adapted", base, adapted_penalties, fallback, qa, ca)
    return PairScore(fallback, "fuzzy", base, penalties, fallback, qa, ca)


def score_bound(query_keys: Sequence[str], candidate_keys: Sequence[str]) -> int:
    """An upper bound of `score_pair(...).score` from masked keys alone (cheap pre-check).

    Masking only merges tokens, so the masked distance never exceeds the value distance,
    and penalties only subtract.
    """
    length = max(len(query_keys), len(candidate_keys))
    return similarity(Levenshtein.distance(query_keys, candidate_keys), length)


def max_distance(query_len: int, candidate_len: int, min_score: int) -> int:
    """The most token edits a candidate of `candidate_len` may need and still reach min_score."""
    length = max(query_len, candidate_len)
    return (length * (100 - min_score)) // 100 if min_score > 0 else length


def max_unmatched(query_len: int, candidate_len: int, min_score: int) -> int:
    """Most query tokens a candidate may leave unmatched and still reach min_score.

    With d edits, of which i insertions and e deletions, the query tokens left
    unmatched are d - i, and i >= candidate_len - query_len; so a longer candidate has
    fewer edits to spend on the query's own tokens. The largest value over all lengths
    is reached at candidate_len == query_len: floor(query_len * (100 - min_score) / 100).
    """
    return max_distance(query_len, candidate_len, min_score) - max(0, candidate_len - query_len)


def length_window(query_len: int, min_score: int) -> tuple[int, int]:
    """Candidate token counts that can reach `min_score` against a query of `query_len`."""
    if min_score <= 0 or query_len == 0:
        return 0, 1 << 30
    low = -(-query_len * min_score // 100)
    high = (100 * query_len) // min_score
    return low, high


# --- adaptation --------------------------------------------------------------------


def _number_style(surface: str) -> str | None:
    """The decimal separator a written number uses, when it shows one."""
    seps = re.findall(r"[.,]", surface)
    if not seps:
        return None
    last_group = re.split(r"[.,]", surface)[-1]
    if len(last_group) != 3:
        return seps[-1]
    return "," if seps[-1] == "." else "."  # a grouping separator implies the other


def _restyle_number(value: str, like: str) -> str:
    """Write the query's number with the decimal separator the target already uses."""
    mine, theirs = _number_style(value), _number_style(like)
    if mine is None or theirs is None or mine == theirs:
        return value
    return value.translate(str.maketrans(".,", ",."))


def adapt(query: str | Analysis, source: str | Analysis, target: str) -> str | None:
    """The target with the query's numbers and placeholders put in, or None if unsafe.

    Applies only when query and source differ in nothing but number and placeholder
    values. Each changed source value must appear in the target as often as in the
    source and map to one query value; otherwise a person must adapt it.
    """
    qa = query if isinstance(query, Analysis) else analyze(query)
    sa = source if isinstance(source, Analysis) else analyze(source)
    if qa.keys != sa.keys:
        return None
    mapping: dict[str, str] = {}
    counts: dict[str, int] = {}
    for q_tok, s_tok in zip(qa.tokens, sa.tokens, strict=True):
        if q_tok.value == s_tok.value:
            if s_tok.value in mapping:
                return None  # the same source value both kept and changed: ambiguous
            continue
        if mapping.get(s_tok.value, q_tok.surface) != q_tok.surface:
            return None
        mapping[s_tok.value] = q_tok.surface
        counts[s_tok.value] = counts.get(s_tok.value, 0) + 1
    if not mapping:
        return None
    kept = {s.value for s in sa.tokens} - set(mapping)
    if any(v in kept for v in mapping):
        return None
    edits: list[tuple[int, int, str]] = []
    seen: dict[str, int] = {}
    for m in _TOKEN_RE.finditer(target):
        group = m.lastindex or 0
        if group == 2:
            value = PLACEHOLDER_KEY + m.group()
        elif group == 3:
            value = "\x01N" + number_value(m.group())
        else:
            continue
        if value not in mapping:
            continue
        seen[value] = seen.get(value, 0) + 1
        replacement = mapping[value]
        if group == 3:
            replacement = _restyle_number(replacement, m.group())
        edits.append((m.start(), m.end(), replacement))
    if seen != counts:
        return None
    out = target
    for start, end, replacement in reversed(edits):
        out = out[:start] + replacement + out[end:]
    return out


# --- candidates, matches and ranking -------------------------------------------------


@dataclass
class LookupContext:
    """Where the query stands: its neighbours in the document and its context key."""

    prev_text: str | None = None
    next_text: str | None = None
    context_key: str | None = None  # PO msgctxt, XLIFF unit id / resname


@dataclass
class Candidate:
    """A stored unit offered for ranking: its source and target and what we know of it."""

    source_text: str
    target_text: str
    source_codes: tuple[InlineCode, ...] = ()
    target_codes: tuple[InlineCode, ...] = ()
    unit_id: int | None = None
    memory: str | None = None
    status: str = Status.TRANSLATED.value
    origin_file: str | None = None
    document: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
    context_key: str | None = None
    prev_text: str | None = None
    next_text: str | None = None
    target_lang: str | None = None


@dataclass
class Match:
    """One ranked suggestion, with everything a translator needs to trust or reject it."""

    score: int
    band: str
    kind: MatchKind
    source_text: str
    target_text: str
    source_codes: tuple[InlineCode, ...] = ()
    target_codes: tuple[InlineCode, ...] = ()
    unit_id: int | None = None
    memory: str | None = None
    status: str = Status.TRANSLATED.value
    origin_file: str | None = None
    document: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    changed_at: datetime | None = None
    changed_by: str | None = None
    penalties: list[tuple[str, int]] = field(default_factory=list)
    diff: list[DiffPiece] = field(default_factory=list)
    alternatives: int = 0
    # Added by the matching work: the score before penalties, the context key of the
    # unit, and (batch lookups) the index of the earlier identical query this repeats.
    similarity: int = 0
    context_key: str | None = None
    target_lang: str | None = None
    repetition_of: int | None = None

    @property
    def adapted(self) -> bool:
        return self.kind == "adapted"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the `--json` output and the HTTP API use it)."""

        def codes(items: Sequence[InlineCode]) -> list[dict[str, Any]]:
            return [
                {"role": c.role, "id": c.id, "kind": c.kind, "data": c.data, "attrs": list(c.attrs)}
                for c in items
            ]

        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "score": self.score,
            "band": self.band,
            "kind": self.kind,
            "similarity": self.similarity,
            "source_text": self.source_text,
            "target_text": self.target_text,
            "source_codes": codes(self.source_codes),
            "target_codes": codes(self.target_codes),
            "target_lang": self.target_lang,
            "unit_id": self.unit_id,
            "memory": self.memory,
            "status": self.status,
            "context_key": self.context_key,
            "origin_file": self.origin_file,
            "document": self.document,
            "created_at": when(self.created_at),
            "created_by": self.created_by,
            "changed_at": when(self.changed_at),
            "changed_by": self.changed_by,
            "penalties": [{"name": n, "points": p} for n, p in self.penalties],
            "alternatives": self.alternatives,
            "diff": [{"op": op, "text": text} for op, text in self.diff],
            "repetition_of": self.repetition_of,
        }


def _status_rank(status: str) -> int:
    try:
        return Status.parse(status).rank
    except ValueError:
        return Status.TRANSLATED.rank


def _neighbours_match(context: LookupContext, cand: Candidate) -> bool:
    """Every neighbour the query gives equals the stored one (and it gives at least one)."""
    given = False
    for mine, theirs in ((context.prev_text, cand.prev_text), (context.next_text, cand.next_text)):
        if mine is None:
            continue
        given = True
        if theirs is None or exact_key(mine) != exact_key(theirs):
            return False
    return given


def _alternatives_group(
    source: str, cand: Candidate, context: LookupContext | None
) -> tuple[str, str | None]:
    """Units competing as translations of one source: a query with a context key only
    compares units stored under the same key ("Open" the verb is no alternative to
    "Open" the state); without one, every translation of the source competes."""
    if context is not None and context.context_key is not None:
        return source, cand.context_key
    return source, None


def _rank_key(m: Match) -> tuple[int, int, int, float, int]:
    return (
        -m.score,
        KIND_ORDER[m.kind],
        -_status_rank(m.status),
        -(m.changed_at.timestamp() if m.changed_at else 0.0),
        m.unit_id if m.unit_id is not None else 0,
    )


def rank_matches(
    query: str | Analysis,
    candidates: Iterable[Candidate],
    *,
    lang: str | None = None,
    min_score: int = 75,
    limit: int | None = 5,
    context: LookupContext | None = None,
    query_codes: Sequence[InlineCode] = (),
    bands: Bands = DEFAULT_BANDS,
) -> list[Match]:
    """Score, penalise, rank and de-duplicate candidates into the matches to show.

    Order: score, then kind (in-context, exact, adapted, fuzzy), then review status
    (corrected > reviewed > translated > draft), then the most recently changed. Units
    with the same source and target text are shown once (the best-ranked one).
    """
    qa = query if isinstance(query, Analysis) else analyze(query)
    scored: list[tuple[Candidate, PairScore]] = []
    targets_by_source: dict[tuple[str, str | None], set[str]] = {}
    for cand in candidates:
        pair = score_pair(
            qa,
            cand.source_text,
            lang=lang,
            query_codes=query_codes,
            candidate_codes=cand.source_codes,
        )
        if pair.score + (1 if pair.kind == "exact" else 0) < min_score:
            continue  # cannot reach min_score even with the in-context bonus
        scored.append((cand, pair))
        group = _alternatives_group(pair.candidate.text, cand, context)
        targets_by_source.setdefault(group, set()).add(exact_key(cand.target_text))

    matches: list[tuple[Match, Analysis]] = []
    for cand, pair in scored:
        kind: MatchKind = pair.kind
        score = pair.score
        penalties = list(pair.penalties)
        target_text = cand.target_text
        if kind == "adapted":
            adapted = adapt(qa, pair.candidate, cand.target_text)
            if adapted is None:
                kind, score = "fuzzy", pair.fallback_score
                penalties = [p for p in penalties if p[0] != "adapted"]
            else:
                target_text = adapted
        if kind == "exact" and context is not None:
            keyed = context.context_key is not None and cand.context_key is not None
            if (keyed and context.context_key == cand.context_key) or (
                not keyed and _neighbours_match(context, cand)
            ):
                kind, score = "in-context", score + 1
        if (
            context is not None
            and context.context_key is not None
            and cand.context_key is not None
            and context.context_key != cand.context_key
        ):
            penalties.append(("context", PENALTY_CONTEXT))
            score -= PENALTY_CONTEXT
        if _status_rank(cand.status) == Status.DRAFT.rank:
            penalties.append(("draft", PENALTY_DRAFT))
            score -= PENALTY_DRAFT
        alternatives = (
            len(targets_by_source[_alternatives_group(pair.candidate.text, cand, context)]) - 1
        )
        if alternatives > 0:
            penalties.append(("alternatives", PENALTY_ALTERNATIVES))
            score -= PENALTY_ALTERNATIVES
        score = max(0, score)
        if score < min_score:
            continue
        match = Match(
            score=score,
            band=bands.band_of(score),
            kind=kind,
            source_text=cand.source_text,
            target_text=target_text,
            source_codes=cand.source_codes,
            target_codes=cand.target_codes,
            unit_id=cand.unit_id,
            memory=cand.memory,
            status=cand.status,
            origin_file=cand.origin_file,
            document=cand.document,
            created_at=cand.created_at,
            created_by=cand.created_by,
            changed_at=cand.changed_at,
            changed_by=cand.changed_by,
            penalties=penalties,
            alternatives=alternatives,
            similarity=pair.similarity,
            context_key=cand.context_key,
            target_lang=cand.target_lang,
        )
        matches.append((match, pair.candidate))

    matches.sort(key=lambda pair: _rank_key(pair[0]))
    shown: list[Match] = []
    seen: set[tuple[str, str]] = set()
    for m, source_analysis in matches:
        key = (exact_key(m.source_text), exact_key(m.target_text))
        if key in seen:
            continue
        seen.add(key)
        m.diff = word_diff(qa, source_analysis)  # only for the matches shown: it costs
        shown.append(m)
        if limit is not None and len(shown) >= limit:
            break
    return shown


def find_repetitions(texts: Sequence[str]) -> list[int | None]:
    """For each segment, the index of its first earlier occurrence (same exact_key)."""
    first: dict[str, int] = {}
    out: list[int | None] = []
    for i, text in enumerate(texts):
        key = exact_key(text)
        out.append(first.get(key))
        first.setdefault(key, i)
    return out
