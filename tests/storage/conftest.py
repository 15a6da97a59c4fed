"""Storage fixtures: every `store` test runs on SQLite and on a real PostgreSQL started here."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from empathydesk.storage import Store
from empathydesk.storage.pgserver import PostgresUnavailable, TempPostgres

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[TempPostgres]:
    """One PostgreSQL server for the session; skipped if it can't be had, except in CI."""
    try:
        server = TempPostgres().start()
    except PostgresUnavailable as reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true needs PostgreSQL for the storage tests: {reason}")
        pytest.skip(f"PostgreSQL can't be started here: {reason}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """A fresh, empty database: an SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.sqlite"
    return request.getfixturevalue("postgres").create_database(f"test_{next(_databases)}")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()
