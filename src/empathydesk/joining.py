"""Joining a workshop: the links participants use, the QR code for the room, and each person's list of pages.

Pure functions over the store and the content, so tests reach them without a page. The participant's
landing page (`widgets/join.py`) and the facilitator's join screen and participant list (`facilitator.py`)
are thin views over these.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

LANDING_NOTEBOOK = "index.ipynb"
WELCOME = "welcome"  # the page ids before and after the modules
WRAP_UP = "wrap-up"  # the page; the end check-in may share its name, but the code finds check-ins by role
WELCOME_NOTEBOOK = "00-welcome.ipynb"
WRAP_UP_NOTEBOOK = "06-wrap-up.ipynb"


@dataclass(frozen=True)
class PageLink:
    page_id: str  # WELCOME, "module-1" .. "module-5", WRAP_UP
    title: str
    href: str  # relative to a page in notebooks/, carrying the personal link's token if there is one
    done: bool = False


def app_address() -> str | None:
    """The participant app's address as this page's visitor reached it (from the request, not the server's
    own idea of its name), e.g. "http://192.168.1.20:8866/". None outside a served page.

    (Never `VOILA_REQUEST_URL`: in a preheated kernel it holds the address of an earlier visitor's request.)
    """
    host = os.environ.get("SERVER_NAME", "").strip()
    if not host:
        return None
    port = os.environ.get("SERVER_PORT", "").strip()
    scheme = "https" if port == "443" else "http"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default = {"http": "80", "https": "443"}[scheme]
    netloc = host if not port or port == default else f"{host}:{port}"
    return f"{scheme}://{netloc}/"


def personal_link(token: str, base: str | None = None) -> str:
    """A participant's own way back in: the landing page with their token (`?seat=`, `identity.link_query`).

    `base` is the participant app's root ("http://host:8866/": its `/` opens the landing page, query kept);
    without one, a link relative to a page in notebooks/.
    """
    from empathydesk.identity import link_query

    query = f"?{link_query(token)}"
    return f"{base}{query}" if base else f"{LANDING_NOTEBOOK}{query}"


def join_link(base: str, code: str | None = None) -> str:
    """The room's join link; with `code`, the code is filled in for whoever opens it (what the QR code holds)."""
    return f"{base}?code={quote(code, safe='')}" if code else base


def qr_svg(text: str, scale: int = 10, border: int = 2, sized: bool = True) -> str:
    """An inline SVG QR code for `text` (segno, error correction M: still reads from a dim projector).

    `sized=False` leaves out width and height (only a viewBox), so CSS can make it as big as the screen allows.
    """
    import segno

    qr = segno.make_qr(text, error="m")
    return qr.svg_inline(scale=scale, border=border, dark="#000", light="#fff", omitsize=not sized)


def notebook_for(content: Any, page_id: str) -> str:
    if page_id == WELCOME:
        return WELCOME_NOTEBOOK
    if page_id == WRAP_UP:
        return WRAP_UP_NOTEBOOK
    return content.module(page_id).notebook


def page_title(content: Any, page_id: str) -> str:
    if page_id == WELCOME:
        return "Welcome"
    if page_id == WRAP_UP:
        return "Wrap-up"
    module = content.module(page_id)
    return f"Module {module.number}: {module.title}"


def module_ids(store: Any, content: Any, participant: Any) -> list[str]:
    """The modules this participant takes, in order: their cohort's choice, or every module."""
    known = [m.id for m in content.modules]
    cohort = store.cohort(participant.cohort) if participant is not None else None
    chosen = [m for m in (cohort.modules if cohort is not None else []) if m in known]
    return chosen or known


def page_links(store: Any, content: Any, participant: Any, token: str | None) -> list[PageLink]:
    """Welcome, the participant's modules in order, wrap-up: each with a link keeping `token`, and done or not."""
    from empathydesk import scoring
    from empathydesk.identity import link_query

    pages = [WELCOME, *module_ids(store, content, participant), WRAP_UP]
    done = {} if participant is None else scoring.progress(content, store.answers(participant.id))["pages"]
    links = []
    for page_id in pages:
        target = quote(notebook_for(content, page_id))
        href = f"{target}?{link_query(token)}" if token else target
        links.append(PageLink(page_id, page_title(content, page_id), href, bool(done.get(page_id))))
    return links


def next_page(links: list[PageLink]) -> PageLink | None:
    """Where to carry on: the first page not done yet; None when every page is done."""
    return next((link for link in links if not link.done), None)


# --- names that more than one person chose ----------------------------------------------------------


def name_key(name: str) -> str:
    """What makes two names the same: case and extra spaces do not count ("alice " is "Alice")."""
    return " ".join(name.split()).casefold()


def display_names(people: Iterable[Any]) -> dict[int, str]:
    """participant id -> the name to show the facilitator: the chosen name, or for the second, third, …
    person (in join order) with the same name "Alice (2)", "Alice (3)", …

    The one rule every view of names uses. A suffix never copies a name someone typed themselves.
    """
    ordered = sorted(people, key=lambda p: p.id)  # ids are handed out in join order
    labels: dict[int, str] = {}
    used: set[str] = set()
    for person in ordered:
        key = name_key(person.pseudonym)
        if key not in used:
            labels[person.id] = person.pseudonym
            used.add(key)
    for person in ordered:
        if person.id in labels:
            continue
        number = 2
        while name_key(f"{person.pseudonym} ({number})") in used:
            number += 1
        labels[person.id] = f"{person.pseudonym} ({number})"
        used.add(name_key(labels[person.id]))
    return labels


def shared_names(people: Iterable[Any]) -> list[tuple[str, int]]:
    """(name, how many people use it) for each name more than one person chose, in join order."""
    counts: dict[str, list[Any]] = {}
    for person in sorted(people, key=lambda p: p.id):
        counts.setdefault(name_key(person.pseudonym), []).append(person)
    return [(same[0].pseudonym, len(same)) for same in counts.values() if len(same) > 1]


def shared_name_note(name: str, count: int) -> str:
    return f"{count} people use the name {name}. Ask them to check the name on their screen."


def own_display_name(store: Any, participant: Any) -> str:
    """The name the facilitator sees for this participant, suffix and all (see `display_names`)."""
    return display_names(store.participants(participant.cohort)).get(participant.id, participant.pseudonym)
