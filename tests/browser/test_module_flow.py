"""A participant completes module 1 in a real browser; their answers survive a reload, a new kernel and a
new server. Keyboard-only use, hostile input, 375 px screens, saving and loading a progress file. Each
participant sees a scenario's options in an order of their own, the same after a reload; after answering,
the feedback of every option shows."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from empathydesk import paths
from empathydesk.content import load
from empathydesk.pieces import conversation
from empathydesk.widgets.scenario import option_order

from .conftest import PHONE, open_page, overflowing, play_best_path, shoot, start_voila, stop_voila

pytestmark = pytest.mark.browser

MODULE = "module-1"
REPLY = "No problem at all, it is easy to lose track of. Would you like me to show you where it lives?"
REFLECTION = "It feels like starting over each time, and a patient helper makes all the difference."


@pytest.fixture(scope="module")
def course():
    return load()


def notebook(course, module_id=MODULE):
    return course.module(module_id).notebook


def pieces_on_page(course, module_id=MODULE) -> int:
    """How many pieces the module's notebook shows (the names in its ed.show calls)."""
    cells = json.loads((paths.notebooks_dir() / notebook(course, module_id)).read_text())["cells"]
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return len(re.findall(r'"module-\d+/[a-z-]+"', code))


def radio(card, option):
    """The radio button of `option`, found by its words: options are shown in each person's own order."""
    return card.get_by_role("radio", name=option.text, exact=True)


def shown(card) -> list[str]:
    """The options' words in the order the card shows them."""
    return card.locator("input[type=radio]").evaluate_all("els => els.map(e => e.closest('label').textContent.trim())")


def answer_module(page, course):
    module = course.module(MODULE)
    # scenarios: the first one wrong, then right; the others right first time
    for n, scenario in enumerate(module.scenarios):
        card = page.locator(f".ed-scenario-{scenario.id}")
        radios = card.locator("input[type=radio]")
        expect(radios).to_have_count(len(scenario.options))
        if n == 0:
            wrong = next(i for i in range(len(scenario.options)) if i != scenario.best_index)
            radio(card, scenario.options[wrong]).check()
            card.get_by_role("button", name="Check my answer").click()
            expect(card).to_contain_text("Not the best choice")
            expect(card).to_contain_text("Have another go")
        radio(card, scenario.options[scenario.best_index]).check()
        card.get_by_role("button", name="Check my answer").click()
        expect(card).to_contain_text("Good choice")
        expect(card.get_by_role("button", name="Done")).to_be_disabled()
    # rewrites: check a reply; the first one twice (try again)
    for n, exercise in enumerate(module.exercises):
        card = page.locator(f".ed-exercise-{exercise.id}")
        card.locator("textarea").fill(REPLY + f" ({n})")
        card.get_by_role("button", name="Check my reply").click()
        expect(card).to_contain_text("Attempt 1 is saved")
        expect(card).to_contain_text("What a good reply does")
        if n == 0:
            card.locator("textarea").fill(REPLY + " Then I can send you a short note for next time. (0)")
            card.get_by_role("button", name="Check my reply again").click()
            expect(card).to_contain_text("Attempt 2 is saved")
    play_best_path(page, course, MODULE)  # the practice conversation
    # reflection: a draft as typed, saved with its button
    for reflection in module.reflections:
        card = page.locator(f".ed-reflection-{reflection.id}")
        card.locator("textarea").fill(REFLECTION)
        card.get_by_role("button", name="Save my reflection").click()
        expect(card).to_contain_text("Saved.")
    # the pulse: "Agree" to every item
    form = page.locator(".ed-checkpoint-after-module-1")
    items = form.locator(".ed-item")
    for i in range(items.count()):
        items.nth(i).locator("input[type=radio]").nth(3).check()
    expect(form).to_contain_text(f"All {items.count()} answered")
    expect(form).to_contain_text("Your summary")


