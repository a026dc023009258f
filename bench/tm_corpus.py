"""A realistic English->French translation memory of any size, generated, never committed.

Real sentences first: Django's PO catalogues (msgid/msgstr pairs, placeholders and HTML
included) and English sentences and paragraphs from the docstrings of the installed
Python packages and standard library. Then a synthetic extension of near-duplicates:
copies of real sentences with one to three word edits, changed numbers, changed case or
punctuation, and splices of two sentences, which is what a large, long-lived TM looks
like. Everything is deterministic for a given seed.

Needs `pip install django` in the venv (benchmark only, not a project dependency).
"""

from __future__ import annotations

import ast
import hashlib
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CODEY = re.compile(r"[=(){}\[\]>]{2}|::|\.\.\.|>>>|\w+\(|_{2}|\bdef\b|\bself\.")


@dataclass(frozen=True)
class Pair:
    """One bilingual unit: English source, French target."""

    source: str
    target: str


def _held_out(text: str) -> bool:
    """One sentence in ten never enters the TM: the pool for no-match queries."""
    return hashlib.blake2b(text.encode(), digest_size=2).digest()[0] < 26


def django_pairs() -> list[Pair]:
    """Every translated msgid of Django's French catalogues."""
    import django

    root = Path(django.__file__).parent
    out: dict[str, str] = {}
    for po_path in sorted(root.rglob("locale/fr/LC_MESSAGES/*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            target = entry.msgstr or (entry.msgstr_plural or {}).get(0, "")
            source = _WS.sub(" ", entry.msgid).strip()
            if source and target and source not in out:
                out[source] = _WS.sub(" ", target).strip()
    return [Pair(s, t) for s, t in out.items()]


def _docstrings(path: Path) -> Iterator[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


def docstring_texts(max_files: int = 20000) -> tuple[list[str], list[str]]:
    """(sentences of 3-59 words, paragraphs of 60-150 words) of real English prose."""
    roots = [Path(p) for p in sys.path if p.endswith(("site-packages", "python3.11"))]
    files: list[Path] = []
    for root in roots:
        if root.is_dir():
            files.extend(sorted(root.rglob("*.py")))
    sentences: dict[str, None] = {}
    paragraphs: dict[str, None] = {}
    for path in files[:max_files]:
        for doc in _docstrings(path):
            for para in doc.split("\n\n"):
                if _CODEY.search(para) or para.lstrip().startswith((":", "-", "*", "|")):
                    continue
                flat = _WS.sub(" ", para).strip()
                words = flat.split(" ")
                if 60 <= len(words) <= 150:
                    paragraphs[flat] = None
                for sentence in _SENTENCE_SPLIT.split(flat):
                    n = len(sentence.split(" "))
                    if 3 <= n < 60 and sentence[:1].isupper():
                        sentences[sentence] = None
    return list(sentences), list(paragraphs)


def pseudo_french(text: str) -> str:
    """A stand-in target for English-only prose (lookups read it, nobody judges it)."""
    return "FR: " + text


class Corpus:
    """The real pool, the held-out pool and a deterministic stream of TM units."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        pairs = django_pairs()
        sentences, paragraphs = docstring_texts()
        self.held_sentences = [s for s in sentences if _held_out(s)]
        self.held_paragraphs = [p for p in paragraphs if _held_out(p)]
        self.held_short = [p.source for p in pairs if _held_out(p.source)]
        real = [p for p in pairs if not _held_out(p.source)]
        real += [Pair(s, pseudo_french(s)) for s in sentences if not _held_out(s)]
        real += [Pair(p, pseudo_french(p)) for p in paragraphs if not _held_out(p)]
        random.Random(seed).shuffle(real)
        self.real = real
        vocab: dict[str, None] = {}
        for pair in real[:50000]:
            for word in pair.source.split():
                if word.isalpha():
                    vocab[word] = None
        self.vocab = list(vocab)

    def units(self, size: int) -> list[Pair]:
        """The first `size` units of the TM (a prefix: 10k is inside 100k inside 1M)."""
        # A few docstrings hold control characters (NUL even), which no TM format
        # carries and PostgreSQL refuses.
        real = [Pair(_CONTROL.sub(" ", p.source), _CONTROL.sub(" ", p.target)) for p in self.real]
        out = real[:size]
        rng = random.Random(self.seed + 1)
        seen = {p.source for p in out}
        while len(out) < size:
            base = out[rng.randrange(len(out))] if rng.random() < 0.3 else rng.choice(real)
            other = rng.choice(real)
            source = mutate(base.source, rng, self.vocab, other.source)
            if source in seen:
                continue
            seen.add(source)
            out.append(Pair(source, pseudo_french(source)))
        return out


def mutate(text: str, rng: random.Random, vocab: list[str], other: str = "") -> str:
    """A near-duplicate: a few word edits, a number, case or punctuation change, a splice."""
    words = text.split(" ")
    roll = rng.random()
    if roll < 0.12 and other:
        other_words = other.split(" ")
        cut_a = max(1, len(words) // 2)
        cut_b = len(other_words) // 2
        return " ".join(words[:cut_a] + other_words[cut_b:])
    if roll < 0.22:
        return (
            re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text)
            if re.search(r"\d", text)
            else text + f" ({rng.randint(2, 99)})"
        )
    if roll < 0.28:
        return text.lower() if text[:1].isupper() else text.capitalize()
    if roll < 0.32:
        return text[:-1] if text.endswith((".", ":", "!", "?")) else text + "."
    edits = 1 + min(2, len(words) // 8) if len(words) > 3 else 1
    for _ in range(rng.randint(1, edits)):
        op = rng.random()
        i = rng.randrange(len(words))
        if op < 0.5:
            words[i] = rng.choice(vocab)
        elif op < 0.75 and len(words) > 1:
            del words[i]
        else:
            words.insert(i, rng.choice(vocab))
    return " ".join(words)


def queries(corpus: Corpus, tm: list[Pair], count: int, seed: int = 11) -> list[dict[str, str]]:
    """`count` queries: half near-duplicates of TM sources, half real text not in the TM.

    Each half holds 15% short (1-3 words) and 15% long (60+ words) queries; the
    benchmark classifies them again by the exhaustive scan's true best score.
    """
    rng = random.Random(seed)
    sources = [p.source for p in tm]
    short = [s for s in sources if 1 <= len(s.split()) <= 3]
    long = [s for s in sources if len(s.split()) >= 60]
    normal = [s for s in sources if 3 < len(s.split()) < 60]
    out: list[dict[str, str]] = []
    half = count // 2
    n_short = n_long = int(half * 0.15)
    n_normal = half - n_short - n_long
    for pool, n, kind in (
        (short, n_short, "short"),
        (long, n_long, "long"),
        (normal, n_normal, "normal"),
    ):
        for _ in range(n):
            base = rng.choice(pool) if pool else rng.choice(sources)
            if kind == "short":
                text = base if rng.random() < 0.4 else mutate(base, rng, corpus.vocab)
            else:
                text = _light_edit(base, rng, corpus.vocab)
            out.append({"text": text, "intent": "match", "length": kind})
    held_short = [s for s in corpus.held_short if 1 <= len(s.split()) <= 3] or ["Xylophone"]
    for pool, n, kind in (
        (held_short, n_short, "short"),
        (corpus.held_paragraphs, n_long, "long"),
        (corpus.held_sentences, n_normal, "normal"),
    ):
        for _ in range(n):
            out.append({"text": rng.choice(pool), "intent": "none", "length": kind})
    rng.shuffle(out)
    return out


def _light_edit(text: str, rng: random.Random, vocab: list[str]) -> str:
    """About one word edit per twelve words: a near match a translator would use."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 12)):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.6:
            words[i] = rng.choice(vocab)
        elif op < 0.8 and len(words) > 2:
            del words[i]
        else:
            words.insert(i, rng.choice(vocab))
    return " ".join(words)
