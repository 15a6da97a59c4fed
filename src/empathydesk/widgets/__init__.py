"""The interactive pieces of the lesson pages, one small module per piece, composed by name.

Notebooks call ``empathydesk.show("module-1/scenarios")``; tests call ``build(...)`` to get the widget
and drive it. See `registry` for every name.
"""

from __future__ import annotations

from typing import Any

from empathydesk.widgets.registry import UnknownPiece, build, piece_names, resolve

__all__ = ["show", "build", "piece_names", "resolve", "UnknownPiece"]


def show(piece: str, **options: Any) -> None:
    """Display the piece called `piece` (e.g. "module-1/scenarios") in the current cell."""
    from IPython.display import display

    display(build(piece, **options))
