"""Scoring a segmenter against hand-made gold segments (boundary precision, recall, F1).

Why in the library: whoever tunes an SRX file (ours or their own) needs the same
measure the test suite asserts. The gold format is described in
tests/data/segmentation/README.md: one segment a line, a blank line between paragraphs,
`⁀` / `↵` at the start of a line to join it to the previous segment with nothing / a
newline, and `\\n` for a newline inside a segment. Pure: callers read the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tm.langs import uses_spaces

JOIN_NOTHING = "⁀"
JOIN_NEWLINE = "↵"


@dataclass(frozen=True)
class GoldText:
    """The input text rebuilt from gold segments, and where the gold boundaries are."""

    text: str
    segments: tuple[str, ...]
    boundaries: frozenset[int]  # segment ends inside paragraphs (what is scored)
    paragraph_boundaries: frozenset[int]  # segment ends at a paragraph end


@dataclass(frozen=True)
class BoundaryScore:
    """Boundary counts and the usual ratios; `missed_paragraphs` should always be 0."""

    true_positives: int
    false_positives: int
    false_negatives: int
    missed_paragraphs: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_gold(source: str, lang: str) -> GoldText:
    """Parse a gold file's content; the joiner is a space, or nothing where `lang` has none."""
    joiner = " " if uses_spaces(lang) else ""
    paragraphs: list[list[tuple[str, str]]] = [[]]
    for raw in source.splitlines():
        if raw.startswith("#"):
            continue
        line = raw.rstrip("\r")
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        sep = joiner
        if line.startswith(JOIN_NOTHING):
            sep, line = "", line[1:]
        elif line.startswith(JOIN_NEWLINE):
            sep, line = "\n", line[1:]
        paragraphs[-1].append((sep, line.replace("\\n", "\n")))
    if not paragraphs[-1]:
        paragraphs.pop()
    text_parts: list[str] = []
    segments: list[str] = []
    inner: set[int] = set()
    para_ends: set[int] = set()
    pos = 0
    for pi, para in enumerate(paragraphs):
        if pi:
            text_parts.append("\n\n")
            pos += 2
        for si, (sep, seg) in enumerate(para):
            if si:
                inner.add(pos)
                text_parts.append(sep)
                pos += len(sep)
            text_parts.append(seg)
            segments.append(seg)
            pos += len(seg)
        para_ends.add(pos)
    para_ends.discard(pos)  # the end of the text is not a boundary
    return GoldText("".join(text_parts), tuple(segments), frozenset(inner), frozenset(para_ends))


def score_boundaries(gold: GoldText, spans: Sequence[tuple[int, int]]) -> BoundaryScore:
    """Compare predicted spans (from tm.segment.segment) with the gold boundaries."""
    predicted = {end for _start, end in spans[:-1]}
    inner_pred = predicted - gold.paragraph_boundaries
    tp = len(inner_pred & gold.boundaries)
    return BoundaryScore(
        true_positives=tp,
        false_positives=len(inner_pred - gold.boundaries),
        false_negatives=len(gold.boundaries - inner_pred),
        missed_paragraphs=len(gold.paragraph_boundaries - predicted),
    )
