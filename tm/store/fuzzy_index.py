"""Fuzzy-match candidate index kept in the database (issue 3), exact by construction.

Contract used by the import service, which calls these inside its own transaction:

* `index_variants(conn, rows)` where rows are dicts with keys
  `id, memory_id, lang_key, text` for variants just inserted (the import's writer
  calls the equivalent `index_texts(conn, memory_id, [(id, lang_key, text)])`);
* `unindex_variants(conn, variant_ids)` before variants are deleted or changed.

Design (docs/matching.md has the long form). Every variant is cut into masked tokens
(`tm.normalize.token_keys`). A token key is a 32-bit hash of (memory, language, token).
Postings are stored per key in *chunks*: rows `(token_key, chunk_id, entries)`, where
`entries` packs `(ntok, variant_id)` pairs sorted by the variant's token count `ntok`,
so a probe "token t, length between a and b" is one index range read plus a binary
search inside each chunk. A transaction's postings are buffered in memory and written
as one chunk per key (every FLUSH_AT postings and just before commit): a bulk import
writes a few rows per distinct token instead of one row per posting. `fuzzy_token`
keeps each key's document frequency (df) and chunk count; keys that collect MERGE_AT
chunks (many small imports) are merged.

Why this loses nothing against an exhaustive scan: a candidate scoring >= t against a
query of n tokens needs at most D(m) = floor(max(n, m) * (100 - t) / 100) token edits,
has m tokens within [ceil(n*t/100), floor(100*n/t)], and leaves at most
U(m) = D(m) - max(0, m - n) <= D(n) query tokens unmatched (`tm.match.max_unmatched`).
Probing query tokens that cover D(n) + 1 query positions therefore reaches every such
candidate, and a candidate of m tokens hit by probed tokens worth h of the c probed
positions needs h >= c - U(m) (pigeonhole). We probe the rarest tokens, so posting
lists are short. Hash collisions and stale postings can only add candidates, never
hide one: the service checks every candidate against its text.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Integer, LargeBinary, String, event, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from tm.match import length_window, max_unmatched
from tm.normalize import TOKENIZER_VERSION, token_keys
from tm.postings import (
    CHUNK_MAX,
    FLUSH_AT,
    NTOK_MAX,
    VID_TYPE,
    Chunk,
    Count,
    PostingBuffer,
    key_seed,
    pack_entries,
    unpack_entries,
)
from tm.postings import merge_chunks as merge_chunks  # part of this module's API
from tm.postings import token_hash as token_hash
from tm.store import index_worker
from tm.store.index_worker import WorkerBuffer
from tm.store.multirow import insert_rows
from tm.store.schema import Base, VariantRow

# A key with this many chunks has them merged when postings are flushed: probing a key
# costs ~1.5 us per chunk, and with buffered writes even frequent words collect a chunk
# only every ~100,000 imported units, so merging them stays cheap.
MERGE_AT = 64


class FuzzyPostingRow(Base):
    """A chunk of one token key's postings: packed (ntok, variant_id) pairs."""

    __tablename__ = "fuzzy_posting"

    token_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chunk_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entries: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = ({"sqlite_with_rowid": False},)


class FuzzyTokenRow(Base):
    """How many variants hold a token key (chooses the rarest to probe) and in how many chunks."""

    __tablename__ = "fuzzy_token"

    token_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    df: Mapped[int] = mapped_column(Integer)
    chunks: Mapped[int] = mapped_column(Integer)

    __table_args__ = ({"sqlite_with_rowid": False},)


class FuzzyIndexMetaRow(Base):
    """Facts about the index, e.g. which tokenizer version built it."""

    __tablename__ = "fuzzy_index_meta"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# --- keys and chunk encoding ------------------------------------------------------------


