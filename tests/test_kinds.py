"""The list of kinds: every entry names a builder, answers and store methods that exist, and rules to count."""

from __future__ import annotations

import dataclasses
import shutil
import sys

import pytest

from empathydesk.kinds import kinds, stored_kinds
from empathydesk.storage import Store
from empathydesk.storage.records import Answers


def test_every_kind_says_what_it_builds_reads_and_stores():
    fields = {f.name for f in dataclasses.fields(Answers)}
    for kind in kinds():
        assert callable(kind.function()), kind.name
        assert kind.answers is None or kind.answers in fields, kind.name
        assert kind.answers is None or kind.stores is None, kind.name  # a table of its own, or the piece table
        assert (kind.scope == "own") == (kind.targets is not None), kind.name
        assert all(callable(getattr(Store, method, None)) for method in kind.saves), kind.name
        if kind.done is not None:
            assert kind.scope == "module" and kind.part and kind.reads and kind.started, kind.name
        if kind.rows is not None:
            assert kind.result and (kind.answers or kind.stores), kind.name
    answered = [k.answers for k in kinds() if k.rows is not None and k.answers]
    assert sorted(answered) == sorted(fields - {"versions", "pieces"})  # each kind of answer reaches the results once
    assert all(k.rows is not None for k in stored_kinds().values())


def test_names_are_unique():
    names = [k.name for k in kinds()]
    assert len(names) == len(set(names))


TALLY = '''
"""A kind made up for the test: counts how often a participant pressed a button, per page."""
from typing import Literal

from pydantic import BaseModel

from empathydesk.content import Strict, Text
from empathydesk.kinds import Kind


class Tally(Strict):
    kind: Literal["tally"]
    label: Text


class Pressed(BaseModel):
    times: int


def build(session, target):
    import ipywidgets as w

    return w.Button(description=session.content.part("tally").label)


KIND = Kind("tally", "own", "empathydesk.pieces.tally:build", targets=lambda c: ["welcome", "wrap-up"],
            stores=Pressed, content=Tally, result="tally",
            rows=lambda saved: [(key, "times", values[-1]["times"], "") for key, values in sorted(saved.items())])
'''


@pytest.fixture
def one_more_kind(tmp_path, monkeypatch):
    """A kind of piece written as one module, in a folder of its own added to `empathydesk.pieces`."""
    import empathydesk.pieces
    from empathydesk import content, kinds as kinds_module

    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "tally.py").write_text(TALLY)
    monkeypatch.setattr(empathydesk.pieces, "__path__", [*empathydesk.pieces.__path__, str(folder)])
    for cached in (kinds_module.kinds, content._file_adapter):
        cached.cache_clear()
    yield
    sys.modules.pop("empathydesk.pieces.tally", None)
    monkeypatch.undo()
    for cached in (kinds_module.kinds, content._file_adapter):
        cached.cache_clear()


def test_a_new_kind_is_one_module_its_content_and_nothing_else(one_more_kind, tmp_path):
    """The module alone makes it a piece `show` builds, a content file `validate` reads, answers the store keeps
    and the progress file carries, and rows in the cohort's results."""
    from empathydesk.cohort_export import _individual_rows
    from empathydesk.content import check
    from empathydesk.paths import content_root
    from empathydesk.widgets import Session, build
    from empathydesk.widgets.registry import piece_names

    root = tmp_path / "course"
    shutil.copytree(content_root(), root)
    (root / "tally.yaml").write_text("kind: tally\nlabel: Press me\n")
    course, problems = check([root])
    assert problems == [] and course.part("tally").label == "Press me"
    assert "tally/welcome" in piece_names(course)

    (root / "tally.yaml").write_text("kind: tally\nlable: Press me\n")
    _, problems = check([root])
    assert any(str(p).endswith("tally.yaml:2: lable: is not a known field (check its spelling)") for p in problems)

    store = Store.open(f"sqlite:///{tmp_path}/tally.sqlite")
    try:
        me = store.local_participant()
        button = build("tally/welcome", Session(store=store, participant=me, query="", content=course))
        assert button.description == "Press me"
        store.add_piece_answer(me.id, "tally", "welcome", {"times": 3})
        data = store.export_participant(me.id, course)
        assert [(p["kind"], p["key"], p["value"]) for p in data["pieces"]] == [("tally", "welcome", {"times": 3})]
        data["pieces"][0]["value"] = {"times": "three"}
        store.create_cohort("tallies")
        with pytest.raises(ValueError, match="times"):
            store.import_participant(data, cohort="tallies", content=course)
        assert ("tally", "welcome", "times", 3) in [tuple(r[k] for k in ("kind", "topic", "item", "value")) for r in _individual_rows("Me", store.answers(me.id))]
    finally:
        store.close()
