"""Moving the keyboard's focus after a step that removes the control it was on (`Focus`, an anywidget:
`focus.js` beside this file).

A piece that replaces its controls after a press (the conversation's "Say this": the button goes, the next turn
comes) adds a `Focus` with where the focus should go next, inside the same piece: the new options, or a heading.
On the page it waits for that element to be drawn (the widgets beside it render at their own pace), gives it
`tabindex="-1"` if it cannot take focus itself, and focuses it once. A page that is opened or reloaded gets no
`Focus`, so it never takes the focus away from where the person is.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).resolve().parent


class Focus(anywidget.AnyWidget):
    _esm = HERE / "focus.js"

    target = traitlets.Unicode("").tag(sync=True)  # a CSS selector, looked up inside the piece (.ed-piece)