def _group(rows: Iterable[Mapping[Any, Any]]) -> dict[int, list[tuple[int, int]]]:
    """Token key -> [(ntok, variant_id)] for a batch of variant rows (the import hot path)."""
    groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
    scopes: dict[tuple[int, str], tuple[int, dict[str, int]]] = {}
    crc32 = zlib.crc32
    for row in rows:
        keys = token_keys(row["text"])
        if not keys:
            continue
        scope = (row["memory_id"], row["lang_key"])
        if scope not in scopes:
            scopes[scope] = (key_seed(*scope), {})
        seed, cache = scopes[scope]
        entry = (min(len(keys), NTOK_MAX), row["id"])
        for k in set(keys):
            h = cache.get(k)
            if h is None:
                h = cache[k] = crc32(k.encode("utf-8", "surrogatepass"), seed) - 0x8000_0000
            groups[h].append(entry)
    return groups


def driver_sql(conn: Connection, statement: str) -> str:
    """Driver-level SQL with the right placeholder style (qmark vs format)."""
    if conn.dialect.paramstyle in ("format", "pyformat"):
        return statement.replace("%", "%%").replace("?", "%s")
    return statement


def _insert_chunks(conn: Connection, chunks: list[Chunk]) -> None:
    insert_chunks_raw(conn.connection.driver_connection, conn.dialect.name, chunks)


def _add_counts(conn: Connection, counts: Iterable[Count]) -> None:
    add_counts_raw(conn.connection.driver_connection, conn.dialect.name, counts)


def insert_chunks_raw(driver_conn: Any, dialect: str, chunks: list[Chunk]) -> None:
    """Insert posting chunks on a raw DBAPI connection (in the caller's transaction)."""
    if not chunks:
        return
    chunks.sort()  # key order: each B-tree page is touched once per batch
    cursor = driver_conn.cursor()
    try:
        if dialect == "postgresql":
            # COPY beats INSERT for many rows and runs in the caller's transaction.
            with cursor.copy(
                "COPY fuzzy_posting (token_key, chunk_id, entries) FROM STDIN"
            ) as copy:
                for row in chunks:
                    copy.write_row(row)
            return
        # Chunks can be megabytes each: fewer rows a statement than plain rows.
        insert_rows(
            cursor,
            "INSERT INTO fuzzy_posting (token_key, chunk_id, entries)",
            chunks,
            mark="?",
            rows_per_statement=500,
        )
    finally:
        cursor.close()


def add_counts_raw(driver_conn: Any, dialect: str, counts: Iterable[Count]) -> None:
    """Add (token key, postings, chunks) to `fuzzy_token`; each key at most once."""
    items = sorted(counts)  # one lock order for concurrent imports (PostgreSQL)
    if not items:
        return
    cursor = driver_conn.cursor()
    try:
        insert_rows(
            cursor,
            "INSERT INTO fuzzy_token (token_key, df, chunks)",
            items,
            mark="%s" if dialect == "postgresql" else "?",
            tail=" ON CONFLICT (token_key) DO UPDATE SET df = fuzzy_token.df + excluded.df, "
            "chunks = fuzzy_token.chunks + excluded.chunks",
        )
    finally:
        cursor.close()


def _keys_to_merge(conn: Connection, keys: Sequence[int]) -> list[int]:
    out: list[int] = []
    ordered = sorted(keys)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = conn.exec_driver_sql(
            driver_sql(
                conn,
                f"SELECT token_key FROM fuzzy_token WHERE chunks >= ? AND token_key IN ({marks})",
            ),
            (MERGE_AT, *chunk),
        )
        out.extend(r[0] for r in rows)
    return out


def _read_chunks(conn: Connection, key: int) -> list[tuple[int, bytes]]:
    return [
        (cid, bytes(blob))
        for cid, blob in conn.exec_driver_sql(
            driver_sql(conn, "SELECT chunk_id, entries FROM fuzzy_posting WHERE token_key = ?"),
            (key,),
        )
    ]


