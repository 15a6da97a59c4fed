"""The landing page's piece on JupyterHub (`ed.show("join")` when `EMPATHYDESK_API_URL` is set).

The hub has signed the person in, so there is no join code and no personal link: the first time, they
choose the name the facilitator sees (their hub username is not shown), their group if they are in more
than one, and whether the facilitator may see their own answers; then, and every time after, their pages
in order with done / to do.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk.widgets import ui
from empathydesk.widgets.session import Session

NAME_HINT = ("The name the facilitator sees next to your progress: a first name or a nickname. "
             "Your sign-in name is not shown to them.")
# A lesson opened before joining (no code or link on the hub: the person is signed in, and joins by name)
NOT_JOINED = ("You have not joined this workshop yet. Go to the first page of the workshop, choose the name the "
              "facilitator sees, and press “Join the workshop”. Then open this page again.")
CONSENT_LABEL = "Let the facilitator see my own answers"
CONSENT_HINT = ("If you leave this off, the facilitator sees only group totals, and only when enough people "
                "have answered. You can change this at any time.")


def member_view(session: Session, participant: Any, *, just_joined: bool) -> w.Widget:
    from empathydesk.widgets.join import pages_view

    name = session.store.display_name() or participant.pseudonym
    greeting = f"Welcome, {name}: you have joined." if just_joined else f"Welcome back, {name}."
    return w.VBox([ui.markup(f'<h3 data-ed="greeting">{ui.esc(greeting)}</h3>'),
                   pages_view(session, participant, None, intro="Your pages, in order")],
                  layout=w.Layout(width="100%"))


def join_form(session: Session, done: Any) -> w.Widget:
    """Name (+ group, + consent) -> the hub user's participant, handed to `done(participant)`."""
    me = session.store.whoami()
    name = w.Text(description="Your name for the workshop", placeholder="a first name or nickname",
                  **ui.classes(ui.STACKED))
    name.style.description_width = "initial"
    name.layout = w.Layout(width="100%", max_width="24rem")
    parts: list[w.Widget] = [ui.heading("Join the workshop"), name, ui.para(NAME_HINT, "ed-muted")]
    groups = list(me.get("cohorts") or [])
    pick = None
    if len(groups) > 1:
        pick = w.Dropdown(options=groups, value=None, description="Your group", **ui.classes(ui.STACKED))
        pick.style.description_width = "initial"
        parts.append(pick)
    share = w.Checkbox(value=False, description=CONSENT_LABEL, indent=False, layout=w.Layout(width="auto"),
                       **ui.classes("ed-check"))
    go = ui.button("Join the workshop")
    status = ui.markup()
    parts += [share, ui.para(CONSENT_HINT, "ed-muted"), go, status]
    if not groups:
        from empathydesk.hub.people import NO_COHORT

        return w.VBox([ui.heading("Join the workshop"), ui.note("info", NO_COHORT, word="")],
                      layout=w.Layout(width="100%"), **ui.classes("ed-join-form"))
    joined: list[Any] = []

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message, word="Not joined:")
        go.disabled = False

    @ui.guard(show_error)
    def on_join(_: Any) -> None:
        from empathydesk.storage import JoinError

        go.disabled = True
        if joined:
            return
        try:
            participant = session.store.join("", name.value, cohort=pick.value if pick is not None else None,
                                             consent=bool(share.value))
        except JoinError as exc:
            status.value = ui.note_html("warn", exc.message, word="Not yet:")
            go.disabled = False
            return
        joined.append(participant)
        done(participant)

    go.on_click(on_join)
    return w.VBox(parts, layout=w.Layout(width="100%"), **ui.classes("ed-join-form"))


def join(session: Session) -> w.Widget:
    """The landing page's piece on the hub."""
    from empathydesk.widgets.join import CSS

    style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
    if session.participant is not None:
        return ui.piece([style, member_view(session, session.participant, just_joined=False)], name="join")
    holder = w.VBox(layout=w.Layout(width="100%"))

    def joined(participant: Any) -> None:
        session.forget()  # the page's other pieces find the participant who joined
        holder.children = [member_view(session, participant, just_joined=True)]

    holder.children = [join_form(session, joined)]
    return ui.piece([style, holder], name="join")
