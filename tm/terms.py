"""Finding glossary terms in text: inflection-aware, on word boundaries, longest match first.

Pure core: no files, no database. `TermMatcher` is built once from concepts and scans
any number of texts; per language it builds (lazily, on first use) one trie over
*token keys*:

* Text is cut into tokens: words, single CJK characters, and single punctuation marks.
  Whitespace, hyphens and apostrophes separate tokens without being tokens, so
  `HER2-positive` and `HER2 positive` are the same token sequence, while punctuation
  (`lymph. Node`) is a token no term contains and so breaks a match.
* Each token becomes a key: NFKC + casefold, English UK spellings folded to US
  (`tumour` -> `tumor`), then its dictionary lemma (simplemma) when the lemmatiser knows
  the word, else its Snowball stem. A glossary token is indexed under its lemma key *and*
  its stem, so an inflected text form the dictionary lacks still meets the stem, while a
  known word (`organization`) keeps its own lemma and never meets a shorter term (`organ`)
  that a stemmer would conflate it with.
* Each distinct key is one character of a private alphabet and the glossary's key
  sequences form a trie (Aho-Corasick's goto function). Matches can only start and end
  on token boundaries, which gives word boundaries for free (`form` never matches inside
  `format`). CJK characters are one token each, so Chinese and Japanese match anywhere.
  (pyahocorasick was measured first: with thousands of distinct keys its nodes' child
  lists made it ~13x slower than this dict trie on the same 1 MB; see docs/glossary.md.)

Candidates are then verified (case-sensitive terms, `inflect=False` terms) and, with
`longest=True`, reduced to non-overlapping hits, longest first.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, pairwise, product
from typing import Any

from tm.langs import match_key, primary_language
from tm.models import Concept, Term, TermHit, TermStatus

# --- tokens ---------------------------------------------------------------------------

# Scripts written without spaces: every character is a token of its own.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1780-\u17ff"
    "\u1000-\u109f\u31f0-\u31ff\uff66-\uff9f\U00020000-\U0002fa1f"
)
# Characters that separate tokens without being tokens: hyphens (HER2-positive ==
# HER2 positive), apostrophes (l'aromatase == l aromatase), soft hyphen, and the
# private-use characters that stand for inline codes (a tag inside a term must not hide it).
_SOFT = "\\-\u2010\u2011\u00ad'\u2019\u02bc\ue000-\uf8ff"
_HYPHENS = frozenset("-\u2010\u2011")
# One capturing group, so `split` yields separators and tokens alternately: measured
# ~1.7x faster than building a Match object per token with finditer.
_TOKEN_RE = re.compile(
    rf"((?:[^\W{_CJK}]+[\u0300-\u036f]*)+"  # a word (letters, digits, combining marks)
    rf"|[{_CJK}]"  # one CJK character
    rf"|[^\s\w{_SOFT}])"  # one punctuation mark or symbol
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a text: its offsets into the original string and its surface form."""

    start: int
    end: int
    text: str


# The same tokens when the text has no combining marks (almost always: text is NFC),
# with a simpler word pattern the regex engine runs ~1.5x faster.
_TOKEN_RE_NFC = re.compile(rf"([^\W{_CJK}]+|[{_CJK}]|[^\s\w{_SOFT}])")
_MARKS_RE = re.compile(r"[\u0300-\u036f]")


def split_tokens(text: str) -> list[str]:
    """`text` cut into separator, token, separator, ..., separator (see `_TOKEN_RE`)."""
    pattern = _TOKEN_RE if _MARKS_RE.search(text) else _TOKEN_RE_NFC
    return pattern.split(text)


