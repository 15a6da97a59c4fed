"""Reflections: a free-text box kept as a draft while the participant types, saved when they press the button."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk.content import Reflection
from empathydesk.limits import MAX_REFLECTION_CHARS
from empathydesk.widgets import drafts, place, ui
from empathydesk.widgets.session import Session

SAVE = "Save my reflection"
PRIVATE = "Only you and, if you agree, the facilitator can read what you write here."
PRIVATE_ON_YOUR_OWN = "Only you can read what you write here."


def reflection_card(session: Session, reflection: Reflection, saved_text: str, kept: drafts.Kept | None = None) -> w.Widget:
    """One reflection; the box starts with the draft `kept`, if any (saving the reflection forgets it)."""
    box = w.Textarea(
        value=drafts.start_text(saved_text, None, kept),
        description=reflection.prompt,
        placeholder="Write your thoughts here.",
        rows=5,
        style=ui.text_style(),
        continuous_update=True,
        layout=ui.full_width(),
        **ui.classes(ui.STACKED),
    )
    draft = drafts.Draft(session, drafts.key("reflection", reflection.id), box, saved_text, kept,
                         limit=MAX_REFLECTION_CHARS, what="a reflection", nudge=f"Press “{SAVE}” when you are ready.")
    save = ui.button(SAVE, icon="check")
    card = w.VBox([box, draft.line, save], layout=ui.full_width(), **ui.classes(f"ed-reflection-{reflection.id}"))
    said_saved = ui.note_html("ok", "Saved. You can change it and save again.", word="")
    status = ui.Note(card, said_saved if saved_text else "")

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message)

    @ui.guard(show_error)
    def on_save(_: Any) -> None:
        text = box.value or ""
        problem = drafts.not_ready(text, MAX_REFLECTION_CHARS, "a reflection", "Write your thoughts in the box first.",
                                   "The longer text was not saved.")
        if problem:
            status.value = ui.note_html("warn", problem, word="")
            return
        session.store.save_reflection(session.pid, reflection.id, text)
        draft.done(text)
        status.value = said_saved

    save.on_click(on_save)
    return card


def reflections(session: Session, module_id: str) -> w.Widget:
    module = session.content.module(module_id)
    if not module.reflections:
        return ui.piece([ui.note("info", "This module has no reflection yet.", word="")], name="reflection")
    saved = session.store.reflections(session.pid)
    kept = session.store.drafts(session.pid)
    cards = [
        reflection_card(session, r, saved.get(r.id, ""), kept.get(drafts.key("reflection", r.id)))
        for r in module.reflections
    ]
    private = PRIVATE if place.with_facilitator() else PRIVATE_ON_YOUR_OWN
    return ui.piece([ui.heading("Think it over", intro=private), *cards], name="reflection")
