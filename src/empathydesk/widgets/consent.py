"""The consent choice: may the facilitator see this participant's own answers?

Every consent box on a page is linked to the session's one `ConsentState`, so they always agree;
the state saves itself.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import traitlets

from empathydesk.privacy import MIN_GROUP
from empathydesk.widgets import place, ui
from empathydesk.widgets.session import Session

LABEL = "Let the facilitator see my own answers"
EXPLAIN = (  # true to privacy.py's one rule: a total over people who don't share needs MIN_GROUP of them or more
    "If you leave this off, the facilitator sees how far you got, but not your answers. A group total that counts "
    f"them is shown only if at least {MIN_GROUP} people in it keep their answers private too. "
    "You can change this at any time."
)


def consent_note(consent: bool) -> str:
    if consent:
        return ui.note_html("ok", "Saved: the facilitator can see your own answers.", word="")
    return ui.note_html("info", "Saved: your own answers stay private. The facilitator sees group totals only.", word="")


def _wire(session: Session) -> None:
    """Make the session's consent state save itself (once per session)."""
    state = session.consent
    if getattr(state, "_ed_wired", False):
        return
    state._ed_wired = True  # type: ignore[attr-defined]

    def show_error(message: str) -> None:
        state.message = ui.note_html("error", message)

    reverting = [False]

    @ui.guard(show_error)
    def save(change: dict[str, Any]) -> None:
        if reverting[0]:
            return
        try:
            session.store.set_consent(session.pid, bool(change["new"]))
        except Exception:
            reverting[0] = True  # put the boxes back without saving again: nothing changed
            try:
                state.consent = bool(change["old"])
            finally:
                reverting[0] = False
            raise
        state.message = consent_note(bool(change["new"]))

    state.observe(save, names="consent")


def consent_box(session: Session, *, explain: str = EXPLAIN) -> w.Widget:
    _wire(session)
    box = w.Checkbox(value=session.consent.consent, description=LABEL, indent=False, layout=w.Layout(width="auto"),
                     **ui.classes("ed-check"))
    state = session.consent

    def to_state(change: dict[str, Any]) -> None:
        state.consent = bool(change["new"])

    def to_box(_: dict[str, Any]) -> None:
        box.value = state.consent  # the current value: a failed save may have put it back already

    box.observe(to_state, names="value")
    state.observe(to_box, names="consent")
    lead = f'<p class="ed-muted">{ui.esc(explain)}</p>' if explain else ""
    message = ui.markup(lead + session.consent.message)  # the explanation, then the latest message
    traitlets.dlink((session.consent, "message"), (message, "value"), lambda note: lead + note)
    return w.VBox([box, message], layout=ui.full_width(), **ui.classes("ed-consent-box"))


ON_YOUR_OWN = (
    "You are studying on your own, so there is no facilitator and nothing to share. Your answers stay on this "
    "computer, and nobody else sees them."
)
# In a workshop: who you are there and who sees what (the personal link only on the pages `empathydesk workshop` serves)
IN_A_WORKSHOP = (
    ("Your name here.", "You take part under the name you typed when you joined. It does not have to be your "
                        "real name: a nickname is fine."),
    ("What the facilitator sees.", "How far each person got, and group totals. If you keep your answers private, "
                                   f"a total that counts them is shown only if at least {MIN_GROUP} people in it keep theirs "
                                   "private too. Your own answers reach the facilitator only if you say yes below."),
)
YOUR_LINK = ("Your link.", "The address of this page holds a private key that brings you back to your answers. "
                           "Please keep it to yourself. If you lose it, the facilitator can give you a new one.")
WHY_SHARE = (
    "Some facilitators like to read your own answers, to see where the group gets stuck and what to talk about. "
    "It is up to you, and you get the same workshop either way."
)


def consent(session: Session) -> w.Widget:
    if not place.with_facilitator():
        return ui.piece([ui.heading("Sharing your answers"), ui.para(ON_YOUR_OWN)], name="consent")
    points = [*IN_A_WORKSHOP, YOUR_LINK] if place.hosted() else list(IN_A_WORKSHOP)
    items = "".join(f"<li><strong>{ui.esc(lead)}</strong> {ui.esc(text)}</li>" for lead, text in points)
    about = ui.markup(f"<ul>{items}</ul><p>{ui.esc(WHY_SHARE)}</p>")
    return ui.piece([ui.heading("Sharing your answers"), about, consent_box(session)], name="consent")