def tokenize(text: str) -> list[Token]:
    """Cut text into word, CJK-character and punctuation tokens (see module doc)."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


# --- spelling ---------------------------------------------------------------------------

# English UK -> US folds for the spellings medical text alternates between. Applied to
# both glossary and text, so either spelling finds either. Listed morphemes rather than
# blanket rules (`-our` -> `-or` would also turn `four` into `for`).
_EN_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"(tum|col|behavi|fav|lab|hum|odo|vap|vig|rig|hon|flav|neighb)our", r"\1or"),
        (r"haem", "hem"),  # haemoptysis, haematoma, haemorrhage
        (r"aem", "em"),  # anaemia, leukaemia, ischaemic, glycaemia
        (r"oesoph", "esoph"),
        (r"oestr", "estr"),  # oestrogen, oestradiol
        (r"oedem", "edem"),
        (r"(rrh|pn)oe", r"\1e"),  # diarrhoea, dyspnoea, apnoea, amenorrhoea
        (r"foet", "fet"),
        (r"coeli", "celi"),
        (r"paed", "ped"),  # paediatric, orthopaedic
        (r"gynaec", "gynec"),
        (r"anaesth", "anesth"),
        (r"aetiol", "etiol"),
        (r"faec", "fec"),
        (r"caesar", "cesar"),
        (r"(?<=\w{3})is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"),  # randomise(d)
        (r"(cent|fib|lit|calib|theat)re(s)?$", r"\1er\2"),  # centre, fibre
        (r"(label|model|signal|travel|cancel|channel|fuel|counsel)l(ed|ing|er|ers)$", r"\1\2"),
    )
)


# Most words need no fold: one search over all patterns rejects them at once.
_EN_FOLD_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _EN_FOLDS))


@lru_cache(maxsize=65536)
def fold_english(word: str) -> str:
    """US spelling of a casefolded English word, so `tumour` and `tumor` compare equal."""
    if not _EN_FOLD_ANY.search(word):
        return word
    for pattern, repl in _EN_FOLDS:
        if pattern.search(word):
            word = pattern.sub(repl, word)
    return word


# --- keys -----------------------------------------------------------------------------

_SNOWBALL = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ca": "catalan",
    "da": "danish",
    "sv": "swedish",
    "nb": "norwegian",
    "no": "norwegian",
    "fi": "finnish",
    "ro": "romanian",
    "ru": "russian",
    "pl": "polish",
    "cs": "czech",
    "hu": "hungarian",
    "tr": "turkish",
    "el": "greek",
    "lt": "lithuanian",
}

# Words shorter than this are compared as written: stemming `os`, `er`, `pr` only
# invents collisions, and abbreviations do not inflect.
_MIN_INFLECT_LEN = 3


def _simplemma_languages() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return frozenset(SUPPORTED_LANGUAGES)


@lru_cache(maxsize=1)
def _dictionary_lookup() -> Any:
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy()


def _snowball(primary: str) -> Any | None:
    import snowballstemmer

    name = _SNOWBALL.get(primary)
    if name is None or name not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(name)


class Analyzer:
    """Turns tokens of one language into comparison keys (see module doc).

    Public so a benchmark or a checker can see what a word is compared as:
    `Analyzer("en").key("Tumours") == "tumor"`.
    """

    def __init__(self, lang: str, *, lemmatize: bool = True, stem: bool = True) -> None:
        self.lang = match_key(lang)
        primary = primary_language(lang)
        self.primary = primary
        self._english = primary == "en"
        self._lemma_lang = primary if lemmatize and primary in _simplemma_languages() else None
        self._stemmer = _snowball(primary) if stem else None

    def normal(self, surface: str) -> str:
        """Case- and width-insensitive form with UK/US spelling folded."""
        norm = unicodedata.normalize("NFKC", surface).casefold()
        return fold_english(norm) if self._english else norm

    def inflects(self, norm: str) -> bool:
        """Whether a normalised token is a word that lemmatising/stemming applies to."""
        return len(norm) >= _MIN_INFLECT_LEN and norm.isalpha()

    def lemma(self, surface: str, norm: str) -> str | None:
        """Dictionary lemma when the lemmatiser knows the word, else None.

        Only simplemma's dictionary lookup: its rule-based guesses for unknown words
        would conflate as freely as a stemmer, and the stemmer already covers those.
        """
        if self._lemma_lang is None:
            return None
        # German nouns are looked up capitalised; English is looked up in US spelling.
        word = norm if self._english else unicodedata.normalize("NFC", surface)
        lemma = _dictionary_lookup().get_lemma(word, self._lemma_lang)
        if lemma is None:
            return None
        lemma = lemma.casefold()
        return fold_english(lemma) if self._english else lemma

    def stem(self, norm: str) -> str:
        """Snowball stem (or the word itself where no stemmer exists)."""
        if self._stemmer is None:
            return norm
        return str(self._stemmer.stemWord(norm))

    def key(self, surface: str) -> str:
        """The key a text token is compared by: lemma if known, else stem."""
        norm = self.normal(surface)
        if not self.inflects(norm):
            return norm
        lemma = self.lemma(surface, norm)
        return lemma if lemma is not None else self.stem(norm)

    def term_keys(self, surface: str, *, inflect: bool = True) -> tuple[str, ...]:
        """Keys a glossary token is indexed under: its text key and its stem.

        inflect=False: only the text key (what the token itself would be read as); the
        matcher then checks the surface form, so no other form of the word passes.
        """
        norm = self.normal(surface)
        if not self.inflects(norm):
            return (norm,)
        first = self.key(surface)
        if not inflect:
            return (first,)
        stem = self.stem(norm)
        return (first,) if stem == first else (first, stem)


# --- index ----------------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a bulk build or scan.

    Why: building an index or scanning a megabyte allocates ~10^5 small acyclic objects;
    each allocation burst triggers collector passes over the whole heap (the glossary
    included), measured at more than half of the time. Reference counting still frees
    everything; cycles, if any, are collected after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Characters of the private key alphabet start here (above ASCII and the separators).
_ALPHABET_BASE = 0x100
_UNKNOWN = "\x01"  # a text token no term contains: never part of a pattern
_MAX_PATTERNS_PER_TERM = 64  # cap on key combinations, so one odd term cannot blow up
_TOKEN_CACHE_LIMIT = 500_000  # per language; cleared when exceeded (long-running servers)

_STATUS_ORDER = {
    TermStatus.PREFERRED: 0,
    TermStatus.ADMITTED: 1,
    TermStatus.DEPRECATED: 2,
    TermStatus.FORBIDDEN: 3,
}


@dataclass(frozen=True, slots=True)
class _Entry:
    """One way a term can be spelled in the token alphabet, with what to verify."""

    concept_index: int
    term_index: int  # position of the term in its concept (ties: earlier wins)
    term: Term
    written: tuple[str, ...]  # tokens as the glossary writes this form
    exact: tuple[str, ...] | None  # normalised tokens a non-inflecting term requires
    case_sensitive: bool


def _char_for(index: int) -> str:
    code = _ALPHABET_BASE + index
    if code >= 0xD800:  # skip the surrogate block: those code points are not characters
        code += 0x800
    return chr(code)


def _forms(text: str) -> list[list[str]]:
    """Token sequences a written term stands for: as written, and hyphenated words closed.

    `post-operative` also stands for `postoperative`; the reverse cannot be inferred.
    """
    if not any(ch in _HYPHENS for ch in text):
        split = split_tokens(text)[1::2]
        return [split] if split else []
    tokens = tokenize(text)
    if not tokens:
        return []
    groups: list[list[str]] = [[tokens[0].text]]
    for prev, tok in pairwise(tokens):
        gap = text[prev.end : tok.start]
        if gap and all(ch in _HYPHENS for ch in gap):
            groups[-1].append(tok.text)
        else:
            groups.append([tok.text])
    split = [t.text for t in tokens]
    hyphenated = [i for i, g in enumerate(groups) if len(g) > 1]
    if not hyphenated:
        return [split]
    forms = [split]
    joined = [tok for g in groups for tok in (["".join(g)] if len(g) > 1 else g)]
    forms.append(joined)
    if 1 < len(hyphenated) <= 3:
        for mask in range(1, 2 ** len(hyphenated) - 1):
            closed = {hyphenated[b] for b in range(len(hyphenated)) if mask >> b & 1}
            form = [
                tok for i, g in enumerate(groups) for tok in (["".join(g)] if i in closed else g)
            ]
            forms.append(form)
    return forms


class _LangIndex:
    """The token trie and key alphabet for one language (built on first use).

    The trie is Aho-Corasick's goto function over token keys, one dict per node with
    the entries under the key "" (no token is empty). Failure links are not needed:
    matches start on token boundaries, so the scan restarts at each token, and most
    tokens are not the first token of any term (one dict miss each).
    """

    def __init__(self, lang: str, concepts: Sequence[Concept]) -> None:
        self.lang = lang
        self.analyzer = Analyzer(lang)
        self.key_chars: dict[str, str] = {}
        self.token_chars: dict[str, str] = {}  # surface -> alphabet char (cache)
        self._term_keys: dict[tuple[str, bool], tuple[str, ...]] = {}
        patterns: dict[str, list[_Entry]] = {}
        for ci, concept in enumerate(concepts):
            for ti, term in enumerate(concept.terms):
                if term.lang != lang and match_key(term.lang) != lang:
                    continue
                for written_text in [term.text, *term.variants]:
                    self._add_term_form(patterns, ci, ti, term, written_text)
        self.trie: dict[str, Any] = {}
        for pattern, entries in patterns.items():
            node = self.trie
            for char in pattern:
                child = node.get(char)
                if child is None:
                    child = node[char] = {}
                node = child
            node[""] = tuple(entries)
        self._term_keys.clear()

    def _add_term_form(
        self, patterns: dict[str, list[_Entry]], ci: int, ti: int, term: Term, text: str
    ) -> None:
        analyzer = self.analyzer
        key_char = self._key_char
        for form in _forms(text):
            exact = None if term.inflect else tuple(analyzer.normal(t) for t in form)
            entry = _Entry(ci, ti, term, tuple(form), exact, term.case_sensitive)
            choices = [[key_char(k) for k in self._keys_of(t, term.inflect)] for t in form]
            for count, chars in enumerate(product(*choices)):
                if count >= _MAX_PATTERNS_PER_TERM:
                    break
                pattern = "".join(chars)
                bucket = patterns.get(pattern)
                if bucket is None:
                    patterns[pattern] = [entry]
                elif entry not in bucket:
                    bucket.append(entry)

    def _keys_of(self, token: str, inflect: bool) -> tuple[str, ...]:
        """term_keys, cached while building: glossaries repeat words a lot."""
        cached = self._term_keys.get((token, inflect))
        if cached is None:
            cached = self.analyzer.term_keys(token, inflect=inflect)
            self._term_keys[(token, inflect)] = cached
        return cached

    def _key_char(self, key: str) -> str:
        char = self.key_chars.get(key)
        if char is None:
            char = _char_for(len(self.key_chars))
            self.key_chars[key] = char
        return char

    def encode(self, surface: str) -> str:
        """Alphabet character of a text token (cached per surface form)."""
        char = self.token_chars.get(surface)
        if char is None:
            if len(self.token_chars) >= _TOKEN_CACHE_LIMIT:
                self.token_chars.clear()
            char = self.key_chars.get(self.analyzer.key(surface), _UNKNOWN)
            self.token_chars[surface] = char
        return char

    def scan(self, chars: Sequence[str]) -> Iterator[tuple[int, int, tuple[_Entry, ...]]]:
        """Every (first token, stop token, entries) where a term's key sequence occurs."""
        root = self.trie
        count = len(chars)
        for first, char in enumerate(chars):
            node = root.get(char)
            stop = first
            while node is not None:
                stop += 1
                entries = node.get("")
                if entries is not None:
                    yield first, stop, entries
                if stop == count:
                    break
                node = node.get(chars[stop])


