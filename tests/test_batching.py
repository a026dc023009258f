"""Where batch boundaries fall must not change what an import stores.

The writer reads batch k's stored duplicates while batch k-1 is still being written
(tm/store/units.py), so a duplicate, merge, alternative or status upgrade whose
partner sits one or two batches back is found in memory, not in the database. These
tests import the same mixed stream with tiny batches and with one batch, on both
backends, and demand identical units, counts and fuzzy index.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tm.models import Status, Unit, Variant
from tm.services.lookup import lookup
from tm.services.memory import import_units
from tm.store import Store, units
from tm.store.fuzzy_index import unpack_entries

SOURCES = [
    "Tamoxifen lowers the risk of recurrence",
    "Aromatase inhibitors after menopause",
    "Lymph nodes were removed",
    "Mastectomy or breast-conserving surgery",
    "Micrometastases in two lymph nodes",
    "Bone metastases respond to radiotherapy",
    "Follow-up every 6 months",
]
TARGETS = {"es": ["ES uno", "ES dos", "ES tres"], "fr": ["FR un", "FR deux"]}
LANG_SETS = [("en", "es"), ("en", "fr"), ("en", "es", "fr"), ("en-US", "es"), ("en", "es-MX")]


def _stream(n: int, seed: int) -> list[Unit]:
    """Units that collide a lot: same sources, few targets, shifting languages."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        src = rng.choice(SOURCES)
        langs = rng.choice(LANG_SETS)
        variants = [Variant(langs[0], src)]
        for lang in langs[1:]:
            variants.append(Variant(lang, rng.choice(TARGETS[lang[:2]])))
        out.append(
            Unit(
                variants,
                source_lang=langs[0],
                context_key=rng.choice([None, None, "ctx"]),
                status=rng.choice(list(Status)),
            )
        )
    return out


def _dump(store: Store) -> list[tuple[Any, ...]]:
    """The memory's units as data, independent of row ids."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.id, u.context_key, u.status, v.lang, v.text FROM unit u "
                "JOIN variant v ON v.unit_id = u.id ORDER BY u.id, v.lang, v.text"
            )
        ).all()
    by_unit: dict[int, list[Any]] = {}
    for uid, ctx, status, lang, body in rows:
        by_unit.setdefault(uid, [ctx, status]).append((lang, body))
    return sorted((u[0] or "", u[1], tuple(u[2:])) for u in by_unit.values())


def _index(store: Store) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Token key, df and its postings as (ntok, variant text): the fuzzy index as data."""
    with store.engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, text FROM variant")).all())
        stats = dict((k, d) for k, d, _c in conn.execute(text("SELECT * FROM fuzzy_token")).all())
        entries: dict[int, list[tuple[int, str]]] = {}
        for key, blob in conn.execute(text("SELECT token_key, entries FROM fuzzy_posting")):
            ntoks, vids = unpack_entries(bytes(blob))
            entries.setdefault(key, []).extend(
                (n, texts[v]) for n, v in zip(ntoks, vids, strict=True)
            )
    return sorted((k, stats[k], sorted(v)) for k, v in entries.items())


def _import(store: Store, batch: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    data = _stream(160, seed=5)
    first = import_units(store, data[:25], memory="m")  # some of it is stored already
    with monkeypatch.context() as m:
        m.setattr(units, "BATCH_SIZE", batch)
        second = import_units(store, data[25:], memory="m")
    return [(c.added, c.merged, c.skipped, c.alternatives) for c in (first, second)]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    made: list[Store] = []

    def make() -> Store:
        if request.param == "sqlite":
            store = Store(f"sqlite:///{tmp_path / f'tm{len(made)}.sqlite3'}")
        else:
            from tests.conftest import _create_pg_db

            store = Store(_create_pg_db(request.getfixturevalue("pg_server")))
        store.upgrade()
        made.append(store)
        return store

    yield make
    for store in made:
        url = str(store.engine.url.render_as_string(hide_password=False))
        store.dispose()
        if url.startswith("postgresql"):
            from tests.conftest import _drop_pg_db

            _drop_pg_db(request.getfixturevalue("pg_server"), url)


def test_tiny_batches_store_what_one_batch_stores(
    make_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = make_store()
    expected_counts = _import(reference, 10**6, monkeypatch)
    expected = _dump(reference)
    expected_index = _index(reference)
    # The stream must exercise every outcome, or the comparison proves little.
    added, merged, skipped, alternatives = expected_counts[1]
    assert min(added, merged, skipped, alternatives) > 0, expected_counts
    statuses = {status for _ctx, status, _v in expected}
    assert len(statuses) >= 3
    for batch in (1, 2, 3, 7):
        store = make_store()
        assert _import(store, batch, monkeypatch) == expected_counts, f"batch size {batch}"
        assert _dump(store) == expected, f"batch size {batch}"
        assert _index(store) == expected_index, f"batch size {batch}"
        hits = lookup(store, SOURCES[2], source_lang="en", target_lang="es")
        assert hits and hits[0].source_text == SOURCES[2]


def test_large_import_with_repeats_far_apart(
    make_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeats more than two batches apart come from the database, not from memory."""
    store = make_store()
    fresh = [
        Unit([Variant("en", f"segment {i}"), Variant("es", f"segmento {i}")], source_lang="en")
        for i in range(40)
    ]
    again = [
        Unit(
            [Variant("en", f"segment {i}"), Variant("fr", f"segment FR {i}")],
            source_lang="en",
            status=Status.CORRECTED,
        )
        for i in range(40)
    ]
    monkeypatch.setattr(units, "BATCH_SIZE", 4)
    counts = import_units(store, fresh + again + fresh, memory="m")
    assert (counts.added, counts.merged, counts.skipped) == (40, 40, 40)
    rows = _dump(store)
    assert len(rows) == 40
    assert all(status == "corrected" and len(v) == 3 for _ctx, status, v in rows)
