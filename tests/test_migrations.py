"""The Alembic migrations must produce exactly the schema the typed models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import tm.store  # noqa: F401  (registers every table)
from tm.store import Store
from tm.store.schema import Base


def test_migrations_produce_the_models_schema(any_store: Store) -> None:
    with any_store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"migrations and models differ on {any_store.dialect}: {diff}"


def test_upgrade_is_idempotent_and_records_head(any_store: Store) -> None:
    head = any_store.current_revision()
    any_store.upgrade()
    assert any_store.current_revision() == head
    assert {"memory", "unit", "variant", "import_batch"} <= set(
        inspect(any_store.engine).get_table_names()
    )


def test_sqlite_runs_in_wal_mode_with_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
