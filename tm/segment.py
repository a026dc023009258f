"""Sentence segmentation from SRX 2.0 rules, the exchange format CAT tools share.

Why SRX: a translation memory only pays off when the same sentence is cut the same way
every time, in this tool and in the translator's CAT tool. SRX lets a user bring the
rules they already use (`load_srx`), and the shipped `tm/data/srx/default.srx` is tuned
for medical articles in en, zh, ja, es, fr, de, it and pt (`default_rules`).

SRX semantics implemented here (SRX 2.0, LISA OSCAR):

* `<maprules>` maps language tags to `<languagerule>`s by regex (full match, case
  insensitive, as BCP 47 tags are). With `cascade="yes"` the rules of every matching map
  are used, in map order; with `cascade="no"` only the first matching map's.
* At each position between two characters the rules are tried in order; the first rule
  whose `beforebreak` matches text ending there and whose `afterbreak` matches text
  starting there decides: `break="yes"` cuts, `break="no"` keeps the text together.
  A position no rule matches is not a break. Both checks are exact (see tm.srx_regex).
* Regexes are ICU syntax, translated to the standard library `re` (tm.srx_regex).
* `segmentsubflows` is kept on SrxRules for the document filters (attribute text such
  as `alt` is a subflow); `formathandle` decides on which side of a break an inline code
  standing at the break goes (defaults per the spec: start codes go to the next segment,
  end codes stay with the previous one, isolated codes go to the next).

Inline codes: text may contain private-use characters (U+E000..U+F8FF, tm.models).
Rules never see them (they are removed before matching and the breaks mapped back), so a
`<b>` around "Dr." cannot change where sentences end.

Whitespace: `segment` returns spans that do not overlap, in order; all text outside them
is whitespace. By default a span neither starts nor ends with whitespace (the
whitespace around a break stays between segments, where a rebuild puts it back). The
header extension attributes `includeStartingWhitespace="yes"` /
`includeEndingWhitespace="yes"` (any namespace) keep the whitespace that follows /
precedes a break inside the segments instead. Okapi's `<options trimLeadingWhitespaces=
"no" trimTrailingWhitespaces="no"/>` extension is read the same way.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import IO, Any, NamedTuple

from tm.errors import FormatError
from tm.models import CODE_BASE, CODE_LIMIT, InlineCode
from tm.srx_regex import RegexTranslationError, compile_icu, first_char_pattern, translate

SRX20_NS = "http://www.lisa.org/srx20"
SRX10_NS = "http://www.lisa.org/srx10"

# SRX 2.0 spec defaults: which side of a break a code standing at the break belongs to
# (True: it stays with the segment that ends at the break).
DEFAULT_FORMAT_HANDLE: Mapping[str, bool] = {"start": False, "end": True, "isolated": False}

_CODE_RE = re.compile(f"[{chr(CODE_BASE)}-{chr(CODE_LIMIT)}]")


class Span(NamedTuple):
    """A segment as character offsets into the segmented text: `text[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class SrxRule:
    """One `<rule>`: break or no-break, with its two ICU patterns (empty = anything)."""

    is_break: bool
    before: str
    after: str
    line: int | None = None
    rev_before: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    after_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    # One-character pattern every reversed before-match starts with (None: may be empty).
    rev_first: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def compiled(
        cls, *, is_break: bool, before: str, after: str, line: int | None = None
    ) -> SrxRule:
        """Build a rule and compile its patterns (raises RegexTranslationError)."""
        return cls(
            is_break=is_break,
            before=before,
            after=after,
            line=line,
            rev_before=compile_icu(before, reverse=True) if before else None,
            after_re=compile_icu(after) if after else None,
            rev_first=first_char_pattern(before, reverse=True) if before else None,
        )

    def matches_at(self, text: str, rev: str, pos: int) -> bool:
        """Does the rule apply between `text[pos-1]` and `text[pos]`? (`rev` = text[::-1])"""
        if self.after_re is not None and self.after_re.match(text, pos) is None:
            return False
        return self.rev_before is None or self.rev_before.match(rev, len(text) - pos) is not None


@dataclass(frozen=True)
class LanguageRule:
    """A named, ordered list of rules (`<languagerule>`)."""

    name: str
    rules: tuple[SrxRule, ...]


@dataclass(frozen=True)
class LanguageMap:
    """A `<languagemap>`: language tags matching `pattern` use `rule`."""

    pattern: str
    rule: LanguageRule
    pattern_re: re.Pattern[str] = field(compare=False, repr=False)

    def applies_to(self, lang: str) -> bool:
        return any(self.pattern_re.fullmatch(tag) for tag in _tag_forms(lang))


def _tag_forms(lang: str) -> tuple[str, ...]:
    """The spellings a language pattern is tried on: as given, normalised, with `_`."""
    from tm.errors import LanguageTagError
    from tm.langs import normalize_tag

    forms = [lang]
    try:
        norm = normalize_tag(lang)
    except LanguageTagError:
        norm = lang
    for form in (norm, norm.replace("-", "_")):
        if form not in forms:
            forms.append(form)
    return tuple(forms)


@dataclass(frozen=True)
class _Plan:
    """Rules of one language plus a scanner for the places a break rule can match.

    Every break must be found by some break rule, so only positions where a break
    rule's beforebreak can end are examined; one scan for the union of the characters
    those (reversed) patterns start with finds them without trying every position.
    """

    rules: tuple[SrxRule, ...]
    scan: re.Pattern[str] | None  # over reversed text, for the rules in `scanned`
    scanned: tuple[SrxRule, ...]
    unscanned: tuple[SrxRule, ...]  # break rules whose beforebreak may match empty

    @classmethod
    def build(cls, rules: tuple[SrxRule, ...]) -> _Plan:
        scanned = tuple(r for r in rules if r.is_break and r.rev_first is not None)
        unscanned = tuple(r for r in rules if r.is_break and r.rev_first is None)
        scan = None
        if scanned:
            scan = re.compile("|".join(dict.fromkeys(f"(?:{r.rev_first})" for r in scanned)))
        return cls(rules, scan, scanned, unscanned)


@dataclass(frozen=True)
class SrxRules:
    """A parsed SRX document: language rules, the map, and the header options."""

    maps: tuple[LanguageMap, ...]
    cascade: bool = True
    segment_subflows: bool = True
    include_starting_whitespace: bool = False
    include_ending_whitespace: bool = False
    format_handle: Mapping[str, bool] = field(default_factory=lambda: dict(DEFAULT_FORMAT_HANDLE))
    source: str | None = None
    _by_lang: dict[str, _Plan] = field(default_factory=dict, compare=False, repr=False)

    @property
    def language_rules(self) -> dict[str, LanguageRule]:
        """The rule sets by name (first definition wins when two files are combined)."""
        out: dict[str, LanguageRule] = {}
        for m in self.maps:
            out.setdefault(m.rule.name, m.rule)
        return out

    def rules_for(self, lang: str) -> tuple[SrxRule, ...]:
        """The ordered rules that apply to `lang`, after cascading."""
        return self.plan_for(lang).rules

    def plan_for(self, lang: str) -> _Plan:
        """The rules for `lang`, ready to run (built once per language tag)."""
        cached = self._by_lang.get(lang)
        if cached is not None:
            return cached
        rules: list[SrxRule] = []
        for m in self.maps:
            if m.applies_to(lang):
                rules.extend(m.rule.rules)
                if not self.cascade:
                    break
        plan = _Plan.build(tuple(rules))
        self._by_lang[lang] = plan
        return plan

    def with_overrides(self, other: SrxRules) -> SrxRules:
        """Rules that try `other`'s maps first, then these (a user file on top of defaults).

        The result always cascades, so a user file holding only a few extra no-break
        rules for one language still gets the full default behaviour after them.
        """
        return SrxRules(
            maps=other.maps + self.maps,
            cascade=True,
            segment_subflows=other.segment_subflows,
            include_starting_whitespace=other.include_starting_whitespace,
            include_ending_whitespace=other.include_ending_whitespace,
            format_handle=dict(other.format_handle),
            source=f"{other.source or '<user rules>'} + {self.source or '<rules>'}",
        )


# --- loading ------------------------------------------------------------------------


def _yes(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("yes", "true", "1")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def load_srx(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> SrxRules:
    """Parse an SRX 2.0 (or 1.0) file: a path or an open file; FormatError when invalid."""
    path: str | None
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            raise FormatError(f"cannot read SRX file: {err.strerror}", path=path) from err
    else:
        path = getattr(source, "name", None)
        raw = source.read()
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        if not isinstance(path, str):
            path = None
    return parse_srx(data, path=path)


def parse_srx(data: bytes, *, path: str | None = None) -> SrxRules:
    """Parse SRX from bytes (what load_srx and default_rules share)."""
    from tm.formats.xmlsafe import safe_parse

    # The hardened parser refuses DTD entities, external references and bombs, and
    # reports syntax errors as FormatError with the line.
    root = safe_parse(io.BytesIO(data), path=path).getroot()
    if _local(root.tag) != "srx":
        raise FormatError(f"not an SRX file (root element <{_local(root.tag)}>)", path=path)
    version = root.get("version", "")
    if version not in ("2.0", "1.0"):
        raise FormatError(f"unsupported SRX version {version!r}", path=path, line=root.sourceline)

    def children(el: Any, name: str) -> list[Any]:
        return [c for c in el if _local(c.tag) == name]

    header = next(iter(children(root, "header")), None)
    body = next(iter(children(root, "body")), None)
    if body is None:
        raise FormatError("SRX file has no <body>", path=path, line=root.sourceline)

    cascade = version == "2.0"
    subflows = True
    inc_start = inc_end = False
    handle = dict(DEFAULT_FORMAT_HANDLE)
    if header is not None:
        cascade = _yes(header.get("cascade"), cascade)
        subflows = _yes(header.get("segmentsubflows"), True)
        for name, value in header.attrib.items():
            local = _local(name)
            if local == "includeStartingWhitespace":
                inc_start = _yes(value, False)
            elif local == "includeEndingWhitespace":
                inc_end = _yes(value, False)
        for el in header:
            local = _local(el.tag)
            if local == "formathandle":
                kind = el.get("type", "")
                if kind not in handle:
                    raise FormatError(
                        f"formathandle type must be start, end or isolated, not {kind!r}",
                        path=path,
                        line=el.sourceline,
                    )
                handle[kind] = _yes(el.get("include"), handle[kind])
            elif local == "options":  # Okapi's extension element
                inc_start = not _yes(el.get("trimLeadingWhitespaces"), not inc_start)
                inc_end = not _yes(el.get("trimTrailingWhitespaces"), not inc_end)

    named: dict[str, LanguageRule] = {}
    for group in children(body, "languagerules"):
        for lr in children(group, "languagerule"):
            name = lr.get("languagerulename")
            if not name:
                raise FormatError(
                    "languagerule without languagerulename", path=path, line=lr.sourceline
                )
            rules: list[SrxRule] = []
            for rule in children(lr, "rule"):
                before = "".join(e.text or "" for e in children(rule, "beforebreak"))
                after = "".join(e.text or "" for e in children(rule, "afterbreak"))
                try:
                    rules.append(
                        SrxRule.compiled(
                            is_break=_yes(rule.get("break"), True),
                            before=before,
                            after=after,
                            line=rule.sourceline,
                        )
                    )
                except RegexTranslationError as err:
                    raise FormatError(
                        f"rule in {name!r}: {err}", path=path, line=rule.sourceline
                    ) from err
            named[name] = LanguageRule(name, tuple(rules))

    map_elements: list[Any] = []
    for group in children(body, "maprules"):
        map_elements.extend(children(group, "languagemap"))
        maprules_10 = children(group, "maprule")
        if maprules_10:  # SRX 1.0: the first <maprule> is the map
            map_elements.extend(children(maprules_10[0], "languagemap"))
    maps: list[LanguageMap] = []
    for el in map_elements:
        name = el.get("languagerulename", "")
        pattern = el.get("languagepattern", "")
        if name not in named:
            raise FormatError(
                f"languagemap refers to unknown languagerule {name!r}",
                path=path,
                line=el.sourceline,
            )
        try:
            pattern_re = re.compile(translate(pattern), re.IGNORECASE)
        except (RegexTranslationError, re.error) as err:
            raise FormatError(f"bad languagepattern: {err}", path=path, line=el.sourceline) from err
        maps.append(LanguageMap(pattern, named[name], pattern_re))
    return SrxRules(
        maps=tuple(maps),
        cascade=cascade,
        segment_subflows=subflows,
        include_starting_whitespace=inc_start,
        include_ending_whitespace=inc_end,
        format_handle=handle,
        source=path,
    )


@lru_cache(maxsize=1)
def default_rules() -> SrxRules:
    """The shipped rules (tm/data/srx/default.srx), parsed once per process."""
    ref = resources.files("tm").joinpath("data", "srx", "default.srx")
    return parse_srx(ref.read_bytes(), path="tm/data/srx/default.srx")


# --- segmentation -------------------------------------------------------------------


def break_positions(text: str, lang: str, *, rules: SrxRules | None = None) -> list[int]:
    """Positions (0 < p < len) where the rules for `lang` cut `text` (codes not removed)."""
    srx = rules if rules is not None else default_rules()
    return _break_positions(text, srx.plan_for(lang))


def _break_positions(text: str, plan: _Plan) -> list[int]:
    n = len(text)
    if n < 2 or (not plan.scanned and not plan.unscanned):
        return []
    rev = text[::-1]
    candidates: set[int] = set()
    if plan.scan is not None:
        for m in plan.scan.finditer(rev):
            q = m.start()
            # Keep only places where some break rule matches both sides.
            if 0 < q < n and any(r.matches_at(text, rev, n - q) for r in plan.scanned):
                candidates.add(n - q)
    for rule in plan.unscanned:
        if rule.rev_before is not None:
            # A beforebreak that may match empty text: every start of a reversed match.
            q = 0
            while (hit := rule.rev_before.search(rev, q)) is not None and hit.start() < n:
                if hit.start() > 0:
                    candidates.add(n - hit.start())
                q = hit.start() + 1
        elif rule.after_re is not None:
            p = 1
            while (found := rule.after_re.search(text, p)) is not None and found.start() < n:
                candidates.add(found.start())
                p = found.start() + 1
        else:
            candidates.update(range(1, n))
    cuts: list[int] = []
    for pos in sorted(candidates):
        for rule in plan.rules:
            if rule.matches_at(text, rev, pos):
                if rule.is_break:
                    cuts.append(pos)
                break
    return cuts


def _code_side(ch: str, codes: Sequence[InlineCode] | None, handle: Mapping[str, bool]) -> bool:
    """True when the code char `ch` at a break stays with the segment before the break."""
    role = "isolated"
    if codes is not None:
        idx = ord(ch) - CODE_BASE
        if 0 <= idx < len(codes):
            role = {"open": "start", "close": "end"}.get(codes[idx].role, "isolated")
    return handle.get(role, DEFAULT_FORMAT_HANDLE[role])


def segment(
    text: str,
    lang: str,
    *,
    rules: SrxRules | None = None,
    codes: Sequence[InlineCode] | None = None,
) -> list[Span]:
    """Cut `text` into sentence spans for language `lang` (see the module doc).

    `codes` (the inline codes the private-use characters in `text` stand for) only
    refines which side of a break an open/close code goes to; without it every code is
    treated as isolated.
    """
    srx = rules if rules is not None else default_rules()
    plan = srx.plan_for(lang)
    code_at = [m.start() for m in _CODE_RE.finditer(text)]
    if not code_at:
        return _spans(text, _break_positions(text, plan), srx)
    plain = _CODE_RE.sub("", text)
    cuts = []
    i = 0  # codes before the current original position
    for p in _break_positions(plain, plan):
        # Original offsets of plain characters p-1 and p: skip the codes before them.
        while i < len(code_at) and code_at[i] <= p - 1 + i:
            i += 1
        left = p + i  # just after plain character p-1
        right = left
        while right < len(text) and i < len(code_at) and code_at[i] == right:
            right += 1
            i += 1
        cut = left
        while cut < right and _code_side(text[cut], codes, srx.format_handle):
            cut += 1
        cuts.append(cut)
    return _spans(text, cuts, srx)


def _has_content(piece: str) -> bool:
    """Not only whitespace and inline codes: something a translator would translate."""
    return any(not ch.isspace() and not CODE_BASE <= ord(ch) <= CODE_LIMIT for ch in piece)


def _spans(text: str, cuts: list[int], srx: SrxRules) -> list[Span]:
    bounds = [0, *cuts, len(text)]
    spans: list[Span] = []
    pending_start: int | None = None  # a codes-only piece waiting for the next segment
    for a, b in pairwise(bounds):
        s, e = a, b
        if not srx.include_starting_whitespace:
            while s < e and text[s].isspace():
                s += 1
        if not srx.include_ending_whitespace:
            while e > s and text[e - 1].isspace():
                e -= 1
        if s == e or text[s:e].isspace():
            continue
        if not _has_content(text[s:e]):
            if spans:
                spans[-1] = Span(spans[-1].start, e)
            elif pending_start is None:
                pending_start = s
            continue
        if pending_start is not None:
            s, pending_start = pending_start, None
        spans.append(Span(s, e))
    if pending_start is not None:
        # Only codes and whitespace in the whole text: still one segment to carry them.
        end = len(text)
        while end > pending_start and text[end - 1].isspace():
            end -= 1
        spans.append(Span(pending_start, end))
    return spans


def split_sentences(text: str, lang: str, *, rules: SrxRules | None = None) -> list[str]:
    """The sentences of `text` as strings (segment() spans, whitespace trimmed)."""
    return [text[s:e] for s, e in segment(text, lang, rules=rules)]
