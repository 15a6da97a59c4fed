"""Piece names ("module-1/scenarios", "checkpoint/<id>", "consent" …) and what builds each one.

Every kind of piece, with the names it answers to, is an entry of `empathydesk.kinds.kinds()`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import ipywidgets as w

from empathydesk import scoring
from empathydesk.content import Content, ContentError
from empathydesk.kinds import Kind, kinds, of_scope
from empathydesk.settings import settings
from empathydesk.widgets import ui
from empathydesk.widgets.page import no_participant
from empathydesk.widgets.place import and_if_it_keeps_happening, oops
from empathydesk.widgets.session import Session

for _kind in kinds():  # every builder's module, imported now: a preheated kernel has them before its visitor comes
    _kind.function()


class UnknownPiece(LookupError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Resolved:
    kind: Kind
    target: tuple[str, ...] = ()  # the page, module or checkpoint id the piece is for

    def build(self, session: Session) -> w.Widget:
        return self.kind.build(session, *self.target)


def piece_names(content: Content) -> list[str]:
    """Every name `show` knows, for messages and tests."""
    names = [*of_scope("single")]
    names += [f"{name}/{target}" for name, kind in of_scope("own").items() for target in kind.targets(content)]
    names += [f"{p}/{part}" for p in scoring.page_ids(content) for part in of_scope("page")]
    names += [f"{m.id}/{part}" for m in content.modules for part in of_scope("module")]
    return names


def resolve(name: str, content: Content) -> Resolved:
    """What builds the piece called `name`; UnknownPiece (with a helpful message) when there is none."""
    name = str(name).strip()
    singles = of_scope("single")
    if name in singles:
        return Resolved(singles[name])
    head, _, part = name.partition("/")
    modules = {m.id: m for m in content.modules}
    own = of_scope("own").get(head)
    if own is not None and part in own.targets(content):
        return Resolved(own, (part,))
    if head in scoring.page_ids(content) and part in of_scope("page"):
        return Resolved(of_scope("page")[part], (head,))
    if head in modules and part in of_scope("module"):
        kind = of_scope("module")[part]
        if kind.missing and kind.reads and not kind.reads(content, modules[head]):
            raise UnknownPiece(kind.missing.format(module=head))
        return Resolved(kind, (head,))
    close = difflib.get_close_matches(name, piece_names(content), n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownPiece(
        f"There is no piece called {name!r}.{hint} Names look like 'module-1/scenarios', "
        f"'checkpoint/{content.checkpoint_for('start').id}', 'welcome/header' or 'consent'."
    )


def build(piece: str, session: Session) -> w.Widget:
    """The widget for one piece of the page whose context is `session`. Problems become a friendly message,
    unless `EMPATHYDESK_STRICT` is on (the notebook tests): then they raise, so a page that would say "Sorry"
    fails its test."""
    strict = settings().strict
    try:
        resolved = resolve(piece, session.content)
    except UnknownPiece as exc:
        if strict:
            raise
        return ui.piece([ui.note("warn", exc.message, word="Page problem:")], name="unknown")
    except ContentError as exc:
        if strict:
            raise
        ui.log.error("content does not load: %s", exc)
        problem = and_if_it_keeps_happening("The lesson content has a problem, so this part cannot be shown.")
        return ui.piece([ui.note("error", problem, word="")], name="broken")
    try:
        session.look_again()
        if resolved.kind.personal and session.participant is None:
            return no_participant(short=not resolved.kind.top)
        return resolved.build(session)
    except Exception as exc:  # noqa: BLE001 - a participant never sees a traceback
        if strict:
            raise
        if not isinstance(exc, ui.storage_errors()):
            ui.log.exception("could not build %s", piece)
        try:
            return ui.piece([ui.note("error", ui.friendly(exc), word="Sorry:")], name="broken")
        except Exception:  # noqa: BLE001 - even the message failed: the plainest widget there is
            return w.HTML(f"<p>{ui.esc(oops())}</p>")
