"""How fast the facilitator's home and the live room view open, and one refresh of the presenter view's progress
and of the live room view, for 40 and 500 people.

For each size: made-up people written into an SQLite file (bench_dashboard.fill: every check-in, scenario,
rewrite and reflection), then a real `empathydesk workshop` on that cohort (a one-cell participant page:
only the facilitator app is measured). Times are medians after a warm-up:
- the home on the server: one signed-in GET of `/`, start to last byte (plain HTTP);
- the home in Chromium: navigation start to the load event (its stylesheet included), from
  `performance.getEntriesByType("navigation")`;
- the presenter view's progress: one GET of `/presenter/progress.json` (everyone's answers read once);
- the live room view (`/room`) the same ways: on the server, in Chromium, and one refresh of it
  (`/room/live.json`).

    .venv/bin/python bench/bench_facilitator.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

SIZES = (40, 500)
REPEAT = 15
BROWSER_REPEAT = 7
AIM = 2.0  # seconds: the aim for a facilitator page opened by a room of 40
LARGE_AIM = 4.0  # seconds: issue 20's aim for the live room view of a room of 500
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def served(port: int, path: str, cookies: dict[str, str]) -> float:
    """Seconds for one GET, start to the last byte."""
    from workshop_helpers import fetch

    start = time.perf_counter()
    reply = fetch("127.0.0.1", port, path, cookies=cookies)
    took = time.perf_counter() - start
    if reply.status != 200:
        raise RuntimeError(f"{path} answered {reply.status}")
    return took


def median(fn: Any, repeat: int) -> float:
    fn()  # warm-up
    return statistics.median(fn() for _ in range(repeat))


def in_chromium(base: str, key: str, paths: tuple[str, ...] = ("/",)) -> dict[str, float]:
    """Median seconds from navigation start to the load event of each of `paths`, signed in."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/login")
            page.get_by_label("Facilitator key").fill(key)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/")

            def once(path: str) -> float:
                page.goto(base + path, wait_until="load")
                return page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
                ) / 1000

            return {path: median(lambda: once(path), BROWSER_REPEAT) for path in paths}
        finally:
            browser.close()


def measure(n: int, folder: Path) -> dict[str, float]:
    from bench_dashboard import fill

    from empathydesk.content import load
    from empathydesk.server import RoomSettings, Workshop
    from empathydesk.storage import Store
    from workshop_helpers import fetch, free_port_pair, notebook

    url = f"sqlite:///{folder}/bench.sqlite"
    cohort = f"room-{n}"
    store = Store.open(url)
    fill(store, load(), cohort, n)
    pages, staff = folder / "notebooks", folder / "workshop"
    pages.mkdir()
    staff.mkdir()
    notebook(pages / "index.ipynb", "1 + 1")
    workshop = Workshop(cohort=cohort, port=free_port_pair(), db_url=url, log_dir=folder / "logs",
                        settings=RoomSettings(pool_size=1), notebooks=pages, workshop=staff)
    workshop.start()
    try:
        port = workshop.facilitator.port
        signed_in = fetch("127.0.0.1", port, f"/?token={workshop.key}").cookies
        browser = in_chromium(f"http://127.0.0.1:{port}", workshop.key, ("/", "/room"))
        return {
            "home": median(lambda: served(port, "/", signed_in), REPEAT),
            "browser": browser["/"],
            "progress": median(lambda: served(port, "/presenter/progress.json", signed_in), REPEAT),
            "room": median(lambda: served(port, "/room", signed_in), REPEAT),
            "room browser": browser["/room"],
            "room live": median(lambda: served(port, "/room/live.json", signed_in), REPEAT),
        }
    finally:
        workshop.stop()
        store.close()


def room_aim(n: int) -> str:
    return f"< {AIM:g} s" if n <= 40 else f"< {LARGE_AIM:g} s"


def run() -> list[tuple[str, str, str]]:
    found: dict[int, dict[str, float]] = {}
    for n in SIZES:
        with tempfile.TemporaryDirectory(prefix="ed-facilitator-") as folder:
            found[n] = measure(n, Path(folder))
    rows = []
    for n in SIZES:
        rows += [
            (f"facilitator home, {n} people: server (GET /)", f"{found[n]['home'] * 1000:.0f} ms", f"< {AIM:g} s"),
            (f"facilitator home, {n} people: Chromium (to the load event)", f"{found[n]['browser'] * 1000:.0f} ms",
             f"< {AIM:g} s"),
            (f"presenter view's progress, {n} people (one read of every answer)",
             f"{found[n]['progress'] * 1000:.0f} ms", "well under its 5 s refresh"),
            (f"live room view, {n} people: server (GET /room)", f"{found[n]['room'] * 1000:.0f} ms", room_aim(n)),
            (f"live room view, {n} people: Chromium (to the load event)",
             f"{found[n]['room browser'] * 1000:.0f} ms", room_aim(n)),
            (f"live room view's refresh, {n} people (GET /room/live.json)", f"{found[n]['room live'] * 1000:.0f} ms",
             "well under its 5 s refresh"),
        ]
    return rows


if __name__ == "__main__":
    for figure, value, aim in run():
        print(f"{figure:72s} {value:>10s}   aim {aim}")
