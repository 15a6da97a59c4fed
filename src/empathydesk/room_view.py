"""The live room view: the facilitator's first screen during a workshop, without a kernel.

Who is where (everyone's page states, the dashboard's own grid: `dashboard.progress_grid_html`), who may need
a hand (started a page, not finished it, and no answer for `presenter.STUCK_MINUTES`: the presenter view's
rule, `presenter.place`) and how many people are at each state of each page. The statistics, charts and
shared answers stay in the dashboard notebook ("Detailed results"), one click away.

One read of the store per refresh (`Store.participants`, `Store.activity`, `Store.cohort_answers`); each
person's progress is worked out once (`scoring.progress`). Every name is escaped. The page's script
(static/room.js) asks for `live_now` every few seconds and puts the new HTML in place; nothing else loads.
Importing this module (and the dashboard functions it uses) brings no pandas, matplotlib or ipywidgets into
the facilitator app.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any

from empathydesk import console, scoring
from empathydesk.content import Content
from empathydesk.dashboard import _ago, page_short, progress_grid_html
from empathydesk.facilitator import current_room, joined_text
from empathydesk.joining import WELCOME, WRAP_UP, display_names
from empathydesk.presenter import PLACES, POLL_SECONDS, STUCK_MINUTES, in_utc, place

DASHBOARD = "dashboard.ipynb"  # the detailed results


def _page_title(content: Content, page_id: str) -> str:
    if page_id in (WELCOME, WRAP_UP):
        return page_short(content, page_id)
    module = content.module(page_id)
    return f"Module {module.number}: {module.title}"


def live_html(
    content: Content,
    participants: list[Any],
    answers: dict[int, Any],
    activity: dict[int, datetime],
    now: datetime | None = None,
) -> str:
    """The part of the page that refreshes: needs attention, counts per page, everyone's grid."""
    now = now or datetime.now(timezone.utc)
    pages = scoring.page_ids(content)
    names = display_names(participants)
    progress = {p.id: scoring.progress(content, answers.get(p.id) or _nothing()) for p in participants}
    counts = {page: dict.fromkeys((key for key, _ in PLACES), 0) for page in pages}
    stuck: list[tuple[str, list[str], datetime | None]] = []
    for person in participants:
        last = in_utc(activity.get(person.id))
        where = {page: place(progress[person.id], page, last, now) for page in pages}
        for page, state in where.items():
            counts[page][state] += 1
        on = [page for page, state in where.items() if state == "stuck"]
        if on:
            stuck.append((names[person.id], on, last))

    if not participants:
        attention = '<p class="ed-calm">Nobody has joined yet.</p>'
    elif not stuck:
        attention = f'<p class="ed-calm">Nobody has gone {STUCK_MINUTES} minutes without an answer in the middle of a page.</p>'
    else:
        stuck.sort(key=lambda s: (s[2] is not None, s[2] or now))  # the longest quiet first
        items = "".join(
            f'<li><strong>{escape(name)}</strong> · in the middle of '
            f'{escape(", ".join(_page_title(content, p) for p in on))} · last answer {escape(_ago(last, now))}</li>'
            for name, on, last in stuck
        )
        people = "1 person has" if len(stuck) == 1 else f"{len(stuck)} people have"
        attention = (f'<p><strong data-ed="attention-count">{people}</strong> not answered anything for '
                     f'{STUCK_MINUTES} minutes in the middle of a page. Maybe go and ask how it is going.</p>'
                     f'<ul class="ed-attention-list">{items}</ul>')

    head = "".join(f'<th scope="col" class="ed-num"><abbr title="{escape(_page_title(content, p))}">'
                   f'{escape(page_short(content, p))}</abbr></th>' for p in pages)
    rows = "".join(
        f'<tr class="ed-state-{key}"><th scope="row"><span class="ed-dot" aria-hidden="true"></span>{escape(label)}</th>'
        + "".join(f'<td class="ed-num">{counts[p][key] or "·"}</td>' for p in pages) + "</tr>"
        for key, label in PLACES
    )
    table = (f'<div class="ed-wide"><table class="ed-counts-table" aria-label="People per page and state" '
             'tabindex="0">'  # focusable: a keyboard scrolls it on a phone (as the grid, dashboard.progress_grid_html)
             f'<thead><tr><th scope="col">State</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>')
    grid = progress_grid_html(content, participants, progress, activity, now=now, max_rows=max(1, len(participants)))
    return (
        f'<p class="ed-joined" data-ed="joined"><strong>{escape(joined_text(len(participants)))}</strong> '
        f'<span class="ed-muted">Updated {now.astimezone().strftime("%H:%M:%S")}.</span></p>'
        f'<section class="ed-panel ed-attention{" ed-alert" if stuck else ""}" aria-labelledby="attention-title">'
        f'<h2 id="attention-title">Needs attention</h2>{attention}</section>'
        '<section class="ed-panel" aria-labelledby="counts-title"><h2 id="counts-title">How many are where</h2>'
        f'{table}</section>'
        '<section class="ed-panel" aria-labelledby="everyone-title"><h2 id="everyone-title">Everyone</h2>'
        f'<div class="ed-wide">{grid}</div></section>'
    )


def _nothing() -> Any:
    from empathydesk.storage.records import Answers

    return Answers()


def page_html(cohort_name: str, live: str, links: console.Links) -> str:
    """The live room view, with `live` (from `live_html`) as its first content."""
    body = (
        f'{console.top(links, "room")}<main class="ed-room-view" data-live-url="{escape(links.room_live)}"'
        f' data-poll-seconds="{POLL_SECONDS}">'
        f'<h1>Live room view: <span data-ed="cohort">{escape(cohort_name)}</span></h1>'
        f'<p class="ed-detail-link">Statistics, charts and the answers people share: '
        f'<a href="{escape(links.notebook(DASHBOARD))}">Detailed results</a> (takes a few seconds to open).</p>'
        f'<div data-ed="live">{live}</div>'
        '<p class="ed-refresh" data-ed="status" role="status"></p></main>'
    )
    return console.shell("Live room view", body, links, script="room.js", page_class="ed-room-page")


def _read() -> tuple[Any, str] | None:
    from empathydesk.content import load

    room = current_room()
    if room is None:
        return None
    name, store = room.cohort.name, room.store
    live = live_html(load(), store.participants(name), store.cohort_answers(name), store.activity(name))
    return room, live


def page(links: console.Links) -> str:
    """The live room view of the running workshop."""
    found = _read()
    if found is None:
        return console.not_running()
    room, live = found
    return page_html(room.cohort.name, live, links)


def live_now() -> dict[str, str] | None:
    """What the page's script puts in place every few seconds (None outside a workshop)."""
    found = _read()
    return None if found is None else {"html": found[1]}
