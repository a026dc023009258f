"""Lookup use case: find, score and rank translation-memory matches for segments.

Two stages, as in Weblate: the store's candidate index (tm/store/fuzzy_index.py)
returns every variant that *can* reach the minimum score, and the pure scorer
(tm/match.py) rescores and ranks them. `lookup_batch` shares the database round trips
of many segments (document pre-translation), so it costs less per segment than
`lookup`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from rapidfuzz.distance import Levenshtein
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from tm.errors import NotFoundError, TMError, UsageError
from tm.langs import match_key, normalize_tag
from tm.match import (
    DEFAULT_BANDS,
    Bands,
    Candidate,
    LookupContext,
    Match,
    find_repetitions,
    length_window,
    max_distance,
    rank_matches,
)
from tm.models import InlineCode
from tm.normalize import TOKENIZER_VERSION, Analysis, analyze, exact_hash, token_keys
from tm.store import Store
from tm.store import fuzzy_index as fx
from tm.store.units import codes_from_json

ProgressCallback = Callable[[int, int | None, str], None]

__all__ = [
    "LookupContext",
    "Query",
    "RebuildStats",
    "lookup",
    "lookup_batch",
    "rebuild_index",
]

RebuildStats = fx.RebuildStats


@dataclass
class Query:
    """One segment to look up, with what we know of where it stands in its document."""

    text: str
    codes: tuple[InlineCode, ...] = ()
    prev_text: str | None = None
    next_text: str | None = None
    context_key: str | None = None

    @property
    def context(self) -> LookupContext | None:
        if self.prev_text is None and self.next_text is None and self.context_key is None:
            return None
        return LookupContext(self.prev_text, self.next_text, self.context_key)


def _check_options(min_score: int, limit: int) -> None:
    if not 0 <= min_score <= 101:
        raise UsageError(f"--min-score must be between 0 and 101, not {min_score}")
    if limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")


def _memories(conn: Connection, memory: str | None) -> dict[int, str]:
    if memory is not None:
        return _check_memories(_rows(conn, _MEMORIES_SQL + " WHERE m.name = ?", (memory,)), memory)
    return _check_memories(_rows(conn, _MEMORIES_SQL, ()), memory)


@dataclass
class _Pending:
    """Work for one distinct query during a batch."""

    query: Query
    analysis: Analysis
    variant_ids: set[int] = field(default_factory=set)
    floor: int = 0  # the score a fuzzy candidate must reach to matter


_T = TypeVar("_T")


def _with_read_connection(store: Store, work: Callable[[Connection], _T]) -> _T:
    """Run read-only `work` on a pooled read connection; retry once if it was dropped.

    The read engine skips the pool's pre-ping (a round trip per lookup on PostgreSQL),
    so a connection the server closed since its last use shows up as an error on
    first use instead: a lookup only reads, so running it again on a fresh
    connection is safe.
    """
    engine = store.read_engine
    for attempt in (1, 2):
        conn = engine.connect()
        try:
            return work(conn)
        except Exception as err:
            if attempt == 2 or not _connection_lost(conn, err):
                raise
            conn.invalidate()
        finally:
            conn.close()
    raise AssertionError("unreachable")


def _connection_lost(conn: Connection, err: Exception) -> bool:
    if isinstance(err, DBAPIError):
        return bool(err.connection_invalidated)
    dbapi = conn.dialect.loaded_dbapi
    driver_conn = getattr(conn.connection, "driver_connection", None)
    return isinstance(err, dbapi.OperationalError) and bool(getattr(driver_conn, "closed", False))


def _chunks(items: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run driver SQL on the raw DBAPI cursor: lookups are many small queries, and
    building SQLAlchemy statements costs more than running them here."""
    if conn.dialect.name == "postgresql":
        # psycopg's binary results skip text parsing of ids, hashes and timestamps.
        with conn.connection.driver_connection.cursor() as pg_cursor:  # type: ignore[union-attr]
            pg_cursor.execute(fx.driver_sql(conn, sql), tuple(params), binary=True)
            return list(pg_cursor.fetchall())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _json(value: Any) -> Any:
    """JSON columns arrive as text from SQLite and decoded from psycopg."""
    return json.loads(value) if isinstance(value, str) else value


