"""A button that opens the file chooser and hands the chosen file to the kernel, labelled with its words only.

ipywidgets' FileUpload writes how many files it holds into its button's text ("Choose my file (0)"), so
screen readers read the count too, and no style can take it out. This small anywidget is a plain <button>
with a hidden file input (`file_picker.js`). A file bigger than `max_bytes` is not sent: the kernel hears
only its size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

Chosen = Callable[[bytes | None, int], None]  # (the file's bytes, or None when too big to send; its size)


class FilePicker(anywidget.AnyWidget):
    _esm = Path(__file__).with_name("file_picker.js")
    label = traitlets.Unicode("Choose a file").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)  # as the file input's `accept`: ".json,application/json"
    max_bytes = traitlets.Int(0).tag(sync=True)

    def __init__(self, chosen: Chosen, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._chosen = chosen
        self.on_msg(self._received)

    def _received(self, _: Any, about: dict[str, Any], buffers: list[Any]) -> None:
        size = int(about.get("size", 0)) if isinstance(about, dict) else 0
        self._chosen(bytes(buffers[0]) if buffers else None, size)
