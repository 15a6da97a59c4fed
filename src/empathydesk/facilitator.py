"""The facilitator app's own pages (besides the charts helper's dashboard): the join screen for the projector
and the list of participants, where a lost personal link is made anew (with the person's check code) and
the room can be closed to new people.

Both read the workshop from the environment `empathydesk workshop` gives the facilitator app:
`EMPATHYDESK_COHORT`, `EMPATHYDESK_DB_URL` and `EMPATHYDESK_JOIN_URL` (the participant app's address).
Neither ever shows the facilitator key: it is not in their environment, and the address bar drops it.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from empathydesk import joining
from empathydesk.settings import settings

NOT_RUNNING = (
    "This page belongs to a running workshop. Start one with `empathydesk workshop` (or `make workshop`) "
    "and open the facilitator link it prints."
)
WRONG_CHECK_CODE = (
    "That check code does not match. Ask the person to read the code on their screen. "
    "If they can't, they can join again with the join code as a new person."
)
NO_CHECK_CODE = "Type the check code first. The person saw it on their screen, under their personal link."
ROOM_OPEN = "The room is open: new people can join with the code."
ROOM_CLOSED = "The room is closed to new people. Everyone who joined can still use their link."
CLOSE_ROOM = "Close the room to new people"
OPEN_ROOM = "Open the room again"


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


@dataclass(frozen=True)
class Room:
    cohort: Any  # storage Cohort
    join_url: str  # the participant app's root, e.g. "http://192.168.1.20:8866/"
    store: Any

    @property
    def join_url_with_code(self) -> str:
        return joining.join_link(self.join_url, self.cohort.join_code)

    def personal_link(self, token: str) -> str:
        return joining.personal_link(token, self.join_url)


def current_room(store: Any = None) -> Room | None:
    """The running workshop's cohort and address, or None when this page runs outside `empathydesk workshop`."""
    name, join_url = settings().cohort, settings().join_url
    if not name or not join_url:
        return None
    if store is None:
        from empathydesk.storage import Store

        store = Store.open()
    cohort = store.cohort(name)
    if cohort is None:
        return None
    return Room(cohort, join_url if join_url.endswith("/") else join_url + "/", store)


# --- the join screen ---------------------------------------------------------------------------------

SCREEN_CSS = """
.ed-screen { font-family: var(--ed-font-sans); color: var(--ed-color-text);
  display: flex; flex-wrap: wrap; align-items: center; justify-content: center; gap: 2rem 4rem; padding: 1rem 0; }
.ed-screen h1 { font-size: 3.2rem; margin: 0 0 1.2rem 0; line-height: 1.1; color: var(--ed-color-text); }
.ed-screen ol { font-size: 1.8rem; line-height: 1.35; padding-left: 2.2rem; margin: 0; }
.ed-screen li { margin: 0 0 1.1rem 0; }
.ed-screen .ed-big { display: block; font-size: 2.6rem; font-weight: 700; color: var(--ed-color-accent);
  font-family: var(--ed-font-mono); overflow-wrap: anywhere; margin-top: 0.2rem; }
.ed-screen .ed-code { font-size: 4.4rem; letter-spacing: 0.18em; color: var(--ed-color-text); }
.ed-screen figure { margin: 0; text-align: center; }
.ed-screen figure svg { display: block; width: 24rem; height: 24rem; max-width: 80vw; max-height: 80vw; margin: 0 auto; }
.ed-screen figcaption { font-size: 1.4rem; margin-top: 0.4rem; }
.ed-joined { font-size: 1.6rem; text-align: center; color: var(--ed-color-text-muted); margin-top: 0.5rem;
  font-family: var(--ed-font-sans); }
@media (max-width: 40rem) { .ed-screen h1 { font-size: 2.2rem; } .ed-screen ol { font-size: 1.3rem; }
  .ed-screen .ed-big { font-size: 1.6rem; } .ed-screen .ed-code { font-size: 2.4rem; } }
"""


def join_screen_html(room: Room) -> str:
    """The projector view: link, code, QR code (link with the code filled in). No key, no names."""
    qr = joining.qr_svg(room.join_url_with_code, scale=10, border=3, sized=False)
    return (
        f"<style>{SCREEN_CSS}</style>"
        '<div class="ed-screen" data-ed="join-screen">'
        "<div>"
        "<h1>Join the workshop</h1>"
        "<ol>"
        f'<li>Open this link:<span class="ed-big" data-ed="join-link">{esc(room.join_url)}</span></li>'
        f'<li>Type the code:<span class="ed-big ed-code" data-ed="join-code">{esc(room.cohort.join_code)}</span></li>'
        "<li>Choose a name for today. A nickname is fine.</li>"
        "</ol>"
        "</div>"
        f'<figure><div role="img" aria-label="QR code that opens the join link with the code filled in">{qr}</div>'
        "<figcaption>Or scan this: the code is filled in for you.</figcaption></figure>"
        "</div>"
    )


