"""The candidate index finds every match an exhaustive scan finds, on both backends."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tm.match import Candidate, max_unmatched, rank_matches, score_bound
from tm.models import Unit, Variant
from tm.normalize import token_keys
from tm.services.lookup import lookup, rebuild_index
from tm.services.memory import delete_memory, import_units
from tm.store import Store
from tm.store import fuzzy_index as fx

WORDS = [
    "the",
    "patient",
    "received",
    "adjuvant",
    "chemotherapy",
    "after",
    "surgery",
    "tumour",
    "cells",
    "breast",
    "cancer",
    "risk",
    "of",
    "recurrence",
    "is",
    "reduced",
    "by",
    "endocrine",
    "therapy",
    "tamoxifen",
    "aromatase",
    "inhibitors",
    "are",
    "used",
    "in",
    "postmenopausal",
    "women",
    "radiation",
    "therapy",
    "targets",
    "the",
    "whole",
    "breast",
    "lymph",
    "nodes",
    "were",
    "removed",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.4:
            words[i] = rng.choice(WORDS)
        elif op < 0.7 and len(words) > 1:
            del words[i]
        else:
            words.insert(i, rng.choice(WORDS))
    if rng.random() < 0.2:
        words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(["", ".", "?"])


def _units(sources: list[str]) -> list[Unit]:
    return [
        Unit([Variant("en", s), Variant("es", f"ES {i}")], source_lang="en")
        for i, s in enumerate(sources)
    ]


def _count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.mark.parametrize("min_score", [50, 75, 90])
def test_lookup_finds_the_exhaustive_best(any_store: Store, min_score: int) -> None:
    rng = random.Random(min_score)
    sources = list(dict.fromkeys(_sentence(rng) for _ in range(400)))
    import_units(any_store, _units(sources), memory="onco")
    keys = [token_keys(s) for s in sources]
    checked = 0
    for _ in range(60):
        query = _edit(rng.choice(sources), rng) if rng.random() < 0.8 else _sentence(rng)
        # Exhaustive: every stored source that the masked bound lets through, scored.
        q_keys = token_keys(query)
        every = [
            Candidate(s, f"ES {i}", unit_id=i)
            for i, s in enumerate(sources)
            if score_bound(q_keys, keys[i]) >= min_score
        ]
        truth = rank_matches(query, every, min_score=min_score, limit=1)
        got = lookup(any_store, query, source_lang="en", target_lang="es", min_score=min_score)
        if truth:
            checked += 1
            assert got, f"index missed {truth[0].source_text!r} for {query!r}"
            assert got[0].score == truth[0].score, query
        else:
            assert got == []
    assert checked > 20


def test_index_rows_follow_imports_and_deletes(any_store: Store) -> None:
    import_units(any_store, _units(["Delete the file.", "Open the file."]), memory="a")
    import_units(any_store, _units(["Close the window."]), memory="b")
    assert _count(any_store, "fuzzy_token") > 0
    before = _count(any_store, "fuzzy_posting")
    delete_memory(any_store, "b")
    assert _count(any_store, "fuzzy_posting") < before
    hits = lookup(any_store, "Close the window.", source_lang="en", target_lang="es")
    assert hits == []
    delete_memory(any_store, "a")
    assert _count(any_store, "fuzzy_posting") == 0
    assert _count(any_store, "fuzzy_token") == 0


def test_unindexed_variants_are_not_found(any_store: Store) -> None:
    import_units(any_store, _units(["Remove the selected lymph nodes"]), memory="m")
    query = "Remove the selected lymph node"
    assert lookup(any_store, query, source_lang="en", target_lang="es")
    with any_store.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM variant"))]
        fx.unindex_variants(conn, ids)
    assert lookup(any_store, query, source_lang="en", target_lang="es") == []
    stats = rebuild_index(any_store)
    assert stats.variants == 2
    assert lookup(any_store, query, source_lang="en", target_lang="es")


def test_rebuild_reproduces_the_incremental_index(any_store: Store) -> None:
    rng = random.Random(3)
    sources = list(dict.fromkeys(_sentence(rng) for _ in range(200)))
    import_units(any_store, _units(sources[:100]), memory="m")
    import_units(any_store, _units(sources[100:]), memory="m")
    queries = [_edit(rng.choice(sources), rng) for _ in range(30)]

    def results() -> list[list[tuple[int, str]]]:
        return [
            [
                (m.score, m.source_text)
                for m in lookup(any_store, q, source_lang="en", target_lang="es")
            ]
            for q in queries
        ]

    incremental = results()
    with any_store.engine.connect() as conn:
        df_before: dict[int, int] = dict(
            conn.execute(text("SELECT token_key, df FROM fuzzy_token")).all()
        )
    rebuild_index(any_store)
    with any_store.engine.connect() as conn:
        df_after: dict[int, int] = dict(
            conn.execute(text("SELECT token_key, df FROM fuzzy_token")).all()
        )
    assert df_after == df_before
    assert results() == incremental


def test_many_small_imports_get_merged(any_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fx, "MERGE_AT", 3)
    for i in range(7):
        import_units(any_store, _units([f"Patient {i} received chemotherapy"]), memory="m")
    with any_store.engine.connect() as conn:
        chunks = conn.execute(text("SELECT MAX(chunks), MAX(df) FROM fuzzy_token")).one()
    assert chunks[1] == 7 and chunks[0] < 3
    got = lookup(
        any_store, "Patient 9 received chemotherapy", source_lang="en", target_lang="es", limit=10
    )
    assert len(got) == 7


@pytest.mark.parametrize("query_len", [1, 3, 12, 60])
@pytest.mark.parametrize("min_score", [50, 75, 95])
def test_plan_probes_covers_the_edit_bound(query_len: int, min_score: int) -> None:
    keys = list(range(query_len))
    stats = {k: (1000 * (k + 1), 10) for k in keys}  # every token costs something
    plan = fx.plan_probes(keys, stats, min_score=min_score)
    assert plan is not None
    # Sound: a candidate missing every probed token would need more edits than allowed.
    assert plan.covered > max(
        max_unmatched(query_len, m, min_score) for m in range(plan.low, plan.high + 1)
    )
    # The rarest tokens are the ones probed.
    assert [k for k, _ in plan.probes] == keys[: len(plan.probes)]


def test_plan_probes_stops_before_expensive_tokens() -> None:
    keys = list(range(20))
    stats = {k: (10 if k < 8 else 1_000_000, 1 if k < 8 else 500) for k in keys}
    plan = fx.plan_probes(keys, stats, min_score=75)
    assert plan is not None
    assert {k for k, _ in plan.probes} == set(range(8))
    assert fx.plan_probes([], stats, min_score=75) is None


def test_lookup_is_exact_when_nothing_was_prefetched(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL fetches the rarest postings with the token statistics; when they do
    not cover a plan, the missing ones are read in another round trip, losing nothing."""
    rng = random.Random(5)
    sources = list(dict.fromkeys(_sentence(rng) for _ in range(300)))
    import_units(any_store, _units(sources), memory="onco")
    queries = [_edit(rng.choice(sources), rng) for _ in range(40)]
    normal = [lookup(any_store, q, source_lang="en", target_lang="es") for q in queries]
    monkeypatch.setattr(fx, "PREFETCH_POSTINGS", False)
    starved = [lookup(any_store, q, source_lang="en", target_lang="es") for q in queries]
    assert sum(1 for ms in normal if ms) > 20
    assert [[(m.score, m.source_text) for m in ms] for ms in starved] == [
        [(m.score, m.source_text) for m in ms] for ms in normal
    ]


