"""Multi-row INSERT statements on a raw DBAPI cursor: many rows a statement.

Why: bulk imports write from a background thread, and the driver releases the GIL
once per statement while the database works. One statement a row (executemany) made
that thread wait for the GIL at every row behind the parsing thread; multi-row VALUES
waits once per few thousand rows, and binds faster too.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

SQLITE_MAX_PARAMS = 32766  # SQLite's default bound-parameter limit since 3.32
ROWS_PER_STATEMENT = 4000


def statements(
    head: str,
    rows: Sequence[Sequence[Any]],
    *,
    mark: str,
    tail: str = "",
    rows_per_statement: int = ROWS_PER_STATEMENT,
) -> list[tuple[str, list[Any]]]:
    """`head VALUES (...), (...) tail` over `rows`, as few (sql, parameters) as fit.

    `head` names the table and columns, `mark` is the driver's placeholder (`?` or
    `%s`), `tail` may add an ON CONFLICT clause. Pure: an import builds these on its
    reading thread, so the thread that executes them holds the GIL only to bind.
    """
    if not rows:
        return []
    width = len(rows[0])
    one = f"({', '.join([mark] * width)})"
    per = max(1, min(rows_per_statement, SQLITE_MAX_PARAMS // width))

    def sql(n: int) -> str:
        return f"{head} VALUES {','.join([one] * n)}{tail}"

    size = min(per, len(rows))
    full = sql(size)  # every statement but a shorter last one
    return [
        (full if len(part) == size else sql(len(part)), list(chain.from_iterable(part)))
        for part in (rows[start : start + per] for start in range(0, len(rows), per))
    ]


def insert_rows(
    cursor: Any,
    head: str,
    rows: Sequence[Sequence[Any]],
    *,
    mark: str,
    tail: str = "",
    rows_per_statement: int = ROWS_PER_STATEMENT,
) -> None:
    """Run `statements(...)` on a raw DBAPI cursor."""
    for sql, params in statements(
        head, rows, mark=mark, tail=tail, rows_per_statement=rows_per_statement
    ):
        cursor.execute(sql, params)
