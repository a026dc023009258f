"""Writing units into the store in batches, with the duplicate policy, and reading them back.

Duplicate policy (README, "Duplicates"): within one memory, a unit is identified by its
source variant (the unit's source language, else its first variant; compared with
`exact_key`) and its context key (PO msgctxt, XLIFF id, ...).

* Every language both units have carries the same text -> it is the same unit: nothing
  is added; languages the stored unit lacks are merged into it, and a higher review
  status (draft < translated < reviewed < corrected) is taken over.
* Some shared language differs -> the new unit is stored as an *alternative*
  translation with its own provenance; lookups show both, reviewed and newest first.

Writes use SQLAlchemy Core in batches on the caller's connection, so a whole import is
one transaction and the fuzzy index is updated inside it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select, update

from tm.errors import FormatError
from tm.langs import match_key
from tm.models import InlineCode, Status, Unit, Variant
from tm.normalize import exact_hash
from tm.postings import Chunk, Count
from tm.store import fuzzy_index
from tm.store.multirow import statements
from tm.store.schema import UnitRow, VariantRow

BATCH_SIZE = 2000
# Imports that reach this many units hand the fuzzy index's tokenising to a worker
# process (tm.store.index_worker) from their first full batch on; smaller ones do not
# pay for starting it. Starting it early gives it time to start before the final
# flush: 10k units went from ~18,500 to ~21,100 units/s against a 6,000 threshold,
# 4,000 units stayed within noise.
INDEX_WORKER_AFTER = BATCH_SIZE
BULK_CACHE_KIB = 256 * 1024  # SQLite page cache while a bulk write runs

unit_t = cast(Table, UnitRow.__table__)
variant_t = cast(Table, VariantRow.__table__)


@dataclass
class WriteCounts:
    """What a write did: new units, units merged into or upgraded, exact duplicates."""

    added: int = 0
    merged: int = 0
    skipped: int = 0
    alternatives: int = 0
    languages: set[str] = field(default_factory=set)

    def __iadd__(self, other: WriteCounts) -> WriteCounts:
        self.added += other.added
        self.merged += other.merged
        self.skipped += other.skipped
        self.alternatives += other.alternatives
        self.languages |= other.languages
        return self


def codes_to_json(codes: Sequence[InlineCode]) -> list[dict[str, Any]] | None:
    if not codes:
        return None
    return [
        {
            "role": c.role,
            "id": c.id,
            "kind": c.kind,
            "data": c.data,
            "attrs": [list(a) for a in c.attrs],
        }
        for c in codes
    ]


def codes_from_json(data: Sequence[dict[str, Any]] | None) -> tuple[InlineCode, ...]:
    if not data:
        return ()
    return tuple(
        InlineCode(
            role=d["role"],
            id=d["id"],
            kind=d["kind"],
            data=d.get("data", ""),
            attrs=tuple((str(k), str(v)) for k, v in d.get("attrs", [])),
        )
        for d in data
    )


@dataclass
class _Prepared:
    unit: Unit
    status: Status
    key: tuple[str, int, str | None]  # (source lang_key, source hash, context_key)
    hashes: dict[str, set[int]]  # lang_key -> text hashes of the unit's variants


def _prepare(unit: Unit, status: Status | None) -> _Prepared:
    """Hash every variant once, in the same pass that finds the source variant.

    The source is the unit's source language (exact tag first, then a regional
    sibling, as `Unit.variant` picks it), else the first variant.
    """
    hashes: dict[str, set[int]] = {}
    src_lang = unit.source_lang if unit.source_lang != "*all*" else None
    src_key = match_key(src_lang) if src_lang else None
    exact: tuple[str, int] | None = None
    same_key: tuple[str, int] | None = None
    for v in unit.variants:
        h = _variant_hash(v)
        k = match_key(v.lang)
        known = hashes.get(k)
        if known is None:
            hashes[k] = {h}
        else:
            known.add(h)
        if src_key is not None and exact is None:
            if v.lang == src_lang:
                exact = (k, h)
            elif same_key is None and k == src_key:
                same_key = (k, h)
    first = unit.variants[0]
    src = exact or same_key or (match_key(first.lang), _variant_hash(first))
    return _Prepared(unit, status or unit.status, (*src, unit.context_key), hashes)


def _max_len(*columns: Any) -> int:
    """The smallest declared length of these String columns (tm/store/schema.py)."""
    return min(int(c.type.length) for c in columns)


# Limits `_check_values` enforces, read from the schema so they cannot drift from it.
_TUID_MAX = _max_len(unit_t.c.tuid)
_DOCUMENT_MAX = _max_len(unit_t.c.document)
_LANG_MAX = _max_len(unit_t.c.source_lang, variant_t.c.lang)
_NAME_MAX = _max_len(
    unit_t.c.created_by, unit_t.c.changed_by, variant_t.c.created_by, variant_t.c.changed_by
)
_UNIT_LIMITS = (
    ("unit_id", "tuid", _TUID_MAX),
    ("source_lang", "source language", _LANG_MAX),
    ("document", "document", _DOCUMENT_MAX),
    ("created_by", "creator", _NAME_MAX),
    ("changed_by", "last editor", _NAME_MAX),
)
_VARIANT_LIMITS = (
    ("lang", "language tag", _LANG_MAX),
    ("created_by", "creator", _NAME_MAX),
    ("changed_by", "last editor", _NAME_MAX),
)


def _check_values(unit: Unit) -> None:
    """Refuse what a column cannot hold: values over its length, NUL in a text.

    PostgreSQL enforces both (deep inside a bulk write, with the driver's message) and
    SQLite neither; checking here gives both backends one error naming the unit, and
    keeps out of SQLite what no TMX or XLIFF export could write. The import path: cheap.
    """
    u = unit
    # Spelled out rather than looping over _UNIT_LIMITS: this runs for every unit, and
    # the loop cost 0.8 us a unit against 0.2 us; `_length_error` names the culprit.
    if (
        (u.unit_id and len(u.unit_id) > _TUID_MAX)
        or (u.document and len(u.document) > _DOCUMENT_MAX)
        or (u.source_lang and len(u.source_lang) > _LANG_MAX)
        or (u.created_by and len(u.created_by) > _NAME_MAX)
        or (u.changed_by and len(u.changed_by) > _NAME_MAX)
    ):
        _length_error(unit)
    for v in u.variants:
        if (
            len(v.lang) > _LANG_MAX
            or (v.created_by and len(v.created_by) > _NAME_MAX)
            or (v.changed_by and len(v.changed_by) > _NAME_MAX)
        ):
            _length_error(unit)
        if "\x00" in v.text:
            raise FormatError(
                f"the {v.lang} text holds a NUL character, which the store cannot keep",
                unit=_label(unit),
            )


def _label(unit: Unit) -> str:
    return unit.unit_id[:40] if unit.unit_id else repr(unit.variants[0].text[:40])


def _length_error(unit: Unit) -> None:
    """Raise the error naming the unit and its first value that is too long."""
    for limits, objects in ((_UNIT_LIMITS, (unit,)), (_VARIANT_LIMITS, unit.variants)):
        for obj in objects:
            for attr, what, limit in limits:
                value = getattr(obj, attr)
                if value is not None and len(value) > limit:
                    raise FormatError(
                        f"the {what} is {len(value)} characters long; the store keeps at "
                        f"most {limit}",
                        unit=_label(unit),
                    )


def _variant_hash(variant: Variant) -> int:
    """`exact_hash` of the variant's text, computed once per variant object."""
    cached: int | None = getattr(variant, "_exact_hash", None)
    if cached is None:
        cached = exact_hash(variant.text)
        object.__setattr__(variant, "_exact_hash", cached)
    return cached


def _agrees(a: dict[str, set[int]], b: dict[str, set[int]]) -> bool:
    """Same unit: every language both have carries the same text(s)."""
    return all(a[k] == b[k] for k in a.keys() & b.keys())


class UnitWriter:
    """Buffers units and writes them in batches on one connection (one transaction).

    While an import runs, a background thread owns the connection: it reads each
    batch's stored duplicates and writes the rows, and the database driver releases
    the GIL while the database works, so reading the file (this thread) and writing
    rows overlap on two cores. The jobs run in this order:

        check(k), write(k-1), check(k+1), write(k), ...

    `check(k)` is queued ahead of the previous batch's rows, so this thread decides
    batch k (duplicates, merges, row building) while batch k-1 is written, instead of
    waiting for it; what batch k-1 stores or extends comes from memory (`_recent`),
    everything older from the database. `close` (or `drain`, on the error path) must
    be called before the transaction ends.
    """

    def __init__(
        self,
        conn: Connection,
        *,
        memory_id: int,
        batch_id: int | None = None,
        origin_file: str | None = None,
        status: Status | None = None,
        author: str | None = None,
        now: datetime | None = None,
    ) -> None:
        self.conn = conn
        self.memory_id = memory_id
        self.batch_id = batch_id
        self.origin_file = origin_file
        self.status = status
        self.author = author
        self.now = now or datetime.now(UTC)
        self.counts = WriteCounts()
        self._buffer: list[_Prepared] = []
        self._next_ids: dict[str, int] = {}
        self._id_pool: dict[str, list[int]] = {}
        self._held: list[Callable[[], None]] = []  # this batch's writes, not yet queued
        self._recent: dict[int, _Stored] = {}  # units the held writes insert or extend
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[Any] | None = None  # the newest job; FIFO: all before it ran
        self._error: BaseException | None = None
        self._worker = False
        self._cache_pages: int | None = None
        if conn.dialect.name == "sqlite":
            # A bulk transaction dirties more pages than the default cache holds; SQLite
            # then spills them to the WAL and reads them back (measured: 12% slower at
            # 300k units). The connection's own setting comes back in `_shutdown`.
            self._cache_pages = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
            conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        # The index buffer hooks into the connection's commit; attach it before the
        # background thread starts using the connection.
        fuzzy_index.open_buffer(conn)

    def add(self, unit: Unit) -> None:
        if not unit.variants:
            return
        _check_values(unit)
        self._buffer.append(_prepare(unit, self.status))
        if len(self._buffer) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        check = self._submit(partial(self._check, batch))
        self._submit_held()  # the previous batch's rows, queued behind this batch's check
        existing = self._with_recent(check.result(), batch)
        if not self._worker and self.counts.added + len(batch) >= INDEX_WORKER_AFTER:
            # A bulk import: tokenise on another core from now on.
            fuzzy_index.use_worker(self.conn, write=self._queue_postings)
            self._worker = True
        to_insert: list[_Prepared] = []
        seen_in_batch: dict[tuple[str, int, str | None], list[_Prepared]] = {}
        status_upgrades: dict[int, Status] = {}
        merges: list[tuple[int, _Prepared, set[str]]] = []
        extended: dict[int, _Stored] = {}
        self.counts.languages.update(v.lang for prep in batch for v in prep.unit.variants)
        for prep in batch:
            key = prep.key
            stored_units = existing.get(key)
            if stored_units:
                match = next(
                    ((uid, stored) for uid, stored in stored_units if _agrees(prep.hashes, stored)),
                    None,
                )
                if match is not None:
                    unit_id, stored = match
                    missing = set(prep.hashes) - set(stored)
                    if missing:
                        merges.append((unit_id, prep, missing))
                        for k in missing:
                            stored[k] = prep.hashes[k]
                        _remember(extended, unit_id, key[2], stored)
                        self.counts.merged += 1
                    else:
                        self.counts.skipped += 1
                    status_upgrades[unit_id] = max(
                        status_upgrades.get(unit_id, prep.status), prep.status, key=lambda s: s.rank
                    )
                    continue
            twins = seen_in_batch.get(key)
            if twins is None:  # the common case: a source text new to the memory
                if stored_units:
                    self.counts.alternatives += 1
                seen_in_batch[key] = [prep]
                to_insert.append(prep)
                continue
            twin = next((p for p in twins if _agrees(prep.hashes, p.hashes)), None)
            if twin is not None:
                missing = set(prep.hashes) - set(twin.hashes)
                if missing:
                    twin.unit.variants.extend(
                        v for v in prep.unit.variants if match_key(v.lang) in missing
                    )
                    for k in missing:
                        twin.hashes[k] = prep.hashes[k]
                    self.counts.merged += 1
                else:
                    self.counts.skipped += 1
                if prep.status.rank > twin.status.rank:
                    twin.status = prep.status
                continue
            self.counts.alternatives += 1
            twins.append(prep)
            to_insert.append(prep)
        for unit_id, prep in zip(self._insert(to_insert), to_insert, strict=True):
            extended[unit_id] = (prep.key[2], prep.hashes)  # new ids: nothing to merge
        self._merge(merges)
        self._upgrade_status(status_upgrades)
        self._recent = extended

    def close(self) -> WriteCounts:
        """Write what is buffered and wait until it is written."""
        self.flush()
        self._submit_held()
        if self._last is not None:
            self._last.result()  # re-raises what a job raised
        self._shutdown()
        return self.counts

    def drain(self) -> None:
        """Wait for the background jobs without raising (the caller is failing already)."""
        self._held = []
        if self._last is not None:
            self._last.exception()
        self._shutdown()

    # -- internals ---------------------------------------------------------------

    def _shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._cache_pages is not None:
            pages, self._cache_pages = self._cache_pages, None
            # On the error path the connection may be failing already; the import's
            # own error is the one to report, and the setting dies with the connection.
            with suppress(Exception):
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {pages}")

    def _submit(self, job: Callable[[], Any]) -> Future[Any]:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tm-writer")
        self._last = self._executor.submit(self._guarded, job)
        return self._last

    def _guarded(self, job: Callable[[], Any]) -> Any:
        """Run a job unless an earlier one failed (the transaction is lost then)."""
        if self._error is not None:
            raise self._error
        try:
            return job()
        except BaseException as err:
            self._error = err
            raise

    def _submit_held(self) -> None:
        """Queue the held rows (in foreign-key order) for the background thread."""
        jobs, self._held = self._held, []
        if jobs:
            self._submit(partial(_run_all, jobs))

    def _check(self, batch: Sequence[_Prepared]) -> _Existing:
        """Background job: stored duplicates of `batch`, and primary keys for its rows.

        Runs after batch k-2's rows and before batch k-1's (see the class docstring).
        """
        if self.conn.dialect.name == "postgresql":
            self._id_pool = {
                unit_t.name: self._nextvals(unit_t, len(batch)),
                variant_t.name: self._nextvals(variant_t, sum(len(p.unit.variants) for p in batch)),
            }
        else:
            for table in (unit_t, variant_t):
                if table.name not in self._next_ids:
                    current = self.conn.execute(select(func.max(table.c.id))).scalar()
                    self._next_ids[table.name] = int(current or 0) + 1
        return self._existing_units(batch)

    def _with_recent(self, existing: _Existing, batch: Sequence[_Prepared]) -> _Existing:
        """`existing` as the database will hold it once the previous batch is written."""
        recent, self._recent = self._recent, {}
        if not recent:
            return existing
        for key, entries in existing.items():
            existing[key] = [
                (uid, dict(recent[uid][1]) if uid in recent else stored) for uid, stored in entries
            ]
        wanted = {p.key for p in batch}
        for uid, (ctx, hashes) in recent.items():
            for lang_key, hs in hashes.items():
                for h in hs:
                    key = (lang_key, h, ctx)
                    if key not in wanted:
                        continue
                    entries = existing.setdefault(key, [])
                    if all(u != uid for u, _ in entries):
                        entries.append((uid, dict(hashes)))
                        entries.sort(key=lambda e: e[0])
        return existing

    def _queue_rows(self, table: Table, cols: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Queue rows already in column order for the background thread: COPY on
        PostgreSQL, multi-row INSERTs on SQLite (`tm.store.multirow`).

        SQLAlchemy's per-row bind processing was most of the import time; the rows
        hold values exactly as its types store them (JSON text, UTC timestamps), built
        by `_insert` and `_insert_variants` without an intermediate dict per row. The
        SQLite statements are built here, on the reading thread: the background thread
        is the import's bottleneck and should hold the GIL only to bind.
        """
        if not rows:
            return
        if self.conn.dialect.driver == "psycopg":
            self._held.append(partial(self._copy_rows, table, cols, rows))
            return
        if self.conn.dialect.name == "sqlite":
            # Columns NULL in every row are left to their default: most optional
            # columns are empty in a typical file, and binding costs per parameter.
            columns = list(zip(*rows, strict=True))
            keep = [i for i, values in enumerate(columns) if values.count(None) != len(rows)]
            if len(keep) < len(cols):
                cols = [cols[i] for i in keep]
                rows = list(zip(*[columns[i] for i in keep], strict=True))
            mark = "?"
        else:
            mark = "%s"
        head = f"INSERT INTO {table.name} ({', '.join(cols)})"
        self._held.append(partial(self._execute, statements(head, rows, mark=mark)))

    def _copy_rows(self, table: Table, cols: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Background job: COPY, PostgreSQL's bulk path (several times faster than
        pipelined INSERTs)."""
        dbapi_conn: Any = self.conn.connection.driver_connection
        with (
            dbapi_conn.cursor() as cur,
            cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy,
        ):
            for row_values in rows:
                copy.write_row(row_values)

    def _execute(self, work: Sequence[tuple[str, list[Any]]]) -> None:
        """Background job: run prepared statements on the raw driver connection."""
        cursor = self.conn.connection.cursor()
        try:
            for sql, params in work:
                cursor.execute(sql, params)
        finally:
            cursor.close()

    def _datetime_converter(self) -> Callable[[datetime | None], Any]:
        """The stored form of a timestamp, memoised: a file's dates repeat a lot."""
        convert = _sqlite_datetime if self.conn.dialect.name == "sqlite" else _pg_datetime
        memo: dict[datetime | None, Any] = {None: None}

        def stored(value: datetime | None) -> Any:
            try:
                return memo[value]
            except KeyError:
                out = memo[value] = convert(value)
                return out

        return stored

    def _reserve_ids(self, table: Table, n: int) -> list[int]:
        """Primary keys for `n` new rows, so inserts can be plain multi-row statements.

        RETURNING with ordered rows makes SQLAlchemy execute one statement per row on
        SQLite (20x slower). SQLite has a single writer and the import holds the write
        lock (it has already written its batch row), so max(id) (read once, by the
        first `_check`) cannot move under us; on PostgreSQL `_check` drew enough ids for
        the batch from the column's own sequence.
        """
        if self.conn.dialect.name == "postgresql":
            pool = self._id_pool[table.name]
            if len(pool) < n:
                raise AssertionError(f"{table.name}: {n} ids wanted, {len(pool)} reserved")
            taken, self._id_pool[table.name] = pool[:n], pool[n:]
            return taken
        next_id = self._next_ids[table.name]
        self._next_ids[table.name] = next_id + n
        return list(range(next_id, next_id + n))

    def _nextvals(self, table: Table, n: int) -> list[int]:
        seq = f"pg_get_serial_sequence('{table.name}', 'id')"
        return [
            int(r[0])
            for r in self.conn.exec_driver_sql(
                f"SELECT nextval({seq}) FROM generate_series(1, {int(n)})"
            )
        ]

    def _existing_units(self, batch: Sequence[_Prepared]) -> _Existing:
        """Stored units of this memory whose source text equals one in the batch."""
        by_lang: dict[str, set[int]] = defaultdict(set)
        for prep in batch:
            by_lang[prep.key[0]].add(prep.key[1])
        candidate_ids: set[int] = set()
        for lang_key, hashes in by_lang.items():
            candidate_ids.update(self._units_with_source(lang_key, list(hashes)))
        if not candidate_ids:
            return {}
        ids = list(candidate_ids)
        hashes_of: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        source_of: dict[int, tuple[str | None, str | None]] = {}
        for chunk_start in range(0, len(ids), 900):
            chunk = ids[chunk_start : chunk_start + 900]
            for uid, src_lang, ctx in self.conn.execute(
                select(unit_t.c.id, unit_t.c.source_lang, unit_t.c.context_key).where(
                    unit_t.c.id.in_(chunk)
                )
            ):
                source_of[uid] = (src_lang, ctx)
            for uid, lang_key, h in self.conn.execute(
                select(variant_t.c.unit_id, variant_t.c.lang_key, variant_t.c.text_hash)
                .where(variant_t.c.unit_id.in_(chunk))
                .order_by(variant_t.c.id)
            ):
                hashes_of[uid][lang_key].add(h)
        wanted = {p.key for p in batch}
        result: dict[tuple[str, int, str | None], list[tuple[int, dict[str, set[int]]]]] = (
            defaultdict(list)
        )
        for uid in sorted(hashes_of):
            stored = hashes_of[uid]
            _src_lang, ctx = source_of.get(uid, (None, None))
            for lang_key, hs in stored.items():
                for h in hs:
                    key = (lang_key, h, ctx)
                    if key in wanted:
                        result[key].append((uid, dict(stored)))
        return result

    def _units_with_source(self, lang_key: str, hashes: list[int]) -> Iterator[int]:
        """Ids of units in this memory with a `lang_key` variant whose hash is in `hashes`.

        Driver-level SQL: an expanding IN of 2,000 bound values cost more to build than
        to run. On PostgreSQL the hashes go in as one array joined through unnest, so
        each is an index probe even while the import's own rows make the planner's
        statistics stale (an `IN` list was planned as a scan of the whole
        memory-and-language range, and a join as a hash join over the whole table,
        both growing with every batch).
        """
        if self.conn.dialect.name == "postgresql":
            # OFFSET 0 keeps the planner from flattening the lateral subquery into a
            # hash join over the whole table: each hash stays one index probe.
            rows = self.conn.exec_driver_sql(
                "SELECT v.unit_id FROM unnest(%s::bigint[]) AS h(x) CROSS JOIN LATERAL "
                "(SELECT unit_id FROM variant WHERE memory_id = %s AND lang_key = %s "
                "AND text_hash = h.x OFFSET 0) AS v",
                (hashes, self.memory_id, lang_key),
            )
            yield from (r[0] for r in rows)
            return
        for start in range(0, len(hashes), 900):
            chunk = hashes[start : start + 900]
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.exec_driver_sql(
                "SELECT unit_id FROM variant WHERE memory_id = ? AND lang_key = ? "
                f"AND text_hash IN ({marks})",
                (self.memory_id, lang_key, *chunk),
            )
            yield from (r[0] for r in rows)

    def _insert(self, preps: Sequence[_Prepared]) -> list[int]:
        """Build the rows of new units (written later, in the background); their ids."""
        if not preps:
            return []
        stored_dt = self._datetime_converter()
        memory_id, batch_id, origin, author = (
            self.memory_id,
            self.batch_id,
            self.origin_file,
            self.author,
        )
        now = stored_dt(self.now)
        unit_ids = self._reserve_ids(unit_t, len(preps))
        rows: list[tuple[Any, ...]] = []
        for uid, prep in zip(unit_ids, preps, strict=True):
            u = prep.unit
            created = stored_dt(u.created_at) if u.created_at else now
            rows.append(
                (
                    uid,
                    memory_id,
                    batch_id,
                    origin,
                    u.unit_id,
                    u.source_lang,
                    u.context_key,
                    u.document,
                    prep.status.value,
                    u.usage_count,
                    u.note,
                    _json_value([list(p) for p in u.props]) if u.props else None,
                    created,
                    u.created_by or author,
                    stored_dt(u.changed_at) if u.changed_at else created,
                    u.changed_by or u.created_by or author,
                )
            )
        self._queue_rows(unit_t, _UNIT_COLS, rows)
        self.counts.added += len(unit_ids)
        self._insert_variants(
            [(uid, prep.unit.variants) for uid, prep in zip(unit_ids, preps, strict=True)]
        )
        return unit_ids

    def _insert_variants(self, units: Sequence[tuple[int, Iterable[Variant]]]) -> None:
        """Insert the variants of stored units (one row per distinct language and text)."""
        pending: list[tuple[int, Variant, int, str]] = []
        for unit_id, variants in units:
            seen: set[tuple[str, int]] = set()
            for v in variants:
                h = _variant_hash(v)
                if (v.lang, h) in seen:
                    continue
                seen.add((v.lang, h))
                pending.append((unit_id, v, h, match_key(v.lang)))
        if not pending:
            return
        stored_dt = self._datetime_converter()
        memory_id = self.memory_id
        ids = self._reserve_ids(variant_t, len(pending))
        rows: list[tuple[Any, ...]] = []
        for vid, (unit_id, v, h, lang_key) in zip(ids, pending, strict=True):
            rows.append(
                (
                    vid,
                    unit_id,
                    memory_id,
                    v.lang,
                    lang_key,
                    v.text,
                    _json_value(codes_to_json(v.codes)) if v.codes else None,
                    h,
                    stored_dt(v.created_at) if v.created_at else None,
                    v.created_by,
                    stored_dt(v.changed_at) if v.changed_at else None,
                    v.changed_by,
                    _json_value([list(p) for p in v.props]) if v.props else None,
                    _json_value(list(v.notes)) if v.notes else None,
                    v.prev_text,
                    v.next_text,
                )
            )
        self._queue_rows(variant_t, _VARIANT_COLS, rows)
        texts = [(vid, p[3], p[1].text) for vid, p in zip(ids, pending, strict=True)]
        fuzzy_index.index_texts(self.conn, memory_id, texts, write=self._queue_postings)

    def _queue_postings(self, chunks: list[Chunk], counts: list[Count]) -> None:
        """Postings flushed mid-import go to the background writer with the rows."""
        driver_conn = self.conn.connection.driver_connection
        dialect = self.conn.dialect.name
        self._held.append(
            partial(fuzzy_index.write_postings_raw, driver_conn, dialect, chunks, counts)
        )

    def _merge(self, merges: Sequence[tuple[int, _Prepared, set[str]]]) -> None:
        if not merges:
            return
        self._insert_variants(
            [
                (unit_id, [v for v in prep.unit.variants if match_key(v.lang) in missing])
                for unit_id, prep, missing in merges
            ]
        )
        self._held.append(partial(self._touch, [unit_id for unit_id, _p, _m in merges]))

    def _touch(self, unit_ids: Sequence[int]) -> None:
        """Background job: units that gained languages were changed now."""
        for unit_id in unit_ids:
            self.conn.execute(
                update(unit_t).where(unit_t.c.id == unit_id).values(changed_at=self.now)
            )

    def _upgrade_status(self, upgrades: dict[int, Status]) -> None:
        if upgrades:
            self._held.append(partial(self._write_status, upgrades))

    def _write_status(self, upgrades: dict[int, Status]) -> None:
        """Background job: raise the stored status where the new one ranks higher.

        It reads the stored status when it runs, after every earlier batch's rows.
        """
        lower = {
            uid
            for uid, status in self.conn.execute(
                select(unit_t.c.id, unit_t.c.status).where(unit_t.c.id.in_(list(upgrades)))
            )
            if Status(status).rank < upgrades[uid].rank
        }
        for uid in lower:
            self.conn.execute(
                update(unit_t)
                .where(unit_t.c.id == uid)
                .values(status=upgrades[uid].value, changed_at=self.now)
            )


# A stored unit as the duplicate check sees it: (context key, lang_key -> text hashes).
_Stored = tuple[str | None, dict[str, set[int]]]
# Stored units by (source lang_key, source hash, context key): [(unit id, hashes)].
_Existing = dict[tuple[str, int, str | None], list[tuple[int, dict[str, set[int]]]]]


def _run_all(jobs: Sequence[Callable[[], None]]) -> None:
    for job in jobs:
        job()


def _remember(
    into: dict[int, _Stored], unit_id: int, ctx: str | None, hashes: dict[str, set[int]]
) -> None:
    """Note what a unit holds after this batch (merges into one unit accumulate)."""
    known = into.get(unit_id)
    if known is None:
        into[unit_id] = (ctx, {k: set(v) for k, v in hashes.items()})
    else:
        for k, v in hashes.items():
            known[1].setdefault(k, set()).update(v)


_UNIT_COLS = (
    "id",
    "memory_id",
    "batch_id",
    "origin_file",
    "tuid",
    "source_lang",
    "context_key",
    "document",
    "status",
    "usage_count",
    "note",
    "props",
    "created_at",
    "created_by",
    "changed_at",
    "changed_by",
)
_VARIANT_COLS = (
    "id",
    "unit_id",
    "memory_id",
    "lang",
    "lang_key",
    "text",
    "codes",
    "text_hash",
    "created_at",
    "created_by",
    "changed_at",
    "changed_by",
    "props",
    "notes",
    "prev_text",
    "next_text",
)


def _json_value(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """The text form SQLAlchemy's SQLite DateTime reads back, in UTC."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _pg_datetime(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def unit_from_rows(unit_row: Any, variant_rows: Sequence[Any]) -> Unit:
    """Rebuild a `Unit` from a `unit` row and its `variant` rows (Core rows or ORM)."""
    variants = [
        Variant(
            lang=v.lang,
            text=v.text,
            codes=codes_from_json(v.codes),
            created_at=v.created_at,
            created_by=v.created_by,
            changed_at=v.changed_at,
            changed_by=v.changed_by,
            props=[(str(a), str(b)) for a, b in (v.props or [])],
            notes=list(v.notes or []),
            prev_text=v.prev_text,
            next_text=v.next_text,
        )
        for v in variant_rows
    ]
    return Unit(
        variants=variants,
        source_lang=unit_row.source_lang,
        unit_id=unit_row.tuid,
        context_key=unit_row.context_key,
        document=unit_row.document,
        status=Status(unit_row.status),
        usage_count=unit_row.usage_count,
        created_at=unit_row.created_at,
        created_by=unit_row.created_by,
        changed_at=unit_row.changed_at,
        changed_by=unit_row.changed_by,
        note=unit_row.note,
        props=[(str(a), str(b)) for a, b in (unit_row.props or [])],
    )


def iter_units(
    conn: Connection,
    *,
    memory_ids: Sequence[int] | None = None,
    langs: Sequence[str] | None = None,
    chunk: int = 1000,
) -> Iterator[tuple[int, Unit]]:
    """Stream units (with their database id) in id order, keyset-paginated.

    `langs` keeps only units that have every one of those languages (by match key),
    and only those variants.
    """
    keys = [match_key(lang) for lang in langs] if langs else None
    last_id = 0
    while True:
        q = select(unit_t).where(unit_t.c.id > last_id).order_by(unit_t.c.id).limit(chunk)
        if memory_ids is not None:
            q = q.where(unit_t.c.memory_id.in_(list(memory_ids)))
        unit_rows = list(conn.execute(q))
        if not unit_rows:
            return
        last_id = unit_rows[-1].id
        ids = [r.id for r in unit_rows]
        vq = select(variant_t).where(variant_t.c.unit_id.in_(ids)).order_by(variant_t.c.id)
        by_unit: dict[int, list[Any]] = defaultdict(list)
        for v in conn.execute(vq):
            if keys is None or v.lang_key in keys:
                by_unit[v.unit_id].append(v)
        for row in unit_rows:
            variants = by_unit.get(row.id, [])
            if keys is not None and not set(keys) <= {v.lang_key for v in variants}:
                continue
            if not variants:
                continue
            yield row.id, unit_from_rows(row, variants)