def test_plan_probes_takes_optional_probes_only_from_fetched_postings() -> None:
    keys = list(range(12))
    stats = {k: (10 * (k + 1), 1) for k in keys}  # all cheap: normally probed
    every = fx.plan_probes(keys, stats, min_score=75, budget_us=10_000)
    assert every is not None and len(every.probes) == 12
    mandatory = max_unmatched(12, 12, 75) + 1
    fetched = {0, 1, 2, 3, 7}  # the rarest few plus one
    plan = fx.plan_probes(keys, stats, min_score=75, budget_us=10_000, available=fetched)
    assert plan is not None
    probed = [k for k, _ in plan.probes]
    # The mandatory rarest tokens are probed whatever was fetched; optional ones only
    # if fetched, so no extra round trip is spent on them.
    assert probed[:mandatory] == keys[:mandatory]
    assert set(probed[mandatory:]) <= fetched
    assert 7 in probed


def test_chunk_encoding_round_trips() -> None:
    from array import array

    ntoks, vids = array("H", [1, 3, 3, 65535]), array("I", [7, 2, 9, 4_000_000_000])
    back = fx.unpack_entries(fx.pack_entries(ntoks, vids))
    assert (list(back[0]), list(back[1])) == (list(ntoks), list(vids))


def test_merging_chunks_keeps_every_entry_in_length_order() -> None:
    from array import array

    rng = random.Random(5)
    chunks, every = [], []
    for c in range(6):
        pairs = sorted((rng.randint(1, 30), c * 1000 + i) for i in range(rng.randint(1, 50)))
        every.extend(pairs)
        ntoks = array("H", [n for n, _ in pairs])
        vids = array("I", [v for _, v in pairs])
        chunks.append(fx.pack_entries(ntoks, vids))
    [(chunk_id, blob)] = fx.merge_chunks(chunks)
    ntoks, vids = fx.unpack_entries(blob)
    assert list(ntoks) == sorted(ntoks)
    assert sorted(zip(ntoks, vids, strict=True)) == sorted(every)
    assert chunk_id == vids[0]


