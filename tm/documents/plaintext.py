"""Plain-text articles: paragraphs are separated by blank lines.

Within a paragraph, a line that starts with a list marker (`- `, `* `, `• `, `1. `,
`2) `) starts a list-item block; the marker stays in the skeleton. A paragraph of one
short line without final punctuation is labelled a heading (cosmetic: it only tells a
translator what they are looking at). Line breaks inside a block are kept in its text;
segmentation treats a single newline as a space.
"""

from __future__ import annotations

import re

from tm.documents.builder import CodedText, SkeletonBuilder, has_words
from tm.documents.model import Block, Slot

_LIST_RE = re.compile(r"[ \t]*(?:[-*•·–]|\(?\d{1,3}[.)])[ \t]+(?=\S)")
HEADING_MAX = 80
_FINAL_PUNCT = tuple(".!?。！？:;,，；：…")


def parse_text(source: str) -> tuple[list[str | Slot], list[Block]]:
    """Skeleton and blocks of a plain-text article (see the module doc)."""
    sk = SkeletonBuilder(source)
    lines = source.split("\n")
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        # paragraph = lines[i:j]; split it into units at list markers
        units: list[tuple[int, int, bool]] = []
        unit_start = i
        for k in range(i, j):
            if k > unit_start and _LIST_RE.match(lines[k]):
                units.append((unit_start, k, bool(_LIST_RE.match(lines[unit_start]))))
                unit_start = k
        units.append((unit_start, j, bool(_LIST_RE.match(lines[unit_start]))))
        for a, b, is_item in units:
            first = lines[a]
            lead = _LIST_RE.match(first) if is_item else None
            col = lead.end() if lead else len(first) - len(first.lstrip())
            start = starts[a] + col
            last = lines[b - 1]
            end = starts[b - 1] + len(last.rstrip())
            raw = source[start:end]
            if not has_words(raw):
                continue
            if is_item:
                kind = "list-item"
            elif (
                len(units) == 1
                and b - a == 1
                and len(raw) <= HEADING_MAX
                and not raw.endswith(_FINAL_PUNCT)
            ):
                kind = "heading"
            else:
                kind = "paragraph"
            coded = CodedText()
            coded.text(raw)
            text, codes = coded.value()
            sk.add(
                start, end, Block(id=sk.next_id(), text=text, codes=codes, kind=kind, line=a + 1)
            )
        i = j
    return sk.finish()
