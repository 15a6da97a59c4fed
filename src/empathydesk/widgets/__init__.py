"""The interactive pieces of the lesson pages, one small module per piece, composed by name.

Notebooks call ``empathydesk.show("module-1/scenarios")``; tests make a page context
(``Session(store=..., query=...)``) and call ``build(name, session)`` to get the widget and drive it. The names (`piece_names(content)` lists them all):

- ``<page>/header``, ``<page>/footer`` for page welcome, module-1 … module-5, wrap-up: the progress strip,
  consent and "save my progress"; the link to the next page (keeping the page's personal link, ``?seat=``)
- ``checkpoint/<id>`` (any checkpoint) and ``module-N/pulse`` (the module's after-module check-in): self-assessment
- ``module-N/scenarios``, ``module-N/rewrite``, ``module-N/reflection``, ``module-N/discussion``
- ``consent``, ``export``, ``import``, ``my-progress``, ``join``

Every kind of piece is an entry of `empathydesk.kinds.kinds()`. Modules, one job each: `registry` (names to
kinds), `session` (the page context: address, content, store, participant, shared state),
`arrival` (a preheated page's pieces, filled in when its visitor comes),
`ui` (stylesheet, escaping, notes, error guard), `assessment`, `scenario`, `rewrite`, `reflection`,
`consent`, `transfer` (save/load a file), `page` (header, footer, discussion, my progress), `my_progress`
(the markup of my progress: charts, reflections, the report), `join`.
Every piece of text reaches the page escaped; no error reaches it as a traceback.
"""

from __future__ import annotations

from empathydesk.widgets.registry import UnknownPiece, build, piece_names, resolve
from empathydesk.widgets.session import Session

__all__ = ["show", "build", "piece_names", "resolve", "Session", "UnknownPiece"]


def show(*pieces: str, session: Session | None = None) -> None:
    """Display the pieces named (e.g. "module-1/scenarios") in the current cell, in order.

    `session` is the page context; by default this kernel's own (`session.kernel_session`), made on the first
    call. Pieces that follow each other on a page go in one call: Voilà then runs one cell instead of one per
    piece, and a page is ready about 20 ms sooner for each cell saved. Outside the workshop (JupyterLab,
    Binder, Voilà on JupyterHub) the pieces' stylesheet comes first, once per call, so that each cell looks
    right on its own; the workshop's page template has it in the page's head. In a preheated Voilà
    kernel whose visitor has not come yet, each piece is an empty box, filled in when they come; the cell
    with the page's last piece waits for that (`arrival`).
    """
    from IPython.display import display

    from empathydesk.widgets.session import kernel_session
    from empathydesk.widgets.ui import page_has_stylesheet, stylesheet

    session = session or kernel_session()
    if pieces and not page_has_stylesheet():
        display(stylesheet())
    if session.visitor_pending():  # a preheated page, before its visitor comes: see `arrival`
        from empathydesk.widgets import arrival

        for piece in pieces:
            display(arrival.hold(session, piece))
        if any(arrival.ends_page(piece) for piece in pieces):
            arrival.finish(session)
        return
    for piece in pieces:
        display(build(piece, session))