def expect_module_kept(page, course):
    module = course.module(MODULE)
    for scenario in module.scenarios:
        card = page.locator(f".ed-scenario-{scenario.id}")
        expect(radio(card, scenario.options[scenario.best_index])).to_be_checked()
        expect(card).to_contain_text("Good choice")
    first = page.locator(f".ed-exercise-{module.exercises[0].id}")
    expect(first.locator("textarea")).to_have_value(REPLY + " Then I can send you a short note for next time. (0)")
    expect(first).to_contain_text("Attempt 2 is saved")
    for reflection in module.reflections:
        expect(page.locator(f".ed-reflection-{reflection.id} textarea")).to_have_value(REFLECTION)
    form = page.locator(".ed-checkpoint-after-module-1")
    for i in range(form.locator(".ed-item").count()):
        expect(form.locator(".ed-item").nth(i).locator("input[type=radio]").nth(3)).to_be_checked()
    expect(form).to_contain_text("answered. Thank you!")
    if conversation.for_module(course, MODULE):
        expect(page.locator(".ed-conversation")).to_contain_text("How it ended: resolved and reassured")
    chip = page.locator('.ed-header .ed-strip li[data-page="module-1"]')
    expect(chip).to_contain_text("✓ done")


def test_complete_a_module_then_reload_then_restart(voila_server, desktop, course, artifacts):
    page = desktop
    open_page(page, voila_server.page(notebook(course)))
    expect(page.locator('.ed-header .ed-strip li[data-page="module-1"]')).to_contain_text("○ to do")
    answer_module(page, course)
    shoot(page, artifacts, "module-1-answered-desktop")

    store = voila_server.store()
    me = store.local_participant()
    module = course.module(MODULE)
    first = module.scenarios[0]
    assert store.scenario_attempts(me.id)[first.id][-1] == first.best_index
    assert len(store.scenario_attempts(me.id)[first.id]) == 2  # the first (wrong) choice is kept: it counts
    assert len(store.exercise_attempts(me.id)[module.exercises[0].id]) == 2
    assert store.reflections(me.id)[module.reflections[0].id] == REFLECTION
    assert set(store.ratings(me.id)["after-module-1"].values()) == {4}

    page.reload()  # a new page load is a new kernel in Voilà
    page.locator(".ed-footer").wait_for(timeout=90_000)
    expect_module_kept(page, course)

    # a whole new server (so new kernels in a new process) on the same data
    second = start_voila(voila_server.data_dir, voila_server.data_dir / "voila-2.log")
    try:
        open_page(page, second.page(notebook(course)))
        expect_module_kept(page, course)
    finally:
        stop_voila(second.process)


def test_footer_link_keeps_the_token(voila_server, desktop, course):
    store = voila_server.store()
    cohort = store.create_cohort("Browser footer")
    person = store.join(cohort.join_code, "Kim")
    page = desktop
    open_page(page, voila_server.page(notebook(course), person.token))
    expect(page.locator(".ed-header")).to_contain_text("You are taking part as Kim")
    page.locator(".ed-footer a.ed-next").click()
    page.locator(".ed-footer").wait_for(timeout=90_000)
    assert page.url.endswith(f"{notebook(course, 'module-2')}?seat={person.token}")
    expect(page.locator(".ed-header")).to_contain_text("You are taking part as Kim")


def test_keyboard_only(voila_server, desktop, course):
    page = desktop
    module = course.module("module-2")
    open_page(page, voila_server.page(notebook(course, "module-2")))
    scenario = module.scenarios[0]
    card = page.locator(f".ed-scenario-{scenario.id}")
    radio(card, scenario.options[scenario.best_index]).focus()
    page.keyboard.press("Space")
    for _ in range(len(scenario.options) + 2):  # Tab on to the button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.includes('Check my answer')"):
            break
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "3px", "keyboard focus must be clearly visible"
    page.keyboard.press("Enter")
    expect(card).to_contain_text("Good choice")

    # on one's own there is no one to share with: no consent box (tests/browser/test_accessibility.py takes a
    # workshop's by keyboard)
    expect(page.locator(".ed-header")).to_contain_text("You are studying on your own, as Me")
    expect(page.locator(".ed-header input[type=checkbox]")).to_have_count(0)

    reflection = page.locator(".ed-reflection textarea").first
    reflection.focus()
    page.keyboard.type("Typed with the keyboard only.")
    page.keyboard.press("Tab")  # on to "Save my reflection"
    page.keyboard.press("Enter")
    expect(page.locator(".ed-reflection")).to_contain_text("Saved.")


