"""The page context: one object for the page's visitor, made by `show` and handed to every piece's builder.

It holds everything a page's pieces share: the page's address (its query string, read once: a preheated
Voilà kernel waits for its visitor's request), the course content, the store, the participant, the consent
choice (so that two consent boxes on a page agree), the pieces held until the visitor comes (`arrival`),
the layout and style models many widgets share, and who wants to hear when the page saves an answer
(`on_save`: the progress strip follows the page without a reload).

Where it lives: on the kernel's IPython shell (`kernel_session`), not in a module global. Voilà and Jupyter
run one kernel per page, and the shell lives exactly as long as that kernel, so the context is per page by
construction: nothing of one visitor sits in a module that another caller (a test, a second context) could
see or inherit. Tests and scripts make their own `Session(store=..., query=...)` and pass it to `build`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import traitlets

from empathydesk import identity, joining
from empathydesk.content import Content, load
from empathydesk.kinds import answer_writers

if TYPE_CHECKING:
    import ipywidgets as w

    from empathydesk.widgets.arrival import Arrival

NO_PARTICIPANT = (
    "We could not find your place in this workshop. If you have a join code, open the join page and "
    "type it in. If you joined before, ask the facilitator for your personal link, then open it."
)
_FIND = object()  # the participant is found from the page's address


class ConsentState(traitlets.HasTraits):
    """The participant's consent choice, shared by every consent box on the page."""

    consent = traitlets.Bool(False)
    message = traitlets.Unicode("")  # escaped note markup shown under every consent box


class Session:
    """One page and its visitor. Everything not given is found when first needed: the query string from the
    request (`read_query`), the content and the store as configured, the participant from the query's token."""

    def __init__(
        self,
        *,
        query: str | None = None,
        store: Any = None,
        content: Content | None = None,
        participant: Any = _FIND,
        read_query: Callable[[], str] = identity.read_query_string,
    ) -> None:
        self._query = query
        self._read_query = read_query
        self._query_lock = threading.Lock()
        self._store = store
        self._content = content
        self._given = participant
        self._participant = participant
        self._consent: ConsentState | None = None
        self._page_ids: list[str] | None = None
        self.arrival: Arrival | None = None  # the pieces held until the visitor comes (`widgets.arrival`)
        self.shared: dict[str, w.Widget] = {}  # layout and style models shared by many widgets (`ui.shared`)
        self._listeners: list[Callable[[], None]] = []
        self._saving: Saving | None = None

    # --- the page's address ----------------------------------------------------------------------

    def query_string(self) -> str:
        """The page's query string; in a preheated kernel, waits once for the visitor's request.

        Safe from any thread: a second caller waits for the first one's answer.
        """
        with self._query_lock:
            if self._query is None:
                self._query = self._read_query()
            return self._query

    def visitor_pending(self) -> bool:
        """True while a preheated kernel's visitor has not come: the page's address is not known yet."""
        return identity.preheated() and self._query is None

    def query_value(self, name: str) -> str:
        """One parameter of the page's address ("" if absent)."""
        return identity.query_value(self.query_string(), name)

    @property
    def url_token(self) -> str | None:
        """The personal link's token in the page's address (`?seat=`), if any (links to other pages keep it)."""
        return self.query_value(identity.LINK_PARAM) or None

    # --- the course, the store, the participant -----------------------------------------------------

    @property
    def content(self) -> Content:
        if self._content is None:
            self._content = load()
        return self._content

    @property
    def store(self) -> Any:
        """The store, as this page uses it: saving an answer through it tells the page (`on_save`)."""
        if self._saving is None:
            if self._store is None:
                self._store = page_store()
            self._saving = Saving(self._store, self.saved)
        return self._saving

    def on_save(self, listener: Callable[[], None]) -> None:
        """Call `listener()` each time this page has saved an answer (after the save)."""
        self._listeners.append(listener)

    def saved(self) -> None:
        """Tell the listeners an answer was saved. A listener that fails is logged: the answer is saved all the same."""
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:  # noqa: BLE001 - never turns a saved answer into an error
                from empathydesk.widgets.ui import log

                log.exception("a listener to saved answers failed")

    def get_ready(self) -> None:
        """Load the content and open the store now, so the first piece built for a visitor finds them ready."""
        _ = self.content, self.store

    @property
    def participant(self) -> Any:
        """The page's participant (empathydesk.storage.Participant), or None when the page's link is not valid."""
        if self._participant is _FIND:
            self._participant = identity.current_participant(self.store, self.query_string())
        return self._participant

    def look_again(self) -> None:
        """While the page has found no participant, look again before the next piece (someone may have joined
        or been given a link, and run the page again)."""
        if self._participant is None and self._given is _FIND:
            self._participant = _FIND
            self._consent = self._page_ids = None

    @property
    def pid(self) -> int:
        return self.participant.id

    def forget(self) -> None:
        """Find the participant again (after importing a saved file, they may have changed)."""
        self._participant = self._given = _FIND
        self._consent = self._page_ids = None

    @property
    def consent(self) -> ConsentState:
        if self._consent is None:
            self._consent = ConsentState(consent=bool(getattr(self.participant, "consent", False)))
        return self._consent

    # --- the pages ---------------------------------------------------------------------------------

    def page_ids(self) -> list[str]:
        """Welcome, the modules this participant's cohort takes (in its order), wrap-up.

        Read once per page view: the header and footer ask several times.
        """
        if self._page_ids is None:
            self._page_ids = [joining.WELCOME, *joining.module_ids(self.store, self.content, self.participant), joining.WRAP_UP]
        return list(self._page_ids)

    def page_title(self, page_id: str, short: bool = False) -> str:
        if short and page_id not in (joining.WELCOME, joining.WRAP_UP):
            return f"Module {self.content.module(page_id).number}"
        return joining.page_title(self.content, page_id)

    def notebook(self, page_id: str) -> str:
        return joining.notebook_for(self.content, page_id)

    def href(self, page_id: str, token: str | None = None) -> str:
        """A link to another page, relative to this one, that keeps the participant's token.

        `token=""` gives a link without one.
        """
        token = self.url_token if token is None else token
        target = quote(self.notebook(page_id))
        return f"{target}?{identity.link_query(token)}" if token else target


