"""Reflections: a draft as typed (see test_drafts), saved with the button, refused when empty or huge."""

from __future__ import annotations

import ipywidgets as w

from empathydesk.limits import MAX_REFLECTION_CHARS
from empathydesk.widgets import drafts

from .conftest import find, text_of

MODULE = "module-1"


def parts(widget):
    """(the first card, its box, its button)."""
    box = find(widget, w.Textarea)[0]
    card = next(x for x in find(widget, w.VBox) if box in x.children)
    return card, box, find(card, w.Button)[0]


def reflection_key(content):
    return drafts.key("reflection", content.module(MODULE).reflections[0].id)


def test_a_reflection_is_a_draft_until_saved_with_the_button(make, store, participant, content):
    reflection = content.module(MODULE).reflections[0]
    card, box, save = parts(make(f"{MODULE}/reflection"))
    assert box.description == reflection.prompt and save.description == "Save my reflection"
    box.value = "It feels <b>new</b> every time"
    assert store.reflections(participant.id) == {}
    assert store.drafts(participant.id)[reflection_key(content)][0] == "It feels <b>new</b> every time"
    card, box, save = parts(make(f"{MODULE}/reflection"))  # a reload
    assert box.value == "It feels <b>new</b> every time"
    save.click()
    assert store.reflections(participant.id) == {reflection.id: "It feels <b>new</b> every time"}
    assert store.drafts(participant.id) == {} and "Saved." in text_of(card)
    card, box, save = parts(make(f"{MODULE}/reflection"))
    assert box.value == "It feels <b>new</b> every time" and "Draft saved" not in text_of(card)


def test_a_huge_paste_is_not_a_draft_and_not_saved(make, store, participant, content):
    card, box, save = parts(make(f"{MODULE}/reflection"))
    box.value = "short"
    box.value = "y" * 1_000_000
    assert f"at most {MAX_REFLECTION_CHARS:,}" in text_of(card) and "draft was not saved" in text_of(card)
    assert store.drafts(participant.id)[reflection_key(content)][0] == "short"
    save.click()
    assert store.reflections(participant.id) == {} and "The longer text was not saved" in text_of(card)
    assert box.value == "y" * 1_000_000


def test_an_empty_reflection_is_not_saved(make, store, participant):
    card, _, save = parts(make(f"{MODULE}/reflection"))
    save.click()
    assert "Write your thoughts in the box first" in text_of(card) and store.reflections(participant.id) == {}
