"""Save my progress / Load my saved progress: a refused file shows the message naming the field and stores nothing."""

from __future__ import annotations

import json

import ipywidgets as w

from empathydesk.progress_file import NOT_OURS

from .conftest import choose_file, find, text_of


def saved_file(store, participant) -> dict:
    store.save_rating(participant.id, "baseline", "rapport-5", 4)
    store.add_scenario_attempt(participant.id, "module-1-scenario-1", 1)
    return json.loads(json.dumps(store.export_participant(participant.id)))


def test_a_saved_file_loads_again(make, store, participant):
    data = saved_file(store, participant)
    widget = make("import")
    choose_file(widget, json.dumps(data).encode())
    assert "Your progress is loaded" in text_of(widget)
    assert store.export_participant(participant.id) == data


def test_a_bad_rating_is_refused_with_the_field_named_and_nothing_stored(make, store, participant):
    data = saved_file(store, participant)
    data["checkpoints"][0]["ratings"][0]["value"] = 99
    data["consent"] = "no"
    data["reflections"] = [{"reflection": "module-1-reflection", "text": "new", "updated_at": data["created_at"]}]
    before = store.export_participant(participant.id)
    widget = make("import")
    choose_file(widget, json.dumps(data).encode())
    shown = text_of(widget)
    assert "The file could not be loaded: consent: must be true or false, not the text “no”." in shown
    assert "Your progress is loaded" not in shown
    assert store.export_participant(participant.id) == before


def test_a_deeply_nested_file_and_a_huge_file_are_refused_in_words(make, store, participant):
    widget = make("import")
    choose_file(widget, b"[" * 100_000 + b"]" * 100_000)
    assert "brackets inside brackets" in text_of(widget)
    choose_file(widget, b" " * 5_000_001)
    assert "a progress file can be at most 5 MB" in text_of(widget)
    for raw in (b"null", b"<script>window.pw=1</script>"):
        choose_file(widget, raw)
        assert NOT_OURS in text_of(widget)
    assert store.ratings(participant.id) == {}


def test_saving_says_which_stored_answer_would_not_load_again(make, store, participant):
    store.save_rating(participant.id, "baseline", "rapport-5", 7)  # off this course's 1 to 5 scale
    widget = make("export")
    find(widget, w.Button)[0].click()
    assert "Your progress could not be put in a file: ratings → baseline → rapport-5: 7 is not on the 1 to 5 scale." in text_of(widget)
    assert "ed-download" not in "".join(h.value for h in find(widget, w.HTML))