def test_a_failed_import_leaves_no_postings_behind(any_store: Store) -> None:
    def broken() -> Iterator[Unit]:
        yield from _units(["Adjuvant chemotherapy was given."])
        raise RuntimeError("unreadable unit")

    with pytest.raises(RuntimeError):
        import_units(any_store, broken(), memory="m")
    assert _count(any_store, "fuzzy_posting") == 0
    # The next import on the same pooled connection writes only its own postings.
    import_units(any_store, _units(["Radiotherapy followed surgery."]), memory="m")
    with any_store.engine.connect() as conn:
        total_df = conn.execute(text("SELECT SUM(df) FROM fuzzy_token")).scalar_one()
    assert total_df == len(["Radiotherapy", "followed", "surgery"]) + len(["es", "0"])
    assert (
        lookup(any_store, "Adjuvant chemotherapy was given.", source_lang="en", target_lang="es")
        == []
    )


def test_unindexing_some_variants_keeps_the_others(any_store: Store) -> None:
    import_units(
        any_store,
        _units(["Remove the left lymph nodes", "Remove the right lymph nodes"]),
        memory="m",
    )
    total = "SELECT SUM(df) FROM fuzzy_token"
    with any_store.engine.begin() as conn:
        before = conn.execute(text(total)).scalar_one()
        left = conn.execute(
            text("SELECT id FROM variant WHERE text = 'Remove the left lymph nodes'")
        ).scalar_one()
        fx.unindex_variants(conn, [left])
    got = lookup(any_store, "Remove the lymph nodes", source_lang="en", target_lang="es", limit=5)
    assert [m.source_text for m in got] == ["Remove the right lymph nodes"]
    with any_store.engine.connect() as conn:
        after = conn.execute(text(total)).scalar_one()
    assert before - after == 5  # remove, the, left, lymph, nodes


