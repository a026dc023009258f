"""Engine factory, database location and the transaction boundary.

Nothing is built at import time: a `Store` is opened explicitly by a service caller
(CLI command, HTTP app, test fixture), which also decides when migrations run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.orm import Session, sessionmaker

from tm.errors import UsageError

ENV_URL = "TM_DATABASE_URL"
APP_NAME = "tm-oncology"


def default_sqlite_path() -> Path:
    """The per-user database file used when neither `--db` nor TM_DATABASE_URL is set."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "tm.sqlite3"


def resolve_url(db: str | None = None) -> str:
    """Turn `--db` (a URL or a plain file path), the environment or the default into a URL."""
    value = db or os.environ.get(ENV_URL) or ""
    if not value:
        path = default_sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if value.startswith("postgresql://") or value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets lookups read while an import writes; foreign keys are off by default in
    # SQLite and our cascades depend on them; NORMAL sync is safe with WAL.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine with the per-backend settings this project relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True)
        event.listen(engine, "connect", _sqlite_pragmas)

        # pysqlite's own transaction handling defers BEGIN; take control so a whole
        # import is one atomic transaction.
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    try:
        return create_engine(url, future=True, pool_pre_ping=True)
    except Exception as err:  # bad URL, missing driver: a usage problem for the caller
        raise UsageError(f"cannot use database URL {url!r}: {err}") from err


def alembic_dir() -> Path:
    """Where the migration scripts live (the repository's top-level `alembic/`)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "alembic"
        if (candidate / "env.py").is_file():
            return candidate
    raise UsageError(
        "migration scripts not found: install the project from its checkout "
        "(pip install -e .) so `alembic/` is available"
    )


class Store:
    """An open database: an engine, a session factory and a migration state."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_engine: Engine | None = None
        # Small facts services may remember between calls on this store (e.g. the
        # memory ids the last lookup searched); never the source of truth.
        self.hints: dict[Any, Any] = {}

    @property
    def read_engine(self) -> Engine:
        """The engine lookups read through.

        On PostgreSQL a second pool in autocommit without pre-ping: a lookup only
        reads (stale reads are harmless, candidates are checked against their rows),
        and BEGIN, ROLLBACK and the ping were three of its round trips. Callers retry
        once on a dropped connection instead (`tm.services.lookup`). SQLite reads
        in-process, where none of that costs anything: the main engine serves.
        """
        if self.engine.dialect.name != "postgresql":
            return self.engine
        if self._read_engine is None:
            # Lookups run the same few statements (array parameters) over and over;
            # psycopg prepares them after a few runs, and a generic plan saves the
            # planning that cost more than running them.
            options = "-c plan_cache_mode=force_generic_plan"
            given = make_url(self.url).query.get("options")
            if given:  # keep the caller's own server options
                options = f"{given if isinstance(given, str) else ' '.join(given)} {options}"
            self._read_engine = create_engine(
                self.url, isolation_level="AUTOCOMMIT", connect_args={"options": options}
            )
        return self._read_engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (no commit)."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.close()

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to `revision` with Alembic."""
        from alembic.config import Config

        from alembic import command

        cfg = Config()
        cfg.set_main_option("script_location", str(alembic_dir()))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
            return row[0] if row else None

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not None:
            self._read_engine.dispose()


def open_store(db: str | None = None, *, migrate: bool = True) -> Store:
    """Open the database named by `db`, the environment or the default; migrate on first use."""
    store = Store(resolve_url(db))
    if migrate:
        store.upgrade()
    return store
