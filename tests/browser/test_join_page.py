"""The join page without a kernel (issue 24) in Chromium, on a projector-sized screen and a phone: the code
from the QR code's link, a name typed, joined; a wrong code said in words; then on to the welcome page.
Screenshots: test-artifacts/join-page-{1280,375}-{form,refused,joined}.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workshop_helpers import free_port_pair

from .conftest import DESKTOP, PHONE, start_workshop, stop_workshop

pytestmark = pytest.mark.browser

LOAD = 150_000  # ms: the welcome page may need a cold kernel on this shared 2-core machine


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = start_workshop(tmp_path_factory.mktemp("join-page-browser"), "join-page", free_port_pair())
    yield running
    status, rest = stop_workshop(running)
    assert status == 0, rest


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=["1280", "375"])
def test_joining_through_the_page_without_a_kernel(browser, workshop, artifacts, screen):
    phone = screen is PHONE
    context = browser.new_context(viewport=screen, device_scale_factor=2 if phone else 1, is_mobile=phone,
                                  has_touch=phone)
    context.set_default_timeout(LOAD)
    page = context.new_page()
    width = screen["width"]
    try:
        page.goto(f"{workshop.join_link}?code={workshop.code}")
        form = page.locator("form.ed-join-form")
        expect(form).to_be_visible(timeout=10_000)  # no kernel to wait for
        assert page.evaluate("() => !document.querySelector('#jupyter-config-data')")
        expect(page.get_by_label("Join code")).to_have_value(workshop.code)
        # the template's look: its tokens and pieces' styles apply (the button is the accent colour)
        accent = page.evaluate("() => getComputedStyle(document.body).getPropertyValue('--ed-color-accent').trim()")
        assert accent.lower() == "#0b5394"
        button = page.get_by_role("button", name="Join the workshop")
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 83, 148)"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # nothing runs off a phone
        page.screenshot(path=str(artifacts / f"join-page-{width}-form.png"), full_page=True)

        page.get_by_label("Join code").fill("NOPE-NOPE")
        page.get_by_label("Your name for today").fill(f"Robin {width}")
        button.click()
        expect(page.get_by_role("alert")).to_contain_text("couldn't find a workshop with that code")
        expect(page.get_by_label("Your name for today")).to_have_value(f"Robin {width}")
        page.screenshot(path=str(artifacts / f"join-page-{width}-refused.png"), full_page=True)

        page.get_by_label("Join code").fill(workshop.code)
        page.get_by_role("button", name="Join the workshop").click()
        greeting = page.locator("[data-ed=greeting]")
        expect(greeting).to_have_text(f"Welcome, Robin {width}: you have joined.")
        link = page.locator("[data-ed=personal-link]").get_attribute("href")
        assert link.startswith(workshop.join_link + "?seat=")
        assert page.url.endswith("?" + link.split("?", 1)[1])  # reload or bookmark: the person stays
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"join-page-{width}-joined.png"), full_page=True)

        page.get_by_role("link", name="Start: Welcome →").click()  # on to the welcome page, in a kernel
        expect(page.locator(".ed-piece").first).to_be_visible(timeout=LOAD)
        assert "00-welcome.ipynb?seat=" in page.url
    finally:
        context.close()
