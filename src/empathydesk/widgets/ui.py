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

log = logging.getLogger("empathydesk.widgets")
if not log.handlers:  # to the kernel's real stderr (the server log), never into the page
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

OOPS = (
    "Something went wrong here, so your last step may not be saved. Please reload the page and try "
    "again. If it keeps happening, tell the facilitator."
)

# Colours from the Okabe-Ito palette (safe for colour-blind readers); every colour is paired with an
# icon and a word, so no meaning rests on colour alone.
CSS = """
.ed-piece { width: 100%; max-width: 48rem; box-sizing: border-box; margin: 0.5rem 0 1rem 0;
  font-size: 15px; line-height: 1.5; color: #1b1b1b; }
.ed-piece * { box-sizing: border-box; }
.ed-piece .widget-html, .ed-piece .jupyter-widget-html { width: 100%; max-width: 100%; margin: 0; height: auto; }
.ed-piece .widget-html-content, .ed-piece .jupyter-widget-html-content { line-height: 1.5; white-space: normal;
  overflow-wrap: anywhere; font-size: 15px; width: 100%; }
.ed-piece h3 { font-size: 1.2rem; margin: 0.8rem 0 0.4rem 0; line-height: 1.3; }
.ed-piece h4 { font-size: 1.05rem; margin: 1rem 0 0.2rem 0; line-height: 1.3; }
.ed-piece p { margin: 0.3rem 0; }
.ed-piece .ed-muted { color: #4a4a4a; font-size: 0.92em; }
.ed-piece .ed-quote { border-left: 4px solid #6b6b6b; background: #f3f3f3; padding: 0.4rem 0.7rem;
  margin: 0.4rem 0; white-space: pre-wrap; }
.ed-piece .ed-card { border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.3rem 0.8rem 0.6rem 0.8rem;
  margin: 0.6rem 0; width: 100%; }
/* stacked controls: the visible label above the control, both full width */
.ed-piece .ed-stack { display: flex; flex-direction: column !important; align-items: stretch !important;
  width: 100% !important; height: auto !important; margin: 0.3rem 0; }
.ed-piece .ed-stack > .widget-label, .ed-piece .ed-stack > .jupyter-widget-label,
.ed-piece .ed-stack > label:first-child { width: auto !important; max-width: 100%; white-space: normal;
  text-align: left; line-height: 1.4; height: auto; overflow: visible; font-size: 15px; color: #1b1b1b;
  margin: 0 0 0.3rem 0; font-weight: 600; }
.ed-piece .ed-stack textarea { width: 100%; min-height: 6.5em; font-size: 15px; line-height: 1.4; padding: 0.4rem; }
/* radio groups: options wrap, whole label clickable, long options on several lines */
.ed-piece .widget-radio-box, .ed-piece .jupyter-widget-radio-box { flex-wrap: wrap; margin-bottom: 0 !important; }
.ed-piece .widget-radio-box label, .ed-piece .jupyter-widget-radio-box label { height: auto;
  line-height: 1.35; white-space: normal; padding: 0.25rem 0.6rem 0.25rem 0; margin: 0 0.2rem 0 0;
  display: flex; flex-direction: row-reverse; justify-content: flex-end; align-items: flex-start;
  cursor: pointer; font-size: 15px; min-height: 1.9rem; }
.ed-piece .widget-radio-box input, .ed-piece .jupyter-widget-radio-box input { flex-shrink: 0; height: 1.1rem;
  width: 1.1rem; margin: 0.1rem 0.45rem 0 0; float: none; }
.ed-piece .ed-scale .widget-radio-box, .ed-piece .ed-scale .jupyter-widget-radio-box { flex-direction: row; }
.ed-piece .widget-radio, .ed-piece .jupyter-widget-radio { padding-bottom: 0.3rem !important; }
.ed-piece .ed-scale .widget-radio-box label, .ed-piece .ed-scale .jupyter-widget-radio-box label {
  flex: 1 1 8.5rem; max-width: 11rem; }
.ed-piece .ed-item { border-top: 1px solid #e0e0e0; padding-top: 0.4rem; }
/* buttons: wide enough for their words, easy to hit on a phone */
.ed-piece .ed-button { width: auto; align-self: flex-start; min-width: 9rem; height: auto; min-height: 2.4rem; padding: 0.3rem 1rem;
  font-size: 15px; white-space: normal; margin: 0.4rem 0.5rem 0.4rem 0; }
.ed-piece .ed-button.mod-primary, .ed-piece .ed-button.jupyter-button.mod-primary { background: #0b5394; }
.ed-piece .ed-row { display: flex; flex-wrap: wrap; align-items: center; width: 100%; gap: 0.2rem 0.8rem; }
.ed-piece .ed-check { width: auto !important; height: auto !important; }
.ed-piece .ed-check label, .ed-piece .ed-check .widget-label-basic, .ed-piece .ed-check .jupyter-widget-label-basic {
  white-space: normal; line-height: 1.4; height: auto; font-size: 15px; }
.ed-piece .ed-check input { width: 1.2rem; height: 1.2rem; flex-shrink: 0; }
/* keyboard focus always visible */
.ed-piece :focus-visible, .ed-piece input:focus, .ed-piece textarea:focus, .ed-piece button:focus,
.ed-piece a:focus { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
/* notes: icon + word + colour */
.ed-note { border-left: 5px solid #6b6b6b; background: #f3f3f3; padding: 0.35rem 0.7rem; margin: 0.4rem 0;
  white-space: normal; }
.ed-note.ed-ok { border-color: #0072B2; background: #e7f1f8; }
.ed-note.ed-warn, .ed-note.ed-error { border-color: #D55E00; background: #fbece3; }
.ed-note .ed-icon { font-weight: 700; margin-right: 0.3rem; }
.ed-feedback { border-left: 5px solid #6b6b6b; padding: 0.35rem 0.7rem; margin: 0.4rem 0; background: #f3f3f3; }
.ed-feedback.ed-best { border-color: #0072B2; background: #e7f1f8; }
.ed-feedback.ed-other { border-color: #D55E00; background: #fbece3; }
/* the coach's highlights: yellow, underlined, and numbered like the findings */
.ed-piece mark.ed-mark { background: #F0E442; color: #1b1b1b; border-bottom: 2px solid #1b1b1b; padding: 0 1px; }
.ed-piece mark.ed-mark-works { background: #cfe6f5; border-bottom: 2px dotted #1b1b1b; }
.ed-piece sup.ed-ref { font-weight: 700; font-size: 0.75em; }
.ed-piece h5.ed-findings-title { font-size: 1rem; margin: 0.6rem 0 0.1rem 0; }
.ed-piece .ed-findings { list-style: none; padding-left: 0.2rem; margin: 0.2rem 0; }
.ed-piece .ed-findings li { margin: 0.3rem 0; padding-left: 1.4rem; text-indent: -1.4rem; }
/* the progress strip */
.ed-strip { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 0.35rem; }
.ed-strip li { border: 2px solid #8a8a8a; border-radius: 6px; padding: 0.15rem 0.5rem; background: #fff;
  line-height: 1.3; font-size: 14px; }
.ed-strip li.ed-done { border-color: #0072B2; background: #e7f1f8; }
.ed-strip li.ed-here { border-style: double; border-width: 4px; font-weight: 700; }
.ed-strip a { color: inherit; text-decoration: underline; }
.ed-strip .ed-state { display: block; font-size: 12px; font-weight: 400; }
.ed-piece a.ed-next { display: inline-block; border: 2px solid #0b5394; border-radius: 6px; padding: 0.5rem 1rem;
  font-size: 16px; font-weight: 600; color: #0b5394; text-decoration: underline; margin: 0.4rem 0; }
.ed-piece a.ed-download { font-weight: 600; color: #0b5394; text-decoration: underline; }
.ed-summary { border-collapse: collapse; margin: 0.4rem 0; width: 100%; max-width: 32rem; }
.ed-summary th, .ed-summary td { text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid #ddd;
  vertical-align: top; font-size: 14px; }
.ed-summary td.ed-num { white-space: nowrap; }
.ed-piece .widget-upload, .ed-piece .jupyter-widget-upload { width: auto; min-width: 12rem; height: auto;
  min-height: 2.4rem; }
@media (max-width: 480px) {
  .ed-piece { font-size: 15px; }
  .ed-piece .ed-scale .widget-radio-box label, .ed-piece .ed-scale .jupyter-widget-radio-box label {
    flex: 1 1 100%; max-width: none; }
  .ed-piece .ed-button { width: 100%; }
}
"""

