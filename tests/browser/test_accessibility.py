"""Accessibility in a real browser, against `empathydesk workshop`: axe-core finds nothing on any page, at
1280 px and at 375 px; the welcome page can be finished with the keyboard alone in a few tab stops; the
lessons read in a column of 60 to 75 characters; the charts are drawn for the width they get.

Each page is opened as a participant would (joined with the code, then by the personal link), at both widths.
Screenshots of every page at both widths go to test-artifacts/a11y-<page>-<width>.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from workshop_helpers import answer_some, free_port_pair

from .conftest import start_workshop, stop_workshop

pytestmark = pytest.mark.browser

LOAD = 150_000  # ms: a page may need a cold kernel on this shared 2-core machine
WIDTHS = {1280: {"width": 1280, "height": 900}, 375: {"width": 375, "height": 812}}
PAGES = {"welcome": "00-welcome.ipynb", "module-1": "01-their-side.ipynb", "wrap-up": "06-wrap-up.ipynb"}
FACILITATOR_PAGES = {"participants.ipynb": "[data-ed=people-count]", "dashboard.ipynb": ".ed-dash",
                     "join-screen.ipynb": "[data-ed=join-screen]"}  # each with what shows it is drawn
# Voila 0.5.13's own widget manager (share/jupyter/voila/labextensions/@voila-dashboards/widgets-manager8) was
# built against JupyterLab 4.5.10 while Voila's page provides 4.2.5: its "Unsatisfied version" warnings come
# from Voila itself. Anything else asking for newer packages (as jupyterlab_widgets 3.0.14 and later do: ^4.4,
# ^4.6.2) is ours to fix with matching versions (pyproject.toml).
VOILAS_OWN = re.compile(r"required \^(4\.5\.10|7\.5\.10|6\.5\.10)\)|No satisfying version \(\^4\.5\.10\)")
MAX_TAB_STOPS = 30


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("a11y"), "a11y", free_port_pair())
    yield running
    stop_workshop(running)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Visit:
    """One browser context at one width, with what its pages logged."""

    def __init__(self, browser, width: int):
        self.width = width
        self.context = browser.new_context(viewport=WIDTHS[width], is_mobile=width < 500, has_touch=width < 500)
        self.context.set_default_timeout(LOAD)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def wait(self, drawn: str = ".ed-footer, .ed-join-form, [data-ed=greeting]") -> None:
        """Until every cell has run: the page's last piece (or `drawn`) is visible."""
        self.page.locator(drawn).first.wait_for(state="visible", timeout=LOAD)
        self.page.wait_for_timeout(800)


def shoot(page, artifacts: Path, name: str) -> Path:
    """The whole page (Voila scrolls inside a panel, so the viewport is made as tall as the content first)."""
    size = page.viewport_size
    height = page.evaluate("() => { const e = document.querySelector('#rendered_cells'); return e ? e.scrollHeight : document.body.scrollHeight; }")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 40, 20_000))})
    page.wait_for_timeout(400)
    path = artifacts / f"a11y-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def no_findings(axe, visit: Visit, name: str) -> None:
    results = axe.run(visit.page)
    found = {v["id"]: [n["target"] for n in v["nodes"]][:3] for v in results.response["violations"]}
    assert not found, f"axe-core on {name} at {visit.width} px: {found}"
    problems = [line for line in visit.console if line.startswith(("error", "pageerror"))
                or ("version" in line and not VOILAS_OWN.search(line))]
    assert not problems, f"{name} at {visit.width} px logged: {problems}"
    visit.console.clear()


def join(visit: Visit, workshop, name: str) -> str:
    page = visit.page
    page.goto(f"{workshop.join_link}?code={workshop.code}")
    visit.wait()
    page.get_by_label("Your name for today").fill(name)
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.locator("[data-ed=greeting]")).to_be_visible()
    return page.locator("[data-ed=personal-link]").get_attribute("href").split("seat=", 1)[1]


def open_page(visit: Visit, workshop, notebook: str, token: str) -> None:
    visit.page.goto(f"http://127.0.0.1:{workshop.port}/voila/render/{notebook}?seat={token}")
    visit.wait()


def fill_in(workshop, token: str) -> None:
    """A participant's answers so far, straight into the store: every chart on the wrap-up page has data."""
    store = workshop.store()
    answer_some(store, store.participant_by_token(token).id)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_accessibility_findings_on_any_participant_page(workshop, browser, axe, artifacts, width):
    visit = Visit(browser, width)
    page = visit.page
    try:
        page.goto(f"{workshop.join_link}?code={workshop.code}")
        visit.wait()
        no_findings(axe, visit, "the join page")
        shoot(page, artifacts, f"join-{width}")
        token = join(visit, workshop, f"Axe {width}")
        no_findings(axe, visit, "the join page, joined")
        fill_in(workshop, token)
        for name, notebook in PAGES.items():
            open_page(visit, workshop, notebook, token)
            assert page.get_by_role("main").count() == 1
            if name == "wrap-up":  # the charts, drawn
                progress = page.locator(".ed-my-progress")
                progress.get_by_role("button", name="Show my charts").click()
                expect(progress.locator(".ed-chart img")).to_have_count(3, timeout=LOAD)
                page.wait_for_timeout(500)
            no_findings(axe, visit, f"the {name} page")
            shoot(page, artifacts, f"{name}-{width}")
    finally:
        visit.context.close()


