"""Who is on this page: the token in the page's query string, or this instance's local participant."""

from __future__ import annotations

import os
import threading
from urllib.parse import parse_qs

from empathydesk.settings import settings
from empathydesk.storage import Participant, Store

_query_string: str | None = None
_query_lock = threading.Lock()


def preheated() -> bool:
    """True in a kernel Voilà started ahead of its visitor (its page's address comes later)."""
    return os.environ.get("VOILA_PREHEAT") == "True"


def query_string() -> str:
    """The page's query string; in a preheated Voilà kernel, waits once for the real request.

    Safe from any thread: a second caller waits for the first one's answer.
    """
    global _query_string
    with _query_lock:
        if _query_string is None:
            if preheated():
                from empathydesk._voila import wait_for_request

                wait_for_request()
            _query_string = os.environ.get("QUERY_STRING", "")
        return _query_string


def visitor_pending() -> bool:
    """True while a preheated kernel's visitor has not come: the page's address is not known yet."""
    return preheated() and _query_string is None


def query_token() -> str | None:
    """The `token` parameter of the page's address, if any."""
    values = parse_qs(query_string()).get("token")
    return values[0].strip() if values and values[0].strip() else None


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


def current_participant(store: Store) -> Participant | None:
    """The participant this page belongs to.

    Hosted workshop: the owner of the link's token, or None for a missing, wrong or revoked one, or for
    someone of another cohort than the page's.
    Anywhere else: the token's owner if there is one, otherwise the local participant.
    """
    token = query_token()
    found = store.participant_by_token(token) if token else None
    cohort = page_cohort()
    if found is not None and cohort is not None and found.cohort != cohort:
        found = None
    if found is not None or hosted():
        return found
    return store.local_participant()
