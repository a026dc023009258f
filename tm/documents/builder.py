"""Helpers the format filters share: coded-text assembly and skeleton assembly."""

from __future__ import annotations

from collections.abc import Sequence

from tm.documents.model import Block, Slot
from tm.models import CODE_BASE, CODE_LIMIT, CodeRole, InlineCode, code_char


class CodedText:
    """Builds a block's coded text: plain text plus one private-use char per code.

    A private-use character already present in the source (icon fonts do that) becomes
    a standalone code of kind `char`, so it cannot be mistaken for a code marker and is
    written back unchanged (tm.formats.inline does the same).
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.codes: list[InlineCode] = []
        self._pair = 0

    def text(self, s: str) -> None:
        if not s:
            return
        if any(CODE_BASE <= ord(ch) <= CODE_LIMIT for ch in s):
            for ch in s:
                if CODE_BASE <= ord(ch) <= CODE_LIMIT:
                    self.code("standalone", "char", ch)
                else:
                    self.parts.append(ch)
        else:
            self.parts.append(s)

    def code(
        self,
        role: CodeRole,
        kind: str,
        data: str,
        attrs: Sequence[tuple[str, str]] = (),
        pair_id: str | None = None,
    ) -> str:
        """Append a code; returns its pairing id (a new one unless `pair_id` is given)."""
        if pair_id is None:
            self._pair += 1
            pair_id = str(self._pair)
        self.parts.append(code_char(len(self.codes)))
        self.codes.append(
            InlineCode(role=role, id=pair_id, kind=kind, data=data, attrs=tuple(attrs))
        )
        return pair_id

    def value(self) -> tuple[str, tuple[InlineCode, ...]]:
        return "".join(self.parts), tuple(self.codes)


def has_words(text: str, codes: Sequence[InlineCode] = ()) -> bool:
    """Worth translating: at least one letter outside the codes."""
    return any(ch.isalpha() for ch in text if not CODE_BASE <= ord(ch) <= CODE_LIMIT)


class SkeletonBuilder:
    """Cuts a source string into literal parts and block slots, left to right."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.parts: list[str | Slot] = []
        self.blocks: list[Block] = []

    def next_id(self) -> str:
        return f"b{len(self.blocks) + 1}"

    def add(self, start: int, end: int, block: Block) -> None:
        """The source range [start, end) is replaced by `block` (ranges come in order)."""
        if start < self.pos:
            raise ValueError("blocks must be added in source order without overlap")
        if start > self.pos:
            self.parts.append(self.source[self.pos : start])
        self.parts.append(Slot(block.id))
        self.blocks.append(block)
        self.pos = end

    def finish(self) -> tuple[list[str | Slot], list[Block]]:
        if self.pos < len(self.source):
            self.parts.append(self.source[self.pos :])
        merged: list[str | Slot] = []
        for p in self.parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return merged, self.blocks
