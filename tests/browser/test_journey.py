"""A participant's whole workshop in a real browser, against `empathydesk workshop` (what `make workshop` runs):
join with the code link, the baseline self-assessment, module 1 (scenarios, rewrite, practice conversation, reflection, pulse), the
wrap-up, the progress chart and the report download; the facilitator's dashboard shows them.

The server is started by this test on free ports with a temporary database. Screenshots of each step go to
test-artifacts/journey-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from workshop_helpers import free_port_pair

from .conftest import play_best_path, start_workshop, stop_workshop

pytestmark = pytest.mark.browser

NAME = "Robin"
REPLY = ("I'm sorry the printer let you down right before your meeting. I've cleared the queue: "
         "could you try again and tell me if it prints?")
REFLECTION = "I will ask what the person was trying to do before I start fixing things."


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("journey"), "journey", free_port_pair())
    yield running
    stop_workshop(running)


def shoot(page, artifacts: Path, name: str) -> None:
    """The whole page (Voilà scrolls inside a panel, so the viewport is made as tall as the content first)."""
    size = page.viewport_size
    height = page.evaluate(
        "() => { const e = document.querySelector('#rendered_cells'); return e ? e.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 40, 12_000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"journey-{name}.png"), full_page=True)
    page.set_viewport_size(size)


def wait_for_page(page) -> None:
    """Every cell has run and is drawn: the page's footer (its last piece) is visible."""
    page.locator(".ed-footer").first.wait_for(state="visible", timeout=240_000)


def answer_form(page, checkpoint: str, pick) -> int:
    form = page.locator(f".ed-checkpoint-{checkpoint}")
    items = form.locator(".ed-item")
    expect(items.first).to_be_visible()
    count = items.count()
    for i in range(count):
        items.nth(i).locator("input[type=radio]").nth(pick(i)).check()
    expect(form).to_contain_text(f"All {count} answered")
    return count


def test_a_participant_s_whole_journey(workshop, browser, artifacts):
    course = load()
    module = course.module("module-1")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(90_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. join with the link of the QR code: the code is filled in, Robin types a name
    page.goto(f"{workshop.join_link}?code={workshop.code}")
    expect(page.get_by_label("Join code")).to_have_value(workshop.code)
    page.get_by_label("Your name for today").fill(NAME)
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.locator("[data-ed=greeting]")).to_have_text(f"Welcome, {NAME}: you have joined.")
    token = page.locator("[data-ed=personal-link]").get_attribute("href").split("seat=", 1)[1]
    shoot(page, artifacts, "1-joined")

    # 2. the welcome page: share my answers, then the baseline self-assessment
    page.locator("a.ed-next").first.click()
    wait_for_page(page)
    assert f"seat={token}" in page.url
    expect(page.locator(".ed-header")).to_contain_text(f"You are taking part as {NAME}")
    page.locator(".ed-consent-box input[type=checkbox]").first.check()
    expect(page.locator(".ed-consent-box").first).to_contain_text("the facilitator can see your own answers")
    baseline = answer_form(page, "baseline", lambda i: 1 + i % 3)  # "Disagree" .. "Agree"
    shoot(page, artifacts, "2-welcome")

    # 3. module 1 (the footer's next link): scenarios, the rewrite exercise, the pulse
    page.locator(".ed-footer a.ed-next").click()
    wait_for_page(page)
    assert page.url.split("?")[0].endswith(module.notebook)
    for n, scenario in enumerate(module.scenarios):
        card = page.locator(f".ed-scenario-{scenario.id}")
        # options are shown in each person's own order: find them by their words
        def radio(i):
            return card.get_by_role("radio", name=scenario.options[i].text, exact=True)

        if n == 0:  # the first one wrong, then right: a second try
            radio(next(i for i in range(len(scenario.options)) if i != scenario.best_index)).check()
            card.get_by_role("button", name="Check my answer").click()
            expect(card).to_contain_text("Not the best choice")
        radio(scenario.best_index).check()
        card.get_by_role("button", name="Check my answer").click()
        expect(card).to_contain_text("Good choice")
    exercise = module.exercises[0]
    card = page.locator(f".ed-exercise-{exercise.id}")
    card.locator("textarea").fill(REPLY)
    card.get_by_role("button", name="Check my reply").click()
    expect(card).to_contain_text("Attempt 1 is saved")
    play_best_path(page, course, module.id)  # the practice conversation: a module is done once a run ends
    for reflection in module.reflections:  # a draft as typed, saved with its button
        box = page.locator(f".ed-reflection-{reflection.id}")
        box.locator("textarea").fill(REFLECTION)
        box.get_by_role("button", name="Save my reflection").click()
        expect(box).to_contain_text("Saved.")
    pulse = answer_form(page, "after-module-1", lambda i: 3)
    shoot(page, artifacts, "3-module-1")

    # 4. the wrap-up, from the progress strip at the top of the page
    page.locator('.ed-header .ed-strip li[data-page="wrap-up"] a').click()
    wait_for_page(page)
    expect(page.locator('.ed-header .ed-strip li[data-page="module-1"]')).to_contain_text("done")
    wrap_up = answer_form(page, "wrap-up", lambda i: 2 + i % 3)

    # 5. my progress: the charts (with text alternatives), then the report
    progress = page.locator(".ed-my-progress")
    progress.get_by_role("button", name="Show my charts").click()
    charts = progress.locator("img")
    expect(charts.first).to_be_visible(timeout=120_000)
    assert all((charts.nth(i).get_attribute("alt") or "").strip() for i in range(charts.count()))
    shoot(page, artifacts, "4-wrap-up")
    with page.expect_download() as download_info:
        progress.locator("a.ed-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    report = Path(download.path()).read_bytes()
    assert report.startswith(b"%PDF") and len(report) > 2_000

    # everything Robin answered is in the database
    store = workshop.store()
    robin = store.participant_by_token(token)
    assert robin.pseudonym == NAME and robin.consent
    ratings = store.ratings(robin.id)
    assert (len(ratings["baseline"]), len(ratings["after-module-1"]), len(ratings["wrap-up"])) == (baseline, pulse, wrap_up)
    attempts = store.scenario_attempts(robin.id)
    assert all(attempts[s.id][-1] == s.best_index for s in module.scenarios)
    assert len(attempts[module.scenarios[0].id]) == 2
    assert [a["text"] for a in store.exercise_attempts(robin.id)[exercise.id]] == [REPLY]

    # 6. the facilitator's dashboard shows Robin
    facilitator = context.new_page()
    facilitator.goto(f"{workshop.facilitator}/voila/render/dashboard.ipynb?token={workshop.key}")
    dash = facilitator.locator(".ed-dash")
    expect(dash).to_be_visible(timeout=120_000)
    expect(dash).to_contain_text("1 joined")
    expect(dash).to_contain_text(NAME)
    shoot(facilitator, artifacts, "5-dashboard")

    assert not [e for e in errors if "Traceback" in e], errors
    context.close()
