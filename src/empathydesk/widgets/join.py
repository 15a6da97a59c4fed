"""The landing page's piece, `ed.show("join")`.

- Hosted workshop, no valid link yet: type the join code (filled in from a `?code=` link or QR code) and a
  name you choose; you get your personal link and the pages in order.
- Hosted workshop with a personal link: welcome back, your link again, the pages with done / to do.
- Self-study (JupyterLab, Binder, plain Voilà): the pages in order, and "resume from a saved file".
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk import joining
from empathydesk.settings import settings
from empathydesk.widgets import ui
from empathydesk.widgets.session import Session, hosted, page_cohort

KEEP_LINK = (
    "This is your personal link. Bookmark it or copy it somewhere safe: it brings you back to your own "
    "answers, on this device or another one. Please don't share it."
)
OLD_LINK = (
    "This link does not work any more. Maybe the facilitator made you a new one. "
    "You can ask them for it, or join again below with the code."
)
NAME_HINT = "Any name you like: a first name or a nickname. The facilitator sees it next to your progress."
CHECK_CODE = "If you lose your link, tell your facilitator your name and this code."
JOINED_ALREADY = "You have joined already."
ALL_DONE = "You have done every page. Thank you for taking part! You can open any page again to look back."

CSS = """
.ed-join .ed-pages { padding-left: 1.6rem; margin: 0.4rem 0; }
.ed-join .ed-pages li { margin: 0.35rem 0; font-size: 16px; }
.ed-join .ed-pages a { color: #0b5394; text-decoration: underline; font-weight: 600; }
.ed-join .ed-pages .ed-state { margin-left: 0.5rem; font-size: 14px; color: #4a4a4a; white-space: nowrap; }
.ed-join .ed-pages li.ed-done .ed-state { color: #005a8c; }
.ed-join .ed-personal-link { font-size: 16px; border: 2px dashed #0b5394; border-radius: 6px;
  padding: 0.5rem 0.7rem; background: #f5f9fd; overflow-wrap: anywhere; margin: 0.4rem 0; }
.ed-join .ed-personal-link a { color: #0b5394; }
.ed-join .ed-check-code strong { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; letter-spacing: 0.1em; }
"""


def pages_html(links: list[joining.PageLink]) -> str:
    """The pages in order, each a link with "done" or "to do" in words (and ✓ / ○)."""
    items = []
    for link in links:
        state = "✓ done" if link.done else "○ to do"
        items.append(
            f'<li class="{"ed-done" if link.done else "ed-todo"}" data-page="{ui.esc(link.page_id)}">'
            f'<a href="{ui.esc(link.href)}">{ui.esc(link.title)}</a> '
            f'<span class="ed-state">{state}</span></li>'
        )
    return f'<ol class="ed-pages">{"".join(items)}</ol>'


def link_html(url: str, check_code: str) -> str:
    """The personal link, how to keep it, and the check code that proves a lost link was yours."""
    return (
        f'<p class="ed-personal-link"><a href="{ui.esc(url)}" data-ed="personal-link">{ui.esc(url)}</a></p>'
        f'<p class="ed-muted">{ui.esc(KEEP_LINK)}</p>'
        f'<p class="ed-check-code">Your check code: <strong data-ed="check-code">{ui.esc(check_code)}</strong>. '
        f"{ui.esc(CHECK_CODE)}</p>"
    )


def pages_view(session: Session, participant: Any, token: str | None, *, intro: str) -> w.Widget:
    links = joining.page_links(session.store, session.content, participant, token)
    start = joining.next_page(links)
    if start is None:
        lead = f'<p class="ed-all-done"><strong>{ui.esc(ALL_DONE)}</strong></p>'
    else:
        verb = "Start" if not any(link.done for link in links) else "Carry on"
        lead = f'<p><a class="ed-next" href="{ui.esc(start.href)}">{verb}: {ui.esc(start.title)} →</a></p>'
    return ui.page_links(f"<h3>{ui.esc(intro)}</h3>{lead}{pages_html(links)}")


def member_view(session: Session, participant: Any, *, just_joined: bool) -> w.Widget:
    """For someone with a valid link: greeting (their name as the facilitator sees it), their personal link and
    check code, their pages."""
    from empathydesk.storage.store import check_code

    token = participant.token
    link = joining.personal_link(token, joining.app_address())
    name = joining.own_display_name(session.store, participant)
    greeting = f"Welcome, {name}: you have joined." if just_joined else f"Welcome back, {name}."
    parts = [
        ui.markup(f'<h3 data-ed="greeting">{ui.esc(greeting)}</h3>'),
        ui.markup(link_html(link, check_code(token))),
    ]
    parts.append(pages_view(session, participant, token, intro="Your pages, in order"))
    return w.VBox(parts, layout=w.Layout(width="100%"))


def join_form(session: Session, done: Any) -> w.Widget:
    """Code + chosen name -> a new participant, handed to `done(participant)`; one per form, even if the
    button's click comes again (the page disables it, but a click can be sent without the page)."""
    code = w.Text(value=session.query_value("code"), description="Join code", placeholder="like K7QM-3XPA",
                  **ui.classes(ui.STACKED))
    name = w.Text(description="Your name for today", placeholder="a first name or nickname", **ui.classes(ui.STACKED))
    for box in (code, name):
        box.style.description_width = "initial"
        box.layout = w.Layout(width="100%", max_width="24rem")
    hint = ui.para(NAME_HINT, "ed-muted")
    go = ui.button("Join the workshop")
    status = ui.markup()
    joined: list[Any] = []  # the participant this form made, once it made one

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message, word="Not joined:")
        go.disabled = False

    @ui.guard(show_error)
    def on_join(_: Any) -> None:
        from empathydesk.storage import JoinError

        go.disabled = True  # one click, one participant
        if joined:
            status.value = ui.note_html("info", JOINED_ALREADY, word="")
            return
        try:
            participant = session.store.join(code.value, name.value, cohort=page_cohort())
        except JoinError as exc:
            status.value = ui.note_html("warn", exc.message, word="Not yet:")
            go.disabled = False
            return
        joined.append(participant)
        done(participant)

    go.on_click(on_join)
    return w.VBox([ui.heading("Join the workshop"), code, name, hint, go, status], layout=w.Layout(width="100%"),
                  **ui.classes("ed-join-form"))


def self_study_view(session: Session) -> w.Widget:
    from empathydesk.widgets.transfer import import_or_note

    intro = ui.markup(
        f"<p>{ui.esc('You are working on your own. Your answers are kept on this computer as you go.')}</p>"
        f'<p class="ed-muted">{ui.esc("On Binder, your copy is deleted when you leave: use “Save my progress” on any page to keep a file, and load it here next time.")}</p>'
    )
    pages = pages_view(session, session.participant, None, intro="The pages, in order")
    return w.VBox([intro, pages, import_or_note(session)], layout=w.Layout(width="100%"))


def remember_in_address(token: str) -> w.Widget:
    """Put the token into the address bar, so that reloading the page (or bookmarking it) keeps the person.

    A progressive enhancement: where the page does not run the snippet, the links on the page carry the token.
    """
    import json

    from IPython.display import Javascript, display

    out = w.Output(layout=w.Layout(display="none"))
    query = json.dumps(joining.personal_link(token).split("?", 1)[1])
    with out:
        display(Javascript(f"try {{ history.replaceState(null, '', '?' + {query}); }} catch (e) {{}}"))
    return out


def join(session: Session) -> w.Widget:
    """The landing page's piece."""
    if settings().api_url:  # on JupyterHub: the hub says who this is (empathydesk.hub.join)
        from empathydesk.hub.join import join as hub_join

        return hub_join(session)
    style = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))  # own layout: ui's are shared
    if not hosted():
        return ui.piece([style, self_study_view(session)], name="join")
    if session.participant is not None:
        return ui.piece([style, member_view(session, session.participant, just_joined=False)], name="join")
    holder = w.VBox(layout=w.Layout(width="100%"))

    def joined(participant: Any) -> None:
        holder.children = [member_view(session, participant, just_joined=True), remember_in_address(participant.token)]

    children: list[w.Widget] = []
    if session.url_token:
        children.append(ui.note("warn", OLD_LINK, word="Your link:"))
    children.append(join_form(session, joined))
    holder.children = children
    return ui.piece([style, holder], name="join")
