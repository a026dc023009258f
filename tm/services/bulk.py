"""Interpreter settings for bulk work that runs Python and database writes together.

Imports allocate millions of short-lived objects and hand rows to a background
writer thread (tm/store/units.py). Two CPython defaults cost them dearly, measured
with `bench/import_bench.py` and `bench/fuzzy_bench.py`:

* the cyclic garbage collector runs after every 700 net container allocations and
  re-scans the long-lived objects each time: ~15% of import time. Nothing an import
  creates forms cycles that must be freed early, so it runs a hundred times rarer;
* a thread waiting for the GIL gets it only after the running thread has held it
  for the switch interval (5 ms). The writer thread gives the GIL up while SQLite
  works and then waits up to 5 ms for it at every statement: at 300k units the
  import ran at ~18,800 units/s, with a 0.1 ms interval at ~21,000.

Both come back when the block ends.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Young-generation threshold during bulk work: still bounded (cycles are collected),
# but a hundred times rarer than CPython's default of 700.
BULK_GEN0_THRESHOLD = 70_000
BULK_SWITCH_INTERVAL = 0.0001  # seconds


@contextmanager
def bulk_runtime() -> Iterator[None]:
    """Collect cycles rarely and hand the GIL over quickly inside the block."""
    old_threshold = gc.get_threshold()
    old_interval = sys.getswitchinterval()
    gc.freeze()  # objects alive before the import are not re-scanned during it
    gc.set_threshold(BULK_GEN0_THRESHOLD, *old_threshold[1:])
    sys.setswitchinterval(BULK_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(old_interval)
        gc.set_threshold(*old_threshold)
        gc.unfreeze()
