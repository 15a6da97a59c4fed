"""The detailed results (the dashboard notebook) in Chromium for a room of three where two share their answers:
both are shown one by one, and no group figure is (each says "hidden"), since any of them would give away the
third person's answers. Screenshot: test-artifacts/dashboard-room-3.png.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from empathydesk.server import RoomSettings, Workshop
from empathydesk.storage import Store
from workshop_helpers import free_port_pair, notebook

from .conftest import DESKTOP
from .test_facilitator_console import Watched

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
OPEN = 180_000  # ms: the dashboard's kernel starts with pandas and matplotlib


@pytest.fixture(scope="module")
def room_of_three(tmp_path_factory, browser):  # `browser` first: no workshop is started without Chromium
    base = tmp_path_factory.mktemp("dashboard-room")
    notebooks, staff = base / "notebooks", base / "workshop"
    notebooks.mkdir()
    staff.mkdir()
    notebook(notebooks / "index.ipynb", "1 + 1")
    shutil.copy(REPO / "workshop" / "dashboard.ipynb", staff)
    running = Workshop(cohort="Room of three", host="127.0.0.1", port=free_port_pair("127.0.0.1"),
                       db_url=f"sqlite:///{base}/db.sqlite", log_dir=base / "logs",
                       settings=RoomSettings(pool_size=1), notebooks=notebooks, workshop=staff)
    running.start()
    store = Store.open(running.db_url)
    content = load()
    rng = random.Random(3)
    people = [store.join(running.join_code, name) for name in ("Ana", "Bo", "Cy")]
    for person in people:  # everyone takes the start and the end check-in
        for role in ("start", "end"):
            checkpoint = content.checkpoint_for(role).id
            for item in content.items_for(checkpoint):
                store.save_rating(person.id, checkpoint, item.id, rng.randint(2, 5))
    store.set_consent(people[0].id, True)
    store.set_consent(people[1].id, True)  # Cy does not share
    store.close()
    yield running
    running.stop()


def test_a_room_of_three_shows_the_two_who_share_and_no_group_figure(room_of_three, browser, artifacts):
    base = f"http://127.0.0.1:{room_of_three.facilitator.port}"
    watched = Watched(browser, DESKTOP, base)
    page = watched.page
    try:
        page.goto(base + "/voila/render/dashboard.ipynb")
        watched.sign_in(room_of_three.key)
        shared = page.get_by_role("table", name="Scores of people who share their answers")
        expect(shared).to_be_visible(timeout=OPEN)
        expect(shared.locator("tbody tr")).to_have_count(2)
        expect(shared).to_contain_text("Ana")
        expect(shared).to_contain_text("Bo")
        expect(shared).not_to_contain_text("Cy")  # who is where shows everyone; answers only those who share
        change = page.get_by_role("table", name="Change per skill")
        rows = change.locator("tbody tr")
        expect(rows).to_have_count(len(load().instrument.competencies))
        for k in range(rows.count()):
            expect(rows.nth(k)).to_contain_text("hidden")
            assert "+" not in rows.nth(k).inner_text().split("(n=")[0]  # no change figure before the hidden note
        page.screenshot(path=str(artifacts / "dashboard-room-3.png"), full_page=True)
        assert watched.elsewhere() == []
    finally:
        watched.context.close()
