"""What frames a page: the header (progress strip, consent, save), the footer (next page), and the
discussion questions, "my progress" and the message for a participant we cannot find."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk import scoring
from empathydesk.content import Content
from empathydesk.settings import settings
from empathydesk.widgets import place, ui
from empathydesk.widgets.consent import consent_box
from empathydesk.widgets.session import NO_PARTICIPANT, Session
from empathydesk.widgets.transfer import save_controls

SHORT_EXPLAIN = "When this is off, the facilitator sees only group totals. You can change it at any time."


def strip_html(session: Session, done: dict[str, bool], here: str) -> str:
    """Every page as a chip: a link, its name, and "done" or "to do" in words (and ✓ / ○)."""
    chips = []
    for page_id in session.page_ids():
        is_done = bool(done.get(page_id))
        state = "✓ done" if is_done else "○ to do"
        classes = ["ed-done" if is_done else "ed-todo"]
        current = ""
        if page_id == here:
            classes.append("ed-here")
            current = ' aria-current="page"'
            state += " · you are here"
        title = ui.esc(session.page_title(page_id))
        chips.append(
            f'<li class="{" ".join(classes)}" data-page="{ui.esc(page_id)}"><a href="{ui.esc(session.href(page_id))}" '
            f'title="{title}"{current}>{ui.esc(session.page_title(page_id, short=True))}</a>'
            f'<span class="ed-state">{state}</span></li>'
        )
    count = sum(1 for p in session.page_ids() if done.get(p))
    total = len(session.page_ids())
    return (
        f'<nav aria-label="Your progress"><p><strong>Your progress:</strong> {count} of {total} pages done.</p>'
        f'<ol class="ed-strip">{"".join(chips)}</ol></nav>'
    )


def header(session: Session, page_id: str) -> w.Widget:
    """The greeting and the progress strip, which follows each answer the page saves; consent; save my progress."""
    who = getattr(session.participant, "pseudonym", "")
    if session.url_token and who:  # a personal link's owner
        greeting = f'<p class="ed-muted">You are taking part as <strong>{ui.esc(who)}</strong>.</p>'
    elif not place.with_facilitator():  # this computer's own participant
        greeting = place.on_your_own(who, session.store.url)
    else:
        greeting = ""

    def markup() -> str:
        done = scoring.progress(session.content, session.store.answers(session.pid))["pages"]
        return greeting + strip_html(session, done, page_id)

    top = ui.page_links(markup())

    def follow() -> None:
        top.value = markup()  # sent to the page only when it changed

    session.on_save(follow)
    # the welcome page has the consent piece itself, with its full explanation; on one's own there is no one to share with
    parts = [consent_box(session, explain=SHORT_EXPLAIN)] if page_id != "welcome" and place.with_facilitator() else []
    return ui.piece([top, *parts, save_controls(session)], name="header")


def footer(session: Session, page_id: str) -> w.Widget:
    pages = session.page_ids()
    index = pages.index(page_id)
    if index + 1 >= len(pages):
        body = ui.markup(
            f"<p><strong>{ui.esc('You have reached the end of the workshop. Thank you for taking part!')}</strong></p>"
        )
    else:
        nxt = pages[index + 1]
        body = ui.page_links(
            f'<p><a class="ed-next" href="{ui.esc(session.href(nxt))}">'
            f"Next: {ui.esc(session.page_title(nxt))} →</a></p>"
            f'<p class="ed-muted">{ui.esc("Everything you answer is saved as you go.")}</p>'
        )
    return ui.piece([body], name="footer")


def discussion(session: Session, module_id: str) -> w.Widget:
    module = session.content.module(module_id)
    if not module.discussion:
        return ui.piece([ui.note("info", "This module has no discussion questions.", word="")], name="discussion")
    items = "".join(f"<li>{ui.esc(q)}</li>" for q in module.discussion)
    lead = ui.esc("Questions for the group, or to think about on your own:")
    return ui.piece([ui.markup(f"<h3>Talk it over</h3><p>{lead}</p><ol>{items}</ol>")], name="discussion")


def progress_view(store: Any, participant: Any, content: Content) -> w.Widget:
    """The participant's "My progress" widget: a "Show my charts" button that draws the charts (PNG with alt
    text and a caption), their reflections and a "Download my report" link (a PDF, as a data: address so
    that it works in Voilà). Nothing is drawn until asked, and `empathydesk.charts` is imported only then:
    the page opens lighter, and the charts include the answers just given on this page."""
    intro = ui.para("See how your answers moved over the workshop, once you have rated yourself above.")
    update = ui.button("Show my charts", icon="bar-chart")
    box = w.VBox([intro, update], layout=ui.full_width(), **ui.classes("ed-progress-view"))
    drawn = ui.Note(box)  # a short note (if any), then the charts, the reflections and the report's link
    shown = ""

    def show_error(message: str) -> None:
        drawn.value = ui.note_html("error", message, word="Sorry:") + shown

    @ui.guard(show_error)
    def refresh(_: Any = None) -> None:
        from empathydesk.widgets.my_progress import progress_parts

        nonlocal shown
        drawn.value = ui.note_html("info", "Drawing your charts…", word="") + shown
        parts = progress_parts(content, store, participant)
        shown = parts["charts"] + parts["reflections"] + parts["download"]
        drawn.value = shown
        update.description = update.tooltip = "Update my charts"
        update.icon = "refresh"

    update.on_click(refresh)
    return box


def my_progress(session: Session) -> w.Widget:
    view = progress_view(session.store, session.participant, session.content)
    return ui.piece([ui.heading("My progress"), view], name="my-progress")


def no_participant(short: bool = False) -> w.Widget:
    text = "Join the workshop first (see the message at the top of the page)." if short else NO_PARTICIPANT
    word = "" if short else "We need your link."
    if not short and settings().api_url:  # on JupyterHub: signed in at the hub, joined by name, no link
        from empathydesk.hub.join import NOT_JOINED

        text, word = NOT_JOINED, "Join first."
    return ui.piece([ui.note("warn", text, word=word)], name="no-participant")
