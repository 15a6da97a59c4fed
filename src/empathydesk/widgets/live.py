"""A live region that stays in place (`Live`, an anywidget: `live.js` beside this file).

A screen reader reads out a change inside a live region only if the region was already on the page. An HTML
widget whose markup carries `aria-live` is drawn anew with every change of its value, so its news may go
unsaid. `Live` draws its region (`role="status"`, polite) once and changes only what is inside: for a status
that moves while the person works (the conversation's trust meter, the dashboard's "Last checked").
Its `value` is markup made by the package, escaped as for an HTML widget.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).resolve().parent


class Live(anywidget.AnyWidget):
    _esm = HERE / "live.js"

    value = traitlets.Unicode("").tag(sync=True)
