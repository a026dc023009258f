"""Fuzzy-match candidate index kept in the database (owned by the matching work, issue 3).

Contract used by the import service, which calls these inside its own transaction:

* `index_variants(conn, rows)` where rows are dicts with keys
  `id, memory_id, lang_key, text` for variants just inserted;
* `unindex_variants(conn, variant_ids)` before variants are deleted or changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection


def index_variants(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Add freshly inserted variants to the candidate index (filled in by issue 3)."""
    return None


def unindex_variants(conn: Connection, variant_ids: Iterable[int]) -> None:
    """Remove variants from the candidate index (filled in by issue 3)."""
    return None
