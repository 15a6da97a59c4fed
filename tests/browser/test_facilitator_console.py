"""The facilitator's home, the presenter view and the sign-in page ("no key") in Chromium, at 1280 px and
375 px: nothing loaded from anywhere but the facilitator app, no console errors, the timer counts down and the
keys move on. Screenshots: test-artifacts/console-{no-key,home,presenter,plan}[-phone].png.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from empathydesk.server import RoomSettings
from empathydesk.storage import Store
from workshop_helpers import tiny_workshop

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser
START = datetime(2026, 3, 2, 9, 0)


@pytest.fixture(scope="module")
def workshop(tmp_path_factory, browser):  # `browser` first: no workshop is started without Chromium
    running = tiny_workshop(tmp_path_factory.mktemp("console-browser"), "Retreat March", {"index.ipynb": ["1 + 1"]},
                            RoomSettings(pool_size=1))
    store = Store.open(running.db_url)
    module_1 = load().module("module-1")
    for name in ("Ada", "Ben", "Cleo"):
        person = store.join(running.join_code, name)
        if name != "Cleo":
            store.add_scenario_attempt(person.id, module_1.scenarios[0].id, 0)
    yield running
    running.stop()


class Watched:
    """A page whose requests and console errors are written down."""

    def __init__(self, browser, viewport: dict, base: str) -> None:
        phone = viewport == PHONE
        self.context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        self.base, self.requests, self.errors = base, [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def elsewhere(self) -> list[str]:
        """Requests that went anywhere but the facilitator app."""
        return [url for url in self.requests if not url.startswith((self.base + "/", "data:"))]

    def sign_in(self, key: str) -> None:
        self.page.get_by_label("Facilitator key").fill(key)
        self.page.get_by_role("button", name="Sign in").click()


def shoot(page, artifacts: Path, name: str) -> Path:
    path = artifacts / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_facilitator_opens_the_home_and_nothing_leaves_the_machine(workshop, browser, artifacts, viewport):
    tag = "-phone" if viewport == PHONE else ""
    base = f"http://127.0.0.1:{workshop.facilitator.port}"
    watched = Watched(browser, viewport, base)
    page = watched.page
    try:
        page.goto(base + "/")
        expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
        expect(page.get_by_role("heading", name="Facilitator sign-in")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("terminal window where the workshop was started")
        assert fits(page, viewport["width"])
        shoot(page, artifacts, f"no-key{tag}")

        watched.sign_in(workshop.key)
        expect(page.get_by_role("heading", name="Workshop: Retreat March")).to_be_visible()
        assert page.url == base + "/"
        expect(page.locator("[data-ed=join-code]")).to_have_text(workshop.join_code)
        expect(page.locator("[data-ed=joined]")).to_contain_text("3 people have joined.")
        entries = page.get_by_role("navigation", name="Facilitator pages").get_by_role("link")
        expect(entries).to_have_count(5)
        for name in ("Live room view", "Detailed results", "Presenter view", "Join screen", "Participants"):
            expect(page.get_by_role("link", name=re.compile(name))).to_be_visible()
        assert fits(page, viewport["width"])
        shoot(page, artifacts, f"home{tag}")
        assert workshop.key not in page.content()

        page.get_by_role("link", name="Plan B: half-day retreat (4 hours)").click()
        expect(page.get_by_role("heading", name="Plan B: half-day retreat (4 hours)")).to_be_visible()
        expect(page.get_by_role("table")).to_contain_text("Module 2: A person, not a ticket")
        assert fits(page, viewport["width"])
        shoot(page, artifacts, f"plan{tag}")

        assert watched.errors == []
        assert watched.elsewhere() == []
        assert any(url.endswith("/console-static/console.css") for url in watched.requests)
    finally:
        watched.context.close()


def test_the_presenter_view_counts_down_and_moves_on_with_the_keyboard(workshop, browser, artifacts):
    base = f"http://127.0.0.1:{workshop.facilitator.port}"
    watched = Watched(browser, {"width": 1280, "height": 800}, base)
    page = watched.page
    try:
        page.clock.install(time=START)
        page.goto(base + "/presenter")
        watched.sign_in(workshop.key)
        expect(page).to_have_url(base + "/presenter")
        page.clock.pause_at(START + timedelta(hours=1))  # from here on the test moves time on itself
        module = page.locator(".ed-module:visible")
        expect(module.get_by_role("heading", level=1)).to_have_text("See it from their side")
        expect(page.locator("[data-ed=joined]")).to_have_text("3 people have joined.")
        expect(page.locator("[data-ed=working]")).to_have_text("2")
        expect(page.locator("[data-ed=waiting]")).to_have_text("1")
        clock = page.locator("[data-ed=clock]")
        expect(clock).to_have_text("5:00")

        page.keyboard.press("+")
        page.keyboard.press("+")
        page.keyboard.press("-")
        expect(clock).to_have_text("6:00")
        page.keyboard.press(" ")
        expect(page.locator("[data-ed=timer-state]")).to_have_text("Running")
        page.clock.run_for(2_500)
        expect(clock).to_have_text("5:58")
        shoot(page, artifacts, "presenter")
        page.keyboard.press(" ")
        expect(page.locator("[data-ed=timer-state]")).to_have_text("Paused")
        page.clock.run_for(5_000)
        expect(clock).to_have_text("5:58")  # paused: it stays

        page.keyboard.press("ArrowRight")
        expect(module.get_by_role("heading", level=1)).to_have_text("A person, not a ticket")
        expect(page).to_have_url(base + "/presenter?module=module-2")
        expect(clock).to_have_text("5:00")  # each module has its own timer
        expect(page.locator("[data-ed=working]")).to_have_text("0")
        expect(page.locator("[data-ed=waiting]")).to_have_text("3")
        page.keyboard.press("ArrowLeft")
        expect(module.get_by_role("heading", level=1)).to_have_text("See it from their side")
        expect(clock).to_have_text("5:58")
        page.keyboard.press("r")
        expect(clock).to_have_text("6:00")  # back to the minutes set for this module
        page.keyboard.press(" ")
        page.clock.run_for(6 * 60_000 + 1_000)
        expect(page.locator("[data-ed=timer-state]")).to_have_text("Time is up")
        expect(clock).to_have_text("0:00")

        page.get_by_role("button", name="Next module →").click()
        page.keyboard.press(" ")  # the clicked button did not keep the focus: space is still the timer's
        expect(page.locator("[data-ed=timer-state]")).to_have_text("Running")
        expect(module.get_by_role("heading", level=1)).to_have_text("A person, not a ticket")
        assert watched.errors == []
        assert watched.elsewhere() == []
    finally:
        watched.context.close()

    phone = Watched(browser, PHONE, base)
    try:
        phone.page.goto(base + "/presenter?module=module-3")
        phone.sign_in(workshop.key)
        expect(phone.page.locator(".ed-module:visible h1")).to_have_text("Suggestions, not orders")
        expect(phone.page.locator("[data-ed=joined]")).to_have_text("3 people have joined.")
        assert fits(phone.page, PHONE["width"])
        shoot(phone.page, artifacts, "presenter-phone")
        assert phone.errors == [] and phone.elsewhere() == []
    finally:
        phone.context.close()
