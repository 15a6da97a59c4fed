"""The facilitator app's own pages besides the notebooks: the home at its root, and the run of show.

Plain HTML built here (every text escaped), the style of the server's plain pages (`notice.STYLE`) with
static/console.css on top, nothing from the internet. The key is never on a page: the pages are behind the
key, and none of them is given it. The addresses of these pages are declared once, in `Links`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from empathydesk import notice
from empathydesk.facilitator import NOT_RUNNING, Room, current_room, joined_text, room_locked
from empathydesk.run_of_show import Plan, workshop_plans

STATIC = "console-static"  # package folder static/, served under this path
PRESENTER = "presenter"
PROGRESS = "presenter/progress.json"
ROOM = "room"
ROOM_LIVE = "room/live.json"
RUN_OF_SHOW = "run-of-show"
EXPORT = "export"
EXPORT_FORMATS = {"csv": "text/csv", "json": "application/json"}


@dataclass(frozen=True)
class Links:
    """Where each facilitator page is, under the facilitator app's root `base` ("/")."""

    base: str = "/"

    def _at(self, path: str) -> str:
        return self.base.rstrip("/") + "/" + path

    @property
    def home(self) -> str:
        return self._at("")

    @property
    def presenter(self) -> str:
        return self._at(PRESENTER)

    @property
    def progress(self) -> str:
        return self._at(PROGRESS)

    @property
    def room(self) -> str:
        return self._at(ROOM)

    @property
    def room_live(self) -> str:
        return self._at(ROOM_LIVE)

    @property
    def sign_out(self) -> str:
        return self._at("logout")

    def notebook(self, name: str) -> str:
        return self._at(f"voila/render/{quote(name)}")

    def plan(self, plan: Plan) -> str:
        return self._at(f"{RUN_OF_SHOW}/{plan.slug}")

    def export(self, fmt: str) -> str:
        return self._at(f"{EXPORT}/results.{fmt}")

    def static(self, name: str) -> str:
        return self._at(f"{STATIC}/{name}")


def shell(title: str, body: str, links: Links, *, script: str = "", page_class: str = "") -> str:
    """A whole facilitator page: the plain pages' style, console.css, an optional script from static/."""
    script_tag = f'<script src="{escape(links.static(script))}" defer></script>' if script else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{notice.NO_ICON}<title>{escape(title)} · EmpathyDesk</title><style>{notice.STYLE}</style>"
        f'<link rel="stylesheet" href="{escape(links.static("console.css"))}">{script_tag}</head>'
        f'<body class="ed-console {escape(page_class)}">{body}</body></html>'
    )


def top(links: Links, where: str) -> str:
    home = f'<a href="{escape(links.home)}">Facilitator home</a>' if where != "home" else "<span>Facilitator home</span>"
    return (
        '<header class="ed-top"><p class="ed-brand">EmpathyDesk</p>'
        f'<nav aria-label="Facilitator">{home}<a href="{escape(links.sign_out)}">Sign out</a></nav></header>'
    )


ENTRIES = (  # (title, what it is for, where): a notebook, or one of our own pages (a `Links` property)
    ("Live room view", "Who is where, who may need a hand, and how many are on each page. Opens at once.",
     "room"),
    ("Detailed results", "Statistics and charts of the room's answers, and the answers people share.",
     "dashboard.ipynb"),
    ("Presenter view", "For the projector: the module's discussion questions, a timer, and how far the room is.",
     "presenter"),
    ("Join screen", "For the projector: the join link, the code and a QR code.", "join-screen.ipynb"),
    ("Participants", "Who has joined, a new link for someone who lost theirs, closing the room to new people.",
     "participants.ipynb"),
)


