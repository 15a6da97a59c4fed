"""A preheated page's pieces: empty boxes while its kernel waits for a visitor, filled in when one comes.

Voilà runs a preheated page's notebook before anyone asks for it, and sends the HTML rendered so far the
moment a visitor does. A piece needs its visitor (the token is in the page's address), so the first piece
used to wait for the request inside its cell, and every cell after it (prose included) ran while the
visitor's browser waited for the rest of the page.

Now no cell waits. In a kernel whose visitor has not come yet, `hold` shows an empty box for a piece and a
thread waits for the request. When it comes, the kernel builds every held piece into its box, while the
browser is still loading Voilà's scripts: the browser asks for the widgets' states only after that, so it
gets the pieces already filled (and if it asks sooner, the boxes fill in as any widget updates).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from empathydesk.widgets import ui

Schedule = Callable[[Callable[[], None]], None]


class Arrival:
    """Pieces held until the page's visitor is known, then built into their boxes.

    `wait` blocks until the visitor is known (it runs on a thread of its own); `schedule` runs a function
    on the kernel's main thread, where widgets are made.
    """

    def __init__(self, wait: Callable[[], Any], schedule: Schedule, build: Callable[..., w.Widget]) -> None:
        self.wait = wait
        self.schedule = schedule
        self.build = build
        self.held: list[tuple[w.Box, str, dict[str, Any]]] = []
        self.thread: threading.Thread | None = None

    def hold(self, name: str, **options: Any) -> w.Box:
        """An empty box for the piece `name`, built into it once the visitor is known."""
        box = w.VBox([], layout=ui.full_width())
        self.held.append((box, name, options))
        if self.thread is None:
            self.thread = threading.Thread(target=self._wait_then_fill, name="empathydesk-visitor", daemon=True)
            self.thread.start()
        return box

    def _wait_then_fill(self) -> None:
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - the pieces are built all the same, and say what they can
            ui.log.exception("waiting for the page's visitor failed")
        self.schedule(self.fill)

    def fill(self) -> None:
        """Build every held piece into its box, in page order (on the kernel's main thread)."""
        while self.held:
            box, name, options = self.held.pop(0)
            try:
                box.children = (self.build(name, **options),)
            except Exception:  # noqa: BLE001 - `build` never raises; this is the last line of defence
                ui.log.exception("could not fill the piece %s", name)
                box.children = (ui.html_widget(f"<p>{ui.esc(ui.OOPS)}</p>"),)


def kernel_schedule() -> Schedule:
    """Run a function on this kernel's main thread (ipykernel's IOLoop; `add_callback` is thread-safe)."""
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    loop = getattr(kernel, "io_loop", None)
    if loop is None:
        from tornado.ioloop import IOLoop

        loop = IOLoop.current()
    return loop.add_callback


_ARRIVAL: Arrival | None = None


def hold(name: str, **options: Any) -> w.Box:
    """`Arrival.hold` for this kernel's page, with the content and the store made ready first."""
    global _ARRIVAL
    if _ARRIVAL is None:
        from empathydesk.identity import query_string
        from empathydesk.widgets.registry import build
        from empathydesk.widgets.session import get_ready

        get_ready()
        _ARRIVAL = Arrival(query_string, kernel_schedule(), build)
    return _ARRIVAL.hold(name, **options)