@pytest.mark.postgres
@pytest.mark.parametrize("min_score", [50, 75, 95])
def test_prefetch_statement_sends_every_mandatory_probe(pg_store: Store, min_score: int) -> None:
    """`STATS_PREFETCH_SQL` sends the postings of the keys a plan must probe with the
    statistics, and a plan restricted to what came needs nothing else."""
    pg_store.upgrade()
    rng = random.Random(min_score)
    sources = list(dict.fromkeys(_sentence(rng) for _ in range(600)))
    import_units(pg_store, _units(sources), memory="onco")
    with pg_store.engine.connect() as conn:
        memory_id = conn.execute(text("SELECT id FROM memory WHERE name = 'onco'")).scalar_one()
        seed = fx.key_seed(memory_id, "en")
        left_out = 0
        for _ in range(40):
            query = _edit(rng.choice(sources), rng) + " " + _sentence(rng)
            keys = [fx.token_hash(seed, k) for k in token_keys(query)]
            driver = conn.connection.driver_connection
            rows = driver.execute(  # type: ignore[union-attr]
                fx.STATS_PREFETCH_SQL, fx.stats_prefetch_params(keys, min_score), binary=True
            ).fetchall()
            stats = {key: (df, chunks) for key, df, chunks, _blob in rows}
            assert stats == fx.fetch_stats(conn, keys)
            sent = {key for key, _df, _chunks, blob in rows if blob is not None}
            full = fx.plan_probes(keys, stats, min_score=min_score)
            plan = fx.plan_probes(keys, stats, min_score=min_score, available=sent)
            assert full is not None and plan is not None
            d_max = max_unmatched(len(keys), len(keys), min_score)
            covered = 0
            for key, weight in full.probes:  # the mandatory prefix of the full plan
                if covered > d_max:
                    break
                assert key in sent or key not in stats, query
                covered += weight
            assert {k for k, _w in plan.probes if k in stats} <= sent
            assert plan.covered > d_max  # still sound
            left_out += len(stats) - len(sent)
        assert left_out > 50  # frequent words stay on the server


def _index_data(store: Store) -> tuple[dict[int, int], dict[int, list[tuple[int, int]]]]:
    """Token key -> df, and token key -> sorted (ntok, variant id): the index as data."""
    with store.engine.connect() as conn:
        df = {k: d for k, d, _c in conn.execute(text("SELECT * FROM fuzzy_token"))}
        entries: dict[int, list[tuple[int, int]]] = {}
        for key, blob in conn.execute(text("SELECT token_key, entries FROM fuzzy_posting")):
            ntoks, vids = fx.unpack_entries(bytes(blob))
            entries.setdefault(key, []).extend(zip(ntoks, vids, strict=True))
    return df, {k: sorted(v) for k, v in entries.items()}


@pytest.mark.parametrize("deleted_share", [0.1, 0.8])  # re-tokenised keys / every chunk read
@pytest.mark.parametrize("shared_keys", [False, True])
# Where the deleted memory's ids lie against the kept ones (one range, or not).
@pytest.mark.parametrize("layout", ["gone-first", "gone-last", "gone-between", "interleaved"])
def test_deleting_a_memory_leaves_exactly_the_index_of_the_rest(
    any_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    deleted_share: float,
    shared_keys: bool,
    layout: str,
) -> None:
    import zlib

    from tm import postings

    if shared_keys:
        # Both memories hash their words alike, and a rebuild puts both in one chunk per
        # key: the chunks must be rebuilt entry by entry, not dropped or kept whole.
        def seed(_memory_id: int, lang_key: str) -> int:
            return zlib.crc32(lang_key.encode())

        monkeypatch.setattr(fx, "key_seed", seed)
        monkeypatch.setattr(postings, "key_seed", seed)
    rng = random.Random(3)
    sources = list(dict.fromkeys(_sentence(rng) for _ in range(300)))
    cut = int(len(sources) * (1 - deleted_share))
    keep, gone = sources[:cut], sources[cut:]
    plan = {
        "gone-first": [("gone", gone), ("keep", keep)],
        "gone-last": [("keep", keep), ("gone", gone)],
        "gone-between": [("keep", keep[::2]), ("gone", gone), ("keep", keep[1::2])],
        "interleaved": [
            (m, part[r::3]) for r in range(3) for m, part in (("keep", keep), ("gone", gone))
        ],
    }[layout]
    for memory, part in plan:
        import_units(any_store, _units(part), memory=memory)
    if shared_keys:
        rebuild_index(any_store)
    delete_memory(any_store, "gone")
    df, entries = _index_data(any_store)
    assert df and all(d > 0 for d in df.values())
    rebuild_index(any_store)  # the oracle: the index of what is left, built from scratch
    assert (df, entries) == _index_data(any_store)
    kept, gone_one = keep[0], next(s for s in gone if s not in keep)
    assert lookup(any_store, kept, source_lang="en", target_lang="es")[0].source_text == kept
    assert all(
        m.source_text != gone_one
        for m in lookup(any_store, gone_one, source_lang="en", target_lang="es")
    )