def test_hosted_page_with_a_wrong_link_says_what_to_do(voila_server, desktop, course):
    hosted = start_voila(voila_server.data_dir, voila_server.data_dir / "voila-hosted.log", EMPATHYDESK_HOSTED="1")
    try:
        page = desktop
        page.goto(hosted.page(notebook(course), "not-a-real-token"))
        message = page.locator(".ed-no-participant").first
        message.wait_for(timeout=90_000)
        expect(message).to_contain_text("join code")
        expect(message).to_contain_text("ask the facilitator for your personal link")
        expect(page.locator(".ed-piece")).to_have_count(pieces_on_page(course), timeout=90_000)  # every cell ran
        expect(page.locator(".ed-discussion")).to_be_visible()  # the questions are for everyone
        assert page.locator(".ed-card, .ed-item, .ed-header").count() == 0
        assert "Traceback" not in page.content()
    finally:
        stop_voila(hosted.process)


HOSTILE_NAME = "<img src=x onerror=window.pw=1>"
HOSTILE_TEXT = '<script>window.pw=2</script><img src=x onerror="window.pw=3"><b>bold?</b> & Just do it.'


def test_hostile_input_is_shown_as_text(voila_server, desktop, course, artifacts):
    store = voila_server.store()
    cohort = store.create_cohort("Browser hostile")
    person = store.join(cohort.join_code, HOSTILE_NAME)
    page = desktop
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    url = voila_server.page(notebook(course), person.token)
    open_page(page, url)
    expect(page.locator(".ed-header")).to_contain_text(f"You are taking part as {HOSTILE_NAME}")

    exercise = course.module(MODULE).exercises[0]
    card = page.locator(f".ed-exercise-{exercise.id}")
    card.locator("textarea").fill(HOSTILE_TEXT)
    card.get_by_role("button", name="Check my reply").click()
    expect(card.locator(".ed-quote").nth(1)).to_contain_text(HOSTILE_TEXT)  # shown back, as text

    reflection = page.locator(".ed-reflection textarea").first
    reflection.fill(HOSTILE_TEXT)
    page.locator(".ed-reflection").get_by_role("button", name="Save my reflection").first.click()
    expect(page.locator(".ed-reflection")).to_contain_text("Saved.")

    page.reload()
    page.locator(".ed-footer").wait_for(timeout=90_000)
    expect(page.locator(".ed-reflection textarea").first).to_have_value(HOSTILE_TEXT)
    expect(card.locator(".ed-quote").nth(1)).to_contain_text(HOSTILE_TEXT)
    assert page.evaluate("() => window.pw") is None and not dialogs
    assert page.locator(".ed-piece img, .ed-piece script:not(style)").count() == 0
    assert page.locator(".ed-piece b").count() == 0
    page.locator(".ed-header").screenshot(path=str(artifacts / "hostile-header.png"))
    card.screenshot(path=str(artifacts / "hostile-rewrite.png"))

    # a 1 MB paste is refused with a message, and what was saved stays
    big = "x" * 1_000_000
    reflection = page.locator(".ed-reflection textarea").first
    reflection.fill(big)
    expect(page.locator(".ed-reflection")).to_contain_text("at most 10,000")
    card.locator("textarea").fill(big)
    card.get_by_role("button", name="Check my reply again").click()
    expect(card).to_contain_text("at most 4,000")
    assert store.reflections(person.id)[course.module(MODULE).reflections[0].id] == HOSTILE_TEXT
    assert len(store.exercise_attempts(person.id)[exercise.id]) == 1


