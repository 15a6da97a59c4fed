"""Shared building blocks: a note joins its box only once it has something to say."""

from __future__ import annotations

import ipywidgets as w

from empathydesk.widgets import ui


def test_a_note_joins_its_box_the_first_time_it_has_words():
    button = ui.button("Check")
    box = w.VBox([button])
    note = ui.Note(box)
    note.value = ""
    assert box.children == (button,) and note.value == ""  # nothing to say: no widget for the page to load
    note.value = ui.note_html("warn", "Pick an answer first.", word="")
    assert len(box.children) == 2 and "Pick an answer first." in box.children[1].value
    note.value = ""
    assert len(box.children) == 2 and box.children[1].value == "" == note.value  # kept, now empty


def test_a_note_with_words_from_the_start_is_there_at_once():
    box = w.VBox([])
    ui.Note(box, "<p>Saved.</p>")
    assert [c.value for c in box.children] == ["<p>Saved.</p>"]
