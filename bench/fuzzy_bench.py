"""Fuzzy lookup benchmark: recall@1 against an exhaustive scan, latency, memory, import speed.

Usage (from the repository root, in the project venv, with `pip install django numpy`
for the benchmark only):

    .venv/bin/python bench/fuzzy_bench.py --size 10000 --backend sqlite
    .venv/bin/python bench/fuzzy_bench.py --size 100000 --backend postgresql
    .venv/bin/python bench/fuzzy_bench.py --size 1000000 --backend sqlite --queries 1000

Steps: generate the TM (bench/tm_corpus.py), import it with the real import service
(`tm.services.memory.import_units`, index maintenance included) and time it; make the
queries (half near-duplicates, half real text absent from the TM); compute the truth by
an exhaustive rapidfuzz scan with the same scoring (`tm.match.score_pair`); then, in a
fresh process so its memory is its own, time `lookup` per query and `lookup_batch`.
Results go to bench/results/fuzzy_<backend>_<size>.json and are printed. Never part
of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get(
    "TM_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MIN_SCORE = 75


def load_corpus() -> Any:
    """The generated corpus, cached under bench/data (building it parses ~20k files)."""
    from tm_corpus import Corpus

    DATA.mkdir(exist_ok=True)
    cache = DATA / "corpus.pkl"
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    corpus = Corpus()
    with cache.open("wb") as fh:
        pickle.dump(corpus, fh)
    return corpus


def db_url(backend: str, size: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{DATA / f'fuzzy_{size}.sqlite3'}"
    return PG_ADMIN.rsplit("/", 1)[0] + f"/tm_bench_{size}"


def fresh_database(backend: str, size: int) -> str:
    from sqlalchemy import create_engine, text

    url = db_url(backend, size)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(DATA / f"fuzzy_{size}.sqlite3") + suffix).unlink(missing_ok=True)
        return url
    engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "tm_bench_{size}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "tm_bench_{size}"'))
    engine.dispose()
    return url


def build(backend: str, size: int, corpus: Any) -> dict[str, Any]:
    """Import the TM with the import service and time it (index maintenance included)."""
    from tm.models import Unit, Variant
    from tm.services.memory import import_units
    from tm.store import Store, fuzzy_index

    pairs = corpus.units(size)
    url = fresh_database(backend, size)
    store = Store(url)
    store.upgrade()
    index_seconds = 0.0
    original = fuzzy_index.index_texts  # what the import calls for each batch

    def timed(conn: Any, memory_id: int, items: Any, **options: Any) -> None:
        nonlocal index_seconds
        started = time.perf_counter()
        original(conn, memory_id, items, **options)
        index_seconds += time.perf_counter() - started

    flush_original = fuzzy_index._flush_before_commit

    def timed_flush(conn: Any) -> None:
        nonlocal index_seconds
        started = time.perf_counter()
        flush_original(conn)
        index_seconds += time.perf_counter() - started

    fuzzy_index.index_texts = timed
    fuzzy_index._flush_before_commit = timed_flush  # the last flush runs at commit
    units = (
        Unit([Variant("en", p.source), Variant("fr", p.target)], source_lang="en") for p in pairs
    )
    started = time.perf_counter()
    counts = import_units(store, units, memory="bench", origin_file="bench")
    seconds = time.perf_counter() - started
    fuzzy_index.index_texts = original
    fuzzy_index._flush_before_commit = flush_original
    if backend == "postgresql":
        from sqlalchemy import text

        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    store.dispose()
    return {
        "units": size,
        "added": counts.added,
        "import_seconds": round(seconds, 2),
        "import_units_per_second": round(size / seconds),
        "index_seconds": round(index_seconds, 2),
        "db_bytes": db_size(backend, size),
        "table_bytes": table_sizes(backend, size),
    }


def load_from_sqlite(size: int) -> dict[str, Any]:
    """PostgreSQL TM copied from the SQLite benchmark database, index by `rebuild_index`.

    For sizes where the import path is too slow on PostgreSQL: the tables are copied
    with COPY and the fuzzy index is rebuilt (timed: that is `tm index rebuild`).
    """
    import sqlite3

    from sqlalchemy import text

    from tm.services.lookup import rebuild_index
    from tm.store import Store

    source = sqlite3.connect(DATA / f"fuzzy_{size}.sqlite3")
    url = fresh_database("postgresql", size)
    store = Store(url)
    store.upgrade()
    started = time.perf_counter()
    with store.engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for table in ("memory", "import_batch", "unit", "variant"):
            cols = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
            names = ", ".join(cols)
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table} ORDER BY id"):
                    copy.write_row(row)
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                )
            )
    copy_seconds = time.perf_counter() - started
    stats = rebuild_index(store)
    with store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    store.dispose()
    return {
        "units": size,
        "added": size,
        "loaded_by": "COPY from the SQLite benchmark database, then rebuild_index",
        "import_seconds": round(copy_seconds, 2),
        "import_units_per_second": round(size / copy_seconds),
        "index_seconds": round(stats.seconds, 2),
        "index_rebuild_seconds": round(stats.seconds, 2),
        "db_bytes": db_size("postgresql", size),
        "table_bytes": table_sizes("postgresql", size),
    }


def db_size(backend: str, size: int) -> int:
    if backend == "sqlite":
        path = DATA / f"fuzzy_{size}.sqlite3"
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url(backend, size))
    with engine.connect() as conn:
        value = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return int(value)


def table_sizes(backend: str, size: int) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url(backend, size))
    out: dict[str, int] = {}
    with engine.connect() as conn:
        if backend == "sqlite":
            try:
                rows = conn.execute(
                    text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                ).all()
                out = {name: int(n) for name, n in rows}
            except Exception:  # dbstat is an optional SQLite build feature
                out = {}
        else:
            rows = conn.execute(
                text(
                    "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                    "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                )
            ).all()
            out = {name: int(n) for name, n in rows}
    engine.dispose()
    return out


def truth(queries: list[dict[str, Any]], sources: list[str]) -> list[dict[str, Any]]:
    """Exhaustive best score for each query: rapidfuzz over all sources, then score_pair.

    Token sequences become strings of one character per distinct token, so rapidfuzz's
    Levenshtein on strings is the token-level distance. Masked keys give an upper bound
    of every score (see tm/match.py), so the scan keeps all sources whose masked
    similarity can reach 75 and scores those exactly.
    """
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from tm.match import score_pair
    from tm.normalize import token_keys

    alphabet: dict[str, str] = {}

    def encode(keys: list[str]) -> str:
        out = []
        for k in keys:
            ch = alphabet.get(k)
            if ch is None:
                code = 0x100 + len(alphabet)
                if code >= 0xD800:
                    code += 0x800  # skip surrogates
                ch = alphabet[k] = chr(code)
            out.append(ch)
        return "".join(out)

    started = time.perf_counter()
    choices = [encode(token_keys(s)) for s in sources]
    encoded = [encode(token_keys(q["text"])) for q in queries]
    for start in range(0, len(queries), 25):
        chunk = encoded[start : start + 25]
        matrix = process.cdist(
            chunk,
            choices,
            scorer=Levenshtein.normalized_similarity,
            dtype=np.float32,
            workers=-1,
            score_cutoff=0.74,
        )
        for row_i, row in enumerate(matrix):
            q = queries[start + row_i]
            best, best_sources = 0, []
            for idx in np.nonzero(row >= 0.745)[0]:
                score = score_pair(q["text"], sources[int(idx)]).score
                if score > best:
                    best, best_sources = score, [sources[int(idx)]]
                elif score == best:
                    best_sources.append(sources[int(idx)])
            q["true_best"] = best if best >= MIN_SCORE else 0
    print(f"  exhaustive scan: {time.perf_counter() - started:.1f} s", flush=True)
    return queries


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
    }


def lookup_phase(url: str, query_file: Path, out_file: Path) -> None:
    """Run in its own process: time lookups and batches, measure recall and memory."""
    from tm.match import score_pair
    from tm.services.lookup import Query, lookup, lookup_batch
    from tm.store import Store

    queries = json.loads(query_file.read_text())
    store = Store(url)
    for q in queries[:30]:  # warm the connection pool, caches and page cache a little
        lookup(store, q["text"], source_lang="en", target_lang="fr", limit=1)
    rss_before = peak_rss_mb()
    times: list[float] = []
    hits = misses = false_pos = 0
    for q in queries:
        started = time.perf_counter()
        matches = lookup(store, q["text"], source_lang="en", target_lang="fr", limit=1)
        q["ms"] = (time.perf_counter() - started) * 1000
        times.append(q["ms"])
        got = score_pair(q["text"], matches[0].source_text).score if matches else 0
        q["got"] = got
        if q["true_best"]:
            if got == q["true_best"]:
                hits += 1
            else:
                misses += 1
        elif got >= MIN_SCORE:
            false_pos += 1
    batch_seconds = 0.0
    for start in range(0, len(queries), 100):
        chunk = [Query(q["text"]) for q in queries[start : start + 100]]
        started = time.perf_counter()
        lookup_batch(store, chunk, source_lang="en", target_lang="fr", limit=1)
        batch_seconds += time.perf_counter() - started
    rss = peak_rss_mb()
    store.dispose()

    def group(pred: Any) -> dict[str, float]:
        return summary([q["ms"] for q in queries if pred(q)])

    result = {
        "queries": len(queries),
        "with_true_match": hits + misses,
        "recall_at_1": round(hits / (hits + misses), 4) if hits + misses else None,
        "missed": [q for q in queries if q["true_best"] and q["got"] != q["true_best"]][:20],
        "false_positives": false_pos,
        "single": summary(times),
        "single_match": group(lambda q: q["true_best"]),
        "single_no_match": group(lambda q: not q["true_best"]),
        "single_short_1_3_words": group(lambda q: len(q["text"].split()) <= 3),
        "single_long_60_plus_words": group(lambda q: len(q["text"].split()) >= 60),
        "single_other": group(lambda q: 3 < len(q["text"].split()) < 60),
        "batch_ms_per_segment": round(batch_seconds * 1000 / len(queries), 3),
        "lookup_process_peak_rss_mb": rss,
        "peak_rss_after_warmup_mb": rss_before,
    }
    out_file.write_text(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--reuse-db", action="store_true", help="skip the import if built")
    parser.add_argument(
        "--load-from-sqlite",
        action="store_true",
        help="PostgreSQL only: COPY the SQLite benchmark TM of this size, then rebuild the index",
    )
    parser.add_argument("--phase", choices=["all", "lookup"], default="all")
    parser.add_argument("--url")
    parser.add_argument("--query-file")
    parser.add_argument("--out-file")
    args = parser.parse_args()
    if args.phase == "lookup":
        lookup_phase(args.url, Path(args.query_file), Path(args.out_file))
        return

    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    print(f"fuzzy benchmark: {args.backend}, {args.size:,} units", flush=True)
    corpus = load_corpus()
    build_file = DATA / f"build_{args.backend}_{args.size}.json"
    if args.reuse_db and build_file.exists():
        build_info = json.loads(build_file.read_text())
    elif args.load_from_sqlite and args.backend == "postgresql":
        build_info = load_from_sqlite(args.size)
        build_file.write_text(json.dumps(build_info))
    else:
        build_info = build(args.backend, args.size, corpus)
        build_file.write_text(json.dumps(build_info))
    print(f"  import: {build_info}", flush=True)

    truth_file = DATA / f"truth_{args.size}_{args.queries}.json"
    if truth_file.exists():
        queries = json.loads(truth_file.read_text())
    else:
        from tm_corpus import queries as make_queries

        tm = corpus.units(args.size)
        queries = truth(make_queries(corpus, tm, args.queries), [p.source for p in tm])
        truth_file.write_text(json.dumps(queries))
    query_file = DATA / f"queries_{args.size}.json"
    query_file.write_text(json.dumps(queries))
    out_file = DATA / f"lookup_{args.backend}_{args.size}.json"
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "lookup",
            "--url",
            db_url(args.backend, args.size),
            "--query-file",
            str(query_file),
            "--out-file",
            str(out_file),
        ],
        check=True,
    )
    result = {"backend": args.backend, "size": args.size, "build": build_info}
    result.update(json.loads(out_file.read_text()))
    result["recorded_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    (RESULTS / f"fuzzy_{args.backend}_{args.size}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "missed"}, indent=2))


if __name__ == "__main__":
    main()
