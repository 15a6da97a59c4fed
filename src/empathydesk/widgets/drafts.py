"""Drafts: what a person types into a reply or reflection box, kept as they type until they press the button.

Every change of the box reaches the kernel (`continuous_update`). The kernel saves the text as the box's draft
(`Store.save_draft`) at most every `SAVE_EVERY` seconds, and always the last text, on a timer on the kernel's
event loop (`Throttle`). A line under the box says "Draft saved at 10:42"; when saving fails it says so and
asks the person to copy their text, which stays in the box. A draft still waiting when the kernel is told to
stop (the page is reloaded or left, and Voilà's page asks for its kernel to shut down; or a restart) is saved
at once (`_voila.on_shutdown_request`), before the page that replaces it reads the drafts, and anything after
that as the kernel's process ends (`atexit`).

Pressing the box's button makes the text an answer, and the draft is forgotten (`Draft.done`). On the next
visit the box starts with the draft if it is newer than the saved answer (`start_text`).
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

import ipywidgets as w

from empathydesk.widgets import place, ui
from empathydesk.widgets.session import Session

SAVE_EVERY = 1.5  # seconds: while typing goes on, a draft is saved at most this often
NOT_SAVED = "Your draft could not be saved just now. Copy your text somewhere safe, then try again in a minute."

Kept = tuple[str, datetime]  # a stored draft: its text and when it was saved


class Throttle:
    """Call `action(value)` with the newest value at most every `every` seconds, and always with the last one.

    A value after a quiet spell is acted on at once; later ones wait for a timer on the running event loop
    (the kernel's). Without a running loop (plain Python) every value is acted on at once. `flush` acts on a
    waiting value now, from any thread (actions never overlap and keep their order): every throttle is
    flushed when the kernel is told to stop, and as the process ends. `drop` forgets a waiting value.
    """

    def __init__(self, action: Callable[[Any], None], every: float = SAVE_EVERY) -> None:
        self.action, self.every = action, every
        self._lock = threading.RLock()
        self._waiting: list[Any] = []  # the value still to act on, if any
        self._last = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        _throttles.add(self)
        _flush_on_shutdown_request()

    def __call__(self, value: Any) -> None:
        with self._lock:
            self._waiting = [value]
            if self._timer is not None:
                return  # the timer takes the newest value
            wait = self._last + self.every - time.monotonic()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None and wait > 0:
                self._timer = loop.call_later(wait, self.flush)
                return
        self.flush()

    def flush(self) -> None:
        with self._lock:
            self._cancel()
            if self._waiting:
                value = self._waiting.pop()
                self._last = time.monotonic()
                self.action(value)

    def drop(self) -> None:
        with self._lock:
            self._cancel()
            self._waiting = []

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


_throttles: weakref.WeakSet[Throttle] = weakref.WeakSet()


@atexit.register
def flush_all() -> None:
    """Act on every value still waiting: the kernel was told to stop, or its process is ending."""
    for throttle in list(_throttles):
        throttle.flush()


@functools.cache
def _flush_on_shutdown_request() -> None:
    from empathydesk._voila import on_shutdown_request

    on_shutdown_request(flush_all)


def key(kind: str, box_id: str) -> str:
    """A box's draft key: the kind of piece and the id of the exercise or reflection, "rewrite/<id>"."""
    return f"{kind}/{box_id}"


def start_text(saved: str, saved_at: datetime | None, kept: Kept | None) -> str:
    """What a box starts with: its draft if it has one newer than the saved answer (`saved_at` None: any
    draft is newer, since pressing the button forgets it), else the saved answer."""
    if kept is None or (saved_at is not None and kept[1] <= saved_at):
        return saved
    return kept[0]


def when(moment: datetime) -> str:
    """A moment as the clock on the wall shows it: "10:42", or "3 Mar at 10:42" on another day."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%b} at {local:%H:%M}"


def too_long(text: str, limit: int, what: str, then: str) -> str | None:
    """The message for a text over `limit` characters ("… and `what` can be at most …. `then`"), else None."""
    if len(text) <= limit:
        return None
    return f"That is {len(text):,} characters, and {what} can be at most {limit:,}. Please make it shorter. {then}"


def not_ready(text: str, limit: int, what: str, empty: str, then: str) -> str | None:
    """Why a box's `text` can't be taken yet: nothing written (the message `empty`) or too long (`too_long`)."""
    return empty if not text.strip() else too_long(text, limit, what, then)


class Draft:
    """The draft of one box: saved as it is typed, said in `line` (put it under the box), forgotten by `done`.

    `saved` is the box's saved answer: typing back to exactly it leaves no draft. `nudge` tells what to press
    ("Press “Check my reply” when you are ready."); `what` and `limit` name the longest text allowed.
    """

    def __init__(self, session: Session, key: str, box: w.Textarea, saved: str, kept: Kept | None, *,
                 limit: int, what: str, nudge: str) -> None:
        self.session, self.key, self.saved = session, key, saved
        self.limit, self.what, self.nudge = limit, what, nudge
        shows_draft = kept is not None and box.value == kept[0] and kept[0] != saved
        self.line = ui.markup(self._said(kept[1]) if shows_draft and kept else "")
        self.throttle = Throttle(self._save)
        box.observe(lambda change: self.throttle(change["new"]), names="value")

    def _said(self, moment: datetime) -> str:
        return f'<p class="ed-muted ed-draft">Draft saved at {ui.esc(when(moment))}. {ui.esc(self.nudge)}</p>'

    def _save(self, text: str) -> None:
        store, pid = self.session.store, self.session.pid
        problem = too_long(text, self.limit, self.what, "Your draft was not saved.")
        try:
            if problem:
                self.line.value = ui.note_html("warn", problem, word="")
            elif text == self.saved:
                store.clear_draft(pid, self.key)
                self.line.value = ""
            else:
                self.line.value = self._said(store.save_draft(pid, self.key, text))
        except Exception as error:  # noqa: BLE001 - the person learns it at once, and keeps their text
            if not isinstance(error, ui.storage_errors()):
                ui.log.exception("could not save the draft %s", self.key)
            self.line.value = ui.note_html("error", place.and_if_it_keeps_happening(NOT_SAVED), word="")

    def done(self, text: str) -> None:
        """The button saved `text` as the answer: the draft is forgotten."""
        self.throttle.drop()
        self.saved = text
        self.line.value = ""
        try:
            self.session.store.clear_draft(self.session.pid, self.key)
        except Exception:  # noqa: BLE001 - the answer is saved; an old draft is only shown if newer
            ui.log.exception("could not forget the draft %s", self.key)