def _when(value: Any) -> datetime | None:
    """DateTime columns arrive as ISO text from SQLite and as datetime from psycopg."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class _Row(NamedTuple):
    """A stored source variant joined with its unit and the unit's target variant."""

    id: int
    unit_id: int
    memory_id: int
    lang_key: str
    text: str
    codes: Any
    prev_text: str | None
    next_text: str | None
    text_hash: int
    status: str
    origin_file: str | None
    document: str | None
    context_key: str | None
    created_at: Any
    created_by: str | None
    changed_at: Any
    changed_by: str | None
    target_id: int
    target_lang: str
    target_text: str
    target_codes: Any


_MEMORIES_SQL = (
    "SELECT m.id, m.name, (SELECT value FROM fuzzy_index_meta "
    "WHERE name = 'tokenizer_version') FROM memory m"
)

# One round trip gives everything ranking needs; units without a variant in the target
# language drop out in the join (they cannot answer the query).
_ROW_SQL = (
    "SELECT s.id, s.unit_id, s.memory_id, s.lang_key, s.text, s.codes, s.prev_text, "
    "s.next_text, s.text_hash, u.status, u.origin_file, u.document, u.context_key, "
    "u.created_at, u.created_by, u.changed_at, u.changed_by, t.id, t.lang, t.text, t.codes "
    "FROM variant s JOIN unit u ON u.id = s.unit_id "
    "JOIN variant t ON t.unit_id = s.unit_id AND t.lang_key = ? WHERE "
)


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _collect(rows: Iterable[tuple[Any, ...]], target_tag: str, out: dict[int, _Row]) -> None:
    """Keep one row per source variant: the target in exactly the asked tag, else the first."""
    for r in rows:
        row = _Row(*r)
        have = out.get(row.id)
        if (
            have is None
            or (have.target_lang != target_tag and row.target_lang == target_tag)
            or (have.target_lang == row.target_lang and row.target_id < have.target_id)
        ):
            out[row.id] = row


def _exact_rows(
    conn: Connection,
    hashes: Sequence[int],
    memory_ids: Sequence[int],
    lang_key: str,
    target_key: str,
    target_tag: str,
) -> dict[int, _Row]:
    out: dict[int, _Row] = {}
    for chunk in _chunks(sorted(set(hashes))):
        sql = (
            _ROW_SQL + f"s.memory_id IN ({_marks(len(memory_ids))}) AND s.lang_key = ? "
            f"AND s.text_hash IN ({_marks(len(chunk))})"
        )
        params = [target_key, *memory_ids, lang_key, *chunk]
        _collect(_rows(conn, sql, params), target_tag, out)
    return out


def _rows_by_id(
    conn: Connection, ids: Iterable[int], target_key: str, target_tag: str
) -> dict[int, _Row]:
    out: dict[int, _Row] = {}
    if conn.dialect.name == "postgresql":
        # One array parameter: one statement text, which psycopg prepares once.
        (found,) = _pg_pipeline(
            conn, [(_pg(_ROW_SQL) + "s.id = ANY(%s)", (target_key, sorted(set(ids))))]
        )
        _collect(found, target_tag, out)
        return out
    for chunk in _chunks(sorted(set(ids))):
        sql = _ROW_SQL + f"s.id IN ({_marks(len(chunk))})"
        _collect(_rows(conn, sql, [target_key, *chunk]), target_tag, out)
    return out


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _pg_pipeline(
    conn: Connection, statements: Sequence[tuple[str, Sequence[Any] | Mapping[str, Any]]]
) -> list[list[tuple[Any, ...]]]:
    """Run statements in one round trip (psycopg pipeline mode), binary results."""
    pg_conn: Any = conn.connection.driver_connection
    if len(statements) == 1:  # pipeline mode's own syncing costs more than it saves
        sql, params = statements[0]
        with pg_conn.cursor() as cursor:
            cursor.execute(sql, _params(params), binary=True)
            return [list(cursor.fetchall())]
    cursors = []
    with pg_conn.pipeline():
        for sql, params in statements:
            cursor = pg_conn.cursor()
            cursor.execute(sql, _params(params), binary=True)
            cursors.append(cursor)
    out = []
    for cursor in cursors:
        out.append(list(cursor.fetchall()))
        cursor.close()
    return out