def joined_text(count: int) -> str:
    if count == 0:
        return "Nobody has joined yet."
    return "1 person has joined." if count == 1 else f"{count} people have joined."


def room_locked(room: Room) -> bool:
    """Whether the room is closed to new people now (read from the store: another page may have changed it)."""
    cohort = room.store.cohort(room.cohort.name)
    return bool(cohort is not None and cohort.locked)


def screen_count_html(room: Room) -> str:
    """The join screen's line under the code: how many joined, and whether the room is closed."""
    text = joined_text(len(room.store.participants(room.cohort.name)))
    closed = " The room is closed to new people." if room_locked(room) else ""
    return f'<p class="ed-joined" data-ed="joined">{text}{closed}</p>'


def join_screen(store: Any = None, refresh_seconds: float = 5.0) -> Any:
    """The join screen widget: the projector view and a count of people joined, kept up to date."""
    import ipywidgets as w

    room = current_room(store)
    if room is None:
        return w.HTML(f"<p>{esc(NOT_RUNNING)}</p>")
    count = w.HTML(screen_count_html(room))

    def keep_counting() -> None:
        stop = threading.Event()
        while not stop.wait(refresh_seconds):
            try:
                value = screen_count_html(room)
            except Exception:  # noqa: BLE001 - a database hiccup: try again next time
                continue
            if count.value != value:
                count.value = value

    if refresh_seconds > 0:
        threading.Thread(target=keep_counting, name="join-screen-count", daemon=True).start()
    return w.VBox([w.HTML(join_screen_html(room)), count], layout=w.Layout(width="100%"))


# --- participants and their links ----------------------------------------------------------------------

LIST_CSS = """
.ed-people { font-family: var(--ed-font-sans); font-size: var(--ed-size-sm); color: var(--ed-color-text); }
.ed-people .ed-wide { overflow-x: auto; max-width: 56rem; }
.ed-people table { border-collapse: collapse; width: 100%; }
.ed-people th, .ed-people td { text-align: left; padding: var(--ed-space-2) var(--ed-space-3);
  border-bottom: var(--ed-border-width) solid var(--ed-color-border); color: var(--ed-color-text); }
@media (max-width: 40rem) { .ed-people th, .ed-people td { padding: var(--ed-space-2) var(--ed-space-1); } }
.ed-prose p, .ed-people-view .ed-note { max-width: var(--ed-column); }
.ed-people-view .jupyter-button { white-space: normal; text-align: left; }  /* a long label wraps on a phone */
.ed-people .ed-link { font-family: var(--ed-font-mono); font-size: var(--ed-size-md); overflow-wrap: anywhere;
  border: var(--ed-control-border) dashed var(--ed-color-accent); padding: var(--ed-space-2);
  background: var(--ed-color-accent-soft); color: var(--ed-color-text); }
"""


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "no answers yet"
    now = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60:02d} min ago"


def people_rows(room: Room) -> list[dict[str, Any]]:
    """One row per participant: id, name (with a suffix when others chose it too), joined at, last answer,
    consent."""
    last = room.store.activity(room.cohort.name)
    people = room.store.participants(room.cohort.name)
    names = joining.display_names(people)
    rows = []
    for p in people:
        rows.append(
            {
                "id": p.id,
                "name": names[p.id],
                "joined": p.created_at,
                "last_answer": last.get(p.id),
                "consent": bool(p.consent),
            }
        )
    return rows


def reissue(room: Room, participant_id: int, check_code: str) -> str:
    """A new personal link for this participant of this cohort, if `check_code` is the one their landing page
    shows (so nobody can lock a person out by asking in their name); the old link then stops working.

    LookupError: not in this workshop. ValueError (with `WRONG_CHECK_CODE`): the code does not match.
    """
    from empathydesk.storage.store import check_code_matches

    person = next((p for p in room.store.participants(room.cohort.name) if p.id == participant_id), None)
    if person is None:
        raise LookupError("That person is not in this workshop.")
    if not check_code_matches(person.token, check_code):
        raise ValueError(WRONG_CHECK_CODE)
    return room.personal_link(room.store.reissue_link(participant_id))


def button(label: str, style: str = "") -> Any:
    """A button as wide as its label (ipywidgets' default width cuts a longer label off)."""
    import ipywidgets as w

    return w.Button(description=label, button_style=style, layout=w.Layout(width="auto", max_width="100%"))


def row(*children: Any) -> Any:
    """Controls side by side, the next line taking those that don't fit (on a phone: one under the other)."""
    import ipywidgets as w

    return w.HBox(list(children), layout=w.Layout(flex_flow="row wrap", align_items="center",
                                                  grid_gap="0.25rem 0.75rem"))


