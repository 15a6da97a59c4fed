"""The facilitator's pages in Chromium, light and dark, at 1280 px and 375 px: the sign-in page, the participants,
the dashboard, the join screen and the facilitator app's own pages (the home, the live room view, the presenter view
with its timer running and at time up, a plan of the run of show) follow the browser's colour scheme (the design
tokens), no button cuts its label off (the new link's confirmation shown too), nothing sticks out past the screen's
edge, and axe-core (contrast included) finds nothing.
Screenshots: test-artifacts/look-<page>-<scheme>-<width>.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workshop_helpers import answer_some, free_port_pair

from .conftest import start_workshop, stop_workshop
from .test_accessibility import FACILITATOR_PAGES, WIDTHS, Visit, no_findings

pytestmark = pytest.mark.browser

# the page's ground in each scheme: tokens.css's --ed-color-bg, light and dark
GROUND = {"light": "rgb(247, 246, 242)", "dark": "rgb(18, 21, 25)"}
# the presenter view's: --ed-color-surface (the projector's brightest ground in light, the cards' ground in dark)
SURFACE = {"light": "rgb(255, 255, 255)", "dark": "rgb(27, 32, 38)"}
CONSOLE_PAGES = {"home": ("", "[data-ed=joined]"), "room": ("room", "[data-ed=joined]"),
                 "plan": ("run-of-show/b", ".ed-markdown table"), "presenter": ("presenter", ".ed-clock")}  # last
CUT_OFF = """() => [...document.querySelectorAll('button')]
    .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.trim())"""
WIDEST = "() => document.documentElement.scrollWidth"
GROUND_NOW = "() => getComputedStyle(document.body).backgroundColor"
LABELS = {"participants.ipynb": ("Refresh the list", "Make a new link", "Close the room to new people"),
          "dashboard.ipynb": ("Refresh now",)}  # buttons whose labels ipywidgets' fixed width used to cut off


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("look"), "look", free_port_pair())
    store = running.store()
    for n, name in enumerate(("Ada", "Ben", "Cleo", "Dev", "Ema", "<b>Finn</b>")):
        person = store.join(running.code, name)
        if n < 5:
            answer_some(store, person.id)
        store.set_consent(person.id, n % 2 == 0)
    yield running
    stop_workshop(running)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def looks_right(visit: Visit, axe, scheme: str, name: str, artifacts) -> None:
    page = visit.page
    ground = (SURFACE if name.startswith("presenter") else GROUND)[scheme]
    assert page.evaluate(GROUND_NOW) == ground, f"{name} does not follow the {scheme} scheme"
    assert page.evaluate(CUT_OFF) == [], f"{name}: buttons cut their labels off at {visit.width} px"
    assert page.evaluate(WIDEST) <= visit.width, f"{name} is wider than {visit.width} px"
    no_findings(axe, visit, f"{name} ({scheme})")
    page.screenshot(path=str(artifacts / f"look-{name}-{scheme}-{visit.width}.png"), full_page=True)


@pytest.mark.parametrize("scheme", GROUND)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_facilitators_pages_follow_the_scheme_and_show_every_label(workshop, browser, axe, artifacts, width,
                                                                     scheme):
    visit = Visit(browser, width)
    page = visit.page
    page.emulate_media(color_scheme=scheme)
    try:
        page.goto(f"{workshop.facilitator}/voila/render/participants.ipynb")
        page.get_by_label("Facilitator key").wait_for()
        looks_right(visit, axe, scheme, "sign-in", artifacts)
        page.get_by_label("Facilitator key").fill(workshop.key)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/voila/render/participants.ipynb")  # signed in, back where the key was asked for
        for notebook, drawn in FACILITATOR_PAGES.items():
            if notebook != "participants.ipynb":
                page.goto(f"{workshop.facilitator}/voila/render/{notebook}")
            visit.wait(drawn)
            for label in LABELS.get(notebook, ()):
                assert page.get_by_role("button", name=label).is_visible(), f"{notebook}: no {label!r}"
            if notebook == "participants.ipynb":  # the longest label: the confirmation of a new link
                page.locator("select").select_option(index=0)
                page.get_by_label("Their check code").fill("ZZZZ")
                page.get_by_role("button", name="Make a new link").click()
                expect(page.get_by_role("button", name=re.compile("^Yes, make it"))).to_be_visible()
            looks_right(visit, axe, scheme, notebook.removesuffix(".ipynb"), artifacts)
        for name, (path, drawn) in CONSOLE_PAGES.items():
            page.goto(f"{workshop.facilitator}/{path}")
            visit.wait(drawn)
            looks_right(visit, axe, scheme, name, artifacts)
        page.keyboard.press(" ")  # the presenter view's timer runs, then loses its minutes: time is up
        expect(page.locator("main.ed-running")).to_have_count(1)
        for _ in range(6):
            page.keyboard.press("-")
        expect(page.locator("main.ed-time-up")).to_have_count(1)
        looks_right(visit, axe, scheme, "presenter-time-up", artifacts)
    finally:
        visit.context.close()