class Saving:
    """A store that calls `saved()` after each of its methods that saves an answer (`kinds.answer_writers`)."""

    def __init__(self, store: Any, saved: Callable[[], None]) -> None:
        self._store, self._saved = store, saved

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if name not in answer_writers():
            return found

        @functools.wraps(found)
        def then_tell(*args: Any, **kwargs: Any) -> Any:
            result = found(*args, **kwargs)
            self._saved()
            return result

        return then_tell


SHELL_ATTRIBUTE = "_empathydesk_page"


def kernel_session() -> Session:
    """This kernel's page context, kept on its IPython shell and made on first use.

    Without a shell (plain Python) there is no page to keep it for: each call gets a new one.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return Session()
    found = getattr(shell, SHELL_ATTRIBUTE, None)
    if found is None:
        found = Session()
        setattr(shell, SHELL_ATTRIBUTE, found)
    return found


def page_store() -> Any:
    """The store a page reads and saves with: on a JupyterHub user's server (`EMPATHYDESK_API_URL` set), the
    EmpathyDesk service's API with the user's own hub token (`empathydesk.hub.client`); elsewhere the database."""
    from empathydesk.settings import settings

    if settings().api_url:
        from empathydesk.hub.client import ApiStore

        return ApiStore.from_environment()
    from empathydesk.storage import Store

    return Store.open()


def hosted() -> bool:
    return identity.hosted()


def page_cohort() -> str | None:
    """The one cohort this hosted page takes people into (None: any); see `empathydesk.identity.page_cohort`."""
    return identity.page_cohort()