def _verify(entry: _Entry, surfaces: Sequence[str], analyzer: Analyzer) -> bool:
    """Check what the trie cannot: letter case and non-inflecting terms."""
    if entry.exact is not None and tuple(analyzer.normal(s) for s in surfaces) != entry.exact:
        return False
    if entry.case_sensitive:
        for seen, written in zip(surfaces, entry.written, strict=False):
            # Case carries meaning only in tokens the glossary writes with capitals
            # (`HER2`), so `HER2-Positive` in a title passes and `her2-positive` fails.
            if written == written.lower():
                continue
            # Compare case on the stretch both share, so `HER2s` passes and `her2` fails.
            common = 0
            for a, b in zip(seen.casefold(), written.casefold(), strict=False):
                if a != b:
                    break
                common += 1
            common = max(common, 1)
            if seen[:common] != written[:common]:
                return False
    return True


def _closeness(written: Sequence[str], surfaces: Sequence[str]) -> tuple[int, int]:
    """How closely a term's written form matches the text (for picking among terms)."""
    a = " ".join(written).casefold()
    b = " ".join(surfaces).casefold()
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return (0 if a == b else 1, -common)


@dataclass(slots=True)
class _Span:
    """All concepts matching one token span, best first."""

    start_tok: int
    end_tok: int  # exclusive
    start: int
    end: int
    hits: list[tuple[Concept, _Entry]]


