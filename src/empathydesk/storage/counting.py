"""Counting the SQL statements an engine runs, to check (tests) and report (benchmarks) how many queries a view makes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database through `engine` inside the block, in order (its length is the count)."""
    statements: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
