"""Who is on this page: the personal link's token in the page's query string (`?seat=`), or this instance's
local participant.

The parameter is `seat`, never `token`: Jupyter Server, JupyterHub and Binder sign in with `?token=`, and
their login token must never be taken for a participant. Links handed out as `?token=` before the rename
are redirected by the participant app (`empathydesk._voila`, `Room.redirect_old_link`).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote

from empathydesk.settings import settings
from empathydesk.storage import Participant, Store


LINK_PARAM = "seat"  # a personal link: `index.ipynb?seat=<token>`
OLD_LINK_PARAM = "token"  # links handed out before the rename; elsewhere Jupyter's own login token


def link_query(token: str) -> str:
    """The query string of a personal link (`seat=<token>`)."""
    return f"{LINK_PARAM}={quote(token, safe='')}"


def preheated() -> bool:
    """True in a kernel Voilà started ahead of its visitor (its page's address comes later)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def read_query_string() -> str:
    """The page's query string from the request; in a preheated Voilà kernel, waits for the real request first.

    The page context (`widgets.session.Session`) calls this once per page and keeps the answer.
    """
    if preheated():
        from empathydesk._voila import wait_for_request

        wait_for_request()
    return os.environ.get("QUERY_STRING", "")


def query_string() -> str:
    """This kernel's page's query string (for a notebook cell; pieces ask their page context)."""
    from empathydesk.widgets.session import kernel_session

    return kernel_session().query_string()


def query_value(query: str, name: str) -> str:
    """One parameter of a query string ("" if absent)."""
    values = parse_qs(query).get(name)
    return values[0].strip() if values else ""


def hosted() -> bool:
    """True on the participant app that `empathydesk workshop` serves (`EMPATHYDESK_HOSTED=1`)."""
    return settings().hosted


def page_cohort() -> str | None:
    """The one cohort a hosted page belongs to: `EMPATHYDESK_COHORT`, which `empathydesk workshop` sets.

    None means any cohort: self-study, or a hosted app that serves many cohorts (JupyterHub).
    The one place the participant pages read this setting.
    """
    if not hosted():
        return None
    return settings().cohort


def current_participant(store: Store, query: str) -> Participant | None:
    """The participant the page with this query string belongs to.

    Hosted workshop: the owner of the link's token (`?seat=`), or None for a missing, wrong or revoked one, or for
    someone of another cohort than the page's.
    Anywhere else: the token's owner if there is one, otherwise the local participant.
    A `?token=` is never looked at: it is Jupyter's login token (old personal links are redirected first).
    """
    token = query_value(query, LINK_PARAM)
    found = store.participant_by_token(token) if token else None
    cohort = page_cohort()
    if found is not None and cohort is not None and found.cohort != cohort:
        found = None
    if found is not None or hosted():
        return found
    return store.local_participant()