def _merge(conn: Connection, key: int) -> None:
    """Merge a key's many small chunks (keeps a probe of it to a few row reads)."""
    chunks = _read_chunks(conn, key)
    # Chunks already at the size limit stay as they are.
    small = [(cid, blob) for cid, blob in chunks if len(blob) < 6 * CHUNK_MAX // 2]
    if len(small) < 2:
        return
    merged = merge_chunks([blob for _, blob in small])
    conn.exec_driver_sql(
        driver_sql(conn, "DELETE FROM fuzzy_posting WHERE token_key = ? AND chunk_id = ?"),
        [(key, cid) for cid, _ in small],
    )
    _insert_chunks(conn, [(key, cid, blob) for cid, blob in merged])
    conn.exec_driver_sql(
        driver_sql(conn, "UPDATE fuzzy_token SET chunks = ? WHERE token_key = ?"),
        (len(chunks) - len(small) + len(merged), key),
    )


# --- maintenance (called by the import service inside its transaction) -------------------


# Keyed by the Connection object, not `conn.info` (which outlives the transaction in
# the pool): a rolled-back or discarded connection takes its buffer with it.
_BUFFERS: WeakKeyDictionary[Connection, PostingBuffer | WorkerBuffer] = WeakKeyDictionary()


def _flush_before_commit(conn: Connection) -> None:
    flush_index(conn)


def _drop_buffer(conn: Connection) -> None:
    buf = _BUFFERS.pop(conn, None)
    if buf is not None:
        buf.close()


def _buffer(conn: Connection) -> PostingBuffer | WorkerBuffer:
    buf = _BUFFERS.get(conn)
    if buf is None:
        buf = _attach(conn, PostingBuffer())
    return buf


def _attach(conn: Connection, buf: PostingBuffer | WorkerBuffer) -> PostingBuffer | WorkerBuffer:
    """Make `buf` the connection's buffer, flushed before commit and dropped on rollback."""
    _BUFFERS[conn] = buf
    if not event.contains(conn, "commit", _flush_before_commit):
        # SQLAlchemy fires "commit" before the DBAPI commit, inside the transaction.
        event.listen(conn, "commit", _flush_before_commit)
        event.listen(conn, "rollback", _drop_buffer)
    return buf


def index_texts(
    conn: Connection,
    memory_id: int,
    items: Sequence[tuple[int, str, str]],
    *,
    write: Callable[[list[Chunk], list[Count]], None] | None = None,
) -> None:
    """Add freshly inserted variants, as (id, lang_key, text), to the candidate index.

    The postings reach the tables before the transaction commits (or earlier, every
    FLUSH_AT postings); `flush_index` forces it for code that reads them back first.
    `write`, if given, takes the postings of a mid-import flush instead of writing
    them here (the import's background writer, with `write_postings_raw`).
    """
    buf = _buffer(conn)
    buf.add(memory_id, items)
    if buf.count >= (index_worker.WORKER_FLUSH_AT if isinstance(buf, WorkerBuffer) else FLUSH_AT):
        _hand_over(conn, buf, write)


def _hand_over(
    conn: Connection,
    buf: PostingBuffer | WorkerBuffer,
    write: Callable[[list[Chunk], list[Count]], None] | None,
) -> None:
    """Drain `buf` into `write` (a background writer), else onto `conn` now."""
    chunks, counts = buf.drain()
    if write is None:
        _write_postings(conn, chunks, counts)
    else:
        write(chunks, counts)


def write_postings_raw(
    driver_conn: Any, dialect: str, chunks: list[Chunk], counts: list[Count]
) -> None:
    """Write flushed postings on the raw DBAPI connection (the import's writer thread).

    Keys that have collected many chunks are merged at the next `flush_index` that
    writes them, not here (merging reads, which must wait for the writer).
    """
    insert_chunks_raw(driver_conn, dialect, chunks)
    add_counts_raw(driver_conn, dialect, counts)


def use_worker(
    conn: Connection, *, write: Callable[[list[Chunk], list[Count]], None] | None = None
) -> None:
    """Buffer this transaction's postings in a worker process from now on (bulk imports).

    Postings buffered so far are written first (handed to `write` if given, as in
    `index_texts`). The worker is stopped when the buffer is flushed before commit,
    or dropped on rollback.
    """
    current = _BUFFERS.get(conn)
    if isinstance(current, WorkerBuffer):
        return
    if current is not None and current.count:
        _hand_over(conn, current, write)
    _attach(conn, WorkerBuffer())


def open_buffer(conn: Connection) -> None:
    """Attach this transaction's posting buffer now (its commit hook with it).

    For writers that hand the connection to a background thread: attaching later,
    from another thread, would register the hook while that thread runs statements.
    """
    _buffer(conn)


def index_variants(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """`index_texts` for rows given as mappings with `id, memory_id, lang_key, text`."""
    by_memory: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for row in rows:
        by_memory[row["memory_id"]].append((row["id"], row["lang_key"], row["text"]))
    for memory_id, items in by_memory.items():
        index_texts(conn, memory_id, items)


def flush_index(conn: Connection) -> None:
    """Write the postings buffered on this connection: one chunk per token key."""
    buf = _BUFFERS.pop(conn, None)
    if buf is None:
        return
    try:
        drained = buf.drain() if buf.count else None
    finally:
        buf.close()
    if drained is not None:
        _write_postings(conn, *drained)


def _write_postings(conn: Connection, chunks: list[Chunk], counts: list[Count]) -> None:
    _insert_chunks(conn, chunks)
    _add_counts(conn, counts)
    for merge_key in _keys_to_merge(conn, [c[0] for c in counts]):
        _merge(conn, merge_key)


# Unindexing at least this share of all variants (deleting a whole memory, typically)
# reads every chunk instead of re-tokenising the deleted texts to find their keys: one
# pass of set operations in C over the postings beats tokenising each text in Python
# (a 1M-unit memory: 96 s before, see unindex_variants).
SCAN_ALL_SHARE = 0.25
UNINDEX_KEYS_PER_READ = 500


def unindex_variants(conn: Connection, variant_ids: Iterable[int]) -> None:
    """Remove variants from the candidate index; call before deleting or changing them.

    Memory stays proportional to the ids and a few hundred keys' chunks, not to the
    postings, so deleting a whole memory of a million units is fine.
    """
    flush_index(conn)
    drop = set(variant_ids)
    if not drop:
        return
    total = conn.execute(select(func.count()).select_from(VariantRow)).scalar_one()
    if len(drop) >= total * SCAN_ALL_SHARE:
        keys = [r[0] for r in conn.exec_driver_sql("SELECT token_key FROM fuzzy_token")]
    else:
        keys = list(_keys_of(conn, drop))
    keys.sort()
    span = (min(drop), max(drop))
    for start in range(0, len(keys), UNINDEX_KEYS_PER_READ):
        _drop_entries(conn, keys[start : start + UNINDEX_KEYS_PER_READ], drop, span)
    if keys:
        conn.exec_driver_sql("DELETE FROM fuzzy_token WHERE df <= 0")


def _keys_of(conn: Connection, variant_ids: set[int]) -> set[int]:
    """The token keys of stored variants (their texts tokenised again)."""
    ordered = sorted(variant_ids)
    keys: set[int] = set()
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        rows = (
            conn.execute(
                select(
                    VariantRow.id, VariantRow.memory_id, VariantRow.lang_key, VariantRow.text
                ).where(VariantRow.id.in_(chunk))
            )
            .mappings()
            .all()
        )
        keys.update(_group(rows))
    return keys


def _drop_entries(
    conn: Connection, keys: Sequence[int], drop: set[int], span: tuple[int, int]
) -> None:
    """Take `drop`'s entries out of these keys' chunks and counts.

    Set operations decide most chunks in C: untouched (another memory's key, or a key
    the deleted texts share with kept ones in other chunks) or dropped whole; only a
    chunk holding both is rebuilt entry by entry.
    """
    marks = ",".join("?" * len(keys))
    rows = conn.exec_driver_sql(
        driver_sql(
            conn,
            f"SELECT token_key, chunk_id, entries FROM fuzzy_posting WHERE token_key IN ({marks})",
        ),
        tuple(keys),
    ).all()
    deletes: list[tuple[int, int]] = []
    rebuilt: list[Chunk] = []
    removed: Counter[int] = Counter()
    emptied: Counter[int] = Counter()
    # A memory's variants are mostly one id range (`span` is drop's smallest and largest
    # id): then a chunk's own min and max decide it; set.issuperset(array) would build
    # a set of the whole chunk (9 of 17 s when deleting a 1M-unit memory).
    lo, hi = span
    one_range = hi - lo + 1 == len(drop)
    contains = drop.__contains__
    for key, cid, blob in rows:
        ntoks, vids = unpack_entries(bytes(blob))
        first, last = min(vids), max(vids)
        if last < lo or first > hi or drop.isdisjoint(vids):
            continue
        deletes.append((key, cid))
        if (one_range and lo <= first and last <= hi) or all(map(contains, vids)):
            removed[key] += len(vids)
            emptied[key] += 1
            continue
        keep = [i for i, v in enumerate(vids) if v not in drop]
        removed[key] += len(vids) - len(keep)
        kept = array(VID_TYPE, [vids[i] for i in keep])
        rebuilt.append((key, kept[0], pack_entries(array("H", [ntoks[i] for i in keep]), kept)))
    if deletes:
        conn.exec_driver_sql(
            driver_sql(conn, "DELETE FROM fuzzy_posting WHERE token_key = ? AND chunk_id = ?"),
            deletes,
        )
    _insert_chunks(conn, rebuilt)  # after the deletes: a rebuilt chunk may keep its id
    if removed:
        conn.exec_driver_sql(
            driver_sql(
                conn,
                "UPDATE fuzzy_token SET df = df - ?, chunks = chunks - ? WHERE token_key = ?",
            ),
            [(n, emptied[key], key) for key, n in removed.items()],
        )


@dataclass
class RebuildStats:
    """What `rebuild` did, for the CLI to report."""

    variants: int
    postings: int
    tokens: int
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "variants": self.variants,
            "postings": self.postings,
            "tokens": self.tokens,
            "seconds": round(self.seconds, 3),
        }


def rebuild(
    conn: Connection,
    *,
    progress: Callable[[int, int | None, str], None] | None = None,
    chunk: int = 20000,
) -> RebuildStats:
    """Drop and rebuild the whole index from the variant table (recovery, tokenizer change).

    Builds every key's postings in memory (6 bytes each) and writes one chunk per key.
    """
    conn.exec_driver_sql("DELETE FROM fuzzy_posting")
    conn.exec_driver_sql("DELETE FROM fuzzy_token")
    total = conn.execute(text("SELECT COUNT(*) FROM variant")).scalar_one()
    done = 0
    ntoks_of: dict[int, array] = {}
    vids_of: dict[int, array] = {}
    last_id = -1
    while True:
        rows = (
            conn.execute(
                select(VariantRow.id, VariantRow.memory_id, VariantRow.lang_key, VariantRow.text)
                .where(VariantRow.id > last_id)
                .order_by(VariantRow.id)
                .limit(chunk)
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        last_id = rows[-1]["id"]
        for key, pairs in _group(rows).items():
            if key not in ntoks_of:
                ntoks_of[key], vids_of[key] = array("H"), array(VID_TYPE)
            ntoks_of[key].extend(n for n, _ in pairs)
            vids_of[key].extend(v for _, v in pairs)
        done += len(rows)
        if progress:
            progress(done, total, "reading variants")
    postings = 0
    batch: list[tuple[int, int, bytes]] = []
    counts: list[tuple[int, int, int]] = []
    for i, key in enumerate(sorted(ntoks_of)):
        ntoks, vids = ntoks_of.pop(key), vids_of.pop(key)
        postings += len(vids)
        # Variants were read in id order, so a stable sort by ntok keeps ids ascending.
        order = sorted(range(len(ntoks)), key=ntoks.__getitem__)
        n_chunks = 0
        for start in range(0, len(order), CHUNK_MAX):
            part = order[start : start + CHUNK_MAX]
            part_vids = array(VID_TYPE, [vids[j] for j in part])
            blob = pack_entries(array("H", [ntoks[j] for j in part]), part_vids)
            batch.append((key, min(part_vids), blob))
            n_chunks += 1
        counts.append((key, len(vids), n_chunks))
        if len(batch) >= 5000:
            _insert_chunks(conn, batch)
            _add_counts(conn, counts)
            batch, counts = [], []
            if progress:
                progress(i, None, "writing index")
    _insert_chunks(conn, batch)
    _add_counts(conn, counts)
    tokens = conn.execute(text("SELECT COUNT(*) FROM fuzzy_token")).scalar_one()
    set_meta(conn, "tokenizer_version", str(TOKENIZER_VERSION))
    return RebuildStats(variants=done, postings=postings, tokens=int(tokens))


def set_meta(conn: Connection, name: str, value: str) -> None:
    conn.exec_driver_sql(driver_sql(conn, "DELETE FROM fuzzy_index_meta WHERE name = ?"), (name,))
    conn.exec_driver_sql(
        driver_sql(conn, "INSERT INTO fuzzy_index_meta (name, value) VALUES (?, ?)"), (name, value)
    )


def get_meta(conn: Connection, name: str) -> str | None:
    row = conn.exec_driver_sql(
        driver_sql(conn, "SELECT value FROM fuzzy_index_meta WHERE name = ?"), (name,)
    ).first()
    return row[0] if row else None


# --- candidate search --------------------------------------------------------------


@dataclass
class ProbePlan:
    """Which query tokens to probe, and how many probed positions a candidate must hit."""

    probes: list[tuple[int, int]]  # (token_key, weight = occurrences in the query)
    covered: int  # total weight of the probed tokens
    low: int  # candidate token-count window
    high: int
    query_len: int
    min_score: int

    def needed_hits(self, ntok: int) -> int:
        """Pigeonhole: probed query positions a candidate of `ntok` tokens must contain."""
        return self.covered - max_unmatched(self.query_len, ntok, self.min_score)


# Probe cost model (microseconds, measured on SQLite): reading a chunk row and counting
# its entries. Verifying a candidate (fetch its row, tokenise, edit distance) costs
# ~20 us, so once the mandatory probes are known to reach many variants, probing more
# tokens (which raises the pigeonhole bar) pays for itself.
COST_PER_CHUNK_US = 3.0
COST_PER_ENTRY_US = 0.05
COST_PER_CANDIDATE_US = 20.0
PROBE_BUDGET_US = 200.0
PROBE_BUDGET_MAX_US = 8000.0  # measured: more probing than this costs more than it saves


def plan_probes(
    keys: Sequence[int],
    stats: Mapping[int, tuple[int, int]],
    *,
    min_score: int,
    budget_us: float | None = None,
    available: Container[int] | None = None,
) -> ProbePlan | None:
    """Pick the query tokens to probe: the mandatory rarest ones, then more while cheap (pure).

    `stats` maps token keys to (df, chunks); missing keys occur in no variant (free to
    probe and they raise the pigeonhole bar). The extra-probe budget grows with the
    candidates the mandatory probes may return (half their verification cost), unless
    `budget_us` fixes it. With `available` (postings already fetched), optional probes
    come only from those keys. Returns None for a query without tokens.
    """
    n = len(keys)
    if n == 0:
        return None
    low, high = length_window(n, min_score)
    low, high = max(low, 1), min(high, NTOK_MAX)
    d_max = max_unmatched(n, n, min_score)  # the largest over the window (see there)
    weights = Counter(keys)
    ranked = sorted(weights, key=lambda k: (stats.get(k, (0, 0))[0], k))
    probes: list[tuple[int, int]] = []
    covered = reach = 0
    cost = 0.0
    budget = budget_us
    for key in ranked:
        df, chunks = stats.get(key, (0, 0))
        step = chunks * COST_PER_CHUNK_US + df * COST_PER_ENTRY_US
        if covered > d_max:
            if budget is None:
                budget = min(
                    max(PROBE_BUDGET_US, 0.5 * COST_PER_CANDIDATE_US * reach), PROBE_BUDGET_MAX_US
                )
            if cost + step > budget:
                break  # the bound is already safe; this token would cost more than it saves
            if available is not None and key not in available:
                continue
        probes.append((key, weights[key]))
        covered += weights[key]
        cost += step
        if covered <= d_max + weights[key]:
            reach += df  # variants the mandatory probes can return, at most
    return ProbePlan(probes, covered, low, high, n, min_score)


def fetch_stats(conn: Connection, keys: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(df, chunks) of token keys; keys absent from the result occur in no variant."""
    unique = sorted(set(keys))
    out: dict[int, tuple[int, int]] = {}
    if conn.dialect.name == "postgresql":
        # One array parameter, binary results: one plan shape, no text parsing.
        with conn.connection.driver_connection.cursor() as pg_cursor:  # type: ignore[union-attr]
            pg_cursor.execute(
                "SELECT token_key, df, chunks FROM fuzzy_token WHERE token_key = ANY(%s)",
                (unique,),
                binary=True,
            )
            out.update((k, (d, c)) for k, d, c in pg_cursor.fetchall())
        return out
    cursor = conn.connection.cursor()
    try:
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            cursor.execute(
                f"SELECT token_key, df, chunks FROM fuzzy_token WHERE token_key IN ({marks})",
                tuple(chunk),
            )
            out.update((k, (d, c)) for k, d, c in cursor.fetchall())
    finally:
        cursor.close()
    return out


def _length_groups(plan: ProbePlan) -> list[tuple[int, int, int]]:
    """Split the length window where the allowed edit count changes: (lo, hi, needed hits)."""
    groups: list[tuple[int, int, int]] = []
    for m in range(plan.low, plan.high + 1):
        need = plan.needed_hits(m)
        if groups and groups[-1][2] == need:
            groups[-1] = (groups[-1][0], m, need)
        else:
            groups.append((m, m, need))
    return groups


def find_candidates(conn: Connection, plan: ProbePlan) -> list[int]:
    """Variant ids that can reach the plan's min_score (a superset; rescore them)."""
    if not plan.probes:
        return []
    return candidates_from_postings(plan, fetch_postings(conn, [k for k, _w in plan.probes]))


def fetch_postings(conn: Connection, keys: Iterable[int]) -> list[tuple[int, bytes]]:
    """The (token_key, entries) chunks of `keys`."""
    keys = sorted(set(keys))
    if not keys:
        return []
    # The raw DBAPI cursor: hundreds of small rows per query, where SQLAlchemy's
    # per-row result processing would cost as much as the work itself.
    if conn.dialect.name == "postgresql":
        pg_cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with pg_cursor:
            # Binary results: bytea as raw bytes, not hex text (3x faster here).
            pg_cursor.execute(
                "SELECT token_key, entries FROM fuzzy_posting WHERE token_key = ANY(%s)",
                (keys,),
                binary=True,
            )
            return list(pg_cursor.fetchall())
    cursor = conn.connection.cursor()
    try:
        out: list[tuple[int, bytes]] = []
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            marks = ",".join("?" * len(chunk))
            cursor.execute(
                f"SELECT token_key, entries FROM fuzzy_posting WHERE token_key IN ({marks})",
                tuple(chunk),
            )
            out.extend(cursor.fetchall())
        return out
    finally:
        cursor.close()


# PostgreSQL: a query's token statistics and the postings of its rarest tokens in one
# statement, so a lookup does not wait for one round trip to plan the next. The
# mandatory probes are the rarest tokens covering D(n) + 1 query positions, so the
# D(n) + 1 rarest stored tokens always include them. PREFETCH_EXTRA more, if their
# lists are short, give the planner optional probes; on PostgreSQL it takes optional
# probes only from what came (`plan_probes(available=...)`): postings must cross the
# wire, and the measured optimum was a few short lists, not the budget SQLite reads.
# A mandatory key that did not come (ties at the boundary) is read in another round
# trip, so the prefetch only saves time, never recall.
PREFETCH_POSTINGS = True  # tests turn it off to exercise the second round trip
PREFETCH_EXTRA = 3
PREFETCH_EXTRA_MAX_DF = 5_000
STATS_PREFETCH_SQL = (
    "WITH s AS (SELECT token_key, df, chunks, "
    "row_number() OVER (ORDER BY df, token_key) AS rn "
    "FROM fuzzy_token WHERE token_key = ANY(%(keys)s)) "
    "SELECT s.token_key, s.df, s.chunks, p.entries FROM s "
    "LEFT JOIN fuzzy_posting p ON p.token_key = s.token_key AND %(fetch)s "
    "AND (s.rn <= %(mandatory)s OR (s.rn <= %(extra)s AND s.df <= %(extra_df)s))"
)


def stats_prefetch_params(keys: Sequence[int], min_score: int) -> dict[str, Any]:
    """Parameters of `STATS_PREFETCH_SQL` for a query's token keys."""
    n = len(keys)
    mandatory = max_unmatched(n, n, min_score) + 1  # distinct keys needed, at most
    return {
        "keys": sorted(set(keys)),
        "fetch": PREFETCH_POSTINGS,
        "mandatory": mandatory,
        "extra": mandatory + PREFETCH_EXTRA,
        "extra_df": PREFETCH_EXTRA_MAX_DF,
    }


def read_stats_prefetch(
    rows: Iterable[tuple[int, int, int, bytes | None]],
    stats: dict[int, tuple[int, int]],
    postings: dict[int, list[bytes]],
) -> None:
    """Fold the rows of `STATS_PREFETCH_SQL` into stats and fetched postings."""
    for key, df, chunks, blob in rows:
        stats[key] = (df, chunks)
        if blob is not None:
            postings.setdefault(key, []).append(blob)


def candidates_from_postings(plan: ProbePlan, rows: Iterable[tuple[int, bytes]]) -> list[int]:
    """Variant ids that can reach the plan's min_score, from its probed keys' chunks (pure)."""
    weight = dict(plan.probes)
    if not weight:
        return []
    groups = _length_groups(plan)
    # Each length group's windows per probed key, as flat arrays (C-speed slice copies).
    windows: list[dict[int, array]] = [{} for _ in groups]
    for key, blob in rows:
        if key not in weight:
            continue
        ntoks, vids = unpack_entries(bytes(blob))
        start = bisect_left(ntoks, plan.low)
        if start == len(ntoks) or ntoks[start] > plan.high:
            continue
        for (_lo, hi, _need), per_key in zip(groups, windows, strict=True):
            end = bisect_right(ntoks, hi, start)
            if end > start:
                if key in per_key:
                    per_key[key].extend(vids[start:end])
                else:
                    per_key[key] = vids[start:end]
            start = end
    order = [key for key, _w in plan.probes]  # rarest first
    out: list[int] = []
    for (_lo, _hi, need), per_key in zip(groups, windows, strict=True):
        out.extend(_count_hits(order, weight, per_key, need, plan.covered))
    return out


def _count_hits(
    order: Sequence[int],
    weight: Mapping[int, int],
    per_key: Mapping[int, array],
    need: int,
    covered: int,
) -> Iterable[int]:
    """Ids hit by probed tokens worth at least `need` positions.

    A qualifying id must be hit by one of the rarest tokens worth `covered - need + 1`
    positions (otherwise it misses too many), so only those tokens' lists are counted
    in full; the frequent rest are only intersected with that candidate set.
    """
    if need <= 1:
        every: set[int] = set()
        for ids in per_key.values():
            every.update(ids)
        return every
    budget, split = covered - need + 1, len(order)
    for i, key in enumerate(order):
        budget -= weight[key]
        if budget <= 0:
            split = i + 1
            break
    bucket = array(VID_TYPE)
    for key in order[:split]:
        prefix_ids = per_key.get(key)
        if prefix_ids is not None:
            for _ in range(weight[key]):
                bucket.extend(prefix_ids)
    hits = Counter(bucket)
    if split < len(order) and hits:
        pool = set(hits)
        for key in order[split:]:
            rest_ids = per_key.get(key)
            if rest_ids is None:
                continue
            w = weight[key]
            for vid in pool.intersection(rest_ids):
                hits[vid] += w
    return [vid for vid, h in hits.items() if h >= need]
