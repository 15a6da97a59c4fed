"""The landing page's piece, ed.show("join"): join with code + name, come back with the link, self-study."""

from __future__ import annotations

import html

import ipywidgets as w
import pytest

from empathydesk import joining
from empathydesk.pieces import conversation
from empathydesk.widgets import Session, build
from empathydesk.widgets.file_picker import FilePicker
from empathydesk.widgets.join import ALL_DONE

from .conftest import find, text_of


@pytest.fixture
def hosted(monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    monkeypatch.setenv("SERVER_NAME", "192.0.2.7")
    monkeypatch.setenv("SERVER_PORT", "8866")


def said(widget) -> str:
    """What the participant reads (entities decoded)."""
    return html.unescape(text_of(widget))


def landing(store, query: str):
    """The landing page's piece, on a page with this address."""
    return build("join", Session(store=store, query=query))


def form_parts(widget):
    code, name = find(widget, w.Text)
    (button,) = [b for b in find(widget, w.Button) if b.description == "Join the workshop"]
    return code, name, button


def test_code_from_the_link_is_filled_in_and_joining_gives_a_personal_link(store, hosted, monkeypatch):
    cohort = store.create_cohort("room", ["module-2", "module-1"])
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    assert "ed-join" in widget._dom_classes
    code, name, button = form_parts(widget)
    assert code.value == cohort.join_code
    name.value = "Sam"
    button.click()
    (sam,) = store.participants("room")
    assert sam.pseudonym == "Sam"
    page = text_of(widget)
    assert "Welcome, Sam: you have joined." in page
    assert f"http://192.0.2.7:8866/?seat={sam.token}" in page  # the personal link, as the visitor reached us
    # the cohort's modules, in the cohort's order, between welcome and wrap-up, links keeping the token
    hrefs = [part.split('"')[0] for part in page.split('<li class="ed-todo" data-page="')[1:]]
    assert hrefs == ["welcome", "module-2", "module-1", "wrap-up"]
    assert f"00-welcome.ipynb?seat={sam.token}" in page
    assert not find(widget, w.Text)  # the form is gone: a second click cannot make a second Sam
    assert len(store.participants("room")) == 1


def test_a_wrong_code_or_an_empty_name_is_said_kindly_and_nobody_joins(store, hosted, monkeypatch):
    store.create_cohort("room")
    query = ""
    widget = landing(store, query)
    code, name, button = form_parts(widget)
    code.value, name.value = "NOPE-NOPE", "Sam"
    button.click()
    assert "couldn't find a workshop with that code" in said(widget)
    assert not button.disabled  # they can try again
    code.value, name.value = store.cohort("room").join_code, "   "
    button.click()
    assert "Please type a name" in said(widget)
    assert store.participants("room") == []


def test_coming_back_with_the_link_shows_progress_and_where_to_carry_on(store, hosted, monkeypatch, content):
    cohort = store.create_cohort("room", ["module-1"])
    kim = store.join(cohort.join_code, "Kim")
    for item in content.items_for("baseline"):
        store.save_rating(kim.id, "baseline", item.id, 3)
    query = f"seat={kim.token}"
    page = text_of(landing(store, query))
    assert "Welcome back, Kim." in page
    assert not find(landing(store, query), w.Text)
    done = joining.page_links(store, content, kim, kim.token)
    if done[0].done:  # the welcome page counts as done once the baseline is answered
        assert "Carry on: Module 1" in page
    assert f"?seat={kim.token}" in page


def test_an_old_link_says_so_and_offers_to_join_again(store, hosted, monkeypatch):
    cohort = store.create_cohort("room")
    kim = store.join(cohort.join_code, "Kim")
    store.reissue_link(kim.id)
    query = f"seat={kim.token}"
    widget = landing(store, query)
    assert "does not work any more" in text_of(widget)
    assert form_parts(widget)


def test_names_are_shown_as_text_never_as_markup(store, hosted, monkeypatch):
    cohort = store.create_cohort("room")
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    code, name, button = form_parts(widget)
    name.value = "<img src=x onerror=alert(1)>"
    button.click()
    page = text_of(widget)
    assert "<img" not in page and "&lt;img" in page


def test_self_study_lists_every_page_and_offers_to_resume_from_a_file(store, participant, monkeypatch, content):
    widget = build("join", Session(store=store, participant=participant, query=""))
    page = text_of(widget)
    assert "working on your own" in page
    for module in content.modules:
        assert f'href="{module.notebook}"' in page  # no token needed: this computer's own participant
    assert find(widget, FilePicker)  # resume from a saved file
    assert not find(widget, w.Text)


def test_links_and_addresses():
    assert joining.personal_link("a b") == "index.ipynb?seat=a%20b"
    assert joining.personal_link("t", "http://h:1/") == "http://h:1/?seat=t"
    assert joining.join_link("http://h:1/", "K7QM-3XPA") == "http://h:1/?code=K7QM-3XPA"
    assert joining.join_link("http://h:1/") == "http://h:1/"
    assert joining.qr_svg("http://h:1/").startswith("<svg")


def test_app_address_comes_from_the_request(monkeypatch):
    monkeypatch.delenv("SERVER_NAME", raising=False)
    assert joining.app_address() is None
    monkeypatch.setenv("SERVER_NAME", "laptop.local")
    monkeypatch.setenv("SERVER_PORT", "8866")
    assert joining.app_address() == "http://laptop.local:8866/"
    monkeypatch.setenv("SERVER_PORT", "443")
    assert joining.app_address() == "https://laptop.local/"
    monkeypatch.setenv("SERVER_NAME", "fd00::2")
    monkeypatch.setenv("SERVER_PORT", "8866")
    assert joining.app_address() == "http://[fd00::2]:8866/"


def test_a_second_click_on_the_same_form_adds_nobody(store, hosted, monkeypatch):
    cohort = store.create_cohort("room")
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    code, name, button = form_parts(widget)
    name.value = "Sam"
    for _ in range(20):  # the page disables the button, but clicks can be sent without it
        button.click()
    (sam,) = store.participants("room")
    assert "Welcome, Sam: you have joined." in said(widget)
    assert sam.token in text_of(widget)


def test_a_code_of_another_workshop_is_refused_on_a_workshop_page(store, hosted, monkeypatch):
    store.create_cohort("room")
    other = store.create_cohort("next-door")
    monkeypatch.setenv("EMPATHYDESK_COHORT", "room")
    query = f"code={other.join_code}"
    widget = landing(store, query)
    code, name, button = form_parts(widget)
    name.value = "Sam"
    button.click()
    assert "That code is for a different workshop. Please check the code on the screen, or ask your facilitator." in said(widget)
    assert store.participants("next-door") == [] and store.participants("room") == []
    assert not button.disabled
    code.value = store.cohort("room").join_code
    button.click()
    assert [p.pseudonym for p in store.participants("room")] == ["Sam"]


def test_a_link_of_another_workshop_does_not_work_on_a_workshop_page(store, hosted, monkeypatch):
    store.create_cohort("room")
    stranger = store.join(store.create_cohort("next-door").join_code, "Kim")
    monkeypatch.setenv("EMPATHYDESK_COHORT", "room")
    query = f"seat={stranger.token}"
    widget = landing(store, query)
    assert "does not work any more" in text_of(widget)
    assert "Welcome back" not in text_of(widget)
    assert form_parts(widget)


def test_a_closed_room_says_so_and_nobody_joins(store, hosted, monkeypatch):
    cohort = store.create_cohort("room")
    store.set_locked("room", True)
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    _, name, button = form_parts(widget)
    name.value = "Late"
    button.click()
    assert "This workshop is not taking new people right now. Please ask your facilitator." in said(widget)
    assert store.participants("room") == []


def test_the_landing_page_shows_the_check_code_next_to_the_personal_link(store, hosted, monkeypatch):
    from empathydesk.storage.store import check_code

    cohort = store.create_cohort("room")
    kim = store.join(cohort.join_code, "Kim")
    query = f"seat={kim.token}"
    page = said(landing(store, query))
    assert f'Your check code: <strong data-ed="check-code">{check_code(kim.token)}</strong>.' in page
    assert "If you lose your link, tell your facilitator your name and this code." in page
    assert page.index("personal-link") < page.index("check-code")
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    _, name, button = form_parts(widget)
    name.value = "Lee"
    button.click()
    (lee,) = [p for p in store.participants("room") if p.pseudonym == "Lee"]
    assert f'data-ed="check-code">{check_code(lee.token)}<' in said(widget)


def test_someone_whose_name_is_taken_sees_it_with_the_suffix_the_facilitator_sees(store, hosted, monkeypatch):
    cohort = store.create_cohort("room")
    first = store.join(cohort.join_code, "Alice")
    query = f"code={cohort.join_code}"
    widget = landing(store, query)
    _, name, button = form_parts(widget)
    name.value = "alice"
    button.click()
    assert "Welcome, alice (2): you have joined." in said(widget)
    query = f"seat={first.token}"
    assert "Welcome back, Alice." in said(landing(store, query))


def test_the_suffix_rule_for_shared_names():
    from types import SimpleNamespace as Person

    people = [Person(id=i, pseudonym=n) for i, n in
              [(7, "Alice (2)"), (3, "Alice"), (9, "ALICE"), (4, "Bob"), (12, "alice"), (5, "Al  ice")]]
    names = joining.display_names(people)
    # join order is id order; a suffix never copies a name someone typed ("Alice (2)" is taken)
    assert names == {3: "Alice", 4: "Bob", 5: "Al  ice", 7: "Alice (2)", 9: "ALICE (3)", 12: "alice (4)"}
    assert joining.shared_names(people) == [("Alice", 3)]
    assert joining.shared_name_note("Alice", 3) == "3 people use the name Alice. Ask them to check the name on their screen."
    assert joining.display_names([Person(id=1, pseudonym="Kim")]) == {1: "Kim"}


def test_with_every_page_done_the_landing_page_says_so_instead_of_carry_on(store, hosted, content):
    cohort = store.create_cohort("room", ["module-1"])
    kim = store.join(cohort.join_code, "Kim")
    module = content.module("module-1")
    for role in ("start", "end"):
        checkpoint = content.checkpoint_for(role).id
        for item in content.items_for(checkpoint):
            store.save_rating(kim.id, checkpoint, item.id, 3)
    page = said(landing(store, f"seat={kim.token}"))
    assert "Carry on: Module 1" in page and ALL_DONE not in page
    pulse = content.checkpoint_after("module-1").id
    for item in content.items_for(pulse):
        store.save_rating(kim.id, pulse, item.id, 3)
    for scenario in module.scenarios:
        store.add_scenario_attempt(kim.id, scenario.id, scenario.best_index)
    store.add_exercise_attempt(kim.id, module.exercises[0].id, "Happy to help.", {"findings": []})
    for reflection in module.reflections:
        store.save_reflection(kim.id, reflection.id, "I will ask first.")
    talk = conversation.for_module(content, "module-1")
    if talk is not None:  # its practice conversation, finished along the best path
        run = conversation.played(talk, conversation.best_picks(talk))
        store.add_piece_answer(kim.id, conversation.NAME, conversation.run_key("module-1", 1), run.model_dump())
    page = said(landing(store, f"seat={kim.token}"))
    assert ALL_DONE in page and "Carry on" not in page and "Start:" not in page
    assert page.count("✓ done") == 3
