"""Widget fixtures: a fresh SQLite store, a participant, and helpers to find and drive widgets."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as w
import pytest

from empathydesk import identity
from empathydesk.content import load
from empathydesk.storage import Store
from empathydesk.widgets import build, session as session_module


@pytest.fixture(autouse=True)
def _page_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a plain (not hosted) page with no token in its address."""
    monkeypatch.delenv("EMPATHYDESK_HOSTED", raising=False)
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


def walk(widget: w.Widget) -> Iterator[w.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(widget: w.Widget, kind: type | None = None, cls: str | None = None) -> list[w.Widget]:
    """Every widget under `widget` of type `kind` and/or with the CSS class `cls`, in page order."""
    out = []
    seen = set()
    for x in walk(widget):
        if id(x) in seen:
            continue
        seen.add(id(x))
        if kind is not None and not isinstance(x, kind):
            continue
        if cls is not None and cls not in x._dom_classes:
            continue
        out.append(x)
    return out


def text_of(widget: w.Widget) -> str:
    """All HTML markup under `widget`, joined (what the participant would read, with tags)."""
    return "\n".join(x.value for x in find(widget, w.HTML) if "<style>" not in x.value)
