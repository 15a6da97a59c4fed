"""The EmpathyDesk service: a JupyterHub-managed Tornado app that owns the database and answers a REST API.

The hub starts it (``python -m empathydesk.hub.service``, see `empathydesk.hub.config.service`) with its own
hub token and, in its environment only, the database URL (`EMPATHYDESK_DB_URL`). Every request is
authenticated by the hub through `jupyterhub.services.auth.HubOAuth`: a token in the ``Authorization``
header (a user's server token, as the lesson pages send it; any token of theirs that may access this
service), or in a browser the service's own OAuth cookie. A token without access to this service (another
service's, say) is refused with 403, and so is a request with none. A request that changes anything must
carry its token in the header (a cookie alone is refused): no other site can make a browser save for you.

Under the service's prefix (``/services/empathydesk/``):

=========================================  ==========================================================
``GET  api/me``                            who you are: your participant (or null), your cohorts, the
                                           cohorts you facilitate
``POST api/me``                            join: ``{"name", "cohort"?, "consent"?}`` (the name the
                                           facilitator sees; the hub username is not shown unless
                                           `EMPATHYDESK_HUB_SHOW_USERNAME`)
``PUT  api/me/consent``                    ``{"consent": true|false}``
``GET  api/me/answers``                    your answers (`storage.Answers`)
``POST api/me/answers/<method>``           save an answer with the `Store` method of its kind
                                           (`kinds.Kind.saves`, `add_piece_answer`), its arguments
                                           but the participant by name
``GET  api/me/progress``                   `scoring.progress` of your answers
``GET  api/me/export``, ``POST api/me/import``  your progress file, out and in
``GET|PUT|DELETE api/me/drafts[/<key>]``   your drafts (when the store keeps drafts)
``GET  api/participants/<id>/answers``     your own; a facilitator of their cohort, if they share
``GET  api/cohorts``                       facilitators: the cohorts you facilitate
``GET  api/cohorts/<name>/people``         facilitators: who joined, pages done, last answer
``GET  api/cohorts/<name>/results``        facilitators: `cohort_export.cohort_rows` (``?format=csv``)
``GET  api/cohorts/<name>/view``           facilitators: `privacy.cohort_view`'s tables as JSON
``GET  /``, ``GET cohorts/<name>/``        facilitators' pages in the browser (the hub signs them in)
=========================================  ==========================================================

Facilitators are the users whose token holds `people.FACILITATE` (for every cohort, or filtered to a
cohort's group); anyone else gets 403 there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from tornado import web
from tornado.httpclient import AsyncHTTPClient
from tornado.log import access_log

from empathydesk import joining, scoring
from empathydesk.content import Content, load
from empathydesk.hub import people, wire
from empathydesk.hub.writer import Writer
from empathydesk.kinds import answer_writers, stored_kinds
from empathydesk.settings import settings
from empathydesk.storage import JoinError, Store, StorageError

log = logging.getLogger("empathydesk.hub")

MAX_BODY = 6_000_000  # bytes: a progress file (limits.MAX_PROGRESS_FILE_BYTES) and a little
# Answer writers that have endpoints of their own (or none: a hub user never joins with a code)
NOT_BY_SAVE = {"join", "import_participant", "set_consent"}
FOR_FACILITATORS = "This is for the workshop's facilitators."
NOT_YOURS = "These are not your answers."
SAVE_NEEDS_TOKEN = "A change needs the hub token in the Authorization header."
# Threads that run store calls, each with a database connection of its own that stays open (the store's
# pool has as many, and one for the `Writer` of the answers). A store call is mostly Python; more threads
# than this only queue for the interpreter's lock while the database sits idle.
STORE_THREADS = 8
CONNECTIONS = STORE_THREADS + 1


class HubUsers:
    """The hub's answer for each token (its user, or None), kept for the hub auth's `cache_max_age` as HubAuth
    keeps it, and asked again in the background once it is two thirds that old: a person who saves every few
    seconds never waits for the hub, and a token the hub stops accepting stops working here as soon as before."""

    def __init__(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth
        self.max_age = float(hub_auth.cache_max_age)
        self.answers: dict[str, tuple[float, Any]] = {}  # the token's SHA-256 -> (when the hub was asked, its answer)
        self.asking: dict[str, asyncio.Future[Any]] = {}
        self.clock = time.monotonic

    async def user(self, token: str) -> dict[str, Any] | None:
        key = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        kept = self.answers.get(key)
        age = self.clock() - kept[0] if kept is not None else self.max_age
        if age < self.max_age:
            if age >= self.max_age * 2 / 3 and key not in self.asking:
                self._ask(key, token).add_done_callback(_log_failure)
            return kept[1]  # type: ignore[index]
        if key in self.asking:  # being asked already (by another request with the same token)
            return await asyncio.shield(self.asking[key])
        return await self._ask(key, token)

    def _ask(self, key: str, token: str) -> asyncio.Future[Any]:
        asked = self.clock()

        async def ask() -> Any:
            try:
                answer = await self.hub_auth.user_for_token(token, use_cache=False, sync=False)
                self.answers = {k: v for k, v in self.answers.items() if asked - v[0] < self.max_age}
                self.answers[key] = (asked, answer)
                return answer
            finally:
                self.asking.pop(key, None)

        self.asking[key] = asyncio.ensure_future(ask())
        return self.asking[key]


def _log_failure(done: asyncio.Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.warning("could not ask the hub about a token again: %s", done.exception())


class State:
    """What every handler shares: the store, the course, the hub's auth, the threads for the store, the writer
    of the answers (group commit)."""

    def __init__(self, store: Store, content: Content, hub_auth: HubOAuth, threads: int = STORE_THREADS) -> None:
        self.store, self.content, self.hub_auth = store, content, hub_auth
        self.users = HubUsers(hub_auth)
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="store")
        self.writer = Writer(store)
        self.pids: dict[str, int] = {}  # hub username -> their participant's id, once they have joined

    async def run(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`call(*args, **kwargs)` on a store thread (the store is synchronous; the app must not wait on it)."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, lambda: call(*args, **kwargs))


class Handler(HubOAuthenticated, web.RequestHandler):
    """Every request: who is it (the hub says), may they use this service (its access scope), else 403."""

    browser = False  # a page: a browser without a cookie is sent to sign in at the hub

    def initialize(self, state: State) -> None:
        self.state = state
        self.hub_auth = state.hub_auth

    @property
    def store(self) -> Store:
        return self.state.store

    async def prepare(self) -> None:
        token = self.hub_auth.get_token(self, in_cookie=False)  # a page's: in the Authorization header
        user = await self.state.users.user(token) if token else None
        if user is not None:
            self._token_authenticated = True
        else:  # a browser's: the service's OAuth cookie (or a token the hub does not know)
            user = await self.hub_auth.get_user(self, sync=False)
        if user is not None:
            try:
                user = self.check_hub_user(user)
            except UserNotAllowed:
                raise web.HTTPError(403, "This token may not use the EmpathyDesk service.") from None
        if not user:
            if self.browser and self.request.method == "GET":
                self.redirect(self.get_login_url())
                return
            raise web.HTTPError(403, "Sign in at the hub first: this request has no valid hub token.")
        if self.request.method not in ("GET", "HEAD") and not getattr(self, "_token_authenticated", False):
            raise web.HTTPError(403, SAVE_NEEDS_TOKEN)
        self.current_user = user

    def check_xsrf_cookie(self) -> None:
        """Changes need the token in a header (see `prepare`), which no other site can make a browser send."""

    # --- replies -------------------------------------------------------------------------------------

    def reply(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(wire.dumps(value))

    def body(self) -> dict[str, Any]:
        try:
            data = wire.loads(self.request.body) if self.request.body else {}
        except ValueError:
            raise web.HTTPError(400, "The request body is not JSON.") from None
        if not isinstance(data, dict):
            raise web.HTTPError(400, "The request body must be a JSON object.")
        return data

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(error, "log_message", None) or self._reason
        if self.browser:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page("EmpathyDesk", f"<p>{esc(message)}</p>"))
            return
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": type(error).__name__ if error else "HTTPError", "message": message}))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, web.HTTPError):
            return super().log_exception(typ, value, tb)
        log.error("%s %s failed", self.request.method, self.request.path, exc_info=(typ, value, tb))

    async def guarded(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A store call on a store thread, its friendly errors as 400 (or 503) with their message."""
        return await self.friendly(self.state.run(call, *args, **kwargs))

    async def friendly(self, pending: Awaitable[Any]) -> Any:
        """What a store call gives, its friendly errors as 400 (or 503) with their message."""
        try:
            return await pending
        except JoinError as error:
            self.fail(400, "JoinError", error.message)
        except StorageError as error:
            self.fail(503, "StorageError", error.message)
        except (ValueError, TypeError) as error:
            self.fail(400, "ValueError", str(error))

    def fail(self, status: int, kind: str, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": kind, "message": message}))
        raise web.Finish()

    # --- who -----------------------------------------------------------------------------------------

    @property
    def user(self) -> dict[str, Any]:
        return self.current_user

    async def me(self) -> int:
        """The caller's participant's id (kept once found: a participant keeps their id); 404 before they join."""
        name = self.user["name"]
        if name not in self.state.pids:
            found = await self.state.run(people.participant_of, self.store, name)
            if found is None:
                self.fail(404, "NotJoined", "Join first: choose the name the facilitator sees.")
            self.state.pids[name] = found.id
        return self.state.pids[name]

    async def facilitator_of(self, cohort: str) -> None:
        """403 unless the caller facilitates `cohort`; 404 if an unfiltered facilitator names no cohort."""
        if not people.may_facilitate(self.user, cohort):
            raise web.HTTPError(403, FOR_FACILITATORS)
        if await self.state.run(self.store.cohort, cohort) is None:
            if f"{people.FACILITATE}!group={cohort}" not in (self.user.get("scopes") or []):
                raise web.HTTPError(404, f"There is no cohort called {cohort}.")
            await self.state.run(people.ensure_cohort, self.store, cohort)


# --- the participant's own -----------------------------------------------------------------------------


def who(store: Store, user: dict[str, Any]) -> dict[str, Any]:
    found = people.participant_of(store, user["name"])
    cohort = store.cohort(found.cohort) if found is not None else None
    return {
        "user": user["name"],
        "participant": (wire.participant_data(found, joining.own_display_name(store, found))
                        if found is not None else None),
        "cohort": wire.cohort_data(cohort) if cohort is not None else None,
        "cohorts": people.cohort_groups(user),
        "facilitates": people.facilitated(user, store) or [],
    }


class MeHandler(Handler):
    async def get(self) -> None:
        self.reply(await self.state.run(who, self.store, self.user))

    async def post(self) -> None:
        data = self.body()
        before = await self.state.run(people.participant_of, self.store, self.user["name"])
        await self.guarded(people.join, self.store, self.user, str(data.get("name") or ""),
                           data.get("cohort") or None, data.get("consent"))
        self.reply(await self.state.run(who, self.store, self.user), 200 if before else 201)


class ConsentHandler(Handler):
    async def put(self) -> None:
        mine = await self.me()
        consent = self.body().get("consent")
        if not isinstance(consent, bool):
            raise web.HTTPError(400, "consent must be true or false")
        await self.guarded(self.store.set_consent, mine, consent)
        self.reply({"consent": consent})


class AnswersHandler(Handler):
    async def get(self) -> None:
        mine = await self.me()
        self.reply(await self.guarded(self.store.answers, mine))


def save_methods() -> frozenset[str]:
    """The `Store` methods a participant saves an answer with through `api/me/answers/<method>`."""
    return answer_writers() - NOT_BY_SAVE


class SaveHandler(Handler):
    async def post(self, method: str) -> None:
        if method not in save_methods() or not hasattr(self.store, method):
            raise web.HTTPError(404, f"No answers are saved with {method!r}.")
        kwargs = self.body()
        kwargs.pop("pid", None)
        if method == "add_piece_answer":
            self.check_piece(kwargs)
        mine = await self.me()
        result = await self.friendly(self.state.writer.save(getattr(self.store, method), mine, **kwargs))
        self.reply({"result": result})

    def check_piece(self, kwargs: dict[str, Any]) -> None:
        kind = stored_kinds().get(str(kwargs.get("kind")))
        if kind is None:
            raise web.HTTPError(400, f"There is no kind of piece called {kwargs.get('kind')!r}.")
        problem = kind.answer_problem(self.state.content, str(kwargs.get("key")), kwargs.get("value"))
        if problem:
            self.fail(400, "ValueError", problem)


class ProgressHandler(Handler):
    async def get(self) -> None:
        mine = await self.me()
        answers = await self.guarded(self.store.answers, mine)
        self.reply(scoring.progress(self.state.content, answers))


class ExportHandler(Handler):
    async def get(self) -> None:
        mine = await self.me()
        self.reply(await self.guarded(self.store.export_participant, mine, self.state.content))


def merge_file(store: Store, content: Content, pid: int, data: dict[str, Any]) -> None:
    """A progress file merged into this participant's answers (checked against the course first)."""
    from empathydesk import progress_file

    store.merge_progress(pid, progress_file.read(data, content))


class ImportHandler(Handler):
    async def post(self) -> None:
        mine = await self.me()
        await self.guarded(merge_file, self.store, self.state.content, mine, self.body().get("file") or {})
        self.reply(await self.state.run(who, self.store, self.user))


class DraftsHandler(Handler):
    """The drafts of your answers, where the store keeps them (`Store.drafts`)."""

    def kept(self) -> None:
        if not hasattr(self.store, "drafts"):
            raise web.HTTPError(404, "This store keeps no drafts.")

    async def get(self, key: str | None = None) -> None:
        self.kept()
        mine = await self.me()
        self.reply(await self.guarded(self.store.drafts, mine))

    async def put(self, key: str | None = None) -> None:
        self.kept()
        if not key:
            raise web.HTTPError(404)
        mine = await self.me()
        self.reply({"saved": await self.guarded(self.store.save_draft, mine, key, str(self.body().get("text", "")))})

    async def delete(self, key: str | None = None) -> None:
        self.kept()
        if not key:
            raise web.HTTPError(404)
        mine = await self.me()
        await self.guarded(self.store.clear_draft, mine, key)
        self.reply({})


class ParticipantAnswersHandler(Handler):
    """Anyone's answers by participant id: your own; a facilitator of their cohort, if they share them."""

    async def get(self, pid: str) -> None:
        mine = await self.state.run(people.participant_of, self.store, self.user["name"])
        if mine is None or mine.id != int(pid):
            other = await self.state.run(self.store.participant, int(pid))
            if other is None or not people.may_facilitate(self.user, other.cohort):
                raise web.HTTPError(403, NOT_YOURS)
            if not other.consent:
                raise web.HTTPError(403, "This person has not chosen to share their answers.")
        self.reply(await self.guarded(self.store.answers, int(pid)))


# --- facilitators -------------------------------------------------------------------------------------


class CohortsHandler(Handler):
    async def get(self) -> None:
        cohorts = await self.state.run(people.facilitated, self.user, self.store)
        if cohorts is None:
            raise web.HTTPError(403, FOR_FACILITATORS)
        counts = {}
        for name in cohorts:
            counts[name] = len(await self.state.run(self.store.participants, name))
        self.reply([{"name": name, "people": counts[name]} for name in cohorts])


async def hub_usernames(state: State, cohort: str) -> dict[int, str]:
    """participant id -> hub username, for the members of the cohort's hub group (the service's token may
    read groups: see `config.service_role`)."""
    auth = state.hub_auth
    url = f"{auth.api_url.rstrip('/')}/groups/{quote(cohort, safe='')}"
    try:
        response = await AsyncHTTPClient().fetch(url, headers={"Authorization": f"token {auth.api_token}"})
    except Exception as error:  # noqa: BLE001 - the names are a courtesy; the list works without them
        log.warning("could not read the hub group %s: %s", cohort, error)
        return {}
    users = json.loads(response.body).get("users") or []
    by_key = {people.user_key(name): name for name in users}
    keyed = await state.run(state.store.participant_keys, cohort)
    return {pid: by_key[key] for pid, key in keyed.items() if key in by_key}


def people_rows(store: Store, content: Content, cohort: str) -> list[dict[str, Any]]:
    """Everyone in the cohort: the name the facilitator sees, pages done, last answer, whether they share."""
    from empathydesk.cohort_export import cohort_answers

    everyone, answers = cohort_answers(store, cohort)
    names = joining.display_names(everyone)
    last = store.activity(cohort)
    rows = []
    for person in everyone:
        pages = scoring.progress(content, answers[person.id])["pages"]
        rows.append({"id": person.id, "name": names[person.id], "shares": bool(person.consent),
                     "pages_done": [page for page, done in pages.items() if done],
                     "last_answer": last.get(person.id)})
    return rows


class PeopleHandler(Handler):
    async def get(self, cohort: str) -> None:
        await self.facilitator_of(cohort)
        rows = await self.guarded(people_rows, self.store, self.state.content, cohort)
        if settings().hub_show_username:
            usernames = await hub_usernames(self.state, cohort)
            for row in rows:
                row["hub_user"] = usernames.get(row["id"], "")
        self.reply(rows)


class ResultsHandler(Handler):
    async def get(self, cohort: str) -> None:
        from empathydesk.cohort_export import cohort_rows, render

        await self.facilitator_of(cohort)
        rows = await self.guarded(cohort_rows, self.store, cohort)
        if self.get_argument("format", "json") == "csv":
            name = "".join(c if c.isalnum() or c in "-_." else "-" for c in cohort) or "cohort"
            self.set_header("Content-Type", "text/csv; charset=utf-8")
            self.set_header("Content-Disposition", f'attachment; filename="{name}-results.csv"')
            self.finish(render(rows, "csv"))
            return
        self.reply(rows)


def cohort_view(store: Store, content: Content, cohort: str) -> dict[str, Any]:
    """`privacy.cohort_view` of the cohort, its tables as records."""
    from empathydesk import privacy
    from empathydesk.cohort_export import cohort_answers, results_input

    everyone, answers = cohort_answers(store, cohort)
    sharers = {p.id for p in privacy.sharing(everyone)}
    return tables(privacy.cohort_view(content, sharers=sharers, **results_input(content, answers)))


def tables(value: Any) -> Any:
    """pandas tables and series (in dicts and lists) as lists of records, a named index as a column."""
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        frame = value if isinstance(value.index, pd.RangeIndex) else value.reset_index()
        return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))
    if isinstance(value, dict):
        return {str(k): tables(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tables(v) for v in value]
    return value


class ViewHandler(Handler):
    async def get(self, cohort: str) -> None:
        await self.facilitator_of(cohort)
        self.reply(await self.guarded(cohort_view, self.store, self.state.content, cohort))


# --- the facilitators' pages ------------------------------------------------------------------------


def esc(text: Any) -> str:
    import html

    return html.escape("" if text is None else str(text), quote=True)


STYLE = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 1.5rem auto; max-width: 70rem; padding: 0 1rem;
  color: #1b1b1b; line-height: 1.45; }
a { color: #0b5394; } table { border-collapse: collapse; margin: 0.6rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
.ed-muted { color: #4a4a4a; } .ed-num { text-align: right; }
"""


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f"<body><main><h1>{esc(title)}</h1>{body}</main></body></html>")


class HomePage(Handler):
    browser = True

    async def get(self) -> None:
        cohorts = await self.state.run(people.facilitated, self.user, self.store)
        if cohorts is None:
            raise web.HTTPError(403, FOR_FACILITATORS + " Your own pages are on your server: open the hub's home.")
        items = "".join(f'<li><a href="cohorts/{quote(c, safe="")}/">{esc(c)}</a></li>' for c in cohorts)
        body = f"<p>Your cohorts:</p><ul>{items}</ul>" if cohorts else "<p>No cohort has anyone in it yet.</p>"
        self.finish(page("EmpathyDesk: facilitator", body))


class CohortPage(Handler):
    """A cohort's people and results: the dashboard's figures, as `privacy.cohort_view` lets them be shown."""

    browser = True

    async def get(self, cohort: str) -> None:
        await self.facilitator_of(cohort)
        self.finish(await self.guarded(cohort_page, self.store, self.state.content, cohort))


def cohort_page(store: Store, content: Content, cohort: str) -> str:
    from empathydesk import dashboard
    from empathydesk.cohort_export import cohort_answers, results_input

    rows = people_rows(store, content, cohort)
    people_html = "".join(
        f"<tr><td>{esc(r['name'])}</td><td>{'yes' if r['shares'] else 'no'}</td>"
        f"<td class='ed-num'>{len(r['pages_done'])}</td>"
        f"<td>{esc(r['last_answer'].strftime('%Y-%m-%d %H:%M') if r['last_answer'] else '')}</td></tr>"
        for r in rows
    )
    everyone, answers = cohort_answers(store, cohort)
    results = dashboard.build_results(content, participants=everyone, **results_input(content, answers))
    body = (
        f'<p><a href="../../">All your cohorts</a> · Download the results: '
        f'<a href="../../api/cohorts/{quote(cohort, safe="")}/results?format=csv">CSV</a>, '
        f'<a href="../../api/cohorts/{quote(cohort, safe="")}/results">JSON</a></p>'
        f'<h2>People ({len(rows)})</h2><table data-ed="people"><thead><tr><th>Name</th><th>Shares answers</th>'
        f"<th>Pages done</th><th>Last answer (UTC)</th></tr></thead><tbody>{people_html}</tbody></table>"
        f"<h2>Results</h2>{results['stats']}{results['charts']}<h2>People who share</h2>{results['individuals']}"
    )
    return page(f"EmpathyDesk: {cohort}", body)


class OAuthCallback(HubOAuthCallbackHandler):
    """The end of the hub's sign-in for the facilitators' pages, with the app's own HubOAuth (its OAuth states)."""

    def initialize(self, state: State) -> None:
        self.hub_auth = state.hub_auth


# --- the app -------------------------------------------------------------------------------------------


def make_app(state: State, prefix: str) -> web.Application:
    """The service's Tornado app under `prefix` (the hub's ``/services/<name>/``)."""
    p = prefix.rstrip("/") + "/"
    routes: list[tuple[str, type, dict[str, Any]]] = [
        (p + "api/me", MeHandler, {}),
        (p + "api/me/consent", ConsentHandler, {}),
        (p + "api/me/answers", AnswersHandler, {}),
        (p + r"api/me/answers/([a-z_]+)", SaveHandler, {}),
        (p + "api/me/progress", ProgressHandler, {}),
        (p + "api/me/export", ExportHandler, {}),
        (p + "api/me/import", ImportHandler, {}),
        (p + "api/me/drafts", DraftsHandler, {}),
        (p + r"api/me/drafts/(.+)", DraftsHandler, {}),
        (p + r"api/participants/([0-9]+)/answers", ParticipantAnswersHandler, {}),
        (p + "api/cohorts", CohortsHandler, {}),
        (p + r"api/cohorts/([^/]+)/people", PeopleHandler, {}),
        (p + r"api/cohorts/([^/]+)/results", ResultsHandler, {}),
        (p + r"api/cohorts/([^/]+)/view", ViewHandler, {}),
        (p + r"cohorts/([^/]+)/?", CohortPage, {}),
        (p, HomePage, {}),
    ]
    routes.append((p + "oauth_callback", OAuthCallback, {}))
    handlers = [(route, handler, {"state": state, **extra}) for route, handler, extra in routes]
    return web.Application(handlers, cookie_secret=secrets.token_bytes(32), max_body_size=MAX_BODY,
                           login_url=state.hub_auth.login_url, log_function=log_request)


def log_request(handler: web.RequestHandler) -> None:
    """A request in the log: answered ones at debug level (a room saves every few seconds each), refusals as
    warnings, failures as errors."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    if access_log.isEnabledFor(level):
        request = handler.request
        access_log.log(level, "%d %s %s (%s) %.2fms", status, request.method, request.path, request.remote_ip,
                       1000 * request.request_time())


def main(argv: list[str] | None = None) -> int:
    """Run the service where the hub says (`$JUPYTERHUB_SERVICE_URL`, `$JUPYTERHUB_SERVICE_PREFIX`); ``--ip``
    and ``--port`` listen elsewhere (in a Kubernetes hub pod the URL names the pod's Service)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m empathydesk.hub.service", description=__doc__.split("\n")[0])
    parser.add_argument("--ip", help="the address to listen on (default: the host of $JUPYTERHUB_SERVICE_URL)")
    parser.add_argument("--port", type=int, help="the port to listen on (default: the port of $JUPYTERHUB_SERVICE_URL)")
    options = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[%(levelname).1s %(asctime)s empathydesk] %(message)s")
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL") or "http://127.0.0.1:10101")
    ip, port = options.ip or url.hostname or "127.0.0.1", options.port or url.port or 80
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or "/services/empathydesk/"
    store = Store.open(settings().db_url, pool_size=CONNECTIONS)
    os.environ.pop("EMPATHYDESK_DB_URL", None)  # nothing this process starts needs it
    state = State(store, load(), HubOAuth.instance(cache_max_age=60))

    async def serve() -> None:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        server = make_app(state, prefix).listen(port, ip, xheaders=True)
        log.info("EmpathyDesk service on %s under %s (database: %s)", url.geturl(), prefix, store.engine.url.drivername)
        await stop.wait()
        server.stop()

    asyncio.run(serve())
    state.pool.shutdown(wait=False)
    state.writer.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
