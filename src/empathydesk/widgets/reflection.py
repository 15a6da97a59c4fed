"""Reflections: a free-text box saved as the participant types (debounced), shown again on return."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from empathydesk.content import Reflection
from empathydesk.limits import MAX_REFLECTION_CHARS
from empathydesk.widgets import ui
from empathydesk.widgets.session import Session

QUIET_SECONDS = 0.8  # save once typing pauses this long …
MAX_WAIT_SECONDS = 4.0  # … or at least this often while typing goes on


class Debouncer:
    """Call `action(value)` once changes pause, or at least every `max_wait` seconds.

    Uses the kernel's event loop when there is one; without one (plain Python, unit tests) it acts at
    once. `flush()` acts on a pending value now.
    """

    def __init__(self, action: Callable[[Any], None], quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS):
        self.action, self.quiet, self.max_wait = action, quiet, max_wait
        self._pending: Any = None
        self._has_pending = False
        self._first = 0.0
        self._timer: asyncio.TimerHandle | None = None

    def __call__(self, value: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        now = time.monotonic()
        if not self._has_pending:
            self._first = now
        self._pending, self._has_pending = value, True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if loop is None or now - self._first >= self.max_wait:
            self.flush()
        else:
            self._timer = loop.call_later(self.quiet, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._has_pending:
            value, self._pending, self._has_pending = self._pending, None, False
            self.action(value)


def reflection_card(session: Session, reflection: Reflection, saved_text: str) -> w.Widget:
    box = w.Textarea(
        value=saved_text,
        description=reflection.prompt,
        placeholder="Write your thoughts here. They are saved as you type.",
        rows=5,
        style=ui.text_style(),
        continuous_update=True,
        layout=ui.full_width(),
        **ui.classes(ui.STACKED),
    )
    status = ui.markup(
        ui.note_html("ok", "Saved. You can keep editing.", word="") if saved_text else
        ui.note_html("info", "Only you and, if you agree, the facilitator can read this.", word="")
    )

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message)

    @ui.guard(show_error)
    def save(text: str) -> None:
        if len(text) > MAX_REFLECTION_CHARS:
            status.value = ui.note_html(
                "warn",
                f"This is {len(text):,} characters, and a reflection can be at most {MAX_REFLECTION_CHARS:,}. "
                "Please make it shorter. The longer text was not saved.",
                word="",
            )
            return
        session.store.save_reflection(session.pid, reflection.id, text)
        status.value = ui.note_html("ok", "Saved.", word="")

    debounced = Debouncer(save)
    saving = ui.note_html("info", "Saving…", word="")

    def on_change(change: dict[str, Any]) -> None:
        if status.value != saving:  # one message to the page when typing starts, not one per key
            status.value = saving
        debounced(change["new"])

    box.observe(on_change, names="value")
    card = w.VBox([box, status], layout=ui.full_width(), **ui.classes(f"ed-reflection-{reflection.id}"))
    card.debouncer = debounced  # type: ignore[attr-defined]  # tests flush it
    return card


def reflections(session: Session, module_id: str) -> w.Widget:
    module = session.content.module(module_id)
    if not module.reflections:
        return ui.piece([ui.note("info", "This module has no reflection yet.", word="")], name="reflection")
    saved = session.store.reflections(session.pid)
    cards = [reflection_card(session, r, saved.get(r.id, "")) for r in module.reflections]
    return ui.piece([ui.heading("Think it over"), *cards], name="reflection")
