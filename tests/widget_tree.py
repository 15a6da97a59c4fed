"""Finding widgets and their markup in a built piece, for tests that drive widgets in-process."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as w

from empathydesk.widgets.live import Live
from empathydesk.widgets.place import PageLinks


def walk(widget: w.Widget) -> Iterator[w.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(widget: w.Widget, kind: type | None = None, cls: str | None = None) -> list[w.Widget]:
    """Every widget under `widget` of type `kind` and/or with the CSS class `cls`, in page order."""
    out = []
    seen = set()
    for x in walk(widget):
        if id(x) in seen:
            continue
        seen.add(id(x))
        if kind is not None and not isinstance(x, kind):
            continue
        if cls is not None and cls not in x._dom_classes:
            continue
        out.append(x)
    return out


def text_of(widget: w.Widget) -> str:
    """All HTML markup under `widget`, joined (what the participant would read, with tags)."""
    return "\n".join(x for x in markup_of(widget) if "<style>" not in x)


def all_html(widget: w.Widget) -> str:
    """Every HTML widget's markup under `widget`, style blocks included."""
    return "\n".join(markup_of(widget))


def markup_of(widget: w.Widget) -> list[str]:
    """The markup of each HTML, live region (`live.Live`) and page links widget (`place.PageLinks`, a notebook's)
    under `widget`."""
    return [x.value for x in find(widget) if isinstance(x, (w.HTML, Live, PageLinks))]