def _params(params: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, ...] | Mapping[str, Any]:
    return params if isinstance(params, Mapping) else tuple(params)


def _check_memories(rows: Sequence[tuple[Any, ...]], memory: str | None) -> dict[int, str]:
    """Memory ids and names to search; also refuses an index built by another tokenizer."""
    if memory is not None and not rows:
        raise NotFoundError(f"no memory named {memory!r} (see `tm memory list`)")
    if rows and rows[0][2] is not None and rows[0][2] != str(TOKENIZER_VERSION):
        raise TMError(
            "the fuzzy index was built for another tokenizer version; run `tm index rebuild` once"
        )
    return {mid: name for mid, name, _version in rows}


def _memories_and_exact(
    conn: Connection,
    memory: str | None,
    hashes: Sequence[int],
    source_key: str,
    target_key: str,
    target_tag: str,
    also: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> tuple[dict[int, str], dict[int, _Row], list[list[tuple[Any, ...]]]]:
    """The memories to search, the rows whose source is exactly one of `hashes`, and
    (PostgreSQL) the results of `also`, statements sent in the same round trip."""
    if conn.dialect.name != "postgresql":
        memories = _memories(conn, memory)
        if not memories:
            return memories, {}, []
        rows = _exact_rows(conn, hashes, sorted(memories), source_key, target_key, target_tag)
        return memories, rows, []
    # The exact rows select their memories by name in a subquery: no wait for the ids.
    where_name = " WHERE name = %s" if memory is not None else ""
    name_param = (memory,) if memory is not None else ()
    exact_sql = (
        _pg(_ROW_SQL) + f"s.memory_id IN (SELECT id FROM memory{where_name}) "
        "AND s.lang_key = %s AND s.text_hash = ANY(%s)"
    )
    memory_rows, exact, *rest = _pg_pipeline(
        conn,
        [
            (_MEMORIES_SQL + (" WHERE m.name = %s" if memory is not None else ""), name_param),
            (exact_sql, (target_key, *name_param, source_key, sorted(set(hashes)))),
            *also,
        ],
    )
    exact_rows: dict[int, _Row] = {}
    _collect(exact, target_tag, exact_rows)
    return _check_memories(memory_rows, memory), exact_rows, rest


def _stats_statements(
    probes: Sequence[tuple[Sequence[int], int]],
) -> list[tuple[str, Mapping[str, Any]]]:
    """PostgreSQL: per (token keys, min score), their statistics and the postings the
    plan will probe (`fx.STATS_PREFETCH_SQL`), so planning needs no second round trip.
    """
    return [
        (fx.STATS_PREFETCH_SQL, fx.stats_prefetch_params(keys, floor)) for keys, floor in probes
    ]


def _stats_and_prefetch(
    conn: Connection, probes: Sequence[tuple[Sequence[int], int]]
) -> tuple[dict[int, tuple[int, int]], dict[int, list[bytes]] | None]:
    """Token statistics for (token keys, min score) lists; on PostgreSQL also postings.

    SQLite runs in-process, where a statement costs microseconds, so it reads
    postings only once the plan is known; PostgreSQL pipelines `_stats_statements`.
    """
    if conn.dialect.name != "postgresql":
        every = [k for keys, _floor in probes for k in keys]
        return (fx.fetch_stats(conn, every) if every else {}), None
    stats: dict[int, tuple[int, int]] = {}
    postings: dict[int, list[bytes]] = {}
    for start in range(0, len(probes), 200):
        for found in _pg_pipeline(conn, _stats_statements(probes[start : start + 200])):
            fx.read_stats_prefetch(found, stats, postings)
    return stats, postings


def _token_hashes(
    pending: Iterable[_Pending], memory_ids: Sequence[int], source_key: str
) -> dict[int, list[list[int]]]:
    """Each query's token keys hashed for each memory (keys never mix memories)."""
    seeds = [fx.key_seed(m, source_key) for m in memory_ids]
    return {
        id(p): [[fx.token_hash(seed, k) for k in p.analysis.keys] for seed in seeds]
        for p in pending
    }


# PostgreSQL: a lookup remembers the memory ids it searched (`Store.hints`, per memory
# filter); the next one sends its token statistics for those ids in its first round
# trip and uses them only if the ids read in that same trip agree. Batches needing
# more statements than this wait for the ids instead.
_SPECULATE_MAX = 200
# PostgreSQL: a restricted plan that leaves more candidates than this is refined with
# the full plan (one more round trip): fetching and checking a candidate's row costs
# ~20-40 us, a round trip ~200 us plus the frequent words' postings.
REFINE_CANDIDATES = 64


def _search(
    conn: Connection,
    pending: list[_Pending],
    memory: str | None,
    source_key: str,
    target_key: str,
    target_tag: str,
    min_score: int,
    limit: int,
    bands: Bands,
    progress: ProgressCallback | None,
    hints: dict[Any, Any],
) -> tuple[dict[int, str], dict[int, _Row], list[_Pending]] | None:
    """The database stage: exact rows, fuzzy candidates and the rows to rank them.

    On PostgreSQL a lookup is usually two round trips: memories, exact rows and token
    statistics with the rarest postings (speculating that the memory ids are those
    of the last lookup, checked in the same round trip), then the candidates' rows.
    """
    pg = conn.dialect.name == "postgresql"
    hash_of = {id(p): exact_hash(p.query.text) for p in pending}
    with_tokens = [p for p in pending if p.analysis.tokens]
    guess: list[int] | None = hints.get(("memory_ids", memory)) if pg else None
    speculative: list[tuple[str, Mapping[str, Any]]] = []
    guessed: dict[int, list[list[int]]] = {}
    if guess and len(with_tokens) * len(guess) <= _SPECULATE_MAX:
        guessed = _token_hashes(with_tokens, guess, source_key)
        speculative = _stats_statements(
            [(hashes, min_score) for p in with_tokens for hashes in guessed[id(p)]]
        )
    # Stage 1: exact matches through the exact-hash index, for every query at once.
    memories, rows, spec_results = _memories_and_exact(
        conn,
        memory,
        list(hash_of.values()),
        source_key,
        target_key,
        target_tag,
        also=speculative,
    )
    if not memories:
        return None
    memory_ids = sorted(memories)
    if pg:
        hints[("memory_ids", memory)] = memory_ids
    by_hash: dict[int, list[int]] = {}
    for row in rows.values():
        by_hash.setdefault(row.text_hash, []).append(row.id)
    for p in pending:
        p.variant_ids.update(by_hash.get(hash_of[id(p)], ()))
        if not p.variant_ids:
            continue
        early = _rank(p, rows, memories, min_score, limit, bands)
        if len(early) >= limit:
            # No fuzzy match can score 100, and ties with the limit-th score still
            # matter (status breaks them): search only for scores >= that one.
            p.floor = max(min_score, early[-1].score)
    # Stage 2: fuzzy candidates from the posting index.
    todo = [p for p in with_tokens if p.floor < 100]
    stats: dict[int, tuple[int, int]] = {}
    postings: dict[int, list[bytes]] | None
    if speculative and guess == memory_ids:
        # The speculation held (and used min_score, which no floor is below).
        hashed, postings = guessed, {}
        for found in spec_results:
            fx.read_stats_prefetch(found, stats, postings)
    else:
        hashed = _token_hashes(todo, memory_ids, source_key)
        stats, postings = _stats_and_prefetch(
            conn, [(hashes, p.floor) for p in todo for hashes in hashed[id(p)]]
        )
    plans = [
        (p, hashes, plan)
        for p in todo
        for hashes in hashed[id(p)]
        if (plan := fx.plan_probes(hashes, stats, min_score=p.floor, available=postings))
        is not None
    ]
    _fuzzy_candidates(conn, plans, stats, postings, len(todo), progress)
    missing = {v for p in todo for v in p.variant_ids if v not in rows}
    if missing:
        rows.update(_rows_by_id(conn, missing, target_key, target_tag))
    return memories, rows, todo


class _Postings:
    """Chunks at hand for a group of plans: prefetched ones, then what is fetched."""

    def __init__(
        self, conn: Connection, stats: Mapping[int, Any], prefetched: Mapping[int, list[bytes]]
    ) -> None:
        self.conn, self.stats, self.prefetched = conn, stats, prefetched
        self.fetched: dict[int, list[bytes]] = {}

    def fetch(self, keys: Iterable[int]) -> None:
        """Read the keys not at hand yet (stored ones only), in one query."""
        unread = {
            k
            for k in keys
            if k in self.stats and k not in self.prefetched and k not in self.fetched
        }
        for key, blob in fx.fetch_postings(self.conn, unread):
            self.fetched.setdefault(key, []).append(blob)

    def candidates(self, plan: fx.ProbePlan) -> set[int]:
        chunks = [
            (k, blob)
            for k, _w in plan.probes
            for blob in (self.prefetched.get(k) or self.fetched.get(k) or [])
        ]
        return set(fx.candidates_from_postings(plan, chunks))


def _fuzzy_candidates(
    conn: Connection,
    plans: Sequence[tuple[_Pending, list[int], fx.ProbePlan]],
    stats: Mapping[int, tuple[int, int]],
    postings: dict[int, list[bytes]] | None,
    queries: int,
    progress: ProgressCallback | None,
) -> None:
    """Add each plan's candidates to its query (`postings`: PostgreSQL's prefetch).

    Postings not at hand yet: SQLite reads each plan's on its own (in-process, and
    memory stays one query's worth); PostgreSQL reads what a group of plans lacks in
    one round trip.
    """
    group = 1 if postings is None else 50
    done = 0
    for start in range(0, len(plans), group):
        part = plans[start : start + group]
        at_hand = _Postings(conn, stats, postings or {})
        at_hand.fetch(k for _p, _h, plan in part for k, _w in plan.probes)
        found = [at_hand.candidates(plan) for _p, _h, plan in part]
        if postings is not None:
            # PostgreSQL planned with the prefetched postings only. Where that left
            # many candidates (large TMs), the full plan's frequent words rule most of
            # them out for one more round trip: cheaper than fetching and checking them.
            refine = []
            for i, (p, hashes, plan) in enumerate(part):
                if len(found[i]) > REFINE_CANDIDATES:
                    full = fx.plan_probes(hashes, stats, min_score=p.floor)
                    if full is not None and full.probes != plan.probes:
                        refine.append((i, full))
            at_hand.fetch(k for _i, full in refine for k, _w in full.probes)
            for i, full in refine:
                found[i] &= at_hand.candidates(full)  # both are supersets of the true matches
        for (p, _h, _plan), ids in zip(part, found, strict=True):
            p.variant_ids.update(ids)
            done += 1
            if progress and done % 50 == 0:  # in queries (a plan per query and memory)
                progress(done * queries // len(plans), queries, "searching")


def lookup(
    store: Store,
    text: str,
    *,
    source_lang: str,
    target_lang: str,
    memory: str | None = None,
    min_score: int = 75,
    limit: int = 5,
    context: LookupContext | None = None,
    codes: Sequence[InlineCode] = (),
    bands: Bands = DEFAULT_BANDS,
) -> list[Match]:
    """Ranked matches for one segment (best first), at least `min_score` each."""
    query = Query(
        text,
        tuple(codes),
        context.prev_text if context else None,
        context.next_text if context else None,
        context.context_key if context else None,
    )
    return lookup_batch(
        store,
        [query],
        source_lang=source_lang,
        target_lang=target_lang,
        memory=memory,
        min_score=min_score,
        limit=limit,
        bands=bands,
    )[0]


def lookup_batch(
    store: Store,
    queries: Sequence[Query],
    *,
    source_lang: str,
    target_lang: str,
    memory: str | None = None,
    min_score: int = 75,
    limit: int = 1,
    progress: ProgressCallback | None = None,
    bands: Bands = DEFAULT_BANDS,
) -> list[list[Match]]:
    """Matches for many segments of one document, sharing the database work.

    Repeated segments are looked up once; their matches carry `repetition_of`, the
    index of the first occurrence.
    """
    _check_options(min_score, limit)
    source_key, target_key = match_key(source_lang), match_key(target_lang)
    target_tag = normalize_tag(target_lang)
    repeats = find_repetitions([q.text for q in queries])
    # Identical queries (text and context) are computed once.
    distinct: dict[tuple[Any, ...], _Pending] = {}
    slot_of: list[tuple[Any, ...]] = []
    for q in queries:
        key = (q.text, q.codes, q.prev_text, q.next_text, q.context_key)
        if key not in distinct:
            distinct[key] = _Pending(q, analyze(q.text), floor=min_score)
        slot_of.append(key)
    pending = list(distinct.values())
    results: dict[tuple[Any, ...], list[Match]] = {}
    searched = _with_read_connection(
        store,
        lambda conn: _search(
            conn,
            pending,
            memory,
            source_key,
            target_key,
            target_tag,
            min_score,
            limit,
            bands,
            progress,
            store.hints,
        ),
    )
    if searched is None:
        return [[] for _ in queries]
    memories, rows, todo = searched
    # Verify candidates on their masked keys (cheap) before the full score.
    keys_of: dict[int, list[str]] = {}
    for p in todo:
        keep = set()
        q_keys = p.analysis.keys
        n = len(q_keys)
        low, high = length_window(n, p.floor)
        for vid in p.variant_ids:
            found = rows.get(vid)
            if found is None or found.lang_key != source_key or found.memory_id not in memories:
                continue  # stale posting, hash collision, or no target-language variant
            c_keys = keys_of.get(vid)
            if c_keys is None:
                c_keys = keys_of[vid] = token_keys(found.text)
            m = len(c_keys)
            if not low <= m <= high:
                continue
            budget = max_distance(n, m, p.floor)
            if Levenshtein.distance(q_keys, c_keys, score_cutoff=budget) <= budget:
                keep.add(vid)
        p.variant_ids = keep
    for p in pending:
        query = p.query
        key = (query.text, query.codes, query.prev_text, query.next_text, query.context_key)
        results[key] = _rank(p, rows, memories, min_score, limit, bands)
    if progress:
        progress(len(todo), len(todo), "searching")
    out: list[list[Match]] = []
    for i, key in enumerate(slot_of):
        matches = results[key]
        if repeats[i] is not None:
            matches = [replace(m, repetition_of=repeats[i]) for m in matches]
        out.append(matches)
    return out


def _rank(
    p: _Pending,
    rows: dict[int, _Row],
    memories: dict[int, str],
    min_score: int,
    limit: int,
    bands: Bands,
) -> list[Match]:
    candidates = []
    for vid in p.variant_ids:
        row = rows.get(vid)
        if row is None:
            continue  # the unit has no variant in the target language
        candidates.append(
            Candidate(
                source_text=row.text,
                target_text=row.target_text,
                source_codes=codes_from_json(_json(row.codes)),
                target_codes=codes_from_json(_json(row.target_codes)),
                unit_id=row.unit_id,
                memory=memories.get(row.memory_id),
                status=row.status,
                origin_file=row.origin_file,
                document=row.document,
                created_at=_when(row.created_at),
                created_by=row.created_by,
                changed_at=_when(row.changed_at),
                changed_by=row.changed_by,
                context_key=row.context_key,
                prev_text=row.prev_text,
                next_text=row.next_text,
                target_lang=row.target_lang,
            )
        )
    return rank_matches(
        p.analysis,
        candidates,
        min_score=min_score,
        limit=limit,
        context=p.query.context,
        query_codes=p.query.codes,
        bands=bands,
    )


def rebuild_index(store: Store, *, progress: ProgressCallback | None = None) -> RebuildStats:
    """Recompute the whole fuzzy index from the stored variants, in one transaction."""
    started = time.perf_counter()
    with store.engine.begin() as conn:
        stats = fx.rebuild(conn, progress=progress)
    stats.seconds = time.perf_counter() - started
    return stats
