"""The process `empathydesk workshop` starts for each of its two Voilà apps, and what it borrows from Voilà.

Written for Voilà 0.5.13, Jupyter Server 2, nbconvert 7 and ipywidgets 8 (`WRITTEN_FOR`): with other versions
the workshop does not start, and says why in plain words (`version_problem`).
`python -m empathydesk._voila [voila arguments]` runs Voilà with these additions:

Both apps
- page templates are compiled once, not for every page view (`cache_compiled_templates`), and the slow
  optional import that `empathydesk.kernel` skips in the pages' kernels is skipped here too;
- no secret in the log: link tokens, keys and codes in addresses, and kernel ids are redacted (`gate.redact`);
- error pages are our own plain ones (no details, nothing loaded from the internet), and a malformed
  `/voila/templates/...` address is a 404 instead of a 500.

The facilitator app (`--RoomVoila.hide_key=True`)
- the facilitator key comes from `$EMPATHYDESK_FACILITATOR_KEY` (taken out of the environment, so it never
  shows in `ps` and the app's kernels don't inherit it) and becomes Voilà's own token;
- sign-in is our own page: the key is typed into a form (never in the address, so never in the browser's
  history), or a one-time link (`$EMPATHYDESK_SIGNIN_CODE`) is opened once. It gives a login cookie that is
  HttpOnly, SameSite=Strict and lasts `SIGN_IN_HOURS`. Wrong keys are rate-limited per address;
- a page opened with `?token=KEY` (scripts) sets the cookie and reloads without the key;
- `--RoomVoila.console=True`: the facilitator's own pages, plain Tornado handlers behind the key (no kernel):
  the home at `/` (and in place of Voilà's list of pages at `/voila/tree`), the presenter view and the JSON
  its script reads, the live room view (`/room`) and its refresh, the run of show and the results to download
  (`console_handlers`; the pages are built in empathydesk.console, empathydesk.presenter and
  empathydesk.room_view, their script and style are in static/).

In a page's kernel: `wait_for_request` (the visitor of a preheated page) and `wait_before_widget_states`
(ipywidgets' control comm waits for the page's held pieces), `on_shutdown_request` (drafts saved the moment
a left page's kernel is told to stop). `version_problem` says, before anything
starts, when the installed Voilà, Jupyter Server, nbconvert or ipywidgets are not the ones written for.

The participant app (`--RoomVoila.gate=True`, `RoomKernelManager`)
- **no kernel without a reason**: every page but the landing page needs a valid personal link (`?seat=`) of
  this workshop's cohort, checked before any kernel is taken (else a plain 403 page with the way back to
  joining); page opens and join pages are rate-limited per address; page kernels are capped per person and
  in total (a plain 503 beyond; a person's page whose tab is closed is let go first); a kernel whose page
  never connected is stopped after a few minutes;
- **each kernel reachable only from the browser that opened its page**: a visitor cookie is set with the
  page, and `/api/kernels/<id>`, its websocket and `/voila/api/shutdown/<id>` answer 403 to any other;
- **Voilà's request socket locked**: `/voila/query/<id>` (where a preheated kernel learns its visitor's
  address) answers only the kernel itself, which proves it with a secret given in its environment; the
  request is removed from Voilà's cache once delivered, and a closed socket removes only its own entry
  (Voilà 0.5.13's `on_close` could remove another's);
- a kernel started for the preheated pool does not inherit `VOILA_REQUEST_URL`, which Voilà 0.5 fills with
  the address of the request that emptied the pool: another visitor's address, personal token included;
- every page sets Voilà's `_xsrf` cookie, so the page's own "shut my kernel down" call on leaving (a POST
  that Voilà 0.5 otherwise refuses with 403) works and a left page frees its kernel at once;
- `--RoomVoila.landing=PAGE` sends `/` (and the file list at `/voila/tree`) to that page, query string kept;
- **the join page without a kernel** (`JoinHandler`, `--RoomVoila.join_without_kernel`, on by default): the
  landing page for someone without a valid personal link is the join form, served by the app itself
  (empathydesk.join_page) in the template's look (its stylesheets at `/empathydesk/style/`); the form's
  XSRF-checked POST joins by `Store.join`'s rules, rate-limited per address with the join pages, and answers
  with the personal link and the pages. With a valid link the landing notebook opens as before;
- **old links**: a personal link handed out as `?token=` is redirected (302) to the same page with `?seat=`;
  any other `token` (Jupyter's own login token) is ignored (`Room.redirect_old_link`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from empathydesk.settings import as_env, settings, take

KERNEL_MANAGER = "empathydesk._voila.RoomKernelManager"
KERNEL_SECRET_HEADER = "X-EmpathyDesk-Kernel-Secret"
BROWSER_COOKIE = "empathydesk-browser"
MAX_TOKEN = 64  # longer than any link token (storage.store.new_token): not looked up
MAX_NAME_SENT = 400  # of a name sent to the join page, what is looked at (Store.join refuses names over 40)
MAX_FORMS_KEPT = 5000  # join forms remembered, so that a form sent twice gives one participant
STYLE_PATH = "empathydesk/style"  # the template's stylesheets for the pages served without a kernel
SIGN_IN_HOURS = 12
# What this module was written for: it reaches into these packages' internals (handlers, templates, comms).
WRITTEN_FOR = {"voila": "0.5.13", "jupyter_server": "2.", "nbconvert": "7.", "ipywidgets": "8."}


def version_problem() -> str | None:
    """None if the installed Voilà, Jupyter Server, nbconvert and ipywidgets are the ones this module was
    written for (exact for Voilà, same major version for the others); else what to do, in plain words."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package, wanted in WRITTEN_FOR.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "none"
        exact = not wanted.endswith(".")
        if (installed != wanted) if exact else not installed.startswith(wanted):
            found.append(f"{package} {installed} (needs {wanted}{'x' if not exact else ''})")
    if not found:
        return None
    return ("The workshop server was written for other versions of the programs it builds on: "
            f"{', '.join(found)}. Please install EmpathyDesk again (make install, or pip install -e .) "
            "to get the versions it needs.")


