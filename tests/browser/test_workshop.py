"""`empathydesk workshop` in real browsers: two participants join, the facilitator sees both, and neither
participant reaches the facilitator app. Screenshots (test-artifacts/workshop-*.png): the landing page,
the join screen, the participants page and the dashboard, and the "reload" banner of a culled page.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from workshop_helpers import free_port_pair

from .conftest import PHONE, overflowing, start_workshop, stop_workshop

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 800}
LOAD = 150_000  # ms: a page may need a cold kernel on this shared 2-core machine


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("workshop-browser"), "browser-test", free_port_pair())
    yield running
    status, rest = stop_workshop(running)
    assert status == 0, rest


@pytest.fixture
def context(browser):
    opened = []

    def new(viewport=None):
        ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        ctx.set_default_timeout(LOAD)
        opened.append(ctx)
        return ctx.new_page()

    yield new
    for ctx in opened:
        ctx.close()


def join(page, url: str, name: str, code: str | None = None) -> str:
    """Join through the landing page; returns the personal link shown."""
    page.goto(url)
    form = page.locator(".ed-join-form")
    expect(form).to_be_visible(timeout=LOAD)
    if code is not None:
        page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name for today").fill(name)
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.locator("[data-ed=greeting]")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-ed=greeting]")).to_have_text(f"Welcome, {name}: you have joined.")
    return page.locator("[data-ed=personal-link]").get_attribute("href")


def shoot(page, artifacts: Path, name: str) -> Path:
    size = page.viewport_size
    height = page.evaluate(
        "() => { const e = document.querySelector('#rendered_cells'); return e ? e.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 40, 8000))})
    page.wait_for_timeout(300)
    path = artifacts / f"workshop-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def test_two_participants_join_and_the_facilitator_sees_both(workshop, context, artifacts):
    # Ada scans the QR code: the link carries the code, she only types her name
    ada = context()
    ada.goto(f"{workshop.join_link}?code={workshop.code}")
    expect(ada.locator(".ed-join-form")).to_be_visible(timeout=LOAD)
    expect(ada.get_by_label("Join code")).to_have_value(workshop.code)
    shoot(ada, artifacts, "landing")
    ada_link = join(ada, f"{workshop.join_link}?code={workshop.code}", "Ada")
    assert ada_link.startswith(f"http://127.0.0.1:{workshop.port}/?seat=")
    token = ada_link.split("seat=", 1)[1]
    expect(ada).to_have_url(re.compile(f"seat={re.escape(token)}"))  # a reload keeps her in
    expect(ada.locator(".ed-pages li")).to_have_count(7)  # welcome, five modules, wrap-up
    shoot(ada, artifacts, "landing-joined")
    # Ben types the short address and the code
    ben = context()
    ben_link = join(ben, workshop.join_link, "Ben", code=workshop.code)
    assert ben_link != ada_link

    names = sorted(p.pseudonym for p in workshop.store().participants("browser-test"))
    assert names == ["Ada", "Ben"]

    # Ada's personal link brings her back, on another device too
    again = context()
    again.goto(ada_link)
    expect(again.locator("[data-ed=greeting]")).to_be_visible(timeout=LOAD)
    expect(again.locator("[data-ed=greeting]")).to_have_text("Welcome back, Ada.")
    first = again.locator(".ed-pages a").first
    assert "00-welcome.ipynb?seat=" in first.get_attribute("href")
    # and on to the first page, still as herself (a preheated kernel got the token)
    again.get_by_role("link", name="Start: Welcome →").click()
    expect(again.locator(".ed-header")).to_contain_text("You are taking part as Ada", timeout=LOAD)

    # the facilitator signs in by typing the key: it never goes in an address (so never in the history)
    facilitator = context(PROJECTOR)
    addresses: list[str] = []
    facilitator.on("request", lambda request: addresses.append(request.url))
    facilitator.goto(f"{workshop.facilitator}/voila/render/participants.ipynb")
    expect(facilitator).to_have_url(re.compile(r"/login\?next="))
    expect(facilitator.get_by_role("heading", name="Facilitator sign-in")).to_be_visible()
    shoot(facilitator, artifacts, "sign-in")
    facilitator.get_by_label("Facilitator key").fill("not the key")
    facilitator.get_by_role("button", name="Sign in").click()
    expect(facilitator.get_by_role("alert")).to_have_text("That key does not match. Please check it and try again.")
    facilitator.get_by_label("Facilitator key").fill(workshop.key)
    facilitator.get_by_role("button", name="Sign in").click()
    expect(facilitator.locator("[data-ed=people-count]")).to_have_text("2 people have joined.", timeout=LOAD)
    assert facilitator.url.endswith("/voila/render/participants.ipynb")
    assert not any(workshop.key in address for address in addresses)
    login = [c for c in facilitator.context.cookies() if c["name"].startswith("username")]
    assert login and all(c["httpOnly"] and c["sameSite"] == "Strict" for c in login)
    assert all(0 < c["expires"] - time.time() <= 12 * 3600 for c in login)  # a working day, not 30 days
    expect(facilitator.locator("[data-ed=person]")).to_have_count(2)
    expect(facilitator.locator(".ed-people table")).to_contain_text("Ada")
    expect(facilitator.locator(".ed-people table")).to_contain_text("Ben")
    shoot(facilitator, artifacts, "participants")

    # Ben lost his link: the facilitator makes him a new one; the old one stops working
    person = facilitator.get_by_label("Person")
    person.select_option(label=person.locator("option", has_text="Ben").inner_text().strip())
    ben_code = ben.locator("[data-ed=check-code]").inner_text().strip()  # Ben reads it from his screen
    facilitator.get_by_label("Their check code").fill(ben_code)
    facilitator.get_by_role("button", name="Make a new link").click()
    facilitator.get_by_role("button", name="Yes, make it (the old link stops working)").click()
    new_link = facilitator.locator("[data-ed=new-link]")
    expect(new_link).to_contain_text(f"{workshop.join_link}?seat=")
    ben_new = new_link.inner_text().strip()
    shoot(facilitator, artifacts, "participants-new-link")
    ben_again = context()
    ben_again.goto(ben_new)
    expect(ben_again.locator("[data-ed=greeting]")).to_be_visible(timeout=LOAD)
    expect(ben_again.locator("[data-ed=greeting]")).to_have_text("Welcome back, Ben.")
    ben_again.goto(ben_link)
    expect(ben_again.locator(".ed-join")).to_contain_text("This link does not work any more", timeout=LOAD)

    # the join screen, as the projector shows it: link, code, QR code; never the key
    facilitator.goto(f"{workshop.facilitator}/voila/render/join-screen.ipynb")
    screen = facilitator.locator("[data-ed=join-screen]")
    expect(screen).to_be_visible(timeout=LOAD)
    expect(facilitator.locator("[data-ed=join-code]")).to_have_text(workshop.code)
    expect(facilitator.locator("[data-ed=join-link]")).to_have_text(workshop.join_link)
    expect(facilitator.locator("[data-ed=joined]")).to_have_text("2 people have joined.")
    assert workshop.key not in facilitator.content() and workshop.key not in facilitator.url
    path = shoot(facilitator, artifacts, "join-screen")
    decoded = read_qr(path)
    if decoded is not None:
        assert decoded == f"{workshop.join_link}?code={workshop.code}"

    # the dashboard (the charts helper's page) opens for the facilitator
    if (Path(__file__).resolve().parents[2] / "workshop" / "dashboard.ipynb").exists():
        facilitator.goto(f"{workshop.facilitator}/voila/render/dashboard.ipynb")
        facilitator.locator("#rendered_cells").wait_for(state="visible", timeout=120_000)
        facilitator.wait_for_timeout(1500)
        shoot(facilitator, artifacts, "dashboard")

    # neither participant reaches the facilitator app, whatever they type
    for page, name in ((ada, "Ada"), (ben, "Ben")):
        for path in ["/", "/voila/render/dashboard.ipynb", "/voila/render/participants.ipynb",
                     "/voila/render/join-screen.ipynb", "/voila/tree"]:
            page.goto(workshop.facilitator + path)
            assert "/login" in page.url, (name, path, page.url)
            text = page.content()
            assert "Ada" not in text and "Ben" not in text and workshop.code not in text
        for path in ["/voila/render/../workshop/dashboard.ipynb", "/voila/render/%2e%2e/workshop/dashboard.ipynb",
                     "/workshop/dashboard.ipynb", "/voila/files/../data/empathydesk.sqlite"]:
            response = page.goto(f"{workshop.join_link.rstrip('/')}{path}")
            assert response.status in (403, 404), (path, response.status)


def test_joining_on_a_phone_fits_the_screen(workshop, browser, artifacts):
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(LOAD)
    try:
        page = ctx.new_page()
        page.goto(f"{workshop.join_link}?code={workshop.code}")
        expect(page.locator(".ed-join-form")).to_be_visible(timeout=LOAD)
        assert overflowing(page, PHONE["width"]) == []
        shoot(page, artifacts, "landing-phone")
        page.get_by_label("Your name for today").fill("Cleo on a phone")
        page.get_by_role("button", name="Join the workshop").click()
        expect(page.locator("[data-ed=greeting]")).to_be_visible(timeout=30_000)
        assert overflowing(page, PHONE["width"]) == []
        shoot(page, artifacts, "landing-phone-joined")
    finally:
        ctx.close()


def test_the_servers_own_pages_are_plain_and_fit_a_phone(workshop, browser, artifacts):
    """A lesson page without a valid link, and the facilitator's sign-in, at 1280 px and 375 px."""
    for viewport, tag in ((PROJECTOR, ""), (PHONE, "-phone")):
        ctx = browser.new_context(viewport=viewport)
        try:
            page = ctx.new_page()
            reply = page.goto(f"{workshop.join_link}voila/render/01-their-side.ipynb?seat=made-up")
            assert reply.status == 403
            expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
            expect(page.get_by_role("main")).to_be_visible()
            page.get_by_role("link", name="Go to the join page").click()
            expect(page.locator(".ed-join-form")).to_be_visible(timeout=LOAD)  # the way back to joining
            page.go_back()
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= viewport["width"], wide
            shoot(page, artifacts, f"link-not-valid{tag}")
            page.goto(f"{workshop.facilitator}/login")
            expect(page.get_by_label("Facilitator key")).to_be_visible()
            assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
            shoot(page, artifacts, f"sign-in{tag}")
        finally:
            ctx.close()