def home_html(room: Room, titles: list[str], plans: list[Plan], links: Links) -> str:
    """The facilitator's home: the cohort, how people join, the pages, the run of show and the results.
    `titles` are the cohort's modules, in order."""
    code, join = room.cohort.join_code, room.join_url
    state = "The room is closed to new people." if room_locked(room) else "The room is open to new people."
    joined = joined_text(len(room.store.participants(room.cohort.name)))
    entries = "".join(
        f'<a class="ed-entry" href="{escape(links.notebook(page) if page.endswith(".ipynb") else getattr(links, page))}">'
        f'<span class="ed-entry-title">{escape(title)}</span><span>{escape(text)}</span></a>'
        for title, text, page in ENTRIES
    )
    modules = "".join(f"<li>{escape(title)}</li>" for title in titles)
    plan_links = "".join(
        f'<li><a href="{escape(links.plan(plan))}">Plan {escape(plan.letter)}: {escape(plan.title)}</a></li>'
        for plan in plans
    )
    downloads = (
        f'<a class="ed-download" href="{escape(links.export("csv"))}" download>Download for a spreadsheet (CSV)</a>'
        f'<a class="ed-download" href="{escape(links.export("json"))}" download>Download as JSON</a>'
    )
    body = (
        f'{top(links, "home")}<main class="ed-home">'
        f'<h1>Workshop: <span data-ed="cohort">{escape(room.cohort.name)}</span></h1>'
        '<section class="ed-panel ed-join" aria-labelledby="join-title"><h2 id="join-title">How people join</h2>'
        '<dl class="ed-join-facts">'
        f'<div><dt>Join link</dt><dd class="ed-mono" data-ed="join-link">{escape(join)}</dd></div>'
        f'<div><dt>Join code</dt><dd class="ed-code" data-ed="join-code">{escape(code)}</dd></div></dl>'
        f'<p>A link with the code filled in, to send or print: <span class="ed-mono" data-ed="join-link-code">'
        f"{escape(room.join_url_with_code)}</span></p>"
        f'<p data-ed="joined"><strong>{escape(joined)}</strong> {escape(state)}</p></section>'
        f'<nav class="ed-entries" aria-label="Facilitator pages">{entries}</nav>'
        '<div class="ed-columns">'
        '<section class="ed-panel" aria-labelledby="plans-title"><h2 id="plans-title">Run of show</h2>'
        "<p>Minute by minute: what happens when, and when people take the check-ins.</p>"
        f'<ul class="ed-plans">{plan_links}</ul>'
        f'<h3>Today\'s modules</h3><ol data-ed="modules">{modules}</ol></section>'
        '<section class="ed-panel" aria-labelledby="results-title"><h2 id="results-title">Results to keep</h2>'
        "<p>Everyone's progress, the answers of the people who agreed to share them, and the group figures "
        "that the detailed results may show. Nobody else's answers.</p>"
        f'<p class="ed-downloads">{downloads}</p></section>'
        "</div></main>"
    )
    return shell("Facilitator home", body, links, page_class="ed-home-page")


def plan_html(plan: Plan, plans: list[Plan], links: Links) -> str:
    """One plan of the run of show, with the way to the others."""
    others = "".join(
        f'<li><a href="{escape(links.plan(p))}"{" aria-current=page" if p == plan else ""}>Plan {escape(p.letter)}</a></li>'
        for p in plans
    )
    body = (
        f'{top(links, "plan")}<main class="ed-plan">'
        f'<nav aria-label="Plans"><ul class="ed-plan-tabs">{others}</ul></nav>'
        f"<h1>Plan {escape(plan.letter)}: {escape(plan.title)}</h1>"
        f'<div class="ed-markdown">{plan.html}</div></main>'
    )
    return shell(f"Plan {plan.letter}", body, links, page_class="ed-plan-page")


# --- the pages as the facilitator app serves them (each reads what it shows, off the app's event loop) ---


def not_running() -> str:
    return notice.page("No workshop is running here", [NOT_RUNNING])


def home_page(links: Links) -> str:
    from empathydesk.content import load

    room = current_room()
    if room is None:
        return not_running()
    content = load()
    titles = [f"Module {content.module(m).number}: {content.module(m).title}" for m in room.cohort.modules]
    return home_html(room, titles, workshop_plans(), links)


def plan_page(slug: str, links: Links) -> str | None:
    """The plan whose letter is `slug` ("a"), or None when the run of show has no such plan."""
    plans = workshop_plans()
    plan = next((p for p in plans if p.slug == slug), None)
    return plan_html(plan, plans, links) if plan else None


def export(fmt: str) -> tuple[str, str] | None:
    """(file name, text) of the cohort's results in `fmt` (csv or json), or None outside a workshop."""
    from empathydesk.cohort_export import cohort_rows, render

    room = current_room()
    if room is None:
        return None
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", room.cohort.name).strip("-.") or "workshop"
    return f"{name}-results.{fmt}", render(cohort_rows(room.store, room.cohort.name), fmt)
