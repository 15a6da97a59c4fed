"""The SQLite engine: WAL, a busy timeout, and write transactions that begin IMMEDIATE."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from empathydesk.storage import Store
from empathydesk.storage.engine import BUSY_TIMEOUT_MS

PRAGMAS = ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")


def test_sqlite_pragmas_and_begin_modes(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/db.sqlite")
    pid = store.local_participant().id
    begins: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.engine.connect() as db:
            pragmas = [db.exec_driver_sql(f"PRAGMA {p}").scalar() for p in PRAGMAS]
        assert pragmas == ["wal", BUSY_TIMEOUT_MS, 1, 2]  # synchronous 2 = FULL
        begins.clear()
        store.save_rating(pid, "baseline", "perspective-1", 3)
        store.ratings(pid)
        assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
    finally:
        store.close()
