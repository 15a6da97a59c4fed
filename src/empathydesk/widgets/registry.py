"""Piece names ("module-1/scenarios", "checkpoint/<id>", "consent" …) and what builds each one."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from empathydesk import scoring
from empathydesk.content import Content, ContentError, load
from empathydesk.settings import settings
from empathydesk.widgets import ui
from empathydesk.widgets.assessment import checkpoint_form, checkpoint_piece
from empathydesk.widgets.consent import consent
from empathydesk.widgets.join import join
from empathydesk.widgets.page import discussion, footer, header, my_progress, no_participant
from empathydesk.widgets.reflection import reflections
from empathydesk.widgets.rewrite import rewrites
from empathydesk.widgets.scenario import scenarios
from empathydesk.widgets.session import Session, current_session
from empathydesk.widgets.transfer import export, import_or_note

Builder = Callable[[Session], w.Widget]

SINGLE: dict[str, Builder] = {"consent": consent, "export": export, "import": import_or_note, "my-progress": my_progress}
PUBLIC: dict[str, Builder] = {"join": join}  # shown with or without a participant (the landing page)
PAGE_PARTS = ("header", "footer")
MODULE_PARTS = ("scenarios", "rewrite", "reflection", "discussion", "pulse")


class UnknownPiece(LookupError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Resolved:
    build: Builder
    personal: bool = True  # needs a participant
    top: bool = False  # a page's first piece: tells a participant we cannot find what to do, in full


def piece_names(content: Content) -> list[str]:
    """Every name `show` knows, for messages and tests."""
    pages = scoring.page_ids(content)
    names = [*SINGLE, *PUBLIC]
    names += [f"checkpoint/{cp.id}" for cp in content.instrument.checkpoints]
    names += [f"{p}/{part}" for p in pages for part in PAGE_PARTS]
    names += [f"{m.id}/{part}" for m in content.modules for part in MODULE_PARTS]
    return names


def resolve(name: str, content: Content) -> Resolved:
    """What builds the piece called `name`; UnknownPiece (with a helpful message) when there is none."""
    name = str(name).strip()
    if name in SINGLE:
        return Resolved(SINGLE[name])
    if name in PUBLIC:
        return Resolved(PUBLIC[name], personal=False, top=True)
    head, _, part = name.partition("/")
    checkpoints = {cp.id for cp in content.instrument.checkpoints}
    modules = {m.id: m for m in content.modules}
    pages = set(scoring.page_ids(content))
    if head == "checkpoint" and part in checkpoints:
        return Resolved(lambda s: checkpoint_piece(s, part))
    if head in pages and part in PAGE_PARTS:
        if part == "header":
            return Resolved(lambda s: header(s, head), top=True)
        return Resolved(lambda s: footer(s, head))
    if head in modules and part in MODULE_PARTS:
        if part == "pulse":
            pulse = content.checkpoint_after(head)
            if pulse is None:
                raise UnknownPiece(f"{head} has no pulse checkpoint (no check-in in the instrument follows {head}).")
            return Resolved(lambda s: checkpoint_form(s, pulse.id))
        if part == "discussion":
            return Resolved(lambda s: discussion(s, head), personal=False)
        builder = {"scenarios": scenarios, "rewrite": rewrites, "reflection": reflections}[part]
        return Resolved(lambda s: builder(s, head))
    close = difflib.get_close_matches(name, piece_names(content), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownPiece(
        f"There is no piece called {name!r}.{hint} Names look like 'module-1/scenarios', "
        f"'checkpoint/{content.checkpoint_for('start').id}', 'welcome/header' or 'consent'."
    )


def build(piece: str, *, store: object = None, participant: object = None, content: Content | None = None) -> w.Widget:
    """The widget for one piece of a page. Problems become a friendly message, unless `EMPATHYDESK_STRICT` is
    on (the notebook tests): then they raise, so a page that would say "Sorry" fails its test."""
    given = content
    strict = settings().strict
    try:
        content = content or load()
        resolved = resolve(piece, content)
    except UnknownPiece as exc:
        if strict:
            raise
        return ui.piece([ui.note("warn", exc.message, word="Page problem:")], name="unknown")
    except ContentError as exc:
        if strict:
            raise
        ui.log.error("content does not load: %s", exc)
        return ui.piece([ui.note("error", "The lesson content has a problem, so this part cannot be shown. Please tell the facilitator.", word="")], name="broken")
    try:
        session = current_session(store, participant, given)
        if resolved.personal and session.participant is None:
            return no_participant(short=not resolved.top)
        return resolved.build(session)
    except Exception as exc:  # noqa: BLE001 - a participant never sees a traceback
        if strict:
            raise
        if not isinstance(exc, ui.storage_errors()):
            ui.log.exception("could not build %s", piece)
        try:
            return ui.piece([ui.note("error", ui.friendly(exc), word="Sorry:")], name="broken")
        except Exception:  # noqa: BLE001 - even the message failed: the plainest widget there is
            return w.HTML(f"<p>{ui.esc(ui.OOPS)}</p>")