def _room_kernel_manager() -> type:
    import secrets
    import uuid

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    class RoomKernelManager(AsyncMappingKernelManager):
        """Preheated kernels get a secret of their own (to fetch their visitor) and no earlier visitor's address."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.kernel_secrets: dict[str, str] = {}

        async def start_kernel(self, *args, **kwargs):
            env = kwargs.get("env")
            if env and env.get("VOILA_PREHEAT") == "True":
                kernel_id = kwargs.get("kernel_id") or str(uuid.uuid4())
                secret = secrets.token_urlsafe(24)
                env = {k: v for k, v in env.items() if k != "VOILA_REQUEST_URL"}
                env |= as_env(kernel_secret=secret)
                kwargs.update(env=env, kernel_id=kernel_id)
                self.kernel_secrets[kernel_id] = secret
            return await super().start_kernel(*args, **kwargs)

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            from voila.request_info_handler import RequestInfoSocketHandler

            self.kernel_secrets.pop(kernel_id, None)
            RequestInfoSocketHandler._cache.pop(kernel_id, None)
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    return RoomKernelManager


def __getattr__(name: str):  # Voilà imports the class by name; build it only then
    if name == "RoomKernelManager":
        cls = _room_kernel_manager()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


# --- in a page's kernel --------------------------------------------------------------------------------


def in_voila() -> bool:
    """True in a kernel Voilà started for a page: Voilà gives each one `VOILA_PREHEAT` ("True" while it waits
    for its visitor, else "False"). False in a notebook's kernel (JupyterLab, Binder) or plain Python."""
    return "VOILA_PREHEAT" in os.environ


def wait_for_request() -> None:
    """In a preheated kernel: wait until the app hands this page to a visitor, then put the request's
    details (`QUERY_STRING`, `SERVER_NAME`, ...) into `os.environ`, as `voila.utils.wait_for_request` does.

    The kernel proves who it is with the secret the app gave it (and keeps the secret out of the page's
    environment). Without one (plain Voilà), Voilà's own helper is used.
    """
    secret = take("kernel_secret")
    if secret is None:
        from voila.utils import wait_for_request as voila_wait

        voila_wait()
        return
    import asyncio
    import json
    import threading

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    url = f"{protocol}://{host}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    found: dict[str, str] = {}

    async def fetch() -> None:
        request = HTTPRequest(url, headers={KERNEL_SECRET_HEADER: secret}, connect_timeout=30, request_timeout=None)
        connection = await websocket_connect(request)
        message = await connection.read_message()
        connection.close()
        if message:
            found.update(json.loads(message))

    thread = threading.Thread(target=lambda: asyncio.run(fetch()), name="empathydesk-wait-for-visitor")
    thread.start()
    thread.join()
    os.environ.update({str(k): str(v) for k, v in found.items()})


# --- the apps ------------------------------------------------------------------------------------------


