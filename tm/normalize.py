"""Text normalisation shared by exact lookup, de-duplication and fuzzy matching.

`exact_key` defines what "the same text" means for exact (100) matches and for the
import duplicate policy: Unicode NFC, whitespace runs collapsed (including no-break and
ideographic spaces), zero-width and bidi control characters dropped, outer space
trimmed. Case and punctuation are *not* folded here: they are small, named penalties in
fuzzy scoring, not sameness.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Zero-width space/joiners, word joiner, BOM, soft hyphen and bidi marks: invisible
# differences that must never make two segments "different".
_INVISIBLE_RE = re.compile(
    "[\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def exact_key(text: str) -> str:
    """The form two texts must share to count as an exact match."""
    if text.isascii():
        # Same result, far cheaper: ASCII is NFC, has no invisible characters, and
        # str.split() splits on exactly the ASCII characters `\s` matches.
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def stable_hash(text: str) -> int:
    """A 63-bit hash stable across processes and platforms (Python's `hash` is salted).

    63 bits so it fits a signed BIGINT on every backend.
    """
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def exact_hash(text: str) -> int:
    """Hash of `exact_key(text)`: the indexed column exact lookups and dedup use."""
    return stable_hash(exact_key(text))


# --- tokens for fuzzy matching ---------------------------------------------------------
#
# Fuzzy scores are edit distances over *tokens*: words in scripts written with spaces,
# single characters in scripts written without them (Han, kana, Thai, Khmer ...), so
# `乳腺癌复发的风险` and `乳腺癌复发的危险` differ by one token of eight. Mixed text works
# because the script of each character decides, not the language tag.
#
# Numbers and placeholders are single tokens whose *key* is their class ("\x01N",
# "\x01P"): the candidate index and the adaptation check ignore their values, while the
# score compares values (a different number is a word the translator must change, unless
# the match can be adapted). Inline codes (private-use characters) and markup tags
# (`<b>`, `</a>`, `<br/>`) are not tokens at all: they live in the gaps between tokens
# and cost a tag penalty, never a word edit.

TOKENIZER_VERSION = 1  # bump when token keys change: stored indexes must be rebuilt

NUMBER_KEY = "\x01N"
PLACEHOLDER_KEY = "\x01P"

_NO_SPACE_CLASS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f"
)
_TAG_PATTERN = r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>"
_PLACEHOLDER_PATTERN = (
    r"%\([^()\s]{1,60}\)[-#0+]*\d*(?:\.\d+)?[A-Za-z]"  # %(name)s
    r"|%\d+\$[-#0+]*\d*(?:\.\d+)?[A-Za-z]"  # %1$s
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifuxXeEgGcrobp@]"  # %s %d %.2f
    r"|\{\{\s*[\w.]+\s*\}\}"  # {{ name }}
    r"|[%$]\{\w+\}"  # %{name} ${name}
    r"|\{[\w.:!\[\]-]*\}"  # {0} {name} {0:.2f} {}
)
_NUMBER_PATTERN = r"\d+(?:[.,]\d+)*"
_WORD_PATTERN = f"[^\\W{_NO_SPACE_CLASS}]+"

# One pass finds every token and every markup tag (tags first, so `<b>` is not the word
# "b"; placeholders before numbers, so `{0}` is not the number 0).
_TOKEN_RE = re.compile(
    f"({_TAG_PATTERN})|({_PLACEHOLDER_PATTERN})|({_NUMBER_PATTERN})"
    f"|([{_NO_SPACE_CLASS}])|({_WORD_PATTERN})"
)
_GAP_TAG_RE = re.compile(f"{_TAG_PATTERN}|[\ue000-\uf8ff]")
_NUMBER_SEP_RE = re.compile(r"[.,]")

TokenKind = str  # "word" | "char" | "number" | "placeholder"
_KINDS = {2: "placeholder", 3: "number", 4: "char", 5: "word"}


def number_value(surface: str) -> str:
    """A number's value independent of its decimal and grouping style.

    `10.5` and `10,5` are the same value; a separator followed by exactly three digits
    counts as grouping (`1,000` == `1.000` == `1000`), as it does in most writing.
    """
    groups = _NUMBER_SEP_RE.split(surface)
    if len(groups) > 1 and len(groups[-1]) != 3:
        whole, frac = "".join(groups[:-1]), groups[-1]
    else:
        whole, frac = "".join(groups), ""
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


class Token:
    """One token of a segment: its comparison key, its value and where it stands."""

    __slots__ = ("end", "key", "kind", "start", "surface", "value")

    def __init__(self, kind: str, surface: str, start: int, end: int) -> None:
        self.kind = kind
        self.surface = surface
        self.start = start
        self.end = end
        if kind == "number":
            self.key = NUMBER_KEY
            self.value = NUMBER_KEY + number_value(surface)
        elif kind == "placeholder":
            self.key = PLACEHOLDER_KEY
            self.value = PLACEHOLDER_KEY + surface
        else:
            self.key = self.value = surface.casefold()

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.surface!r})"


class Analysis:
    """A segment cut into tokens and the gaps around them, ready for scoring.

    `gaps[i]` is the text before `tokens[i]`; `gaps[-1]` follows the last token, so
    `gaps[0] + tokens[0].surface + gaps[1] + ... + gaps[-1] == text`.
    """

    __slots__ = ("gaps", "text", "tokens")

    def __init__(self, text: str, tokens: list[Token], gaps: list[str]) -> None:
        self.text = text
        self.tokens = tokens
        self.gaps = gaps

    @property
    def keys(self) -> list[str]:
        """Masked keys: what the candidate index and the adaptation check compare."""
        return [t.key for t in self.tokens]

    @property
    def values(self) -> list[str]:
        """Keys with number and placeholder values: what the fuzzy score compares."""
        return [t.value for t in self.tokens]


def analyze(text: str) -> Analysis:
    """Cut `exact_key(text)` into tokens and gaps (see the comment above for the rules)."""
    norm = exact_key(text)
    tokens: list[Token] = []
    gaps: list[str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(norm):
        group = m.lastindex or 0
        if group == 1:  # a markup tag: part of the gap, not a token
            continue
        gaps.append(norm[pos : m.start()])
        tokens.append(Token(_KINDS[group], m.group(), m.start(), m.end()))
        pos = m.end()
    gaps.append(norm[pos:])
    return Analysis(norm, tokens, gaps)


# ASCII text without digits, tags or placeholder openers has only plain words: the
# common case of the import path, served by a much simpler regex.
_ASCII_SPECIAL_RE = re.compile(r"[0-9<%{$]")
_ASCII_WORD_RE = re.compile(r"[A-Za-z_]+")
# ASCII with digits but no tag or placeholder opener: a number starts wherever a digit
# does not continue a word (the scanner tries numbers before words).
_ASCII_MARKUP_RE = re.compile(r"[<%{$]")
# One pass: numbers (where a digit does not continue a word) before words, so a token
# starting with a digit is a number (letters and "_" sort after ":", digits before).
_ASCII_NUMBER_OR_WORD_RE = re.compile(r"(?<![a-z0-9_])\d+(?:[.,]\d+)*|[a-z0-9_]+")
# The same shortcut for other scripts written with spaces (accented Latin, Cyrillic ...).
_SPECIAL_RE = re.compile(f"[\\d<%{{$\ue000-\uf8ff{_NO_SPACE_CLASS}]")
_PLAIN_WORD_RE = re.compile(r"\w+")


def token_keys(text: str) -> list[str]:
    """The masked token keys of `text`, fast: the import path indexes every variant.

    Always equal to `analyze(text).keys` (a property test holds the two together).
    """
    if text.isascii():
        if not _ASCII_SPECIAL_RE.search(text):
            return _ASCII_WORD_RE.findall(text.lower())
        if not _ASCII_MARKUP_RE.search(text):
            return [
                NUMBER_KEY if t < ":" else t for t in _ASCII_NUMBER_OR_WORD_RE.findall(text.lower())
            ]
        norm = text
    else:
        norm = exact_key(text)
        if not _SPECIAL_RE.search(norm):
            return [w.casefold() for w in _PLAIN_WORD_RE.findall(norm)]
    out: list[str] = []
    for _tag, ph, num, char, word in _TOKEN_RE.findall(norm):
        if word:
            out.append(word.casefold())
        elif char:
            out.append(char)
        elif num:
            out.append(NUMBER_KEY)
        elif ph:
            out.append(PLACEHOLDER_KEY)
    return out


def gap_tags(gap: str) -> list[str]:
    """Inline codes and markup tags inside a gap, as comparable keys."""
    return [t.lower() for t in _GAP_TAG_RE.findall(gap)]


def gap_text(gap: str) -> str:
    """A gap without its tags: punctuation and spacing only."""
    return _GAP_TAG_RE.sub("", gap)
