"""Postings of the fuzzy candidate index, computed without a database (pure).

A posting says "variant `id`, of `ntok` tokens, contains this token key". Imports
buffer them in a `PostingBuffer` and `drain` it into chunk rows, one per token key:
`(token_key, first variant id, packed entries)` plus `(token_key, df, 1)` counts for
`tm.store.fuzzy_index` to write. Nothing here touches a database, so the buffer can
live in the import's process or in a worker process (`serve`, started by
`tm.store.index_worker`), where tokenising runs on another core.
"""

from __future__ import annotations

import pickle
import sys
import zlib
from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence

from tm.normalize import token_keys

Chunk = tuple[int, int, bytes]  # (token key, first variant id, packed entries)
Count = tuple[int, int, int]  # (token key, postings, chunks)

CHUNK_MAX = 1 << 20  # entries per chunk when merging or rebuilding
NTOK_MAX = 65535  # token counts are packed as unsigned 16-bit; longer segments clamp


def key_seed(memory_id: int, lang_key: str) -> int:
    """Hash state after (memory, language): token keys never mix memories or languages."""
    return zlib.crc32(f"{memory_id}\x1f{lang_key}\x1f".encode())


def token_hash(seed: int, token: str) -> int:
    """A signed 32-bit key (fits INTEGER everywhere); collisions only widen candidates."""
    return zlib.crc32(token.encode("utf-8", "surrogatepass"), seed) - 0x8000_0000


_BIG_ENDIAN = sys.byteorder == "big"
VID_TYPE = "I" if array("I").itemsize == 4 else "L"


def pack_entries(ntoks: array, vids: array) -> bytes:
    """Chunk bytes: all ntoks (uint16) then all variant ids (uint32), little-endian."""
    if _BIG_ENDIAN:
        ntoks, vids = array("H", ntoks), array(VID_TYPE, vids)
        ntoks.byteswap()
        vids.byteswap()
    return ntoks.tobytes() + vids.tobytes()


def unpack_entries(blob: bytes) -> tuple[array, array]:
    """The (ntoks, variant ids) arrays of a chunk, sorted by ntok."""
    n = len(blob) // 6
    ntoks = array("H")
    ntoks.frombytes(blob[: 2 * n])
    vids = array(VID_TYPE)
    vids.frombytes(blob[2 * n :])
    if _BIG_ENDIAN:
        ntoks.byteswap()
        vids.byteswap()
    return ntoks, vids


# Postings of a transaction are buffered in memory and written at most every FLUSH_AT
# postings and just before the transaction commits: a bulk import then writes one chunk
# per token per ~100,000 units instead of one per 2,000-unit batch, with no merging.
FLUSH_AT = 2_000_000


class PostingBuffer:
    """Postings not yet written: token key -> [ntok << 32 | variant id] in insertion order.

    Each distinct token of a scope maps straight to its key's list (`scopes`), so the
    per-word work of an import is one dict probe and one append of a shared small int;
    a flat list of (key << 48 | ...) ints cost an 80-bit int per word, a sort of all of
    them and a pass to split them again at flush.
    """

    __slots__ = ("count", "lists", "scopes")

    def __init__(self) -> None:
        self.count = 0  # postings held
        self.lists: dict[int, list[int]] = {}
        self.scopes: dict[tuple[int, str], dict[str, list[int]]] = {}

    def add(self, memory_id: int, items: Iterable[tuple[int, str, str]]) -> None:
        buffer_texts(self, memory_id, items)

    def drain(self) -> tuple[list[Chunk], list[Count]]:
        return drain(self)

    def close(self) -> None:
        """Nothing to release in-process (a worker buffer stops its process)."""


def buffer_texts(buf: PostingBuffer, memory_id: int, items: Iterable[tuple[int, str, str]]) -> None:
    """Tokenise and hash (variant id, lang_key, text) into the buffer (the import hot path)."""
    lists = buf.lists
    crc32 = zlib.crc32
    # Variants arrive unit by unit, so the language changes at nearly every item:
    # each language's (seed, token cache) is looked up once per call, not per item.
    scopes: dict[str, tuple[int, dict[str, list[int]]]] = {}
    count = 0
    for vid, lang_key, segment in items:
        keys = token_keys(segment)
        if not keys:
            continue
        scope = scopes.get(lang_key)
        if scope is None:
            scope = scopes[lang_key] = (
                key_seed(memory_id, lang_key),
                buf.scopes.setdefault((memory_id, lang_key), {}),
            )
        seed, cache = scope
        distinct = set(keys)
        for k in distinct.difference(cache):
            h = crc32(k.encode("utf-8", "surrogatepass"), seed) - 0x8000_0000
            # Colliding tokens share their key's list, as they share its chunks.
            cache[k] = lists.setdefault(h, [])
        low = (min(len(keys), NTOK_MAX) << 32) | vid
        for k in distinct:
            cache[k].append(low)
        count += len(distinct)
    buf.count += count


