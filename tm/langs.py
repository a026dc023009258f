"""BCP 47 language tags, normalised once at the edge, and script facts the matcher needs.

Policy (documented in the README):

* `normalize_tag` fixes separators and case the way BCP 47 recommends
  (`ZH_cn` -> `zh-CN`, `zh_hans` -> `zh-Hans`, `EN-gb` -> `en-GB`), replaces the
  deprecated codes `iw`, `in`, `ji`, `jw`, `mo` and the old Chinese forms
  `zh-cmn`/`cmn` and rejects what is not a tag. The stored tag is this normalised form:
  region and script are kept, nothing is invented.
* `match_key` is what lookups compare: the primary language alone (`en-GB` and `en-US`
  share the memory), except Chinese, where the script decides mutual intelligibility:
  `zh`, `zh-CN`, `zh-SG`, `zh-Hans*` -> `zh-Hans`; `zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant*`
  -> `zh-Hant`. A query in `zh-CN` therefore finds units stored as `zh-Hans` and `zh-SG`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tm.errors import LanguageTagError

# Codes BCP 47 (via the IANA registry) marks as deprecated with a preferred value.
_DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "cmn": "zh"}
_TRAD_REGIONS = {"TW", "HK", "MO"}

# Languages written without spaces between words: matching works on characters there.
_NO_SPACE_LANGS = {"zh", "ja", "th", "lo", "km", "my", "bo", "dz", "yue", "wuu", "ii"}

_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_SPECIAL = {"*all*": "*all*"}


@lru_cache(maxsize=4096)
def normalize_tag(tag: str) -> str:
    """Return the canonical spelling of a BCP 47 tag, or raise LanguageTagError.

    Why: files spell tags every way (`zh_CN`, `EN-us`, `pt_br`); storing one spelling
    keeps lookups, statistics and exports consistent.
    """
    raw = tag.strip()
    if raw.lower() in _SPECIAL:
        return _SPECIAL[raw.lower()]
    cleaned = raw.replace("_", "-")
    if not _TAG_RE.match(cleaned):
        raise LanguageTagError(f"not a BCP 47 language tag: {tag!r}")
    parts = cleaned.split("-")
    primary = parts[0].lower()
    rest = parts[1:]
    if primary == "zh" and rest and rest[0].lower() == "cmn":
        rest = rest[1:]
    primary = _DEPRECATED.get(primary, primary)
    out = [primary]
    seen_singleton = False
    for i, part in enumerate(rest):
        low = part.lower()
        if seen_singleton:
            out.append(low)
        elif len(part) == 1:
            seen_singleton = True
            out.append(low)
        elif i == 0 and len(part) == 4 and part.isalpha():
            out.append(low.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(low.title())
        else:
            out.append(low)
    return "-".join(out)


def primary_language(tag: str) -> str:
    """The primary language subtag (`pt-BR` -> `pt`)."""
    return normalize_tag(tag).split("-")[0]


def script_of(tag: str) -> str | None:
    """The explicit or implied script subtag, where the difference matters (Chinese)."""
    parts = normalize_tag(tag).split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part
    if parts[0] == "zh":
        regions = [p for p in parts[1:] if len(p) == 2 and p.isupper()]
        return "Hant" if regions and regions[0] in _TRAD_REGIONS else "Hans"
    return None


@lru_cache(maxsize=4096)
def match_key(tag: str) -> str:
    """The key lookups compare, so regional variants share one memory (see module doc)."""
    norm = normalize_tag(tag)
    if norm == "*all*":
        return norm
    primary = norm.split("-")[0]
    if primary == "zh":
        return f"zh-{script_of(norm)}"
    return primary


def same_language(a: str, b: str) -> bool:
    """True when a unit in language `a` can answer a query in language `b`."""
    return match_key(a) == match_key(b)


def uses_spaces(tag: str) -> bool:
    """Whether words are separated by spaces; decides word- vs character-level matching."""
    return primary_language(tag) not in _NO_SPACE_LANGS


def is_cjk_char(ch: str) -> bool:
    """A character of a script written without spaces (Han, kana, Hangul, Thai ...)."""
    cp = ord(ch)
    return (
        0x3040 <= cp <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= cp <= 0x4DBF  # CJK Extension A
        or 0x4E00 <= cp <= 0x9FFF  # CJK Unified Ideographs
        or 0xF900 <= cp <= 0xFAFF  # CJK Compatibility Ideographs
        or 0x20000 <= cp <= 0x2FA1F  # CJK Extensions B-F, compatibility supplement
        or 0x0E00 <= cp <= 0x0EFF  # Thai, Lao
        or 0x1780 <= cp <= 0x17FF  # Khmer
        or 0x1000 <= cp <= 0x109F  # Myanmar
        or 0x31F0 <= cp <= 0x31FF  # Katakana phonetic extensions
        or 0xFF66 <= cp <= 0xFF9F  # half-width Katakana
    )
