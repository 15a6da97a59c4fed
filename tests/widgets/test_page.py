"""Header, footer, consent, save and load, discussion, my progress; hostile names shown as text."""

from __future__ import annotations

import base64
import json
import re

import ipywidgets as w
import pytest

from empathydesk.pieces import conversation
from empathydesk.storage import StorageError
from empathydesk.widgets import Session, build
from empathydesk.widgets.file_picker import FilePicker
from empathydesk.widgets.place import PageLinks

from .conftest import choose_file, find, text_of


def test_progress_strip_says_done_and_to_do_in_words(make, store, participant, content):
    markup = text_of(make("module-1/header"))
    assert "0 of 7 pages done" in markup
    assert markup.count("○ to do") == 7 and 'aria-current="page"' in markup and "you are here" in markup
    for item in content.items_for("baseline"):
        store.save_rating(participant.id, "baseline", item.id, 3)
    markup = text_of(make("module-1/header"))
    assert "1 of 7 pages done" in markup and markup.count("✓ done") == 1
    assert re.search(r'data-page="welcome"><a href="00-welcome.ipynb"', markup)
    assert 'href="01-' in markup  # links to each page by its notebook


def test_links_keep_the_token_from_the_address(store, visit):
    cohort = store.create_cohort("Room 4")
    person = store.join(cohort.join_code, "Bo")
    page = visit(f"seat={person.token}&x=1")
    header = text_of(build("module-1/header", page))
    assert header.count(f"?seat={person.token}") == 7
    assert "You are taking part as <strong>Bo</strong>" in header
    footer = text_of(build("module-1/footer", page))
    assert f'href="02-' in footer and f"?seat={person.token}" in footer and "Next: Module 2" in footer


def test_jupyters_login_token_in_the_address_is_not_a_personal_link(store, visit):
    """Opened as JupyterLab's Voilà preview or on Binder (`?token=<Jupyter's login token>`): self-study as Me,
    and the token is never copied into the page's links."""
    page = visit("token=jupyters-login-token-abc")
    assert page.url_token is None
    header = text_of(build("module-1/header", page))
    footer = text_of(build("module-1/footer", page))
    assert "studying on your own" in header and "jupyters-login-token" not in header + footer
    assert "Next: Module 2" in footer and "seat=" not in header + footer


def test_strip_and_next_link_follow_the_cohorts_modules(store, visit):
    cohort = store.create_cohort("Short session", modules=["module-1", "module-3"])
    person = store.join(cohort.join_code, "Cy")
    page = visit(f"seat={person.token}")
    header = text_of(build("module-1/header", page))
    assert "0 of 4 pages done" in header and header.count("○ to do") == 4
    assert 'href="03-' in header and 'href="02-' not in header
    footer = text_of(build("module-1/footer", page))
    assert 'href="03-' in footer and "Next: Module 3" in footer


def test_footer_without_token_and_at_the_end(make):
    footer = text_of(make("welcome/footer"))
    assert "Next: Module 1" in footer and "seat=" not in footer and "token" not in footer
    assert "end of the workshop" in text_of(make("wrap-up/footer"))


def test_hostile_display_name_is_text(store, visit):
    cohort = store.create_cohort("Room 5")
    person = store.join(cohort.join_code, '<script>alert(1)</script>')
    page = visit(f"seat={person.token}")
    header = text_of(build("module-1/header", page))
    assert "<script>" not in header and "&lt;script&gt;alert(1)&lt;/script&gt;" in header


def test_consent_is_saved_and_every_box_agrees(make, store, participant, workshop):
    header = make("module-1/header")  # one session per build in tests, so use one piece with its box …
    box = find(header, w.Checkbox)[0]
    assert box.value is False and "facilitator" in box.description
    box.value = True
    assert store.participant(participant.id).consent is True
    assert "can see your own answers" in text_of(header)
    box.value = False
    assert store.participant(participant.id).consent is False


def test_two_consent_boxes_on_one_page_agree(store, participant, page, workshop):
    header, consent = build("module-1/header", page), build("consent", page)  # one page context
    a, b = find(header, w.Checkbox)[0], find(consent, w.Checkbox)[0]
    assert not find(build("welcome/header", page), w.Checkbox)  # the welcome page has the consent piece instead
    b.value = True
    assert a.value is True and store.participant(participant.id).consent is True


def test_in_a_workshop_the_consent_piece_says_who_sees_what(make, workshop):
    words = text_of(make("consent"))
    for must in ("nickname", "5 people", "only if you say yes", "private key", "same workshop either way"):
        assert must in words, must


def test_consent_error_puts_the_box_back(make, store, monkeypatch, workshop):
    widget = make("consent")
    box = find(widget, w.Checkbox)[0]

    def read_only(*args):
        raise StorageError("Your answers can't be saved right now, because the database is read-only.")

    monkeypatch.setattr(store, "set_consent", read_only)
    box.value = True
    assert box.value is False
    assert "read-only" in text_of(widget) and "Not saved" in text_of(widget)


def download_data(widget):
    markup = text_of(widget)
    payload = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]+)"', markup).group(1)
    return json.loads(base64.b64decode(payload)), markup


def test_save_my_progress_makes_a_download_link(make, store, participant):
    store.save_reflection(participant.id, "module-1-reflection", "</a><script>x</script>")
    widget = make("export")
    find(widget, w.Button)[0].click()
    data, markup = download_data(widget)
    assert data["reflections"] and "<script>" not in markup
    assert re.search(r'download="empathydesk-progress-Me-\d{4}-\d\d-\d\d\.json"', markup)


