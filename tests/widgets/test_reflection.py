"""Reflections: saved as typed (debounced on a running event loop), refused when huge, shown on return."""

from __future__ import annotations

import asyncio

import ipywidgets as w

from empathydesk.widgets.reflection import MAX_REFLECTION_CHARS, Debouncer

from .conftest import find, text_of


def box_of(widget):
    return find(widget, w.Textarea)[0]


def test_typing_is_saved_and_comes_back(make, store, participant, content):
    reflection = content.module("module-1").reflections[0]
    widget = make("module-1/reflection")
    box = box_of(widget)
    assert box.description == reflection.prompt  # the prompt is the box's visible label
    box.value = "It feels <b>new</b> every time"
    assert store.reflections(participant.id) == {reflection.id: "It feels <b>new</b> every time"}
    assert "Saved." in text_of(widget)
    assert box_of(make("module-1/reflection")).value == "It feels <b>new</b> every time"


def test_a_huge_paste_is_refused_and_the_last_text_kept(make, store, participant, content):
    reflection = content.module("module-1").reflections[0]
    widget = make("module-1/reflection")
    box = box_of(widget)
    box.value = "short"
    box.value = "y" * 1_000_000
    assert f"at most {MAX_REFLECTION_CHARS:,}" in text_of(widget)
    assert store.reflections(participant.id)[reflection.id] == "short"


def test_debouncer_saves_once_typing_pauses():
    saved = []

    async def typing():
        debounce = Debouncer(saved.append, quiet=0.3, max_wait=60)
        for text in ["I", "I f", "I fe", "I feel"]:
            debounce(text)
            await asyncio.sleep(0)
        assert saved == []
        await asyncio.sleep(1.0)
        assert saved == ["I feel"]
        debounce("I feel ok")
        debounce.flush()
        assert saved == ["I feel", "I feel ok"]

    asyncio.run(typing())


def test_debouncer_saves_at_least_every_max_wait():
    saved = []

    async def typing():
        debounce = Debouncer(saved.append, quiet=60, max_wait=0.05)
        debounce("0")
        await asyncio.sleep(0.1)
        debounce("1")  # typing has gone on longer than max_wait: saved now, without a pause
        assert saved == ["1"]
        debounce("2")
        assert saved == ["1"]
        debounce.flush()
        assert saved == ["1", "2"]

    asyncio.run(typing())


def test_debouncer_without_a_loop_acts_at_once():
    saved = []
    Debouncer(saved.append)("now")
    assert saved == ["now"]