def test_the_charts_are_drawn_for_the_width_they_get(workshop, browser, artifacts):
    """On a 375 px phone each chart is its phone drawing shown unscaled (so its smallest text, 8.5 pt at
    100 dpi, is 11.8 px on screen); on a wide screen its column drawing, also unscaled. Each has its text."""
    shown = {}
    for width in WIDTHS:
        visit = Visit(browser, width)
        try:
            token = join(visit, workshop, f"Charts {width}")
            fill_in(workshop, token)
            open_page(visit, workshop, PAGES["wrap-up"], token)
            progress = visit.page.locator(".ed-my-progress")
            progress.get_by_role("button", name="Show my charts").click()
            images = progress.locator(".ed-chart img")
            expect(images).to_have_count(3, timeout=LOAD)
            images.first.scroll_into_view_if_needed()
            shown[width] = images.evaluate_all(
                "els => els.map(i => ({natural: i.naturalWidth, shown: i.getBoundingClientRect().width, alt: i.alt}))")
        finally:
            visit.context.close()
    for width, charts in shown.items():
        for chart in charts:
            assert len(chart["alt"].split()) >= 8
            assert chart["shown"] >= 0.99 * chart["natural"], (width, chart)  # never shrunk
    assert {c["natural"] for c in shown[375]} == {335} and {c["natural"] for c in shown[1280]} == {640}


def test_the_welcome_page_with_the_keyboard_alone(workshop, browser):
    """Consent and every statement of the self-assessment by keyboard: Tab to move on, Space and the arrow keys
    to answer; one tab stop per statement, and at most 30 tab stops in all (Skip to the lesson first)."""
    content = load()
    items = content.items_for("baseline")
    visit = Visit(browser, 1280)
    page = visit.page
    try:
        token = join(visit, workshop, "Keys")
        open_page(visit, workshop, PAGES["welcome"], token)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        tabs = 0

        def tab() -> None:
            nonlocal tabs
            page.keyboard.press("Tab")
            tabs += 1

        def focused(script: str):
            return page.evaluate(f"() => {{ const e = document.activeElement; return {script}; }}")

        tab()
        assert focused("e.textContent.trim()") == "Skip to the lesson"
        assert focused("getComputedStyle(e).top") != "-160px"  # shown while it has the focus
        page.keyboard.press("Enter")
        while focused("e.type") != "checkbox":
            tab()
            assert tabs < 10, focused("e.outerHTML.slice(0, 200)")
        page.keyboard.press("Space")
        expect(page.locator(".ed-consent-box").first).to_contain_text("the facilitator can see your own answers")
        for n, item in enumerate(items, start=1):
            tab()
            question = focused("e.closest('.ed-choice').querySelector('.ed-choice-question').textContent")
            assert question == f"{n}. {item.text}", f"tab stop {tabs} is not statement {n}"
            assert focused("e.type") == "radio"
            ring = focused("getComputedStyle(e.closest('.ed-choice-option')).outlineWidth")
            assert ring == "3px", "the keyboard's place must be easy to see"
            page.keyboard.press("Space")  # the first option
            for _ in range(n % 4):  # and on with the arrow keys
                page.keyboard.press("ArrowRight")
        form = page.locator(".ed-checkpoint-baseline")
        expect(form).to_contain_text(f"All {len(items)} answered")
        assert tabs <= MAX_TAB_STOPS, f"{tabs} tab stops"
        person = workshop.store().participant_by_token(token)
        scale = [p.value for p in content.instrument.scale]
        wanted = {item.id: scale[n % 4] for n, item in enumerate(items, start=1)}
        for _ in range(40):  # the last arrow keys' answers are on their way to the kernel
            saved = workshop.store().ratings(person.id)["baseline"]
            if saved == wanted:
                break
            page.wait_for_timeout(250)
        assert saved == wanted
        assert workshop.store().participant_by_token(token).consent
    finally:
        visit.context.close()


def test_the_lessons_read_in_a_column_of_60_to_75_characters(workshop, browser):
    visit = Visit(browser, 1280)
    try:
        token = join(visit, workshop, "Reader")
        open_page(visit, workshop, PAGES["module-1"], token)
        lines = visit.page.evaluate("""() => {
            const out = [];
            for (const p of document.querySelectorAll('.jp-RenderedMarkdown > p')) {
              const text = p.textContent.replace(/\\s+/g, ' ').trim();
              const range = document.createRange(); range.selectNodeContents(p);
              const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
              if (tops.size >= 3) out.push(text.length / tops.size);
            }
            return out; }""")
        assert lines, "no long paragraph found"
        widest = max(lines)  # the fullest lines: a paragraph's average is pulled down by its last line
        assert 60 <= widest <= 75, lines
        pieces = visit.page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedMarkdown, .ed-piece')]
            .filter(e => e.offsetParent !== null).map(e => [Math.round(e.getBoundingClientRect().left), Math.round(e.getBoundingClientRect().right)])""")
        assert len({left for left, _ in pieces}) == 1, "the lessons' text and the pieces share their left edge"
        assert len({right for _, right in pieces}) == 1, "and their right edge"
    finally:
        visit.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_accessibility_findings_on_the_facilitators_pages(workshop, browser, axe, artifacts, width):
    visit = Visit(browser, width)
    page = visit.page
    try:
        page.goto(f"{workshop.facilitator}/voila/render/participants.ipynb")
        page.get_by_label("Facilitator key").fill(workshop.key)
        page.get_by_role("button", name="Sign in").click()
        for notebook, drawn in FACILITATOR_PAGES.items():
            page.goto(f"{workshop.facilitator}/voila/render/{notebook}")
            visit.wait(drawn)
            no_findings(axe, visit, f"the facilitator's {notebook}")
            shoot(page, artifacts, f"facilitator-{notebook.removesuffix('.ipynb')}-{width}")
    finally:
        visit.context.close()