def _split_lows(lows: list[int]) -> tuple[array, array]:
    """The (ntok, variant id) arrays of `ntok << 32 | id` ints, in their order.

    One uint64 array (converted in C) whose native bytes are read back as 16- and
    32-bit lanes: no Python-level work per posting.
    """
    if _BIG_ENDIAN or array(VID_TYPE).itemsize != 4:
        return (
            array("H", [(p >> 32) & 0xFFFF for p in lows]),
            array(VID_TYPE, [p & 0xFFFF_FFFF for p in lows]),
        )
    raw = array("Q", lows).tobytes()
    halves, words = array("H"), array(VID_TYPE)
    halves.frombytes(raw)
    words.frombytes(raw)
    return halves[2::4], words[0::2]


def drain(buf: PostingBuffer) -> tuple[list[Chunk], list[Count]]:
    """Empty the buffer into one chunk per token key, sorted by (ntok, id), and counts."""
    chunks: list[Chunk] = []
    counts: list[Count] = []
    for key, lows in buf.lists.items():
        lows.sort()  # by ntok, then id: chunk order
        ntoks, vids = _split_lows(lows)
        chunks.append((key, vids[0], pack_entries(ntoks, vids)))
        counts.append((key, len(lows), 1))
    buf.lists.clear()
    # The token caches point at the lists just drained: later postings need new ones.
    buf.scopes.clear()
    buf.count = 0
    return chunks, counts


def merge_chunks(blobs: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """Merge chunks into as few as possible, each sorted by ntok: [(chunk_id, entries)].

    Every chunk is already sorted by ntok, so the merge moves whole runs of equal ntok
    with array slices (memory copies) instead of sorting entries one by one; the order
    of ids within one ntok does not matter to a probe.
    """
    runs: dict[int, list[array]] = defaultdict(list)
    for blob in blobs:
        ntoks, vids = unpack_entries(blob)
        start = 0
        while start < len(ntoks):
            ntok = ntoks[start]
            end = bisect_right(ntoks, ntok, start)
            runs[ntok].append(vids[start:end])
            start = end
    out: list[tuple[int, bytes]] = []
    ntoks_out, vids_out = array("H"), array(VID_TYPE)
    for ntok in sorted(runs):
        for part in runs[ntok]:
            vids_out.extend(part)
            ntoks_out.extend(array("H", [ntok]) * len(part))
            if len(vids_out) >= CHUNK_MAX:
                out.append((vids_out[0], pack_entries(ntoks_out, vids_out)))
                ntoks_out, vids_out = array("H"), array(VID_TYPE)
    if vids_out:
        out.append((vids_out[0], pack_entries(ntoks_out, vids_out)))
    return out


def serve(flush_at: int = FLUSH_AT) -> None:
    """The worker process's loop: a PostingBuffer fed and drained over stdin/stdout.

    Messages are pickles from the parent (`tm.store.index_worker.WorkerBuffer`):
    `("add", memory_id, [(variant id, lang_key, text), ...])` has no reply;
    `("drain",)` is answered with `drain`'s (chunks, counts). End of input ends it.
    """
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    buf = PostingBuffer()
    # Every FLUSH_AT postings the lists (~45 bytes a posting) are packed (6 bytes) and
    # held here, so the parent can drain rarely and pause less.
    held: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
    held_df: dict[int, int] = defaultdict(int)

    def pack() -> None:
        chunks, counts = buf.drain()
        for key, first, blob in chunks:
            held[key].append((first, blob))
        for key, df, _n in counts:
            held_df[key] += df

    while True:
        try:
            message = pickle.load(stdin)
        except EOFError:
            return
        if message[0] == "add":
            buf.add(message[1], message[2])
            if buf.count >= flush_at:
                pack()
        elif message[0] == "drain":
            pack()
            chunks: list[Chunk] = []
            counts: list[Count] = []
            # A chunk per key and FLUSH_AT postings, as the in-process path writes them:
            # merging them here costs the import more (measured at 1M units) than the
            # extra chunk rows cost a probe; the store merges keys with many chunks.
            for key, parts in held.items():
                chunks.extend((key, first, blob) for first, blob in parts)
                counts.append((key, held_df[key], len(parts)))
            held.clear()
            held_df.clear()
            pickle.dump((chunks, counts), stdout, protocol=pickle.HIGHEST_PROTOCOL)
            stdout.flush()
        else:
            raise ValueError(f"unknown message {message[0]!r}")
