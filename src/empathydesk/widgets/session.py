"""Who is on this page: the course content, the store and the participant, found once per kernel.

The state every piece shares lives here, in one place: the participant, the token the page address
carries (so that links keep it), and the consent choice (so that two consent boxes on a page agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import traitlets

from empathydesk import joining
from empathydesk.content import Content, load

NO_PARTICIPANT = (
    "We could not find your place in this workshop. If you have a join code, open the join page and "
    "type it in. If you joined before, ask the facilitator for your personal link, then open it."
)


class ConsentState(traitlets.HasTraits):
    """The participant's consent choice, shared by every consent box on the page."""

    consent = traitlets.Bool(False)
    message = traitlets.Unicode("")  # escaped note markup shown under every consent box


@dataclass
class Session:
    content: Content
    store: Any
    participant: Any  # empathydesk.storage.Participant, or None when the page's link is not valid
    url_token: str | None = None
    _consent: ConsentState | None = field(default=None, repr=False)
    _page_ids: list[str] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.participant.id

    @property
    def consent(self) -> ConsentState:
        if self._consent is None:
            self._consent = ConsentState(consent=bool(getattr(self.participant, "consent", False)))
        return self._consent

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
        return f"{target}?token={quote(token, safe='')}" if token else target


def token_in_address() -> str | None:
    """The `token` from the page's address (read by `empathydesk.identity`, which waits for it in Voilà)."""
    from empathydesk.identity import query_token

    return query_token()


def hosted() -> bool:
    from empathydesk.identity import hosted as _hosted

    return _hosted()


def page_cohort() -> str | None:
    """The one cohort this hosted page takes people into (None: any); see `empathydesk.identity.page_cohort`."""
    from empathydesk.identity import page_cohort as _page_cohort

    return _page_cohort()


_CURRENT: Session | None = None


def current_session(store: Any = None, participant: Any = None, content: Content | None = None) -> Session:
    """The page's session; tests pass `store` and `participant` to get a fresh one of their own."""
    global _CURRENT
    if store is not None or participant is not None or content is not None:
        store = store if store is not None else _open_store()
        if participant is None:
            participant = _find_participant(store)
        return Session(content or load(), store, participant, url_token=token_in_address())
    if _CURRENT is None or _CURRENT.participant is None:
        content, store = load(), _open_store()  # both cached: a preheated page makes them ready ahead (get_ready)
        participant = _find_participant(store)  # in a preheated kernel, waits for the visitor's request
        _CURRENT = Session(content, store, participant, url_token=token_in_address())
    return _CURRENT


def get_ready() -> None:
    """Load the content and open the store now, so the first piece built for a visitor finds them ready."""
    load()
    _open_store()


def forget_session() -> None:
    """Drop the cached session (after importing a saved file, the participant may have changed)."""
    global _CURRENT
    _CURRENT = None


def _open_store() -> Any:
    from empathydesk.storage import Store

    return Store.open()


def _find_participant(store: Any) -> Any:
    from empathydesk.identity import current_participant

    return current_participant(store)