ICONS = {"info": "ℹ", "ok": "✓", "warn": "⚠", "error": "✗"}
WORDS = {"info": "Note:", "ok": "Done:", "warn": "Please check:", "error": "Not saved:"}


_SHARED: dict[str, w.Widget] = {}


def shared(key: str, factory: Callable[[], w.Widget]) -> Any:
    """One layout or style model for many widgets (each model is a message the page must load)."""
    found = _SHARED.get(key)
    if found is None or getattr(found, "comm", None) is None:  # closed: make a new one
        found = _SHARED[key] = factory()
    return found


def full_width() -> w.Layout:
    return shared("layout-full", lambda: w.Layout(width="100%"))


def html_widget(value: str = "") -> w.HTML:
    return w.HTML(value, layout=shared("layout-html", w.Layout), style=shared("style-html", HTMLStyle))


def esc(text: Any) -> str:
    """Text made safe to put inside HTML (quotes too, so it is safe in attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def stylesheet() -> w.HTML:
    """The pieces' stylesheet; every piece carries it so that each cell looks right on its own."""
    return w.HTML(
        f"<style>{CSS}</style>",
        layout=shared("layout-hidden", lambda: w.Layout(display="none")),
        style=shared("style-html", HTMLStyle),
    )


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


def para(text: str, cls: str = "") -> w.HTML:
    cls_attr = f' class="{cls}"' if cls else ""
    return html_widget(f"<p{cls_attr}>{esc(text)}</p>")