class TermMatcher:
    """Finds the concepts of a set of glossaries in texts of any language they cover.

    Build once and reuse: each language's trie is built on its first `find` and
    kept; token keys are cached per surface form, so a scan lemmatises each distinct
    word once.
    """

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: list[Concept] = list(concepts)
        self._by_id: dict[str, Concept] = {}
        for concept in self.concepts:
            # The first concept with an id wins: callers pass concepts best-first.
            self._by_id.setdefault(concept.id, concept)
        self._indexes: dict[str, _LangIndex] = {}

    @property
    def languages(self) -> list[str]:
        """Language keys (`match_key`) that have at least one term."""
        seen: dict[str, None] = {}
        for concept in self.concepts:
            for term in concept.terms:
                seen.setdefault(match_key(term.lang), None)
        return list(seen)

    def concept(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    def prepare(self, lang: str) -> None:
        """Build the index for `lang` now (for servers and benchmarks)."""
        self._index(lang)

    def _index(self, lang: str) -> _LangIndex:
        key = match_key(lang)
        index = self._indexes.get(key)
        if index is None:
            with gc_paused():
                index = _LangIndex(key, self.concepts)
            self._indexes[key] = index
        return index

    def find(self, text: str, lang: str, *, longest: bool = True) -> list[TermHit]:
        """Every concept whose term occurs in `text`, with offsets into `text`.

        longest=True: non-overlapping hits, the longest span winning (`distant
        metastasis`, not also `metastasis`), except for concepts marked `nested`.
        longest=False: every hit, including shorter ones inside longer ones.
        Hits come sorted by position.
        """
        index = self._index(lang)
        if not index.trie or not text:
            return []
        with gc_paused():
            return self._find(index, text, longest)

    def _find(self, index: _LangIndex, text: str, longest: bool) -> list[TermHit]:
        parts = split_tokens(text)
        surfaces = parts[1::2]
        # bounds[2k] is where token k starts, bounds[2k + 1] where it ends.
        bounds = [0, *accumulate(map(len, parts))]
        cache = index.token_chars
        encode = index.encode
        chars = [cache.get(s) or encode(s) for s in surfaces]
        spans = self._spans(index, chars, bounds, surfaces)
        if longest:
            spans = _longest(spans)
        else:
            spans.sort(key=lambda s: (s.start, -s.end))
        return [hit for span in spans for hit in self._hits(span, text, index.lang, longest)]

    def _spans(
        self,
        index: _LangIndex,
        chars: Sequence[str],
        bounds: Sequence[int],
        surfaces: Sequence[str],
    ) -> list[_Span]:
        # A start token leads down exactly one trie path, so each (first, stop) pair comes
        # once, with all its entries: no grouping needed. Order: by start, shortest first.
        concepts = self.concepts
        analyzer = index.analyzer
        spans: list[_Span] = []
        for first, stop, entries in index.scan(chars):
            if len(entries) == 1 and entries[0].exact is None and not entries[0].case_sensitive:
                entry = entries[0]  # the common case, without the general machinery
                found = [(concepts[entry.concept_index], entry)]
                spans.append(_Span(first, stop, bounds[2 * first + 1], bounds[2 * stop], found))
                continue
            found = [
                (concepts[e.concept_index], e)
                for e in entries
                if (e.exact is None and not e.case_sensitive)
                or _verify(e, surfaces[first:stop], analyzer)
            ]
            if not found:
                continue
            if len(found) > 1:
                seen = surfaces[first:stop]
                found.sort(
                    key=lambda ce: (
                        -ce[0].priority,
                        ce[1].concept_index,
                        _closeness(ce[1].written, seen),
                        _STATUS_ORDER[ce[1].term.status],
                        ce[1].term_index,
                    )
                )
            spans.append(_Span(first, stop, bounds[2 * first + 1], bounds[2 * stop], found))
        return spans

    def _hits(self, span: _Span, text: str, lang: str, longest: bool) -> list[TermHit]:
        """One hit per concept on the span (longest=False), or the best one (True)."""
        if len(span.hits) == 1:
            ranked = span.hits
        else:
            best: dict[int, tuple[Concept, _Entry]] = {}
            for concept, entry in span.hits:
                best.setdefault(entry.concept_index, (concept, entry))
            ranked = list(best.values())
        surface = text[span.start : span.end]
        out = []
        for concept, entry in ranked[:1] if longest else ranked:
            others = tuple(c.id for c, _ in ranked[1:]) if longest else ()
            out.append(
                TermHit(
                    start=span.start,
                    end=span.end,
                    text=surface,
                    concept_id=concept.id,
                    term=entry.term.text,
                    status=entry.term.status,
                    lang=lang,
                    glossary=concept.glossary,
                    alternatives=others,
                )
            )
        return out

    def approved_targets(self, concept_id: str, lang: str) -> list[Term]:
        """Terms a translation into `lang` may use: preferred first, then admitted."""
        concept = self._by_id.get(concept_id)
        if concept is None:
            return []
        terms = concept.terms_in(lang, approved_only=True)
        return sorted(terms, key=lambda t: _STATUS_ORDER[t.status])

    def terms(self, concept_id: str, lang: str) -> list[Term]:
        """All terms of a concept in `lang` (forbidden and deprecated included)."""
        concept = self._by_id.get(concept_id)
        return concept.terms_in(lang) if concept is not None else []


def _longest(spans: list[_Span]) -> list[_Span]:
    """Non-overlapping spans, longest first; nested concepts survive inside a winner.

    `spans` come ordered by start token; runs of overlapping spans are resolved on
    their own, so the common case (a span overlapping nothing) costs one comparison.
    """
    kept: list[_Span] = []
    cluster: list[_Span] = []
    cluster_end = -1
    for span in spans:
        if span.start_tok >= cluster_end and cluster:
            kept.extend(cluster if len(cluster) == 1 else _resolve(cluster))
            cluster = []
        cluster.append(span)
        cluster_end = max(cluster_end, span.end_tok) if len(cluster) > 1 else span.end_tok
    if cluster:
        kept.extend(cluster if len(cluster) == 1 else _resolve(cluster))
    return kept


def _resolve(cluster: list[_Span]) -> list[_Span]:
    """Longest span first, then leftmost; shorter overlapping ones are dropped."""
    base = cluster[0].start_tok
    owner = [-1] * (max(s.end_tok for s in cluster) - base)  # token -> winning span
    kept: list[_Span] = []
    for span in sorted(cluster, key=lambda s: (s.start - s.end, s.start)):
        region = owner[span.start_tok - base : span.end_tok - base]
        if max(region) < 0:
            owner[span.start_tok - base : span.end_tok - base] = [len(kept)] * len(region)
            kept.append(span)
        # A concept marked `nested` is reported inside one longer term, not across two.
        elif span.hits[0][0].nested and min(region) >= 0 and region.count(region[0]) == len(region):
            kept.append(span)
    kept.sort(key=lambda s: (s.start, -s.end))
    return kept


def find_terms(
    concepts: Iterable[Concept], text: str, lang: str, *, longest: bool = True
) -> list[TermHit]:
    """One-off convenience: build a matcher and scan one text (use TermMatcher for more)."""
    return TermMatcher(concepts).find(text, lang, longest=longest)
