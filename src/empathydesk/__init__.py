"""EmpathyDesk: a Jupyter workshop that teaches IT support people to treat clients as people.

Notebooks call `empathydesk.show("module-1/scenarios")`; everything else lives in submodules,
imported only when needed so that a lesson's kernel starts quickly.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def show(*pieces: str, session: Any = None) -> None:
    """Display interactive pieces of a lesson page, named like "module-1/scenarios", in order (`session`: the
    page context, `empathydesk.widgets.Session`; by default this kernel's)."""
    from empathydesk.widgets import show as _show

    _show(*pieces, session=session)