def test_self_study_landing_page_offers_to_resume_from_a_saved_file(voila_server, context, artifacts):
    """Plain Voilà, as on Binder or `voila notebooks/`: no joining, the pages, and loading a saved file."""
    page = context()
    page.goto(voila_server.page("index.ipynb"))
    landing = page.locator(".ed-join")
    expect(landing).to_contain_text("You are working on your own", timeout=LOAD)
    expect(landing).to_contain_text("Load my saved progress")
    expect(page.locator(".ed-join-form")).to_have_count(0)
    expect(page.locator(".ed-pages li")).to_have_count(7)
    assert page.locator(".ed-pages a").first.get_attribute("href") == "00-welcome.ipynb"
    shoot(page, artifacts, "landing-self-study")


def test_a_page_whose_kernel_is_gone_asks_to_reload(workshop, context, artifacts):
    page = context()
    link = join(page, workshop.join_link, "Dee", code=workshop.code)  # the join form itself needs no kernel
    page.goto(link)  # the landing page of someone who joined: a page with a kernel
    expect(page.locator("[data-ed=greeting]")).to_have_text("Welcome back, Dee.", timeout=LOAD)
    banner = page.locator("#ed-reload-banner")
    expect(banner).to_be_hidden()
    # stop this page's kernel the way culling does, then let the page look (it does so every 30 s)
    page.evaluate(
        """async () => {
            const c = JSON.parse(document.getElementById('jupyter-config-data').textContent);
            const xsrf = (document.cookie.match('\\\\b_xsrf=([^;]*)\\\\b') || [])[1] || '';
            const form = new FormData(); form.append('_xsrf', xsrf);
            await fetch(c.baseUrl + 'voila/api/shutdown/' + c.kernelId, {method: 'POST', body: form});
            window.edCheckKernel();
        }"""
    )
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Your answers are saved")
    expect(page.get_by_role("button", name="Reload the page")).to_be_visible()
    shoot(page, artifacts, "reload-banner")


def read_qr(path: Path) -> str | None:
    """The text of the QR code in a screenshot (None when zxing-cpp is not installed)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    found = zxingcpp.read_barcodes(Image.open(path))
    assert found, f"no QR code readable in {path}"
    return found[0].text
