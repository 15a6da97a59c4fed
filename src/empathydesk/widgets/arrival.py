"""A preheated page's pieces: empty boxes while its kernel waits for a visitor, filled in when one comes.

Voilà runs a preheated page's notebook before anyone asks for it, and sends the HTML rendered so far the
moment a visitor does. A piece needs its visitor (the token is in the page's address), so the first piece
used to wait for the request inside its cell, and every cell after it (prose included) ran while the
visitor's browser waited for the rest of the page.

Now only the page's last cell waits. Before the visitor comes, `hold` shows an empty box for each piece,
and a thread waits for the request. The cell with the page's last piece (its footer, or the landing page's
join form) then waits until the visitor is known and every held piece is built into its box, so the prose
and the boxes are sent the moment the visitor asks, and only the building is left to wait for.

The widgets are all made before the page's end is sent, so before the browser can connect: a widget made
while the browser's widget manager is still loading can be lost ("widget model not found"). For a page
without a last piece, the boxes fill in on the kernel's main thread as soon as the visitor is known, and
the browser's first step to load the widgets (opening the "jupyter.widget.control" comm) waits for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from empathydesk.widgets import ui

if TYPE_CHECKING:
    from empathydesk.widgets.session import Session

Schedule = Callable[[Callable[[], None]], None]


class Arrival:
    """Pieces held until the page's visitor is known, then built into their boxes.

    `wait` blocks until the visitor is known (it runs on a thread of its own); `schedule` runs a function
    on the kernel's main thread, where widgets are made.
    """

    def __init__(self, wait: Callable[[], Any], schedule: Schedule, build: Callable[[str], w.Widget]) -> None:
        self.wait = wait
        self.schedule = schedule
        self.build = build
        self.held: list[tuple[w.Box, str]] = []
        self.thread: threading.Thread | None = None

    def hold(self, name: str) -> w.Box:
        """An empty box for the piece `name`, built into it once the visitor is known."""
        box = w.VBox([], layout=ui.full_width())
        self.held.append((box, name))
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

    def fill_now(self, timeout: float | None = None) -> None:
        """Fill the boxes now, once the visitor is known (waits for them, at most `timeout` seconds if given)."""
        if self.thread is not None:
            self.thread.join(timeout)
            if self.thread.is_alive():
                return  # still no visitor: the boxes fill in later, as any widget updates
        self.fill()

    def fill(self) -> None:
        """Build every held piece into its box, in page order (on the kernel's main thread)."""
        while self.held:
            box, name = self.held.pop(0)
            box.children = (self.build(name),)  # `registry.build` never raises: errors become a message


def kernel_schedule() -> Schedule:
    """Run a function on this kernel's main thread (ipykernel's IOLoop; `add_callback` is thread-safe)."""
    from IPython import get_ipython

    return get_ipython().kernel.io_loop.add_callback


def ends_page(name: str) -> bool:
    """True for the piece a page ends with: its footer, or the landing page's join form."""
    return name == "join" or name.endswith("/footer")


def hold(session: Session, name: str) -> w.Box:
    """`Arrival.hold` for this page (its context's `arrival`), with the content and the store made ready first."""
    if session.arrival is None:
        from empathydesk._voila import wait_before_widget_states
        from empathydesk.widgets.registry import build

        session.get_ready()
        arrival = session.arrival = Arrival(session.query_string, kernel_schedule(), lambda piece: build(piece, session))
        wait_before_widget_states(lambda: arrival.fill_now(timeout=30))
    return session.arrival.hold(name)


def finish(session: Session) -> None:
    """Wait for the visitor, then build every held piece (in the cell of the page's last piece)."""
    if session.arrival is not None:
        session.arrival.fill_now()
