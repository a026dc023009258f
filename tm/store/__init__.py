"""Persistence: typed tables, engine factory, queries and the fuzzy candidate index.

Importing this package registers every table on `Base.metadata`.
"""

from tm.store import fuzzy_index as fuzzy_index
from tm.store.engine import Store, open_store, resolve_url
from tm.store.schema import Base, ImportBatchRow, MemoryRow, UnitRow, VariantRow

__all__ = [
    "Base",
    "ImportBatchRow",
    "MemoryRow",
    "Store",
    "UnitRow",
    "VariantRow",
    "open_store",
    "resolve_url",
]
