"""When the database turns read-only or fills up while people answer, every answering piece of a page says so
in plain words (the storage's own message, after "Not saved:"), never shows a traceback, and nothing already
saved is lost. Real SQLite stores: SQLite's `mode=ro` open, and `PRAGMA max_page_count` for a full file.

bench/room.py does the same through the running workshop (a tmpfs remounted read-only or filled up).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest
from sqlalchemy import event

from empathydesk.content import load
from empathydesk.storage import Store
from empathydesk.storage.store import FULL, READ_ONLY
from empathydesk.widgets import Session, build
from empathydesk.widgets.choice import Choice

MODULE = "module-1"
LONG = "I hear you, and I am sorry this keeps happening to you. " * 60


@pytest.fixture(autouse=True)
def _workshop_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hosted workshop's page: every answering piece there is, the consent box included."""
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")


def walk(widget: w.Widget) -> Iterator[w.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def shown(widget: w.Widget) -> str:
    """The text a person sees in a piece (HTML values, labels, descriptions)."""
    parts = []
    for x in walk(widget):
        if isinstance(x, (w.HTML, w.Label)) and "<style>" not in str(x.value):
            parts.append(str(x.value))
        if getattr(x, "description", None):
            parts.append(str(x.description))
    return "\n".join(parts)


def of(widget: w.Widget, kind: type) -> list[Any]:
    return [x for x in walk(widget) if isinstance(x, kind)]


def snapshot(store: Store, pid: int) -> dict[str, Any]:
    """Everything saved for one person, flattened: "kind:id" -> value (tries as tuples, in order)."""
    flat: dict[str, Any] = {}
    for cp, items in store.ratings(pid).items():
        flat.update({f"rating:{cp}:{item}": v for item, v in items.items()})
    flat.update({f"scenario:{k}": tuple(v) for k, v in store.scenario_attempts(pid).items()})
    flat.update({f"exercise:{k}": tuple(a["text"] for a in v) for k, v in store.exercise_attempts(pid).items()})
    flat.update({f"reflection:{k}": v for k, v in store.reflections(pid).items()})
    return flat


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, int, dict[str, Any]]:
    """A database with a few answers already saved, closed again."""
    content = load()
    path = tmp_path / "answers.sqlite"
    store = Store.open(f"sqlite:///{path}")
    pid = store.local_participant().id
    first = content.items_for("baseline")[0]
    store.save_rating(pid, "baseline", first.id, 4)
    module = content.module(MODULE)
    store.add_scenario_attempt(pid, module.scenarios[0].id, module.scenarios[0].best_index)
    store.add_exercise_attempt(pid, module.exercises[0].id, "An earlier, kinder reply.", {"findings": []})
    store.save_reflection(pid, module.reflections[0].id, "What I wrote before.")
    before = snapshot(store, pid)
    store.close()
    return path, pid, before


def read_only(path: Path) -> Store:
    return Store.open(f"sqlite:///file:{path}?mode=ro&uri=true")


def full(path: Path) -> Store:
    """The same file with no room to grow: every write that needs a new page fails with SQLITE_FULL."""
    store = Store.open(f"sqlite:///{path}")

    def no_room(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(store.engine, "connect", no_room)
    store.engine.dispose()
    # fill the free space left inside the file's pages, so that small answers are refused too
    pid = store.local_participant().id
    for size in (20_000, 2_000, 200, 20, 2):
        for n in range(200):
            try:
                store.save_reflection(pid, f"filler-{size}-{n}", "x" * size)
            except Exception:  # noqa: BLE001 - full at this size: try a smaller one
                break
    return store


def answer_everything(store: Store, pid: int) -> dict[str, w.Widget]:
    """Give one answer in each answering piece, as a person would; return the pieces."""
    content = load()
    person = store.participant(pid)
    page = Session(store=store, participant=person, query="")
    pieces = {name: build(name, page)
              for name in ("consent", "checkpoint/baseline", f"{MODULE}/scenarios", f"{MODULE}/rewrite",
                           f"{MODULE}/reflection", f"{MODULE}/pulse")}
    of(pieces["consent"], w.Checkbox)[0].value = True
    for name in ("checkpoint/baseline", f"{MODULE}/pulse"):
        for radio in of(pieces[name], Choice)[1:4]:  # the baseline's first item was answered before
            radio.value = content.instrument.scale[1].value
    module = content.module(MODULE)
    for scenario in module.scenarios[1:3]:  # the first one was answered before
        card = next(x for x in walk(pieces[f"{MODULE}/scenarios"]) if f"ed-scenario-{scenario.id}" in x._dom_classes)
        of(card, Choice)[0].index = 0
        of(card, w.Button)[0].click()
    rewrite = pieces[f"{MODULE}/rewrite"]
    for box, button in zip(of(rewrite, w.Textarea), of(rewrite, w.Button)):
        box.value = LONG
        button.click()
    reflection = pieces[f"{MODULE}/reflection"]
    for box, button in zip(of(reflection, w.Textarea), of(reflection, w.Button)):
        box.value = LONG
        button.click()
    assert module.exercises and module.reflections
    return pieces


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_answers_refused_in_plain_words_and_nothing_lost(saved, kind):
    path, pid, before = saved
    store = read_only(path) if kind == "read-only" else full(path)
    message = html.escape(READ_ONLY if kind == "read-only" else FULL)
    try:
        if kind == "full":
            before = snapshot(store, pid)  # the filler reflections are saved answers too
        pieces = answer_everything(store, pid)
        refused = []
        for name, piece in pieces.items():
            text = shown(piece)
            assert not any(w in text for w in ("Traceback", "Exception", "sqlite3", "sqlalchemy")), (name, text[:300])
            if message in text:
                assert "Not saved:" in text, (name, text[:300])
                refused.append(name)
        if kind == "read-only":  # nothing can be written: every piece says so
            assert sorted(refused) == sorted(pieces), refused
        else:  # the long texts need new pages: at least those are refused
            assert f"{MODULE}/rewrite" in refused and f"{MODULE}/reflection" in refused, refused
    finally:
        store.close()
    after = Store.open(f"sqlite:///{path}")
    try:
        now = snapshot(after, pid)
        for key, value in before.items():  # everything saved before is still there (tries: nothing dropped)
            got = now.get(key)
            assert (got[: len(value)] if isinstance(value, tuple) and got else got) == value, key
    finally:
        after.close()
