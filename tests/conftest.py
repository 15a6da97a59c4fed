"""Fixtures shared by the unit tests (folders with their own conftest.py may override them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def store(tmp_path: Path) -> Iterator:
    """A new, empty store on an SQLite file of the test's own, closed afterwards."""
    from empathydesk.storage import Store

    opened = Store.open(f"sqlite:///{tmp_path}/store.sqlite")
    yield opened
    opened.close()
