"""Who a JupyterHub user is in the store, which cohorts they may join, which ones they facilitate.

- A hub user's participant is the one whose `local_key` is `user_key(username)` ("hub:" and 12 hex digits of
  the name's SHA-256): one participant per hub user, found again at every sign-in, with no link or code and
  without the hub username in the database.
- Cohorts are hub groups: the groups whose name starts with `EMPATHYDESK_HUB_COHORT_PREFIX` (default
  "cohort-"). A cohort is made in the store the first time someone joins it or a facilitator opens it, with
  every module. Someone in no such group joins `EMPATHYDESK_HUB_OPEN_COHORT`, if it is set.
- Facilitators hold the custom scope `FACILITATE` through a hub role: unfiltered, for every cohort;
  ``custom:empathydesk:facilitate!group=<cohort>``, for that cohort only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from empathydesk.limits import MAX_NAME
from empathydesk.settings import settings
from empathydesk.storage import Cohort, JoinError, Participant, Store, StorageError
from empathydesk.storage.store import LOCKED, NO_NAME, SELF_STUDY
from empathydesk.text import clean

FACILITATE = "custom:empathydesk:facilitate"
KEY_PREFIX = "hub:"

NO_COHORT = ("You are not in a group for this workshop yet. Please ask your facilitator to add you, "
             "then reload this page.")
PICK_COHORT = "You are in more than one group for this workshop: please choose one."
NOT_YOURS = "That group is not one of yours. Please choose one of the groups shown."


def user_key(username: str) -> str:
    """The `local_key` of a hub user's participant (16 characters, the column's size)."""
    return KEY_PREFIX + hashlib.sha256(username.encode("utf-8")).hexdigest()[:12]


def participant_of(store: Store, username: str) -> Participant | None:
    """The hub user's participant, or None before they join."""
    return store.participant_by_key(user_key(username))


def cohort_groups(user: Mapping[str, Any]) -> list[str]:
    """The cohorts a hub user (their model from the hub) may join: their groups that are cohorts, else the
    open cohort, if there is one."""
    config = settings()
    groups = sorted(g for g in user.get("groups") or [] if g.startswith(config.hub_cohort_prefix))
    if groups:
        return groups
    return [config.hub_open_cohort] if config.hub_open_cohort else []


def ensure_cohort(store: Store, name: str) -> Cohort:
    """The cohort called `name`, made (with every module) if it is not in the store yet."""
    found = store.cohort(name)
    if found is not None:
        return found
    try:
        return store.create_cohort(name)
    except (ValueError, StorageError):  # made by someone else a moment ago (the name is unique)
        found = store.cohort(name)
        if found is None:
            raise
        return found


def join(store: Store, user: Mapping[str, Any], display_name: str, cohort: str | None = None,
         consent: bool | None = None) -> Participant:
    """The hub user's participant, made now in `cohort` (one of `cohort_groups(user)`; may be left out when
    there is only one) under the name they chose; JoinError says kindly what is wrong. Joining again gives
    the participant they have."""
    username = user["name"]
    existing = participant_of(store, username)
    if existing is not None:
        return existing
    name = " ".join(clean(display_name or "").split())
    if not name:
        raise JoinError(NO_NAME)
    if len(name) > MAX_NAME:
        raise JoinError(f"Please choose a shorter name, up to {MAX_NAME} letters.")
    choices = cohort_groups(user)
    if not choices:
        raise JoinError(NO_COHORT)
    if cohort is None:
        if len(choices) > 1:
            raise JoinError(PICK_COHORT)
        cohort = choices[0]
    if cohort not in choices:
        raise JoinError(NOT_YOURS)
    found = ensure_cohort(store, cohort)
    if found.locked:
        raise JoinError(LOCKED)
    return store.join_by_key(user_key(username), found.name, name, bool(consent))


def facilitated(user: Mapping[str, Any], store: Store | None = None) -> list[str] | None:
    """The cohorts this user (their model from the hub, with the token's scopes) facilitates.

    None: not a facilitator. An unfiltered scope: every cohort in the store (but self-study), which needs
    `store`; a scope filtered by group: those groups.
    """
    scopes: Iterable[str] = user.get("scopes") or []
    everywhere = False
    groups: set[str] = set()
    for scope in scopes:
        base, _, scope_filter = scope.partition("!")
        if base != FACILITATE:
            continue
        if not scope_filter:
            everywhere = True
        elif scope_filter.startswith("group="):
            groups.add(scope_filter.removeprefix("group="))
    if everywhere:
        if store is None:
            return []
        return sorted({c.name for c in store.cohorts() if c.name != SELF_STUDY} | groups)
    return sorted(groups) if groups else None


def may_facilitate(user: Mapping[str, Any], cohort: str) -> bool:
    """True if this user facilitates `cohort` (by an unfiltered scope, or one filtered to its group)."""
    for scope in user.get("scopes") or []:
        base, _, scope_filter = scope.partition("!")
        if base == FACILITATE and (not scope_filter or scope_filter == f"group={cohort}"):
            return True
    return False