def heading(text: str, level: int = 3) -> w.HTML:
    return html_widget(f"<h{level}>{esc(text)}</h{level}>")


def button(label: str, *, primary: bool = True, icon: str = "") -> w.Button:
    b = w.Button(
        description=label,
        icon=icon,
        tooltip=label,
        button_style="primary" if primary else "",
        layout=shared("layout-button", w.Layout),
        style=shared("style-button", w.ButtonStyle),
    )
    b.add_class("ed-button")
    return b


def description_style() -> DescriptionStyle:
    return shared("style-description", DescriptionStyle)


def text_style() -> TextStyle:
    return shared("style-text", TextStyle)


def stacked(widget: w.Widget) -> w.Widget:
    """Put a control's visible description above it, full width (works at 375 px)."""
    widget.add_class("ed-stack")
    return widget


def piece(children: Iterable[w.Widget], *, name: str) -> w.VBox:
    """A piece of a page: the stylesheet and the children, in a box tagged for tests and CSS."""
    box = w.VBox([stylesheet(), *children], layout=full_width())
    box.add_class("ed-piece")
    box.add_class(f"ed-{name}")
    return box


def card(children: Iterable[w.Widget], *, name: str) -> w.VBox:
    """One question or exercise inside a piece, in a bordered box tagged `ed-<name>`."""
    box = w.VBox(list(children), layout=full_width())
    box.add_class("ed-card")
    box.add_class(f"ed-{name}")
    return box


def storage_errors() -> tuple[type[BaseException], ...]:
    try:
        from empathydesk.storage import StorageError
    except ImportError:  # pragma: no cover - the storage package is part of the project
        return ()
    return (StorageError,)


def friendly(exc: BaseException) -> str:
    """The message to show for an error: the storage's own friendly words, or a general one."""
    if isinstance(exc, storage_errors()):
        return getattr(exc, "message", None) or OOPS
    return OOPS


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
