"""Widget fixtures (the store is tests/conftest.py's): a participant, a page context, and helpers to find and drive widgets."""

from __future__ import annotations

import ipywidgets as w
import pytest

from empathydesk.content import load
from empathydesk.storage import Store
from empathydesk.widgets import Session, build
from widget_tree import all_html, find, text_of, walk  # noqa: F401  (re-exported for the widget tests)


@pytest.fixture(autouse=True)
def _plain_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a plain page: a notebook (not Voilà), not hosted, not strict, whatever the
    environment says."""
    for name in ("EMPATHYDESK_HOSTED", "EMPATHYDESK_COHORT", "EMPATHYDESK_STRICT", "EMPATHYDESK_TEMPLATE",
                 "EMPATHYDESK_API_URL", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workshop(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page is a hosted workshop's, with a facilitator (consent, joining), not self-study."""
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")


@pytest.fixture
def content():
    return load()


@pytest.fixture
def participant(store: Store):
    return store.local_participant()


@pytest.fixture
def page(store, participant) -> Session:
    """A page context for this test's participant, with no token in its address."""
    return Session(store=store, participant=participant, query="")


@pytest.fixture
def make(store, participant):
    """make("module-1/scenarios") -> the piece's widget, on a page of its own for this test's participant."""

    def _make(piece: str, who=None) -> w.Widget:
        return build(piece, Session(store=store, participant=who or participant, query=""))

    return _make


@pytest.fixture
def visit(store):
    """visit("seat=…") -> a page context with that address, whose participant is found from it."""

    def _visit(query: str = "", on=None) -> Session:
        return Session(store=on or store, query=query)

    return _visit


def choose_file(widget: w.Widget, raw: bytes) -> None:
    """Choose a file in the widget's file picker as the page does: its bytes in the message, unless it is
    bigger than the picker sends (then only its size)."""
    from empathydesk.widgets.file_picker import FilePicker

    picker = find(widget, FilePicker)[0]
    sent = [memoryview(raw)] if len(raw) <= picker.max_bytes else []
    picker._handle_custom_msg({"name": "progress.json", "size": len(raw)}, sent)
