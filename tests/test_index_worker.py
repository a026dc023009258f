"""Bulk imports tokenise for the fuzzy index in a worker process (tm.store.index_worker)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from tm.errors import TMError
from tm.models import Unit, Variant
from tm.postings import PostingBuffer
from tm.services.lookup import lookup
from tm.services.memory import import_units
from tm.store import Store, index_worker, units
from tm.store.fuzzy_index import unpack_entries

WORDS = (
    "tamoxifen aromatase inhibitor lymph node mastectomy recurrence bone metastasis "
    "the of and risk after surgery breast cancer 5 10 mg chemotherapy radiotherapy"
).split()


def _units(n: int, seed: int) -> list[Unit]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        en = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 14))) + f" {i}"
        out.append(Unit([Variant("en", en), Variant("es", f"ES {en}")], source_lang="en"))
    return out


def _index(store: Store) -> tuple[dict[int, tuple[int, int]], dict[int, list[tuple[int, int]]]]:
    """The index as data: token key -> (df, chunks), token key -> sorted (ntok, id)."""
    with store.engine.connect() as conn:
        stats = {k: (d, c) for k, d, c in conn.execute(text("SELECT * FROM fuzzy_token"))}
        entries: dict[int, list[tuple[int, int]]] = {}
        for key, blob in conn.execute(text("SELECT token_key, entries FROM fuzzy_posting")):
            ntoks, vids = unpack_entries(bytes(blob))
            entries.setdefault(key, []).extend(zip(ntoks, vids, strict=True))
    return stats, {k: sorted(v) for k, v in entries.items()}


def workers_started(monkeypatch: pytest.MonkeyPatch) -> list[index_worker.WorkerBuffer]:
    """Every import uses the worker from its first batch; the list collects them."""
    monkeypatch.setattr(units, "INDEX_WORKER_AFTER", 0)
    started: list[index_worker.WorkerBuffer] = []
    original = index_worker.WorkerBuffer.__init__

    def record(self: index_worker.WorkerBuffer) -> None:
        original(self)
        started.append(self)

    monkeypatch.setattr(index_worker.WorkerBuffer, "__init__", record)
    return started


def test_worker_builds_the_same_index_as_the_import_process(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _units(3000, seed=1)
    in_process = Store(f"sqlite:///{tmp_path}/a.sqlite3")
    in_worker = Store(f"sqlite:///{tmp_path}/b.sqlite3")
    for store in (in_process, in_worker):
        store.upgrade()
    with monkeypatch.context() as m:
        m.setattr(units, "INDEX_WORKER_AFTER", 10**9)  # the reference: tokenised in-process
        import_units(in_process, data, memory="m")
    started = workers_started(monkeypatch)
    import_units(in_worker, data, memory="m")
    assert len(started) == 1, "the bulk path should have used a worker"
    assert started[0]._proc.poll() == 0, "the worker should have exited after the flush"
    a_stats, a_entries = _index(in_process)
    b_stats, b_entries = _index(in_worker)
    assert b_entries == a_entries and len(a_entries) > 20
    assert {k: d for k, (d, _c) in b_stats.items()} == {k: d for k, (d, _c) in a_stats.items()}
    query = data[1234].variants[0].text.replace(" 1234", "")
    got = lookup(in_worker, query, source_lang="en", target_lang="es")
    assert got and got[0].source_text == data[1234].variants[0].text
    for store in (in_process, in_worker):
        store.dispose()


def test_a_failing_worker_fails_the_import_and_changes_nothing(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_units(any_store, _units(10, seed=2), memory="m")
    monkeypatch.setattr(units, "INDEX_WORKER_AFTER", 0)
    monkeypatch.setattr(
        index_worker,
        "WORKER_CODE",
        "import sys; sys.stdin.buffer.read(10); sys.exit('no tokens today')",
    )
    with pytest.raises(TMError, match=r"worker process stopped .*no tokens today"):
        import_units(any_store, _units(5000, seed=3), memory="m")
    with any_store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM unit")).scalar_one() == 10


def test_worker_buffer_drains_like_the_in_process_buffer() -> None:
    items = [(i, "en", f"take {i % 7} mg of tamoxifen after surgery {i}") for i in range(1, 500)]
    local = PostingBuffer()
    local.add(1, items)
    worker = index_worker.WorkerBuffer()
    try:
        worker.add(1, items[:250])
        worker.add(1, items[250:])
        chunks, counts = worker.drain()
        assert worker.count == 0
        assert (sorted(chunks), sorted(counts)) == tuple(sorted(x) for x in local.drain())
        again, _ = worker.drain()
        assert again == []
    finally:
        worker.close()


def test_a_broken_file_stops_the_worker_and_rolls_back(
    any_store: Store, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from tm.errors import FormatError
    from tm.services.memory import import_files

    started = workers_started(monkeypatch)
    tus = "".join(
        f'<tu><tuv xml:lang="en"><seg>Bone pain {i}</seg></tuv>'
        f'<tuv xml:lang="es"><seg>Dolor óseo {i}</seg></tuv></tu>\n'
        for i in range(5000)
    )
    path = Path(str(tmp_path)) / "broken.tmx"
    path.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="en" segtype="sentence" '
        'creationtool="t" creationtoolversion="1" o-tmf="t" adminlang="en" '
        f'datatype="plaintext"/><body>{tus}<tu><tuv xml:lang="en"><seg>cut</tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match=r"broken\.tmx"):
        import_files(any_store, [path], memory="m")
    assert started, "the import should have reached the worker before the error"
    assert all(w._proc.poll() is not None for w in started), "a worker outlived the rollback"
    with any_store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM unit")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM fuzzy_posting")).scalar_one() == 0


@pytest.mark.parametrize("worker", [False, True], ids=["in-process", "worker"])
def test_postings_flushed_mid_import_lose_nothing(
    any_store: Store, tmp_path: object, monkeypatch: pytest.MonkeyPatch, worker: bool
) -> None:
    """Big imports flush their postings every FLUSH_AT postings, written by the import's
    writer thread (multi-row INSERT on SQLite, COPY on PostgreSQL). Every posting of
    every flush must arrive: the index equals that of a one-flush import (a buffer
    drained mid-import once kept filling lists it had handed on)."""
    from tm import postings
    from tm.store import fuzzy_index

    data = _units(2500, seed=5)
    reference = Store(f"sqlite:///{tmp_path}/ref.sqlite3")
    reference.upgrade()
    with monkeypatch.context() as m:
        m.setattr(units, "INDEX_WORKER_AFTER", 10**9)  # one in-process flush at commit
        import_units(reference, data, memory="m")
    # Several flushes in this import: in-process, in the worker, and the parent's drains.
    monkeypatch.setattr(fuzzy_index, "FLUSH_AT", 4_000)
    monkeypatch.setattr(postings, "FLUSH_AT", 4_000)
    monkeypatch.setattr(index_worker, "WORKER_FLUSH_AT", 16_000)
    monkeypatch.setattr(units, "INDEX_WORKER_AFTER", 0 if worker else 10**9)
    import_units(any_store, data, memory="m")
    ref_stats, ref_entries = _index(reference)
    got_stats, got_entries = _index(any_store)
    assert got_entries == ref_entries
    assert {k: d for k, (d, _c) in got_stats.items()} == {k: d for k, (d, _c) in ref_stats.items()}
    assert max(c for _d, c in got_stats.values()) > 1, "the import should have flushed mid-way"
    rng = random.Random(6)
    for unit in rng.sample(data, 15):
        source = unit.variants[0].text
        query = f"{source} today"  # one word more: found through the index, not the hash
        [best, *_] = lookup(any_store, query, source_lang="en", target_lang="es", min_score=50)
        assert (best.source_text, best.kind) == (source, "fuzzy")
    reference.dispose()
