"""The presenter view for the projector: a module's discussion questions, a countdown timer, and how far the
room is on that module, in large type. No names: only counts.

The page is plain HTML (`page_html`); its script (static/presenter.js) moves between the cohort's modules,
runs the timer and asks the facilitator app for `room_progress` every few seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any

from empathydesk import console, scoring
from empathydesk.content import Content, Module
from empathydesk.facilitator import current_room, joined_text

STUCK_MINUTES = 10  # started, not finished, and no answer at all for this long: maybe stuck
DEFAULT_TIMER_MINUTES = 5  # a discussion; the facilitator changes it with + and -
POLL_SECONDS = 5


# Where each person is on a module, one of four (a person counts in exactly one):
PLACES = (
    ("working", "Working on it"),  # started, not finished, answered something in the last STUCK_MINUTES
    ("stuck", f"No answer for {STUCK_MINUTES} min"),  # started, not finished, nothing answered since
    ("done", "Finished"),
    ("waiting", "Not started"),
)


def in_utc(moment: datetime | None) -> datetime | None:
    """A time from the store (naive, in UTC) as an aware one; an aware one as it is."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def place(progress: scoring.Progress, page_id: str, last: datetime | None, now: datetime) -> str:
    """Where someone is on a page (one of `PLACES`' keys), from their `scoring.progress` and the time of their
    latest answer (`Store.activity`; stored naive in UTC): the one rule for "maybe stuck" (the presenter
    view's counts, the live room view's "needs attention")."""
    if progress["pages"].get(page_id):
        return "done"
    if not progress["started"].get(page_id):
        return "waiting"
    last = in_utc(last)
    return "stuck" if last is None or last < now - timedelta(minutes=STUCK_MINUTES) else "working"


def room_progress(
    content: Content,
    module_ids: list[str],
    answers: dict[int, Any],
    last_answer: dict[int, datetime],
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everyone's progress on each module, from one read of the cohort's answers (`Store.cohort_answers`) and
    their latest answer times (`Store.activity`), as the presenter view's script reads it."""
    now = now or datetime.now(timezone.utc)
    counts = {module_id: dict.fromkeys((key for key, _ in PLACES), 0) for module_id in module_ids}
    for pid, given in answers.items():
        progress = scoring.progress(content, given)
        for module_id, row in counts.items():
            row[place(progress, module_id, last_answer.get(pid), now)] += 1
    return {"joined": len(answers), "joined_text": joined_text(len(answers)), "modules": counts}


def _questions(module: Module) -> str:
    if not module.discussion:
        return '<p class="ed-none">This module has no discussion questions.</p>'
    return "<ol>" + "".join(f"<li>{escape(q)}</li>" for q in module.discussion) + "</ol>"


def page_html(content: Content, module_ids: list[str], current: str, links: console.Links) -> str:
    """The presenter view, showing module `current` (one of `module_ids`, the cohort's modules in order)."""
    sections = []
    for place, module_id in enumerate(module_ids, start=1):
        module = content.module(module_id)
        hidden = "" if module_id == current else " hidden"
        sections.append(
            f'<section class="ed-module" data-module="{escape(module_id)}"{hidden} aria-labelledby="m-{place}">'
            f'<p class="ed-where">Module {module.number} · {place} of {len(module_ids)} today</p>'
            f'<h1 id="m-{place}">{escape(module.title)}</h1>'
            f'<h2>Talk it over</h2>{_questions(module)}</section>'
        )
    counts = "".join(
        f'<div class="ed-count ed-{key}"><dt>{label}</dt><dd data-ed="{key}">–</dd></div>'
        for key, label in PLACES
    )
    body = (
        f'<main class="ed-presenter" data-progress-url="{escape(links.progress)}" data-poll-seconds="{POLL_SECONDS}"'
        f' data-minutes="{DEFAULT_TIMER_MINUTES}">'
        f'<div class="ed-questions">{"".join(sections)}</div>'
        '<aside class="ed-side">'
        '<section class="ed-timer" aria-label="Timer">'
        f'<p class="ed-clock" data-ed="clock" role="timer">{DEFAULT_TIMER_MINUTES}:00</p>'
        '<p class="ed-timer-state" data-ed="timer-state" aria-live="polite">Ready</p>'
        '<div class="ed-buttons">'
        '<button type="button" data-ed="less" aria-label="−1 min: one minute less">−1 min</button>'
        '<button type="button" data-ed="start" class="ed-primary">Start</button>'
        '<button type="button" data-ed="more" aria-label="+1 min: one minute more">+1 min</button>'
        '<button type="button" data-ed="reset">Reset</button>'
        "</div></section>"
        '<section class="ed-room" aria-label="The room on this module">'
        f'<h2>The room on this module</h2><dl class="ed-counts">{counts}</dl>'
        '<p class="ed-joined" data-ed="joined" aria-live="polite"></p>'
        "</section></aside>"
        '<nav class="ed-nav" aria-label="Modules">'
        '<button type="button" data-ed="previous">← Previous module</button>'
        '<p class="ed-keys">Keys: ← → module · Space start or pause · + − one minute · R reset</p>'
        '<button type="button" data-ed="next">Next module →</button>'
        f'<a href="{escape(links.home)}">Facilitator home</a>'
        "</nav></main>"
    )
    return console.shell("Presenter view", body, links, script="presenter.js", page_class="ed-presenter-page")


def page(links: console.Links, module_id: str = "") -> str:
    """The presenter view of the running workshop, on module `module_id` (default: the cohort's first)."""
    from empathydesk.content import load

    room = current_room()
    if room is None:
        return console.not_running()
    modules = list(room.cohort.modules)
    return page_html(load(), modules, module_id if module_id in modules else modules[0], links)


def progress_now() -> dict[str, Any] | None:
    """`room_progress` of the running workshop now (None outside a workshop)."""
    from empathydesk.content import load

    room = current_room()
    if room is None:
        return None
    name = room.cohort.name
    return room_progress(load(), list(room.cohort.modules), room.store.cohort_answers(name), room.store.activity(name))
