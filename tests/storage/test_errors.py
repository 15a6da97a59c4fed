"""A read-only or full SQLite database gives a friendly StorageError, and nothing already saved is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from empathydesk.storage import StorageError, Store
from empathydesk.storage.pgserver import TempPostgres


def _saved_store(path: Path) -> int:
    store = Store.open(f"sqlite:///{path}")
    pid = store.local_participant().id
    store.save_rating(pid, "baseline", "perspective-1", 4)
    store.close()
    return pid


def test_a_read_only_database_reads_but_refuses_writes_kindly(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    pid = _saved_store(path)
    store = Store.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert store.ratings(pid) == {"baseline": {"perspective-1": 4}}
        with pytest.raises(StorageError) as refused:
            store.save_rating(pid, "baseline", "perspective-1", 2)
        assert "read-only" in refused.value.message and "facilitator" in refused.value.message
        assert store.ratings(pid) == {"baseline": {"perspective-1": 4}}
    finally:
        store.close()


def test_a_full_database_refuses_writes_kindly(tmp_path: Path) -> None:
    path = tmp_path / "full.sqlite"
    pid = _saved_store(path)
    store = Store.open(f"sqlite:///{path}")

    def cap_size(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(store.engine, "connect", cap_size)
    store.engine.dispose()
    try:
        with pytest.raises(StorageError) as refused:
            for n in range(100):
                store.save_reflection(pid, f"r-{n}", "words " * 2000)
        assert "full" in refused.value.message and "facilitator" in refused.value.message
        assert store.ratings(pid) == {"baseline": {"perspective-1": 4}}
    finally:
        store.close()


def test_a_missing_server_gives_a_friendly_error() -> None:
    with pytest.raises(StorageError) as refused:
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "reach the database" in refused.value.message


@pytest.mark.postgres
def test_a_server_that_goes_away_gives_a_friendly_error(postgres: TempPostgres) -> None:
    """Uses a server of its own (the session one, `postgres`, only tells that PostgreSQL is here)."""
    with TempPostgres() as server:
        store = Store.open(server.create_database("going"))
        pid = store.local_participant().id
        store.save_rating(pid, "baseline", "perspective-1", 4)
        server.stop()
        try:
            with pytest.raises(StorageError) as refused:
                store.save_rating(pid, "baseline", "perspective-1", 2)
            assert "reach the database" in refused.value.message
        finally:
            store.close()


def test_a_disk_error_names_the_disk_not_something_vague() -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from empathydesk.storage.store import DISK, friendly_message

    original = sqlite3.OperationalError("disk I/O error")
    original.sqlite_errorname = "SQLITE_IOERR_WRITE"
    assert friendly_message(OperationalError("INSERT …", {}, original)) == DISK
    assert "disk" in DISK and "facilitator" in DISK