def test_each_person_has_their_own_order(voila_server, desktop, course, artifacts):
    """Ann answers a scenario, sees the feedback of every option, reloads: the same order. Bo sees another."""
    store = voila_server.store()
    cohort = store.create_cohort("Browser order")
    ann = store.join(cohort.join_code, "Ann")
    bo = store.join(cohort.join_code, "Bo")
    module = course.module("module-2")

    def order(who, sc):
        return option_order(who.id, sc.id, len(sc.options))

    scenario = next(sc for sc in module.scenarios if order(ann, sc) != order(bo, sc))
    texts = {who.id: [scenario.options[i].text for i in order(who, scenario)] for who in (ann, bo)}
    best = scenario.options[scenario.best_index]
    first = next(i for i in order(ann, scenario) if i != scenario.best_index)

    page = desktop
    open_page(page, voila_server.page(notebook(course, "module-2"), ann.token))
    card = page.locator(f".ed-scenario-{scenario.id}")
    assert shown(card) == texts[ann.id]
    radio(card, scenario.options[first]).check()
    card.get_by_role("button", name="Check my answer").click()
    expect(card).to_contain_text("Have another go")
    radio(card, best).check()
    card.get_by_role("button", name="Check my answer").click()
    expect(card).to_contain_text("Good choice")
    expect(card).to_contain_text("Feedback on every answer")
    for option in scenario.options:
        expect(card).to_contain_text(option.feedback)
    expect(card).to_contain_text("Your first choice was not the best one")
    expect(card).to_contain_text("(Your first choice)")
    card.screenshot(path=str(artifacts / "scenario-every-feedback.png"))
    # stored as the options' places in the file, not as the places shown
    assert store.scenario_attempts(ann.id)[scenario.id] == [first, scenario.best_index]

    page.reload()
    page.locator(".ed-footer").wait_for(timeout=90_000)
    card = page.locator(f".ed-scenario-{scenario.id}")
    assert shown(card) == texts[ann.id]
    expect(radio(card, best)).to_be_checked()
    expect(card).to_contain_text("Feedback on every answer")
    expect(card).to_contain_text("Your first choice was not the best one")

    open_page(page, voila_server.page(notebook(course, "module-2"), bo.token))
    card = page.locator(f".ed-scenario-{scenario.id}")
    assert shown(card) == texts[bo.id] != texts[ann.id]
    assert "Feedback on every answer" not in card.inner_text()


def test_phone_width(voila_server, phone, course, artifacts):
    page = phone
    module = course.module("module-3")
    open_page(page, voila_server.page(notebook(course, "module-3")))
    assert overflowing(page, PHONE["width"]) == []
    scenario = module.scenarios[0]
    card = page.locator(f".ed-scenario-{scenario.id}")
    wrong = next(i for i in range(len(scenario.options)) if i != scenario.best_index)
    radio(card, scenario.options[wrong]).check()
    card.get_by_role("button", name="Check my answer").click()
    expect(card).to_contain_text("Not the best choice")
    radio(card, scenario.options[scenario.best_index]).check()
    card.get_by_role("button", name="Check my answer").click()
    expect(card).to_contain_text("Feedback on every answer")  # the longest card: every option's feedback
    expect(card).to_contain_text("Your first choice was not the best one")
    exercise = page.locator(".ed-card").filter(has=page.locator("textarea")).first
    exercise.locator("textarea").fill("Just reboot it. It's obviously the cache, you should have cleared it.")
    exercise.get_by_role("button", name="Check my reply").click()
    expect(exercise).to_contain_text("Attempt 1 is saved")
    assert overflowing(page, PHONE["width"]) == []
    shoot(page, artifacts, "module-3-answered-phone")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("page_id", ["welcome", "module-1", "wrap-up"])
def test_screenshots_of_every_piece(voila_server, request, course, artifacts, viewport, page_id):
    page = request.getfixturevalue(viewport)
    name = {"welcome": "00-welcome.ipynb", "wrap-up": "06-wrap-up.ipynb"}.get(page_id) or notebook(course, page_id)
    open_page(page, voila_server.page(name))
    if viewport == "phone":
        assert overflowing(page, PHONE["width"]) == []
    shoot(page, artifacts, f"{page_id}-{viewport}")
    assert page.locator(".ed-broken, .ed-unknown").count() == 0


def test_save_and_load_a_progress_file(voila_server, desktop, course, tmp_path, artifacts):
    page = desktop
    open_page(page, voila_server.page("06-wrap-up.ipynb"))
    export = page.locator(".ed-export")
    export.get_by_role("button", name="Save my progress").click()
    link = export.locator("a.ed-download")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["pseudonym"] and "reflections" in data
    export.screenshot(path=str(artifacts / "export-after-save.png"))

    importer = page.locator(".ed-import")

    def upload(file):
        with page.expect_file_chooser() as chooser:
            importer.get_by_role("button", name="Choose my file").click()
        chooser.value.set_files(str(file))

    upload(path)
    expect(importer).to_contain_text("Your progress is loaded")
    importer.screenshot(path=str(artifacts / "import-after-load.png"))

    bad = tmp_path / "not-progress.json"
    bad.write_text("<script>window.pw=1</script>")
    upload(bad)
    expect(importer).to_contain_text("does not look like an EmpathyDesk progress file")
    assert page.evaluate("() => window.pw") is None
