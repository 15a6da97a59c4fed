"""Small shared building blocks: the stylesheet, escaped text, notes, and a guard for callbacks.

Every piece of participant text that reaches an HTML widget goes through `esc` first: display
names, answers and even our own content are shown as text, never run as markup.
"""

from __future__ import annotations

import functools
import html
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from empathydesk.paths import TEMPLATE_DIR
from empathydesk.settings import settings
from empathydesk.widgets.place import PageLinks, in_notebook, oops

log = logging.getLogger("empathydesk.widgets")
if not log.handlers:  # to the kernel's real stderr (the server log), never into the page
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.propagate = False


# The pieces' stylesheet and the design tokens it uses: files which the workshop's page template includes in
# the page's head (with page.css, the page's own).
STYLESHEET = TEMPLATE_DIR / "pieces.css"
TOKENS = TEMPLATE_DIR / "tokens.css"
CHOICE = TEMPLATE_DIR / "choice.css"  # the Choice widget's (widgets/choice.py)

ICONS = {"info": "ℹ", "ok": "✓", "warn": "⚠", "error": "✗"}
WORDS = {"info": "Note:", "ok": "Done:", "warn": "Please check:", "error": "Not saved:"}


def shared(key: str, factory: Callable[[], w.Widget]) -> Any:
    """One layout or style model for many widgets (each model is a message the page must load).

    Kept in the kernel's page context (`session.kernel_session`); outside a kernel each call makes its own.
    """
    from empathydesk.widgets.session import kernel_session

    models = kernel_session().shared
    found = models.get(key)
    if found is None or getattr(found, "comm", None) is None:  # closed: make a new one
        found = models[key] = factory()
    return found


def full_width() -> w.Layout:
    return shared("layout-full", lambda: w.Layout(width="100%"))


def html_widget(value: str = "") -> w.HTML:
    return w.HTML(value, layout=shared("layout-html", w.Layout), style=shared("style-html", HTMLStyle))


class Note:
    """Words under the controls of `box` (a check's result, an error) that join it the first time there are any.

    Most of these are never needed, and even an empty HTML widget is a model the page must load and draw.
    """

    def __init__(self, box: w.Box, value: str = "") -> None:
        self.box = box
        self.widget: w.HTML | None = None
        self.value = value

    @property
    def value(self) -> str:
        return self.widget.value if self.widget is not None else ""

    @value.setter
    def value(self, text: str) -> None:
        if self.widget is not None:
            self.widget.value = text
        elif text:
            self.widget = html_widget(text)
            self.box.children = (*self.box.children, self.widget)


def esc(text: Any) -> str:
    """Text made safe to put inside HTML (quotes too, so it is safe in attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def page_has_stylesheet() -> bool:
    """True on the pages of `empathydesk workshop`, whose template has the stylesheet in the page's head."""
    return settings().template == TEMPLATE_DIR.name


def stylesheet() -> Any:
    """The design tokens and the pieces' stylesheet as plain HTML output, for pages that don't carry them in
    their head already.

    Plain output, not a widget: the page draws it with its HTML, and no piece has a widget model for it.
    """
    from IPython.display import HTML

    return HTML("".join(f"<style>{css.read_text(encoding='utf-8')}</style>" for css in (TOKENS, STYLESHEET, CHOICE)))


def note_html(kind: str, text: str, *, word: str | None = None) -> str:
    """A short message with an icon and a leading word (so colour is never the only signal)."""
    lead = WORDS[kind] if word is None else word
    lead_html = f"<strong>{esc(lead)}</strong> " if lead else ""
    role = ' role="alert"' if kind in ("error", "warn") else ' role="status"'
    return (
        f'<div class="ed-note ed-{kind}"{role}><span class="ed-icon" aria-hidden="true">{ICONS[kind]}</span>'
        f"{lead_html}{esc(text)}</div>"
    )


def note(kind: str, text: str, **kwargs: Any) -> w.HTML:
    return html_widget(note_html(kind, text, **kwargs))


def markup(text: str = "") -> w.HTML:
    """An HTML widget for markup that was built with `esc` (callers escape every piece of text)."""
    return html_widget(text)


def page_links(text: str = "") -> w.HTML | PageLinks:
    """Like `markup`, for markup with links to other pages: in a notebook JupyterLab opens them in a tab
    (`place.PageLinks`); in Voilà they are plain links."""
    return PageLinks(text) if in_notebook() else markup(text)


def para(text: str, cls: str = "") -> w.HTML:
    cls_attr = f' class="{cls}"' if cls else ""
    return html_widget(f"<p{cls_attr}>{esc(text)}</p>")


def heading(text: str, level: int = 3, *, intro: str = "") -> w.HTML:
    """A heading, and the short paragraph under it when `intro` is given (one widget for both)."""
    after = f"<p>{esc(intro)}</p>" if intro else ""
    return html_widget(f"<h{level}>{esc(text)}</h{level}>{after}")


def button(label: str, *, primary: bool = True, icon: str = "") -> w.Button:
    b = w.Button(
        description=label,
        icon=icon,
        tooltip=label,
        button_style="primary" if primary else "",
        layout=shared("layout-button", w.Layout),
        style=shared("style-button", w.ButtonStyle),
        **classes("ed-button"),
    )
    return b


def description_style() -> DescriptionStyle:
    return shared("style-description", DescriptionStyle)


def text_style() -> TextStyle:
    return shared("style-text", TextStyle)


def classes(*names: str) -> dict[str, tuple[str, ...]]:
    """A widget's CSS classes, given as it is made: `w.Text(**classes("ed-stack"))`.

    `add_class` on a widget that exists sends one more message per class to the page.
    """
    return {"_dom_classes": names}


STACKED = "ed-stack"  # a control's visible description above it, full width (works at 375 px)


class Piece(w.VBox):
    """A piece of a page. Its text form is its name: IPython asks for it on every display, and the
    default spells out every widget inside, which took a sixth of a lesson page's building time."""

    def __repr__(self) -> str:
        return f"<EmpathyDesk piece: {' '.join(c for c in self._dom_classes if c != 'ed-piece')}>"


def piece(children: Iterable[w.Widget], *, name: str, tags: Iterable[str] = ()) -> Piece:
    """A piece of a page: the children in a box tagged for tests and CSS (`show` adds the stylesheet)."""
    return Piece(list(children), layout=full_width(), **classes("ed-piece", f"ed-{name}", *tags))


def card(children: Iterable[w.Widget], *, name: str) -> w.VBox:
    """One question or exercise inside a piece, in a bordered box tagged `ed-<name>`."""
    return w.VBox(list(children), layout=full_width(), **classes("ed-card", f"ed-{name}"))


def storage_errors() -> tuple[type[BaseException], ...]:
    from empathydesk.storage import StorageError

    return (StorageError,)


def friendly(exc: BaseException) -> str:
    """The message to show for an error: the storage's own friendly words, or a general one."""
    if isinstance(exc, storage_errors()):
        return getattr(exc, "message", None) or oops()
    return oops()


def guard(show_error: Callable[[str], None]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a callback so that no error ever reaches the page as a traceback.

    A storage error's friendly message (or a general one) goes to `show_error`; anything unexpected is
    also logged to the server's log.
    """

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def safe(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
                if not isinstance(exc, storage_errors()):
                    log.exception("error in %s", fn.__qualname__)
                show_error(friendly(exc))
                return None

        return safe

    return wrap
