"""Taking your progress with you: save it to a file, and load a saved file again.

Saving makes a download link (a data: address, so it works in Voilà, JupyterLab and Binder alike);
loading takes the file through a `file_picker.FilePicker`, reads it with `progress_file.parse` (size and depth
checked before parsing) and hands it to `store.import_participant`, which checks it against the course and
stores all of it or nothing. A refused file shows the message that names what is wrong.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime
from typing import Any

import ipywidgets as w

from empathydesk import progress_file
from empathydesk.limits import MAX_PROGRESS_FILE_BYTES
from empathydesk.progress_file import NOT_OURS as NOT_A_PROGRESS_FILE
from empathydesk.progress_file import ProgressFileError
from empathydesk.widgets import place, ui
from empathydesk.widgets.session import Session, hosted


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def file_name(session: Session) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", str(getattr(session.participant, "pseudonym", "") or "")).strip("-")[:40]
    return f"empathydesk-progress{'-' + name if name else ''}-{date.today().isoformat()}.json"


def download_html(data: dict[str, Any], name: str) -> str:
    """A link that downloads `data` as a JSON file (file name and content are escaped/encoded)."""
    payload = base64.b64encode(json.dumps(data, default=_json_default, indent=1).encode("utf-8")).decode("ascii")
    return (
        f'<p><a class="ed-download" download="{ui.esc(name)}" '
        f'href="data:application/json;base64,{payload}">⬇ Download {ui.esc(name)}</a></p>'
        f'<p class="ed-muted">{ui.esc("Keep this file somewhere safe. You can load it again later, on this page or on another computer.")}</p>'
    )


def save_controls(session: Session) -> w.Widget:
    """A "Save my progress" button that makes a fresh download link each time it is pressed."""
    make = ui.button("Save my progress", primary=False, icon="download")
    box = w.VBox([make], layout=ui.full_width(), **ui.classes("ed-save"))
    link = ui.Note(box)

    def show_error(message: str) -> None:
        link.value = ui.note_html("error", message, word="Could not save:")

    @ui.guard(show_error)
    def on_click(_: Any) -> None:
        try:
            data = session.store.export_participant(session.pid, session.content)
        except ProgressFileError as refused:  # a stored answer that would not load again: say which
            link.value = ui.note_html("error", refused.message, word="")
            return
        link.value = download_html(data, file_name(session))

    make.on_click(on_click)
    return box


def export(session: Session) -> w.Widget:
    intro = "Save everything you have answered to a file on your device. Press the button, then the download link."
    return ui.piece([ui.heading("Save my progress", intro=intro), save_controls(session)], name="export")


def read_upload(raw: bytes | None, size: int) -> tuple[Any, str]:
    """The chosen file's JSON, or None and a message saying what is wrong (too big, too deep, not JSON).

    `raw` is None for a file too big to be sent from the page."""
    try:
        if raw is None:
            raise progress_file.too_big(size)
        data = progress_file.parse(raw)
    except ProgressFileError as refused:
        return None, refused.message
    return (data, "") if data is not None else (None, NOT_A_PROGRESS_FILE)


def import_(session: Session) -> w.Widget:
    from empathydesk.widgets.file_picker import FilePicker

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message, word="Not loaded:")

    @ui.guard(show_error)
    def on_file(raw: bytes | None, size: int) -> None:
        data, problem = read_upload(raw, size)
        if data is None:
            status.value = ui.note_html("warn", problem, word="")
            return
        try:
            participant = session.store.import_participant(data, content=session.content)
        except ProgressFileError as refused:  # it names what is wrong; nothing was stored
            status.value = ui.note_html("warn", refused.message, word="")
            return
        session.forget()
        name = getattr(participant, "pseudonym", "")
        if session.url_token:  # this page belongs to a link's owner; the file went to this computer's own copy
            href = session.href("welcome", token="")
            status.value = ui.note_html("ok", f"Your progress is loaded, as {name}.", word="") + (
                f'<p><a class="ed-next" href="{ui.esc(href)}">Continue with your saved progress →</a></p>'
            )
        else:
            status.value = ui.note_html(
                "ok", f"Your progress is loaded, as {name}. To see your answers, {place.show_again()}.", word=""
            )

    picker = FilePicker(on_file, label="Choose my file", accept=".json,application/json",
                        max_bytes=MAX_PROGRESS_FILE_BYTES)
    intro = "Load a progress file you saved before, to carry on where you left off."
    piece = ui.piece([ui.heading("Load my saved progress", intro=intro), picker], name="import")
    status = ui.Note(piece)
    return piece


def import_or_note(session: Session) -> w.Widget:
    """Loading a file is for self-study; on the hosted workshop the server already keeps everything."""
    if hosted():
        return ui.piece(
            [
                ui.heading("Load my saved progress"),
                ui.note(
                    "info",
                    "In this workshop your answers are already kept for you, so there is nothing to load. "
                    "You can load a saved file when you study on your own, in JupyterLab or on Binder.",
                    word="",
                ),
            ],
            name="import",
        )
    return import_(session)
