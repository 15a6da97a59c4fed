"""Nothing typed is lost: on `empathydesk workshop` (where a page that is left stops its kernel at once), a
reply and a reflection typed, then the page reloaded within a second, are both back. The progress strip turns
to done as the page's last part is saved, without a reload. The file picker reads "Choose my file", no count."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from empathydesk.pieces import conversation
from workshop_helpers import free_port_pair

from .conftest import DESKTOP, PHONE, open_page, start_workshop, stop_workshop

pytestmark = pytest.mark.browser

MODULE = "module-1"
REPLY = "I am sorry the printer let you down before your meeting. Shall we look at it together now?"
REFLECTION = "I will ask what they were trying to do before I start fixing anything."


@pytest.fixture(scope="module")
def course():
    return load()


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("drafts-browser"), "browser-drafts", free_port_pair())
    yield running
    status, rest = stop_workshop(running)
    assert status == 0, rest


def person(store, name: str):
    """A participant of the workshop's cohort (or, on plain Voilà, of a cohort of its own)."""
    cohort = store.cohort("browser-drafts") or store.create_cohort("browser-drafts")
    return store.join(cohort.join_code, name)


def page_of(workshop, notebook: str, token: str) -> str:
    return f"http://127.0.0.1:{workshop.port}/voila/render/{notebook}?seat={token}"


def type_slowly(box, text: str) -> None:
    """Type at the end of the box as a person does: a key at a time, so that the kernel gets every change."""
    box.click()
    box.press("End")
    box.press_sequentially(text, delay=15)


def test_a_reply_and_a_reflection_typed_then_reloaded_within_a_second_are_back(workshop, desktop, course):
    store = workshop.store()
    kim = person(store, "Kim")
    module = course.module(MODULE)
    exercise, reflection = module.exercises[0], module.reflections[0]
    page = desktop
    open_page(page, page_of(workshop, module.notebook, kim.token))
    reply_box = page.locator(f".ed-exercise-{exercise.id} textarea")
    reflection_box = page.locator(f".ed-reflection-{reflection.id} textarea")
    cut = 20  # each box's last words come after a pause, so that they wait for the next save when the page is left
    type_slowly(reply_box, REPLY[:-cut])
    type_slowly(reflection_box, REFLECTION[:-cut])
    page.wait_for_timeout(1_600)  # more than SAVE_EVERY: both drafts saved so far
    type_slowly(reply_box, REPLY[-cut:])  # the first key is saved at once, the rest waits up to 1.5 s …
    type_slowly(reflection_box, REFLECTION[-cut:])
    page.wait_for_timeout(300)
    page.reload()  # … and the page is left well within that: the kernel saves them as it shuts down
    page.locator(".ed-footer").wait_for(timeout=90_000)
    expect(reply_box).to_have_value(REPLY)
    expect(reflection_box).to_have_value(REFLECTION)
    expect(page.locator(f".ed-exercise-{exercise.id} .ed-draft")).to_contain_text("Draft saved at")
    drafts = store.drafts(kim.id)
    assert drafts[f"rewrite/{exercise.id}"][0] == REPLY and drafts[f"reflection/{reflection.id}"][0] == REFLECTION
    assert store.exercise_attempts(kim.id) == {} and store.reflections(kim.id) == {}  # drafts, not answers yet


def test_the_strip_turns_to_done_without_a_reload(workshop, desktop, course):
    store = workshop.store()
    ana = person(store, "Ana")
    module = course.module(MODULE)
    pulse = course.checkpoint_after(MODULE).id
    for item in course.items_for(pulse):
        store.save_rating(ana.id, pulse, item.id, 4)
    for scenario in module.scenarios:
        store.add_scenario_attempt(ana.id, scenario.id, scenario.best_index)
    store.add_exercise_attempt(ana.id, module.exercises[0].id, REPLY, {"findings": []})
    talk = conversation.for_module(course, MODULE)
    if talk is not None:  # its practice conversation, finished along the best path
        run = conversation.played(talk, conversation.best_picks(talk))
        store.add_piece_answer(ana.id, conversation.NAME, conversation.run_key(MODULE, 1), run.model_dump())
    page = desktop
    open_page(page, page_of(workshop, module.notebook, ana.token))
    chip = page.locator(f'.ed-header .ed-strip li[data-page="{MODULE}"]')
    expect(chip).to_contain_text("○ to do")
    for reflection in module.reflections:
        card = page.locator(f".ed-reflection-{reflection.id}")
        card.locator("textarea").fill(REFLECTION)
        expect(chip).to_contain_text("○ to do")  # a draft is not an answer
        card.get_by_role("button", name="Save my reflection").click()
        expect(card).to_contain_text("Saved.")
    expect(chip).to_contain_text("✓ done")
    expect(page.locator(".ed-header")).to_contain_text("1 of 7 pages done")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_reply_with_a_draft_looks_right(workshop, browser, course, artifacts, viewport):
    store = workshop.store()
    bo = person(store, f"Bo {viewport['width']}")
    exercise = course.module(MODULE).exercises[0]
    store.save_draft(bo.id, f"rewrite/{exercise.id}", REPLY)
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if viewport == PHONE else 1)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        open_page(page, page_of(workshop, course.module(MODULE).notebook, bo.token))
        card = page.locator(f".ed-exercise-{exercise.id}")
        expect(card.locator("textarea")).to_have_value(REPLY)
        expect(card.locator(".ed-draft")).to_contain_text("Draft saved at")
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(artifacts / f"rewrite-draft-{viewport['width']}.png"))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


def test_the_file_picker_says_what_it_does_and_nothing_more(voila_server, desktop, artifacts, tmp_path):
    page = desktop
    open_page(page, voila_server.page("index.ipynb"), last=".ed-import")
    importer = page.locator(".ed-import")
    picker = importer.get_by_role("button", name="Choose my file", exact=True)
    expect(picker).to_have_text("Choose my file")
    importer.screenshot(path=str(artifacts / "file-picker.png"))
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * 6_000_000)
    with page.expect_file_chooser() as chooser:
        picker.press("Enter")  # a real button: the keyboard opens it too
    chooser.value.set_files(str(huge))
    expect(importer).to_contain_text("it is 6.0 MB, and a progress file can be at most 5 MB")  # not sent, only its size
