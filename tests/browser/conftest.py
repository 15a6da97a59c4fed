"""Browser-test fixtures: one Voilà server for the whole run (free port, temporary data folder) and
Debian's Chromium driven by Playwright. Screenshots go to test-artifacts/ (not committed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import re

import pytest

from workshop_helpers import launch_workshop, stop_process

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class VoilaServer:
    url: str
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def page(self, notebook: str, token: str | None = None) -> str:
        return f"{self.url}/voila/render/{notebook}" + (f"?seat={token}" if token else "")

    def store(self):
        from empathydesk.storage import Store

        return Store.open(f"sqlite:///{self.data_dir / 'empathydesk.sqlite'}")


def start_voila(data_dir: Path, log: Path, **extra_env: str) -> VoilaServer:
    port = free_port()
    env = {**os.environ, "EMPATHYDESK_DATA": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("EMPATHYDESK_HOSTED", None)
    env.pop("EMPATHYDESK_DB_URL", None)
    env.update(extra_env)
    voila = Path(sys.executable).parent / "voila"
    out = log.open("w")
    process = subprocess.Popen(
        [str(voila), str(REPO / "notebooks"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--Voila.port_retries=0"],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà stopped at start-up:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return VoilaServer(url, data_dir, process, log)
        except OSError:
            time.sleep(0.3)
    stop_voila(process)
    raise RuntimeError(f"Voilà did not answer within 60 s:\n{log.read_text()}")


def stop_voila(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class RunningWorkshop:
    """An `empathydesk workshop` started by a test: its links, code and key, read from what it printed."""

    def __init__(self, process: subprocess.Popen, out: str, port: int, data: Path):
        self.process, self.out, self.port, self.data = process, out, port, data
        self.code = re.search(r"Join code:\s+(\S+)", out).group(1)
        self.join_link = re.search(r"Join link:\s+(\S+)", out).group(1)
        self.key = re.search(r"Facilitator key:\s+(\S+)", out).group(1)
        self.facilitator = f"http://127.0.0.1:{port + 1}"

    def store(self):
        from empathydesk.storage import Store

        return Store.open(f"sqlite:///{self.data / 'empathydesk.sqlite'}")


def start_workshop(data: Path, cohort: str, port: int) -> RunningWorkshop:
    """`empathydesk workshop` on `port` and `port + 1` with its database in `data`; waits until warmed up."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    try:
        process, out = launch_workshop(data, cohort, port)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    return RunningWorkshop(process, out, port, data)


def stop_workshop(workshop: RunningWorkshop) -> tuple[int, str]:
    """Ctrl-C, as the facilitator would; returns the exit status and what it printed while stopping."""
    return stop_process(workshop.process)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory) -> Iterator[VoilaServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    data_dir = tmp_path_factory.mktemp("voila-data")
    server = start_voila(data_dir, data_dir / "voila.log")
    yield server
    stop_voila(server.process)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_for_page(page, last: str = ".ed-footer") -> None:
    """Wait until Voilà has run every cell: the page's last piece is drawn."""
    page.locator(last).first.wait_for(state="visible", timeout=90_000)


def open_page(page, url: str, last: str = ".ed-footer") -> None:
    page.goto(url)
    wait_for_page(page, last)


def shoot(page, artifacts: Path, name: str) -> None:
    """Screenshots of the whole page and of each piece on it (`<name>-full.png`, `<name>-<n>-<piece>.png`).

    Voilà's page scrolls inside a panel, so the viewport is made as tall as the content first.
    """
    size = page.viewport_size
    height = page.evaluate(
        "() => { const e = document.querySelector('#rendered_cells'); return e ? e.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": min(height + 40, 30_000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / f"{name}-full.png"), full_page=True)
    pieces = page.locator(".ed-piece")
    for i in range(pieces.count()):
        classes = (pieces.nth(i).get_attribute("class") or "").split()
        tag = [c for c in classes if c.startswith("ed-") and c != "ed-piece"][-1]
        pieces.nth(i).screenshot(path=str(artifacts / f"{name}-{i}-{tag}.png"))
    page.set_viewport_size(size)


def overflowing(page, width: int) -> list[str]:
    """The pieces (and widgets in them) that stick out past the right edge of a `width`-wide screen."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('.ed-piece, .ed-piece .lm-Widget, .ed-piece button, .ed-piece textarea')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > width + 1)
            .map(e => e.className + ' right=' + Math.round(e.getBoundingClientRect().right))""",
        width,
    )


def play_best_path(page, course, module_id: str) -> None:
    """Play a module's practice conversation along its best path (nothing when it has none)."""
    from empathydesk.pieces import conversation
    from playwright.sync_api import expect

    talk = conversation.for_module(course, module_id)
    if talk is None:
        return
    box = page.locator(".ed-conversation")
    for node in talk.best_path():
        expect(box.locator(".ed-choice-question")).to_contain_text(node.client)
        box.get_by_role("radio", name=next(c.text for c in node.choices if c.best), exact=True).check()
        box.get_by_role("button", name=conversation.SAY).click()
    expect(box).to_contain_text("How it ended: resolved and reassured")
