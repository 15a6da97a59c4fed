"""Where a page is shown, and the words and links that fit there.

- A workshop (`with_facilitator()`): the pages `empathydesk workshop` serves (`hosted()`: joining and
  personal links), or a JupyterHub's (`EMPATHYDESK_API_URL`). A facilitator is there to help.
- Self-study: a notebook in JupyterLab or on Binder (`in_notebook()`), or a page in plain Voilà. There is no
  facilitator, and the person takes part as this computer's own participant, "Me" (`on_your_own`).

In a notebook a browser reload wipes the widgets, so advice names JupyterLab's own action (`RUN_AGAIN`),
and links to other pages are shown as the notebook's own HTML output (`PageLinks`): JupyterLab reads such a
link from the notebook's folder and opens it in a tab of its own, without leaving the page. In Voilà a
link is a plain link, as on any web page.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk import _voila
from empathydesk.identity import hosted
from empathydesk.settings import settings

RUN_AGAIN = "choose Run ▸ Restart Kernel and Run All Cells"


def in_notebook() -> bool:
    """True for a notebook in JupyterLab (or Binder, or a test): not a Voilà page."""
    return not _voila.in_voila()


def with_facilitator() -> bool:
    """True in a workshop, where a facilitator runs the room; False for self-study."""
    return hosted() or bool(settings().api_url)


def kept_in(store_url: str) -> str:
    """Where a store keeps the answers, in words: the database file's path, or "a database server"."""
    from sqlalchemy.engine import make_url

    url = make_url(store_url)
    if url.get_backend_name() != "sqlite":
        return "a database server"
    return url.database or "this program's memory"


def on_your_own(name: str, store_url: str) -> str:
    """The self-study header's words (escaped markup): who the person is here, and where the answers are."""
    from html import escape

    return (
        f'<p class="ed-muted" data-ed="on-your-own">You are studying on your own, as <strong>{escape(name)}</strong>. '
        f"Your answers are kept on this computer, in <code>{escape(kept_in(store_url))}</code>. To take them to "
        "another computer, use “Save my progress” below, then load the file there.</p>"
    )


def show_again() -> str:
    """How to show a page again with the newest answers, as a sentence's end: "…, reload the page"."""
    return RUN_AGAIN if in_notebook() else "reload the page"


def tell_someone() -> str:
    """Who to tell when a problem comes back, as a sentence (empty on one's own: there is no one to tell)."""
    return "If it keeps happening, tell the facilitator." if with_facilitator() else ""


def and_if_it_keeps_happening(text: str) -> str:
    """A problem's message, and who to tell if it comes back (in a workshop)."""
    return " ".join(filter(None, [text, tell_someone()]))


def oops() -> str:
    """Something failed and the last step may not be saved: what to do."""
    return and_if_it_keeps_happening(
        f"Something went wrong here, so your last step may not be saved. Please {show_again()} and try again."
    )


class PageLinks(w.Output):
    """Markup with links to other pages (built with `ui.esc`), for a notebook (`ui.page_links`). Its `value`
    is shown as the notebook's own HTML output, whose links JupyterLab opens in a tab (see the module's note)."""

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._value = ""
        self.value = value

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        self._value = text
        self.outputs = ({"output_type": "display_data", "data": {"text/html": text}, "metadata": {}},)