def room_voila_class() -> type:
    import asyncio
    import hmac
    import logging
    import re
    import secrets
    import threading
    from collections import OrderedDict
    from pathlib import Path
    from urllib.parse import quote, urlencode

    import tornado.ioloop
    import tornado.web
    from jupyter_server.auth.decorator import allow_unauthenticated
    from jupyter_server.base.handlers import APIHandler, JupyterHandler
    from jupyter_server.services.kernels.handlers import KernelHandler
    from jupyter_server.utils import url_path_join
    from traitlets import Bool, Float, Int, Unicode
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from empathydesk import gate, identity, notice

    def link_token(handler: tornado.web.RequestHandler) -> str:
        """The personal link's token in the request's address (`?seat=`; never Jupyter's `?token=`)."""
        return (handler.get_query_argument(identity.LINK_PARAM, "") or "").strip()

    class Room:
        """The participant app's door: who may open a page, and the page kernels handed out."""

        def __init__(self, app: RoomVoila) -> None:
            self.app = app
            self.cohort = settings().cohort or ""
            self.ledger = gate.KernelLedger()
            self.page_opens = gate.RateLimiter(app.page_opens_per_minute)
            self.join_pages = gate.RateLimiter(app.join_pages_per_minute)
            self.max_kernels = app.max_kernels
            self._stopping: set[str] = set()
            self._store = None
            self.joined_forms: OrderedDict[str, str] = OrderedDict()  # join form id -> the token it gave
            self.intro = None  # the landing notebook's text for the join page (join_page.Intro), read once

        def join_page(self) -> str:
            return url_path_join(self.app.server_url, "/")

        def store(self):
            if self._store is None:
                from empathydesk.storage import Store

                self._store = Store.open()
            return self._store

        def participant_cohort(self, token: str) -> str | None:
            """The cohort of the participant whose link carries `token` (None: unknown or revoked)."""
            found = self.store().participant_by_token(token)
            return found.cohort if found else None

        async def link_is_valid(self, handler: tornado.web.RequestHandler, token: str) -> bool | None:
            """True if `token` is a personal link of this workshop's cohort; None: the store failed (a plain 503
            page was sent)."""
            if not 0 < len(token) <= MAX_TOKEN:
                return False
            from empathydesk.storage import StorageError

            try:
                cohort = await asyncio.get_running_loop().run_in_executor(None, self.participant_cohort, token)
            except StorageError as error:
                self.refuse(handler, 503, notice.page("Please try again in a minute", [error.message]), retry_after=60)
                return None
            return cohort is not None and cohort == self.cohort

        async def redirect_old_link(self, handler: tornado.web.RequestHandler) -> bool:
            """A personal link handed out before the rename (`?token=<ours>`, no `?seat=`) is redirected (302) to
            the same page with `?seat=`. Any other `token` (Jupyter's own login token) is left alone: never read
            as a participant, and not counted here against any rate limit. True if a reply was sent (the
            redirect, or a 503 when the store failed)."""
            old = (handler.get_query_argument(identity.OLD_LINK_PARAM, "") or "").strip()
            if not old or link_token(handler):
                return False
            valid = await self.link_is_valid(handler, old)
            if valid is None:
                return True
            if not valid:
                return False
            rest = [(k, v.decode("utf-8", "replace")) for k, values in handler.request.query_arguments.items()
                    if k not in (identity.OLD_LINK_PARAM, identity.LINK_PARAM) for v in values]
            handler.redirect(handler.request.path + "?" + urlencode([(identity.LINK_PARAM, old), *rest]))
            return True

        def join(self, code: str, name: str, form_id: str, base: str | None) -> tuple[Any, bool]:
            """`Store.join` into this workshop's cohort (JoinError: refused by its rules), and the joined page's
            facts; a form sent again (same `form_id`) gets its first participant back, not a second one."""
            from empathydesk import join_page
            from empathydesk.content import load

            store = self.store()
            earlier = self.joined_forms.get(form_id) if form_id else None
            participant = store.participant_by_token(earlier) if earlier else None
            again = participant is not None
            if participant is None:
                participant = store.join(code[:join_page.MAX_CODE], name[:MAX_NAME_SENT], cohort=self.cohort)
                if form_id:
                    self.joined_forms[form_id] = participant.token
                    while len(self.joined_forms) > MAX_FORMS_KEPT:
                        self.joined_forms.popitem(last=False)
            return join_page.joined(store, load(), participant, base), again

        def alive(self) -> set[str]:
            return set(self.app.kernel_manager.list_kernel_ids())

        def browser(self, handler: tornado.web.RequestHandler) -> str:
            """The browser's visitor id, from its signed cookie (a new one, set with this page, if it has none)."""
            known = handler.get_signed_cookie(BROWSER_COOKIE, max_age_days=2)
            browser = known.decode() if known else secrets.token_urlsafe(18)
            handler.set_signed_cookie(BROWSER_COOKIE, browser, expires_days=None, httponly=True, samesite="Lax",
                                      path=self.app.base_url)
            return browser

        def owns(self, handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
            """True if this browser opened the kernel's page, or if there is no such kernel (then a 404 follows:
            a page whose kernel was stopped learns it, and asks the participant to reload)."""
            if kernel_id not in self.alive():
                return True
            browser = handler.get_signed_cookie(BROWSER_COOKIE, max_age_days=2)
            owner = self.ledger.browser_of(kernel_id)
            return bool(browser and owner and hmac.compare_digest(browser.decode(), owner))

        async def admit(self, handler: PageHandler, path: str) -> bool:
            """Decide before any kernel is taken; False: a plain page was sent instead."""
            for name in ("template", "theme"):  # Voilà would start a fresh kernel for another template
                handler.request.arguments.pop(name, None)
                handler.request.query_arguments.pop(name, None)
            if await self.redirect_old_link(handler):
                return False
            address = handler.request.remote_ip or "unknown"
            token = link_token(handler)
            valid = await self.link_is_valid(handler, token)
            if valid is None:
                return False
            landing = path == self.app.landing
            if not landing and not valid:
                return self.refuse(handler, 403, notice.link_not_valid(self.join_page()))
            limiter = self.page_opens if valid else self.join_pages
            if not limiter.allow(address):
                return self.refuse(handler, 429, notice.slow_down(), retry_after=limiter.retry_after())
            self.ledger.keep_only(self.alive())
            visitor = f"token:{token}" if valid else f"address:{address}"
            if valid and self.ledger.count_for(visitor) >= self.app.kernels_per_person:
                spare = self.ledger.oldest_unused(visitor, besides=self._stopping)
                if spare is None:
                    return self.refuse(handler, 503, notice.too_many_tabs(), retry_after=60)
                await self.stop(spare)
            if len(self.ledger) >= self.max_kernels:
                self.app.log.warning("The room is full: %d page kernels (--max-pages)", len(self.ledger))
                return self.refuse(handler, 503, notice.room_full(), retry_after=60)
            handler._handout = (visitor, self.browser(handler))
            return True

        def refuse(self, handler: tornado.web.RequestHandler, status: int, html: str, retry_after: int = 0) -> bool:
            handler.set_status(status)
            handler.set_header("Content-Type", "text/html; charset=utf-8")
            handler.set_header("Cache-Control", "no-store")
            if retry_after:
                handler.set_header("Retry-After", str(retry_after))
            handler.finish(html)
            return False

        async def stop(self, kernel_id: str) -> None:
            """Shut a page kernel down; it stays in the ledger (its page's own browser still reaches it) until gone."""
            if kernel_id in self._stopping:
                return
            self._stopping.add(kernel_id)
            try:
                await self.app.kernel_manager.shutdown_kernel(kernel_id)
            except Exception:  # noqa: BLE001 - already gone
                pass
            finally:
                self._stopping.discard(kernel_id)
                self.ledger.forget(kernel_id)

        async def sweep(self) -> None:
            """Forget stopped kernels; stop those whose page never connected within the grace time."""
            self.ledger.keep_only(self.alive())
            for kernel_id in self.ledger.never_connected(self.app.unconnected_timeout, besides=self._stopping):
                self.app.log.info("Stopping a page kernel its page never connected to: %s", kernel_id)
                await self.stop(kernel_id)
            live = self.alive()
            for kernel_id in [k for k in RequestInfoSocketHandler._cache if k not in live]:
                RequestInfoSocketHandler._cache.pop(kernel_id, None)

    class Recording:
        """The kernel manager as one page request sees it: the kernel it takes is written in the ledger."""

        def __init__(self, manager, room: Room, handout: tuple[str, str]) -> None:
            self._manager, self._room, self._handout = manager, room, handout

        def __getattr__(self, name: str):
            return getattr(self._manager, name)

        def _record(self, kernel_id: str) -> None:
            self._room.ledger.add(kernel_id, *self._handout)

        async def get_rendered_notebook(self, *args, **kwargs):
            task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
            self._record(kernel_id)
            return task, cache, kernel_id

        async def start_kernel(self, *args, **kwargs):
            kernel_id = await self._manager.start_kernel(*args, **kwargs)
            self._record(kernel_id)
            return kernel_id

    class PlainErrors:
        """Our own error pages: plain words, no details, nothing from the internet."""

        def write_error(self, status_code: int, **kwargs) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(notice.problem(status_code))

    class HideKey:
        """After a successful `?token=KEY` login (the cookie is set), reload the page without the key."""

        async def prepare(self, *args, **kwargs):
            await super().prepare(*args, **kwargs)
            if self._finished or not self.settings.get("empathydesk_hide_key"):
                return
            key = self.identity_provider.token
            given = self.get_query_argument("token", "")
            if key and given and hmac.compare_digest(given.encode(), key.encode()):  # signed in by the key
                rest = {k: v for k, v in self.request.query_arguments.items() if k != "token"}
                self.redirect(self.request.path + ("?" + urlencode(rest, doseq=True) if rest else ""))

    class PageHandler(PlainErrors, HideKey, TornadoVoilaHandler):
        _handout: tuple[str, str] | None = None

        @property
        def kernel_manager(self):
            manager = super().kernel_manager
            room = self.settings.get("empathydesk_room")
            return Recording(manager, room, self._handout) if room and self._handout else manager

        @tornado.web.authenticated
        async def get(self, path=None):
            room = self.settings.get("empathydesk_room")
            if room is not None and not await room.admit(self, path or ""):
                return
            self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page's shutdown POST needs
            await super().get(path=path)

    class TreeHandler(PlainErrors, HideKey, TornadoVoilaTreeHandler):
        pass

    class JoinHandler(PageHandler):
        """The landing page (`--RoomVoila.landing`) on the participant app: with a valid personal link, the
        landing notebook as any page; without one, the join form, served here without a kernel
        (empathydesk.join_page). The form's POST joins (`Store.join`'s rules and words), XSRF-checked like every
        POST here, rate-limited per address with the join pages, and answers with the personal link and the
        pages in order, as the join widget did."""

        def room(self) -> Room:
            return self.settings["empathydesk_room"]

        def stylesheets(self) -> list[str]:
            """The template's stylesheets, each with its version (cached by the browser until it changes)."""
            from empathydesk import join_page
            from empathydesk.paths import TEMPLATE_DIR

            return [url_path_join(self.base_url, STYLE_PATH, f"{name}?v={(TEMPLATE_DIR / name).stat().st_mtime_ns:x}")
                    for name in join_page.STYLESHEETS]

        def show(self, body: str, status: int = 200, script: str = "") -> None:
            from empathydesk import join_page

            room = self.room()
            if room.intro is None:
                room.intro = join_page.landing_intro(Path(self.settings["empathydesk_app"].root_dir) / room.app.landing)
            self.set_status(status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(join_page.page(room.intro, body, self.stylesheets(), script))

        def show_form(self, status: int = 200, note: str = "", old_link: bool = False, **values: str) -> None:
            from empathydesk import join_page

            html = join_page.form(self.request.path, self.xsrf_form_html(), secrets.token_urlsafe(18),
                                  note=note, old_link=old_link, **values)
            self.show(html, status, join_page.FORM_SCRIPT)

        def too_many(self) -> bool:
            limiter = self.room().join_pages
            if limiter.allow(self.request.remote_ip or "unknown"):
                return False
            self.set_header("Retry-After", str(limiter.retry_after()))
            return True

        @tornado.web.authenticated
        async def get(self, path=None):
            if await self.room().redirect_old_link(self):
                return
            token = link_token(self)
            valid = await self.room().link_is_valid(self, token)
            if valid is None:
                return
            if valid:
                return await super().get(path=path)
            if self.too_many():
                return self.room().refuse(self, 429, notice.slow_down(), retry_after=self.room().join_pages.retry_after())
            self.show_form(code=self.get_query_argument("code", ""), old_link=bool(token))

        @tornado.web.authenticated
        async def post(self, path=None):
            from empathydesk import join_page
            from empathydesk.storage import JoinError, StorageError

            code, name = self.get_body_argument("code", ""), self.get_body_argument("name", "")
            values = {"code": code, "name": name}
            if self.too_many():
                return self.show_form(429, join_page.not_joined(notice.SLOW_DOWN), **values)
            base = join_page.app_base(self.request.protocol, self.request.host, self.base_url)
            try:
                facts, again = await asyncio.get_running_loop().run_in_executor(
                    None, self.room().join, code, name, self.get_body_argument("form", "")[:MAX_TOKEN], base)
            except JoinError as refused:
                return self.show_form(400, join_page.not_yet(refused.message), **values)
            except StorageError as error:
                self.set_header("Retry-After", "60")
                return self.show_form(503, join_page.not_joined(error.message), **values)
            except Exception:  # noqa: BLE001 - in the log, never on the page
                self.log.exception("Joining failed")
                from empathydesk.widgets.ui import friendly

                return self.show_form(500, join_page.not_joined(friendly(RuntimeError())), **values)
            self.show(join_page.joined_body(facts, again=again), script=join_page.remember_in_address(facts.token))

    class StyleFiles(tornado.web.StaticFileHandler):
        """The workshop template's stylesheets, for the pages served without a kernel (the join page)."""

        def parse_url_path(self, path):
            from empathydesk import join_page

            if path not in join_page.STYLESHEETS:
                raise tornado.web.HTTPError(404)
            return path

    def _kernel_id(handler: tornado.web.RequestHandler) -> str:
        return handler.path_kwargs.get("kernel_id") or (handler.path_args[0] if handler.path_args else "")

    class OwnKernelOnly:
        """On the participant app, a kernel answers only the browser that opened its page."""

        def check_owner(self) -> None:
            room = self.settings.get("empathydesk_room")
            if room is not None and not room.owns(self, _kernel_id(self)):
                raise tornado.web.HTTPError(403)

        async def prepare(self, *args, **kwargs):
            self.check_owner()
            return await super().prepare(*args, **kwargs)

    class KernelModelHandler(OwnKernelOnly, KernelHandler):
        pass

    class ShutdownHandler(OwnKernelOnly, VoilaShutdownKernelHandler):
        pass

    class KernelSocketHandler(VoilaKernelWebsocketHandler):
        async def get(self, kernel_id):
            OwnKernelOnly.check_owner(self)
            await super().get(kernel_id)

        async def open(self, kernel_id):
            room = self.settings.get("empathydesk_room")
            if room is not None:
                room.ledger.mark_connected(kernel_id)
            await super().open(kernel_id)

        def on_close(self):
            room = self.settings.get("empathydesk_room")
            if room is not None and getattr(self, "kernel_id", None):
                room.ledger.mark_disconnected(self.kernel_id)
            super().on_close()

    class QueryHandler(RequestInfoSocketHandler):
        """Voilà's request socket, for the kernel itself only (see the module's docstring)."""

        kernel_id = ""

        async def get(self, kernel_id):
            secrets_known = getattr(self.settings["kernel_manager"], "kernel_secrets", {})
            expected = secrets_known.get(kernel_id)
            given = self.request.headers.get(KERNEL_SECRET_HEADER, "")
            if not expected or not hmac.compare_digest(expected, given):
                raise tornado.web.HTTPError(403)
            if kernel_id in self._waiters:
                raise tornado.web.HTTPError(409)
            await super().get(kernel_id)

        def open(self, kernel_id: str) -> None:
            self.kernel_id = kernel_id
            self._waiters[kernel_id] = self
            if kernel_id in self._cache:
                self.write_message(self._cache.pop(kernel_id))

        def on_close(self) -> None:
            if self._waiters.get(self.kernel_id) is self:
                del self._waiters[self.kernel_id]

    class TemplateFiles(TemplateStaticFileHandler):
        """Voilà's template files; an address not of the form `<template>/static/<file>` is a 404, not a 500."""

        def parse_url_path(self, path):
            parts = os.path.normpath(path).split(os.path.sep)
            if len(parts) < 3 or parts[1] != "static" or ".." in parts:
                raise tornado.web.HTTPError(404)
            return super().parse_url_path(path)

    def safe_next(value: str, base: str) -> str:
        """Where to go after signing in: a path on this app only."""
        return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else base

    class SignInHandler(PlainErrors, JupyterHandler):
        """The facilitator's sign-in: the key in a form (POST), or a one-time link (`?code=`)."""

        def room_voila(self) -> RoomVoila:
            return self.settings["empathydesk_app"]

        def show(self, status: int = 200, message: str = "") -> None:
            self.set_status(status)
            self.set_header("Cache-Control", "no-store")
            action = url_path_join(self.base_url, "login")
            html = notice.sign_in(action, self.xsrf_form_html(), message, self.get_argument("next", ""))
            self.finish(html)

        def signed_in(self) -> None:
            provider = self.identity_provider
            provider.set_login_cookie(self, provider.generate_anonymous_user(self))
            self.redirect(safe_next(self.get_argument("next", ""), self.base_url))

        @allow_unauthenticated
        def get(self):
            code = self.get_query_argument("code", "")
            if code:
                if self.room_voila().use_sign_in_code(code):
                    return self.signed_in()
                return self.show(403, "This sign-in link has been used already. Please type the facilitator key.")
            self.show()

        @allow_unauthenticated
        def post(self):
            app = self.room_voila()
            address = self.request.remote_ip or "unknown"
            if not app.sign_in_tries.allow(address):
                self.set_header("Retry-After", str(app.sign_in_tries.retry_after()))
                return self.show(429, "Too many tries. Please wait a minute, then try again.")
            key = self.get_body_argument("password", "")
            if app.token and hmac.compare_digest(key.strip().encode(), app.token.encode()):
                return self.signed_in()
            self.show(403, "That key does not match. Please check it and try again.")

    class SignOutHandler(PlainErrors, JupyterHandler):
        @allow_unauthenticated
        def get(self):
            self.identity_provider.clear_login_cookie(self)
            self.set_header("Cache-Control", "no-store")
            self.finish(notice.signed_out(url_path_join(self.base_url, "login")))

    class FacilitatorPage(PlainErrors, HideKey, JupyterHandler):
        """A facilitator page of our own (empathydesk.console, empathydesk.presenter): behind the key, built
        off the event loop (it reads the database)."""

        def links(self):
            from empathydesk.console import Links

            return Links(self.base_url)

        async def built(self, build: Callable[..., Any], *args: Any) -> Any:
            return await asyncio.get_running_loop().run_in_executor(None, build, *args)

        def send(self, body: str | None, content_type: str = "text/html; charset=utf-8") -> None:
            if body is None:
                raise tornado.web.HTTPError(404)
            self.set_header("Content-Type", content_type)
            self.set_header("Cache-Control", "no-store")
            self.finish(body)

    class HomeHandler(FacilitatorPage):
        @tornado.web.authenticated
        async def get(self):
            from empathydesk.console import home_page

            self.send(await self.built(home_page, self.links()))

    class PlanHandler(FacilitatorPage):
        @tornado.web.authenticated
        async def get(self, slug: str):
            from empathydesk.console import plan_page

            self.send(await self.built(plan_page, slug, self.links()))

    class PresenterHandler(FacilitatorPage):
        @tornado.web.authenticated
        async def get(self):
            from empathydesk.presenter import page

            self.send(await self.built(page, self.links(), self.get_query_argument("module", "")))

    class ProgressHandler(FacilitatorPage):
        """The room's progress for the presenter view's script: JSON, and a 403 (not the sign-in page) without
        the key."""

        async def prepare(self, *args, **kwargs):
            await JupyterHandler.prepare(self, _redirect_to_login=False)

        async def get(self):
            import json

            from empathydesk.presenter import progress_now

            progress = await self.built(progress_now)
            self.send(None if progress is None else json.dumps(progress), "application/json")

    class RoomHandler(FacilitatorPage):
        @tornado.web.authenticated
        async def get(self):
            from empathydesk.room_view import page

            self.send(await self.built(page, self.links()))

    class RoomLiveHandler(ProgressHandler):
        """The live room view's refresh: JSON (its HTML, every name escaped), a 403 without the key."""

        async def get(self):
            import json

            from empathydesk.room_view import live_now

            live = await self.built(live_now)
            self.send(None if live is None else json.dumps(live), "application/json")

    class ExportHandler(FacilitatorPage):
        @tornado.web.authenticated
        async def get(self, fmt: str):
            from empathydesk.console import EXPORT_FORMATS, export

            found = await self.built(export, fmt)
            if found is None:
                raise tornado.web.HTTPError(404)
            name, text = found
            self.set_header("Content-Disposition", f'attachment; filename="{name}"')
            self.send(text, f"{EXPORT_FORMATS[fmt]}; charset=utf-8")

    def join_handlers(base: str, landing: str, voila_kwargs: dict) -> list[tuple]:
        """The landing page's own handler (the join page without a kernel) and the stylesheets it links."""
        from empathydesk.paths import TEMPLATE_DIR

        return [
            (url_path_join(base, "voila/render", f"({re.escape(landing)})"), JoinHandler, voila_kwargs),
            (url_path_join(base, STYLE_PATH, "(.*)"), StyleFiles, {"path": str(TEMPLATE_DIR)}),
        ]

    def console_handlers(base: str) -> list[tuple]:
        """The facilitator's own pages (`--RoomVoila.console=True`); Voilà's list of pages gives way to the home."""
        from empathydesk import console

        at = lambda path: url_path_join(base, path)  # noqa: E731
        formats = "|".join(console.EXPORT_FORMATS)
        return [
            (base, HomeHandler),
            (at(r"voila/tree(?:/.*)?"), HomeHandler),
            (at(console.PRESENTER), PresenterHandler),
            (at(console.PROGRESS), ProgressHandler),
            (at(console.ROOM), RoomHandler),
            (at(console.ROOM_LIVE), RoomLiveHandler),
            (at(console.RUN_OF_SHOW + r"/([a-z])"), PlanHandler),
            (at(console.EXPORT + rf"/results\.({formats})"), ExportHandler),
            (at(console.STATIC + "/(.*)"), tornado.web.StaticFileHandler,
             {"path": str(Path(console.__file__).with_name("static"))}),
        ]

    def with_plain_errors(handler: type) -> type:
        """`handler` with our error pages, if it would render Jupyter's (whose templates fail here: a 500)."""
        if not issubclass(handler, JupyterHandler) or issubclass(handler, (APIHandler, PlainErrors)):
            return handler
        return type(handler.__name__, (PlainErrors, handler), {})

    replace = {
        TornadoVoilaHandler: PageHandler,
        TornadoVoilaTreeHandler: TreeHandler,
        KernelHandler: KernelModelHandler,
        VoilaShutdownKernelHandler: ShutdownHandler,
        VoilaKernelWebsocketHandler: KernelSocketHandler,
        RequestInfoSocketHandler: QueryHandler,
        TemplateStaticFileHandler: TemplateFiles,
    }

    class RoomVoila(Voila):
        """Voilà for a room (see the module's docstring)."""

        landing = Unicode("", config=True, help="Page (relative to the root folder) that `/` opens.")
        hide_key = Bool(False, config=True, help="Reload pages opened with ?token=KEY without the key.")
        gate = Bool(False, config=True, help="Pages other than the landing page need a valid personal link.")
        max_kernels = Int(0, config=True, help="Page kernels at most at once (0: from the memory free at start).")
        kernels_per_person = Int(4, config=True, help="Page kernels one personal link may hold at once.")
        page_opens_per_minute = Int(60, config=True, help="Pages one address may open per minute (0: no limit).")
        join_pages_per_minute = Int(10, config=True, help="Join pages one address may open per minute (0: no limit).")
        unconnected_timeout = Float(180, config=True, help="Stop a page kernel its page never connected to after this (s).")
        sign_in_tries_per_minute = Int(5, config=True, help="Facilitator key tries per address per minute.")
        join_without_kernel = Bool(True, config=True, help="With `gate`: the landing page's join form is served "
                                   "by the app, without a kernel (False: the landing notebook's join widget).")
        console = Bool(False, config=True, help="The facilitator's own pages: a home at `/` (instead of Voilà's "
                       "list of pages), the presenter view, the run of show and the results to download.")

        def initialize(self, argv=None):
            super().initialize(argv)
            gate.protect_logs(self.log, *(logging.getLogger(n) for n in ("tornado.access", "tornado.application", "tornado.general")))
            self.sign_in_tries = gate.RateLimiter(self.sign_in_tries_per_minute, burst=max(self.sign_in_tries_per_minute, 10))
            self._sign_in_code = take("signin_code") or ""

        def use_sign_in_code(self, code: str) -> bool:
            """True once for the one-time sign-in code; never again after."""
            expected = self._sign_in_code
            if expected and code and hmac.compare_digest(code.encode(), expected.encode()):
                self._sign_in_code = ""
                return True
            return False

        def init_settings(self) -> dict:
            settings = super().init_settings()
            settings["empathydesk_hide_key"] = self.hide_key
            settings["empathydesk_app"] = self
            provider = getattr(self, "identity_provider", None)
            if provider is not None:
                provider.cookie_options = {"samesite": "Strict", "httponly": True, "expires_days": SIGN_IN_HOURS / 24}
                provider.get_secure_cookie_kwargs = {"max_age_days": SIGN_IN_HOURS / 24}
            if self.gate:
                room = Room(self)
                if room.max_kernels <= 0:
                    pages = len(list(Path(self.root_dir).glob("*.ipynb")))
                    pools = self.voila_configuration.default_pool_size * pages
                    room.max_kernels = gate.default_max_kernels(gate.available_memory(), pools)
                self.log.info("Page kernels at most at once: %d", room.max_kernels)
                settings["empathydesk_room"] = room
            return settings

        def init_handlers(self) -> list:
            handlers = []
            for spec in super().init_handlers():
                pattern, handler = spec[0], spec[1]
                if pattern.rstrip("/").endswith(("/login", "/logout")):
                    continue  # our own below (the participant app has none: nobody signs in there)
                if (self.gate and self.landing and self.join_without_kernel and handler is TornadoVoilaHandler
                        and pattern.endswith("/voila/render/(.*)")):
                    handlers += join_handlers(self.server_url, self.landing, *spec[2:])
                handlers.append((pattern, with_plain_errors(replace.get(handler, handler)), *spec[2:]))
            if self.token:
                handlers.insert(0, (url_path_join(self.base_url, "login"), SignInHandler))
                handlers.insert(0, (url_path_join(self.base_url, "logout"), SignOutHandler))
            if self.console:
                handlers[:0] = console_handlers(self.server_url)
            if self.landing:
                target = url_path_join(self.server_url, "voila/render", quote(self.landing))
                options = {"url": target, "permanent": False}
                for pattern in (self.server_url, url_path_join(self.server_url, "voila/tree/?")):
                    handlers.insert(0, (pattern, tornado.web.RedirectHandler, options))
            return handlers

        def start(self):
            def sweep() -> None:
                room = self.app.settings.get("empathydesk_room") if getattr(self, "app", None) else None
                if room is not None:
                    asyncio.ensure_future(room.sweep())

            if self.gate:  # look a few times within the grace time, at most every 15 s
                every = min(15.0, max(1.0, self.unconnected_timeout / 3))
                tornado.ioloop.PeriodicCallback(sweep, every * 1000).start()
            if self.gate and self.landing and self.join_without_kernel:
                from empathydesk import join_page

                threading.Thread(target=join_page.warm_up, name="empathydesk-warm-up", daemon=True).start()
            super().start()

    return RoomVoila


def cache_compiled_templates(directory: str | None = None) -> None:
    """Compile each page template once per machine instead of once per page view.

    nbconvert builds a fresh Jinja environment for every notebook it renders, so Voilà compiled its page
    templates again for every visitor and every preheated kernel: 54% of the participant app's CPU in
    the room bench (py-spy). Jinja's own bytecode cache (`FileSystemBytecodeCache`, keyed by template and
    checked against its source) makes a later environment load the compiled template instead.
    """
    from jinja2 import FileSystemBytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    cache = FileSystemBytecodeCache(directory)
    create = TemplateExporter._create_environment

    def create_with_cache(self):  # type: ignore[no-untyped-def]
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = create_with_cache


def wait_before_widget_states(fill: Callable[[], None]) -> None:
    """Make the browser's first step to load a page's widgets (opening ipywidgets' "jupyter.widget.control"
    comm) run `fill` first, so that the widgets it asks for exist (see `widgets.arrival`)."""
    from ipywidgets import Widget, comm

    manager = comm.get_comm_manager()
    if manager is None:
        return
    opened = Widget.handle_control_comm_opened

    def opened_once_filled(control: Any, msg: dict[str, Any]) -> None:
        fill()
        opened(control, msg)

    manager.register_target("jupyter.widget.control", opened_once_filled)


def on_shutdown_request(action: Callable[[], None]) -> None:
    """Run `action` as soon as this kernel is told to shut down or restart (a page left or reloaded: Voilà's
    page asks for it as it goes), before the kernel replies: ipykernel's handler sets the IPython shell's
    `exit_now` then, on its control thread. Outside such a kernel, nothing happens."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and shell.has_trait("exit_now"):
        shell.observe(lambda change: action() if change["new"] else None, names="exit_now")


def main(argv: list[str] | None = None) -> None:
    problem = version_problem()
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(1)
    from empathydesk.kernel import skip_slow_optional_imports

    skip_slow_optional_imports()  # the app starts faster and smaller too (see empathydesk.kernel)
    cache_compiled_templates()
    args = list(sys.argv[1:] if argv is None else argv)
    key = take("facilitator_key")
    if key:
        args.append(f"--Voila.token={key}")
    room_voila_class().launch_instance(argv=args)


if __name__ == "__main__":
    main()
