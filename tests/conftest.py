"""Shared fixtures: real SQLite files and a real PostgreSQL database, both migrated.

PostgreSQL tests skip with a visible reason when no server answers, except under
CI=true, where a missing server is a failure: CI must prove both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tm.store import Store

PG_ADMIN_URL = os.environ.get(
    "TM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh, migrated SQLite database file for one test."""
    url = f"sqlite:///{tmp_path / 'tm.sqlite3'}"
    store = Store(url)
    store.upgrade()
    store.dispose()
    return url


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    s = Store(sqlite_url)
    yield s
    s.dispose()


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as err:  # any connection failure means "no server here"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(err).__name__}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Admin URL of a reachable PostgreSQL server (skip, or fail under CI=true)."""
    reason = _pg_available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    yield PG_ADMIN_URL


def _create_pg_db(admin_url: str) -> str:
    name = f"tm_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_db(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL database for one test; dropped afterwards."""
    url = _create_pg_db(pg_server)
    store = Store(url)
    try:
        store.upgrade()
        store.dispose()
        yield url
    finally:
        store.dispose()
        _drop_pg_db(pg_server, url)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    s = Store(pg_url)
    yield s
    s.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated store on each backend: the same test runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'tm.sqlite3'}")
        s.upgrade()
        yield s
        s.dispose()
        return
    admin = request.getfixturevalue("pg_server")
    url = _create_pg_db(admin)
    s = Store(url)
    try:
        s.upgrade()
        yield s
    finally:
        s.dispose()
        _drop_pg_db(admin, url)
