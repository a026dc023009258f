"""Settings for bulk work that creates millions of short-lived objects (imports).

CPython's cyclic garbage collector runs after every 700 net allocations of container
objects; an import allocates several per word (units, variants, token lists, row
tuples), so the collector ran thousands of times and re-scanned the long-lived
objects each time: about 15% of import time, measured with `bench/import_bench.py`.
Nothing an import creates forms reference cycles that must be freed early, so the
collector is made to run rarely for the duration and restored afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation threshold during bulk work: still bounded (cycles are collected),
# but a hundred times rarer than CPython's default of 700.
BULK_GEN0_THRESHOLD = 70_000


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Collect cycles rarely inside the block; the old thresholds come back after it."""
    old = gc.get_threshold()
    gc.freeze()  # objects alive before the import are not re-scanned during it
    gc.set_threshold(BULK_GEN0_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
