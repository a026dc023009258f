"""Word-level diff of a query against a match's source, for people to see what changed.

Pieces are `(op, text)` with op `equal`, `delete` (only in the match source) or `insert`
(only in the query). Joining the `equal` and `delete` pieces gives the match source
back; joining `equal` and `insert` gives the query: a renderer can colour either side.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from tm.normalize import Analysis

DiffPiece = tuple[str, str]


def _units(analysis: Analysis) -> list[str]:
    """Each token with the gap that follows it; the leading gap is its own unit."""
    units = [analysis.gaps[0]]
    for i, token in enumerate(analysis.tokens):
        units.append(token.surface + analysis.gaps[i + 1])
    return units


def _push(out: list[DiffPiece], op: str, text: str) -> None:
    if not text:
        return
    if out and out[-1][0] == op:
        out[-1] = (op, out[-1][1] + text)
    else:
        out.append((op, text))


def word_diff(query: Analysis, source: Analysis) -> list[DiffPiece]:
    """Diff `source` (the match) against `query`, aligned on token values."""
    q_units, s_units = _units(query), _units(source)
    out: list[DiffPiece] = []
    # Unit 0 is the leading gap (punctuation or a tag before the first word).
    _emit_pair(out, s_units[0], q_units[0])
    ops = Levenshtein.opcodes(source.values, query.values)
    for op in ops:
        tag, s1, s2, q1, q2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag == "equal":
            for k in range(s2 - s1):
                _emit_pair(out, s_units[s1 + k + 1], q_units[q1 + k + 1])
            continue
        deleted = "".join(s_units[s1 + 1 : s2 + 1])
        inserted = "".join(q_units[q1 + 1 : q2 + 1])
        tail = _shared_tail(deleted, inserted) if deleted and inserted else ""
        cut = len(tail)
        _push(out, "delete", deleted[: len(deleted) - cut])
        _push(out, "insert", inserted[: len(inserted) - cut])
        _push(out, "equal", tail)
    return out


def _shared_tail(a: str, b: str) -> str:
    """The spacing/punctuation both replaced runs end with ("20 " vs "40 " share " ")."""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n] and not a[-1 - n].isalnum():
        n += 1
    return a[len(a) - n :] if n else ""


def _emit_pair(out: list[DiffPiece], source_unit: str, query_unit: str) -> None:
    """Aligned units: equal when written the same, else shown as a replacement."""
    if source_unit == query_unit:
        _push(out, "equal", source_unit)
    else:
        _push(out, "delete", source_unit)
        _push(out, "insert", query_unit)
