from tm.store import Store


def test_migrations_create_tables_on_each_backend(any_store: Store) -> None:
    from sqlalchemy import inspect

    tables = set(inspect(any_store.engine).get_table_names())
    assert {"memory", "unit", "variant", "import_batch", "alembic_version"} <= tables
