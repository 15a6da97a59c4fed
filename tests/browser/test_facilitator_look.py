"""The facilitator's pages in Chromium, light and dark, at 1280 px and 375 px: the sign-in page, the participants,
the dashboard and the join screen follow the browser's colour scheme (the design tokens), no button cuts its
label off (the new link's confirmation shown too), nothing sticks out past the screen's edge, and axe-core (contrast included) finds nothing.
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
    assert page.evaluate(GROUND_NOW) == GROUND[scheme], f"{name} does not follow the {scheme} scheme"
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
    finally:
        visit.context.close()
