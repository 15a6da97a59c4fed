"""Engines for SQLite (the default) and PostgreSQL, set up so that concurrent writers wait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    """`$EMPATHYDESK_DB_URL`, or an SQLite file in the data folder."""
    from empathydesk.paths import data_dir
    from empathydesk.settings import settings

    return settings().db_url or f"sqlite:///{data_dir() / 'empathydesk.sqlite'}"


def make_engine(url: str, pool_size: int | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and IMMEDIATE write transactions.

    `pool_size` (a server database): keep that many connections open and open no more, for a program whose
    threads all use the store (the hub service: its connections stay open between bursts); None: SQLAlchemy's
    default pool (5 kept, up to 10 more opened for a moment and closed again)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        pool = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 0}
        return create_engine(url, pool_pre_ping=True, **pool)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        from empathydesk.paths import data_dir, private_file, private_folder

        folder = Path(database).parent
        if not folder.exists() or folder.resolve() == data_dir().resolve():
            private_folder(folder)  # ours: a folder someone chose for other things keeps its mode
        private_file(Path(database))  # SQLite gives its -wal and -shm files the database file's mode
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: an answer the page has acknowledged survives a disk error or power cut (NORMAL can lose the last few).
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    write = connection.get_execution_options().get("write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
