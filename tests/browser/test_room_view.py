"""The live room view in Chromium, for a room of 3 and of 30, at 1280 px and 375 px: it opens from the home,
nothing loaded from anywhere but the facilitator app, no console errors, a hostile name shown as text, the
person who went quiet in the middle of a page under "Needs attention", and it refreshes by itself.
Screenshots: test-artifacts/room-{3,30}[-phone].png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from empathydesk.content import load
from empathydesk.server import RoomSettings
from empathydesk.storage import Store
from empathydesk.storage import models as m
from workshop_helpers import tiny_workshop

from .conftest import DESKTOP, PHONE
from .test_facilitator_console import Watched, fits

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module", params=[3, 30], ids=["room-3", "room-30"])
def room(request, tmp_path_factory, browser):  # `browser` first: no workshop is started without Chromium
    size = request.param
    running = tiny_workshop(tmp_path_factory.mktemp(f"room-{size}"), f"Room of {size}", {"index.ipynb": ["1 + 1"]},
                            RoomSettings(pool_size=1))
    store = Store.open(running.db_url)
    content = load()
    names = ["Ada", HOSTILE, "Ada"] + [f"Person {k}" for k in range(size - 3)]
    people = [store.join(running.join_code, name) for name in names]
    store.add_scenario_attempt(people[0].id, content.module("module-1").scenarios[0].id, 0)  # working
    store.add_scenario_attempt(people[1].id, content.module("module-2").scenarios[0].id, 0)  # goes quiet
    for person in people[3::4]:
        store.add_scenario_attempt(person.id, content.module("module-3").scenarios[0].id, 1)
    with store.engine.begin() as connection:  # the hostile name answered 25 minutes ago
        connection.execute(update(m.scenario_attempts).where(m.scenario_attempts.c.participant_id == people[1].id)
                           .values(created_at=m.utcnow() - timedelta(minutes=25)))
    store.close()
    yield size, running
    running.stop()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_live_room_view_opens_from_the_home_and_shows_who_is_where(room, browser, artifacts, viewport):
    size, workshop = room
    tag = "-phone" if viewport == PHONE else ""
    base = f"http://127.0.0.1:{workshop.facilitator.port}"
    watched = Watched(browser, viewport, base)
    page = watched.page
    try:
        page.goto(base + "/room")
        expect(page).to_have_url(re.compile(r"/login\?next=%2Froom$"))
        watched.sign_in(workshop.key)
        expect(page).to_have_url(base + "/room")
        page.goto(base + "/")
        page.get_by_role("link", name=re.compile("Live room view")).click()
        expect(page).to_have_url(base + "/room")
        expect(page.get_by_role("heading", name=f"Live room view: Room of {size}")).to_be_visible()
        expect(page.locator("[data-ed=joined]")).to_contain_text(f"{size} people have joined.")
        attention = page.get_by_role("region", name="Needs attention")
        expect(attention.locator("li")).to_have_count(1)
        expect(attention.locator("li")).to_contain_text(HOSTILE)  # as text
        expect(attention.locator("li")).to_contain_text("Module 2")
        grid = page.get_by_role("table", name="Progress per participant")
        expect(grid.locator("tbody tr")).to_have_count(size + 1)  # the count row, then everyone
        expect(grid).to_contain_text(HOSTILE)
        assert page.locator("img[onerror]").count() == 0
        counts = page.get_by_role("table", name="People per page and state")
        for state in ("Working on it", "No answer for 10 min", "Finished", "Not started"):
            expect(counts).to_contain_text(state)
        expect(page.get_by_role("link", name="Detailed results")).to_have_attribute(
            "href", "/voila/render/dashboard.ipynb")
        assert fits(page, viewport["width"])  # wide tables scroll inside their box
        page.screenshot(path=str(artifacts / f"room-{size}{tag}.png"), full_page=True)

        assert watched.errors == []
        assert watched.elsewhere() == []
        assert any(url.endswith("/console-static/room.js") for url in watched.requests)
        assert workshop.key not in page.content()
    finally:
        watched.context.close()


def test_the_live_room_view_refreshes_by_itself(room, browser):
    size, workshop = room
    if size != 3:
        pytest.skip("once is enough")
    base = f"http://127.0.0.1:{workshop.facilitator.port}"
    watched = Watched(browser, DESKTOP, base)
    page = watched.page
    try:
        page.goto(base + "/room")
        watched.sign_in(workshop.key)
        expect(page.locator("[data-ed=joined]")).to_contain_text("3 people have joined.")
        store = Store.open(workshop.db_url)
        store.join(workshop.join_code, "Dee")
        store.close()
        expect(page.locator("[data-ed=joined]")).to_contain_text("4 people have joined.", timeout=15_000)
        expect(page.get_by_role("table", name="Progress per participant")).to_contain_text("Dee")
        assert watched.errors == [] and watched.elsewhere() == []
        assert any(url.endswith("/room/live.json") for url in watched.requests)
    finally:
        watched.context.close()