def test_load_a_saved_file(tmp_path, make, store, participant):
    from empathydesk.storage import Store

    store.save_reflection(participant.id, "module-1-reflection", "kept")
    store.add_scenario_attempt(participant.id, "module-1-scenario-1", 1)
    exported = make("export")
    find(exported, w.Button)[0].click()
    data, _ = download_data(exported)

    other = Store.open(f"sqlite:///{tmp_path}/other.sqlite")  # another computer
    try:
        me = other.local_participant()
        widget = build("import", Session(store=other, participant=me, query=""))
        choose_file(widget, json.dumps(data).encode())
        assert "Your progress is loaded" in text_of(widget)
        assert "To see your answers, choose Run ▸ Restart Kernel and Run All Cells." in text_of(widget)  # not a reload
        assert other.reflections(me.id) == {"module-1-reflection": "kept"}
        assert other.scenario_attempts(me.id) == {"module-1-scenario-1": [1]}
    finally:
        other.close()


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", json.dumps({"format": "something else"}).encode(), b"\xff\xfe", b"{" + b" " * 6_000_000 + b"}"],
)
def test_a_wrong_file_is_refused_with_a_message(make, raw):
    widget = make("import")
    choose_file(widget, raw)
    markup = text_of(widget)
    refused = "could not be loaded" in markup or "does not look like an EmpathyDesk progress file" in markup
    assert refused and "Your progress is loaded" not in markup and "<img" not in markup


def test_loading_is_for_self_study(page, monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    widget = build("import", page)
    assert not find(widget, FilePicker) and "already kept for you" in text_of(widget)


def test_discussion_questions_as_text(make, content):
    markup = text_of(make("module-1/discussion"))
    for question in content.module("module-1").discussion:
        assert question.replace("'", "&#x27;").replace('"', "&quot;") in markup


def test_my_progress_shows_a_view_or_a_placeholder(make):
    widget = make("my-progress")
    assert "ed-my-progress" in widget._dom_classes and len(widget.children) == 2  # heading, then view


def answer_module_but_its_reflection(store, pid, content, module_id="module-1"):
    module = content.module(module_id)
    pulse = content.checkpoint_after(module_id).id
    for item in content.items_for(pulse):
        store.save_rating(pid, pulse, item.id, 4)
    for scenario in module.scenarios:
        store.add_scenario_attempt(pid, scenario.id, scenario.best_index)
    store.add_exercise_attempt(pid, module.exercises[0].id, "Happy to help.", {"findings": []})
    talk = conversation.for_module(content, module_id)
    if talk is not None:  # its practice conversation, finished along the best path
        run = conversation.played(talk, conversation.best_picks(talk))
        store.add_piece_answer(pid, conversation.NAME, conversation.run_key(module_id, 1), run.model_dump())


def test_the_strip_follows_the_page_without_a_reload(store, participant, page, content):
    answer_module_but_its_reflection(store, participant.id, content)
    header, reflections = build("module-1/header", page), build("module-1/reflection", page)  # one page

    def chip() -> str:
        return re.search(r'<li class="([^"]*)" data-page="module-1"', text_of(header)).group(1)

    assert "ed-todo" in chip() and "0 of 7 pages done" in text_of(header)
    for box in find(reflections, w.Textarea):
        box.value = "I will ask what they were trying to do."
    assert "ed-todo" in chip()  # a draft is not an answer
    for button in find(reflections, w.Button):
        button.click()
    assert "ed-done" in chip() and "1 of 7 pages done" in text_of(header)


def test_a_failing_listener_never_turns_a_saved_answer_into_an_error(store, participant, page):
    heard = []
    page.on_save(lambda: 1 / 0)
    page.on_save(lambda: heard.append("saved"))
    page.store.save_reflection(participant.id, "module-1-reflection", "My words")
    assert heard == ["saved"] and store.reflections(participant.id) == {"module-1-reflection": "My words"}
    page.store.save_draft(participant.id, "reflection/module-1-reflection", "More words")
    page.store.answers(participant.id)
    assert heard == ["saved"]  # drafts and reads are not answers saved


def test_on_your_own_the_page_says_who_and_where_and_nothing_of_a_workshop(store, page, tmp_path):
    header, consent = build("module-1/header", page), build("consent", page)
    words = text_of(header) + text_of(consent) + text_of(build("module-1/reflection", page))
    assert "You are studying on your own, as <strong>Me</strong>" in words
    assert f"<code>{tmp_path}/store.sqlite</code>" in words and "Save my progress" in words
    assert "Only you can read what you write here." in words and "nobody else sees them" in words
    assert "facilitator" not in words.replace("there is no facilitator", "") and "joined" not in words
    assert not find(header, w.Checkbox) and not find(consent, w.Checkbox)


def test_in_a_notebook_links_to_pages_are_the_notebooks_own_output(page, monkeypatch):
    """JupyterLab opens a relative link in HTML output from the notebook's folder, in a tab of its own; a link
    inside a widget's HTML would leave JupyterLab. In Voila the same markup is a plain HTML widget."""
    header, footer = build("module-1/header", page), build("module-1/footer", page)
    links = find(header, PageLinks) + find(footer, PageLinks)
    assert len(links) == 2 and not any("href=" in x.value for x in find(footer, w.HTML))
    (shown,) = links[1].outputs
    assert shown["output_type"] == "display_data" and shown["data"]["text/html"] == links[1].value
    assert 'class="ed-next" href="02-a-person-not-a-ticket.ipynb"' in links[1].value
    store_saves = page.store.save_reflection  # the strip follows the page in its output too
    store_saves(page.pid, "module-1-reflection", "kept")
    assert links[0].outputs[0]["data"]["text/html"] == links[0].value
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    in_voila = build("module-1/footer", Session(store=page.store, participant=page.participant, query=""))
    assert not find(in_voila, PageLinks) and 'href="02-a-person-not-a-ticket.ipynb"' in text_of(in_voila)
