"""Widget fixtures: a fresh SQLite store, a participant, and helpers to find and drive widgets."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as w
import pytest

from empathydesk import identity
from empathydesk.content import load
from empathydesk.storage import Store
from empathydesk.widgets import build, session as session_module
from widget_tree import all_html, find, text_of, walk  # noqa: F401  (re-exported for the widget tests)


@pytest.fixture(autouse=True)
def _page_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a plain (not hosted, not strict) page with no token in its address."""
    for name in ("EMPATHYDESK_HOSTED", "EMPATHYDESK_COHORT", "EMPATHYDESK_STRICT", "EMPATHYDESK_TEMPLATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(identity, "_query_string", "")
    monkeypatch.setattr(session_module, "_CURRENT", None)


@pytest.fixture
def content():
    return load()


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path}/widgets.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def participant(store: Store):
    return store.local_participant()


@pytest.fixture
def make(store, participant):
    """make("module-1/scenarios") -> the piece's widget, for this test's store and participant."""

    def _make(piece: str, who=None) -> w.Widget:
        return build(piece, store=store, participant=who or participant)

    return _make
