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
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def exact_key(text: str) -> str:
    """The form two texts must share to count as an exact match."""
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