def room_lock(room: Room) -> Any:
    """The state of the room in words, and a button that closes it to new people or opens it again."""
    import ipywidgets as w

    state = w.HTML()
    toggle = button("")

    def show(locked: bool) -> None:
        words = ROOM_CLOSED if locked else ROOM_OPEN
        state.value = f"<p data-ed='room-state'><strong>{esc(words)}</strong></p>"
        toggle.description = OPEN_ROOM if locked else CLOSE_ROOM
        toggle.button_style = "" if locked else "warning"

    def on_toggle(_: Any) -> None:
        try:
            room.store.set_locked(room.cohort.name, not room_locked(room))
            show(room_locked(room))
        except Exception as exc:  # noqa: BLE001 - say it plainly, keep the page working
            message = getattr(exc, "message", None) or "That did not work. Please try again."
            state.value = f"<p data-ed='room-state'>{esc(message)}</p>"

    toggle.on_click(on_toggle)
    show(room_locked(room))
    return w.VBox([state, toggle], layout=w.Layout(width="100%", align_items="flex-start"))


def participants_view(store: Any = None) -> Any:
    """Who has joined (name, when, last answer, consent), with "New link" for anyone who lost theirs (it needs
    the check code from their screen), and the room's lock."""
    import ipywidgets as w

    from empathydesk.widgets.ui import classes, note_html

    room = current_room(store)
    if room is None:
        return w.HTML(f"<p>{esc(NOT_RUNNING)}</p>")

    table = w.HTML()
    labelled = {"style": {"description_width": "initial"}, "layout": w.Layout(width="20rem", max_width="100%")}
    search = w.Text(description="Find a name", placeholder="type part of a name", **labelled)
    refresh = button("Refresh the list")
    pick = w.Dropdown(description="Person", options=[], **labelled)
    code = w.Text(description="Their check code", placeholder="like K7P2", **labelled)
    make = button("Make a new link", "warning")
    sure = button("Yes, make it (the old link stops working)", "danger")
    sure.layout.display = "none"
    result = w.HTML()
    names: dict[int, str] = {}

    def show_table() -> None:
        rows = people_rows(room)
        names.update((r["id"], r["name"]) for r in rows)
        shared = joining.shared_names(room.store.participants(room.cohort.name))
        notes = "".join(
            f"<p data-ed='shared-name'>⚠ {esc(joining.shared_name_note(name, count))}</p>" for name, count in shared
        )
        needle = search.value.strip().lower()
        shown = [r for r in rows if needle in r["name"].lower()] if needle else rows
        body = "".join(
            f'<tr data-ed="person"><td>{esc(r["name"])}</td><td>{esc(r["joined"].astimezone().strftime("%H:%M"))}</td>'
            f'<td>{esc(ago(r["last_answer"]))}</td><td>{"yes" if r["consent"] else "no"}</td></tr>'
            for r in shown
        )
        table.value = (
            f"<style>{LIST_CSS}</style><div class='ed-people'>"
            f"<p data-ed='people-count'><strong>{joined_text(len(rows))}</strong></p>{notes}"
            "<div class='ed-wide' tabindex='0' role='region' aria-label='Who has joined'>"
            "<table><thead><tr><th>Name</th><th>Joined</th><th>Last answer</th><th>Shares answers</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div></div>"
        )
        pick.options = [(f"{r['name']} (joined {r['joined'].astimezone():%H:%M})", r["id"]) for r in shown]

    def on_make(_: Any) -> None:
        result.value = ""
        if pick.value is None:
            result.value = note_html("warn", "Choose the person first.")
            return
        if not code.value.strip():
            result.value = note_html("warn", NO_CHECK_CODE)
            return
        sure.layout.display = ""

    def on_sure(_: Any) -> None:
        sure.layout.display = "none"
        try:
            link = reissue(room, pick.value, code.value)
        except Exception as exc:  # noqa: BLE001 - say it plainly, keep the page working
            message = getattr(exc, "message", None) or str(exc) or "That did not work. Please try again."
            result.value = note_html("warn", message)
            return
        name = names.get(pick.value, "")
        code.value = ""
        qr = joining.qr_svg(link, scale=5, border=2)
        result.value = (
            f"<style>{LIST_CSS}</style><div class='ed-people'>"
            f"<p>New personal link for <strong>{esc(name)}</strong>. Give it to them only "
            "(read it out, or let them scan the code). Their old link no longer works.</p>"
            f"<p class='ed-link' data-ed='new-link'>{esc(link)}</p>{qr}</div>"
        )

    search.observe(lambda _: show_table(), names="value")
    refresh.on_click(lambda _: show_table())
    make.on_click(on_make)
    sure.on_click(on_sure)
    show_table()
    heading = w.HTML(
        "<div class='ed-prose'><h2>Lost a personal link?</h2><p>Pick the person and type the check code they tell you. "
        "They saw it on their screen, under their personal link. Then make them a new link.</p></div>"
    )
    lock_heading = w.HTML("<h2>New people</h2>")
    return w.VBox(
        [row(search, refresh), table, heading, row(pick, code, make), sure, result,
         lock_heading, room_lock(room)],
        layout=w.Layout(width="100%"), **classes("ed-people-view"),
    )
