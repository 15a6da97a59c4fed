"""The self-assessment form: saved per answer, a running count, a summary once complete, kept on return."""

from __future__ import annotations

import ipywidgets as w

from empathydesk.content import load
from empathydesk.storage import StorageError
from empathydesk.widgets.choice import Choice

from .conftest import find, text_of

N = len(load().instrument.items)  # how many statements the start, the end and the later check-ins ask


def radios(form):
    return find(form, Choice, cls="ed-item")


def test_items_grouped_by_competency_with_visible_scale_labels(make, content):
    form = make("checkpoint/baseline")
    items = radios(form)
    assert len(items) == len(content.items_for("baseline")) == N
    labels = [label for label, _ in items[0].options]
    assert labels == [p.label for p in content.instrument.scale]
    assert all(r.value is None for r in items)
    markup = text_of(form)
    for comp in content.instrument.competencies:
        assert comp.name in markup
    # numbered item texts as the visible label of each group
    assert items[0].description.startswith("1. ") and items[-1].description.startswith(f"{N}. ")
    assert f"0 of {N} answered" in markup


def test_each_answer_is_saved_and_counted(make, store, participant):
    form = make("checkpoint/baseline")
    items = radios(form)
    items[0].value = 4
    items[5].value = 2
    assert store.ratings(participant.id)["baseline"] == {"perspective-1": 4, load().items_for("baseline")[5].id: 2}
    assert f"2 of {N} answered" in text_of(form)
    items[0].value = 5  # changing an answer keeps the count
    assert store.ratings(participant.id)["baseline"]["perspective-1"] == 5
    assert f"2 of {N} answered" in text_of(form)
    assert "Your summary" not in text_of(form)


def test_summary_when_complete_with_reverse_keying(make, store, participant, content):
    form = make("checkpoint/baseline")
    for radio in radios(form):
        radio.value = 5
    markup = text_of(form)
    assert f"All {N} answered" in markup and "Your summary" in markup
    # a reverse-keyed item answered 5 scores 1: e.g. (5 + 5 + 5 + 1) / 4 = 4.0
    for comp in content.instrument.competencies:
        mine = [i for i in content.instrument.items if i.competency == comp.id]
        mean = sum(1 if i.reverse else 5 for i in mine) / len(mine)
        assert f"{mean:.1f} out of 5" in markup, comp.id
    assert len(store.ratings(participant.id)["baseline"]) == N


def test_answers_come_back_when_the_page_is_built_again(make, store, participant):
    form = make("module-1/pulse")
    items = radios(form)
    assert len(items) == 4  # the pulse asks the module's competency only
    items[2].value = 3
    again = radios(make("module-1/pulse"))
    assert [r.value for r in again] == [None, None, 3, None]
    assert "1 of 4 answered" in text_of(make("module-1/pulse"))


def test_a_storage_error_is_shown_in_plain_words(make, store, monkeypatch):
    form = make("checkpoint/baseline")

    def full(*args):
        raise StorageError("Your answers can't be saved right now, because the database is full.")

    monkeypatch.setattr(store, "save_rating", full)
    radios(form)[0].value = 3
    markup = text_of(form)
    assert "database is full" in markup and "Not saved" in markup
    assert f"0 of {N} answered" in markup  # the count only counts what was saved


def test_a_later_checkpoint_opens_on_request_and_stays_open_once_started(make, store, participant, content):
    piece = make("checkpoint/follow-up")
    assert not radios(piece) and "One month later" in text_of(piece)  # a month early: only the button
    button = next(b for b in find(piece, w.Button) if b.description == content.checkpoint("follow-up").open_with)
    button.click()
    items = radios(piece)
    assert len(items) == N and "ed-checkpoint-follow-up" in piece._dom_classes
    items[0].value = 4
    assert store.ratings(participant.id)["follow-up"] == {content.items_for("follow-up")[0].id: 4}
    assert len(radios(make("checkpoint/follow-up"))) == N  # started: the form comes back at once


def test_forms_without_open_with_show_at_once_and_the_look_back_waits_for_its_button(make, content):
    assert len(radios(make("checkpoint/wrap-up"))) == N and not content.checkpoint("wrap-up").open_with
    look_back = make("checkpoint/retro-before")
    assert not radios(look_back) and "Start looking back" in [b.description for b in find(look_back, w.Button)]
