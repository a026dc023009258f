"""Word and character counts for analysis reports and quotes, the way CAT tools count.

The rule (documented in docs/pretranslate.md):

* Characters of scripts written without spaces between words (Han ideographs, kana,
  Thai, Lao, Khmer, Myanmar: `tm.langs.is_cjk_char`) count one word each, whatever the
  language tag says: a Chinese or Japanese sentence of 20 characters is 20 words, and a
  Han name inside an English sentence still counts per character. Combining marks (Thai
  vowel signs and tone marks) are part of the character before them, not words.
* Everything else is counted by words: a maximal run of letters and digits, joined by
  an apostrophe, hyphen, or by `.`/`,` between digits, is one word (`don't`,
  `well-known`, `HER2-positive`, `1,000.5` are one word each). Numbers count as words,
  as in Trados and memoQ; punctuation and symbols alone do not.
* In French, Italian and Catalan an elided article or pronoun is a word of its own
  (`l'eau`, `dell'ospedale` are two words): this is the one place the language decides.
* Inline codes (tags, placeholders) count neither as words nor as characters.
* Characters are counted without whitespace (the "characters, no spaces" column that
  quotes for space-less languages are priced by).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tm.langs import is_cjk_char, primary_language
from tm.models import strip_codes

_JOINERS = {"'", "\u2019", "-", "\u2010", "\u2011"}  # apostrophes and hyphens inside words
_NUMBER_JOINERS = {".", ",", "\u202f", "\u00a0"}  # 1,000.5 and 1 000 in numbers
# Languages where an apostrophe marks elision between two words (l'eau = le + eau).
_ELIDING_LANGS = {"fr", "it", "ca"}
# Fast path for plain ASCII text (most English segments), the same rule as the loop below.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:(?:['\-]|(?<=[0-9])[.,](?=[0-9]))[A-Za-z0-9]+)*")
_ASCII_WORD_ELIDING = re.compile(r"[A-Za-z0-9]+(?:(?:-|(?<=[0-9])[.,](?=[0-9]))[A-Za-z0-9]+)*")


@dataclass(frozen=True)
class TextCount:
    """Words and characters of one text, added up across segments with `+`."""

    words: int = 0
    characters: int = 0

    def __add__(self, other: TextCount) -> TextCount:
        return TextCount(self.words + other.words, self.characters + other.characters)


def _is_word_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat[0] in "LN" or cat in ("Mn", "Mc")


def count_words(text: str, lang: str | None = None) -> int:
    """Number of words in `text` (see the module doc for the rule)."""
    text = strip_codes(text)
    eliding = lang is not None and _eliding(lang)
    if text.isascii():
        return len((_ASCII_WORD_ELIDING if eliding else _ASCII_WORD).findall(text))
    return _count_loop(text, eliding)


def _count_loop(text: str, eliding: bool) -> int:
    """The general rule, character by character (any script)."""
    words = 0
    in_word = False
    n = len(text)
    for i, ch in enumerate(text):
        if is_cjk_char(ch):
            cat = unicodedata.category(ch)
            if cat not in ("Mn", "Mc"):
                words += 1
            in_word = False
            continue
        if _is_word_char(ch):
            if not in_word:
                words += 1
                in_word = True
            continue
        if in_word and i + 1 < n and _joins(text, i, eliding):
            continue  # the joiner belongs to the word; the next character continues it
        in_word = False
    return words


def _joins(text: str, i: int, eliding: bool) -> bool:
    """Whether text[i] (between word characters) glues two parts into one word."""
    ch, prev, nxt = text[i], text[i - 1], text[i + 1]
    if is_cjk_char(nxt) or not _is_word_char(nxt):
        return False
    if ch in _JOINERS:
        return not (eliding and ch in ("'", "\u2019"))
    if ch in _NUMBER_JOINERS:
        return prev.isdigit() and nxt.isdigit()
    return False


def _eliding(lang: str) -> bool:
    return primary_language(lang) in _ELIDING_LANGS


def count_characters(text: str) -> int:
    """Characters without whitespace and inline codes; combining marks join their base."""
    return sum(
        1
        for ch in strip_codes(text)
        if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Me", "Cf")
    )


def count_text(text: str, lang: str | None = None) -> TextCount:
    """Words and characters of one segment, for an analysis row."""
    return TextCount(count_words(text, lang), count_characters(text))
