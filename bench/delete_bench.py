"""Deleting a whole memory: how long `delete_memory` takes on the fuzzy benchmark's TM.

Usage (after `bench/fuzzy_bench.py --size N --backend sqlite` has built the TM):

    .venv/bin/python bench/delete_bench.py --size 1000000

Works on a copy of bench/data/fuzzy_<N>.sqlite3 (the original stays for lookups), prints
the seconds spent taking the units out of the fuzzy index and in all, and appends them
to bench/results/delete.json. Never part of pytest.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--results", default=str(HERE / "results" / "delete.json"))
    args = parser.parse_args()
    source = HERE / "data" / f"fuzzy_{args.size}.sqlite3"
    if not source.exists():
        sys.exit(f"{source} is missing: run bench/fuzzy_bench.py --size {args.size} first")

    from tm.services import memory
    from tm.store import Store, fuzzy_index

    unindex_seconds = 0.0
    original = fuzzy_index.unindex_variants

    def timed(conn: object, ids: object) -> None:
        nonlocal unindex_seconds
        started = time.perf_counter()
        original(conn, ids)  # type: ignore[arg-type]
        unindex_seconds += time.perf_counter() - started

    memory.fuzzy_index.unindex_variants = timed  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "tm.sqlite3"
        shutil.copyfile(source, copy)
        store = Store(f"sqlite:///{copy}")
        started = time.perf_counter()
        units = memory.delete_memory(store, "bench")
        seconds = time.perf_counter() - started
        store.dispose()
    result = {
        "size": args.size,
        "units_deleted": units,
        "seconds": round(seconds, 2),
        "unindex_seconds": round(unindex_seconds, 2),
        "recorded_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(json.dumps(result))
    results = Path(args.results)
    results.parent.mkdir(exist_ok=True)
    history = json.loads(results.read_text()) if results.exists() else []
    history.append(result)
    results.write_text(json.dumps(history, indent=2) + "\n")


if __name__ == "__main__":
    main()
