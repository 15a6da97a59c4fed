"""The self-assessment form: the instrument's items for one checkpoint, grouped by competency.

A checkpoint with `open_with` (the follow-up, the wrap-up's look back) shows a button until it is
started: nobody is asked a month early, and a page that carries it opens lighter.

Each answer is saved the moment it is given; a count ("12 of 20 answered") is kept up to date at the
top and the bottom; once every item is answered a short summary per competency appears.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk import scoring
from empathydesk.content import Content
from empathydesk.widgets import ui
from empathydesk.widgets.choice import Choice, scale_head
from empathydesk.widgets.session import Session


def progress_html(answered: int, total: int) -> str:
    if answered >= total:
        return ui.note_html("ok", f"All {total} answered. Thank you!", word="")
    return ui.note_html("info", f"{answered} of {total} answered.", word="")


def summary_html(content: Content, checkpoint_id: str, answers: dict[str, int]) -> str:
    """Your competency scores for this checkpoint, in words and numbers (no colour needed)."""
    scores = scoring.competency_scores(content, answers)
    if not scores:
        return ""
    top = scoring.scale_max(content)
    rows = "".join(
        f"<tr><th scope=\"row\">{ui.esc(content.competency(comp).name)}</th>"
        f"<td class=\"ed-num\">{score:.1f} out of {top}</td></tr>"
        for comp, score in scores.items()
    )
    retro = content.checkpoint(checkpoint_id).retrospective
    intro = (
        "How you now see yourself before the workshop, by skill:"
        if retro
        else "Your answers, by skill (higher means you see more of that skill in how you work):"
    )
    return (
        f"<h4>Your summary</h4><p>{ui.esc(intro)}</p>"
        f'<table class="ed-summary"><tbody>{rows}</tbody></table>'
        f'<p class="ed-muted">{ui.esc("These are only for you to compare later. You can change any answer above.")}</p>'
    )


def item_control(text: str, number: int, scale: list[tuple[str, int]], value: int | None, layout: w.Layout) -> Choice:
    """One statement and its scale: a row of the grid on a wide page, a card on a phone."""
    return Choice(
        options=scale,
        value=value,
        description=f"{number}. {text}",
        kind="scale",
        layout=layout,
        **ui.classes("ed-item"),
    )


def checkpoint_piece(session: Session, checkpoint_id: str) -> w.Widget:
    """The form, or for a checkpoint with `open_with` that is not started yet, a button that opens it."""
    checkpoint = session.content.checkpoint(checkpoint_id)
    saved = session.store.ratings(session.pid).get(checkpoint_id, {})
    if not checkpoint.open_with or saved:
        return checkpoint_form(session, checkpoint_id, saved)
    start = ui.button(checkpoint.open_with, icon="pencil-square-o")
    holder = ui.piece([ui.heading(checkpoint.title, intro=checkpoint.prompt), start], name="checkpoint",
                      tags=[f"ed-checkpoint-{checkpoint_id}"])
    status = ui.Note(holder)

    def show_error(message: str) -> None:
        status.value = ui.note_html("error", message)

    @ui.guard(show_error)
    def open_form(_: Any) -> None:
        holder.children = checkpoint_form(session, checkpoint_id).children

    start.on_click(open_form)
    return holder


def pulse(session: Session, module_id: str) -> w.Widget:
    """The module's pulse: the form of the check-in that follows it."""
    return checkpoint_form(session, session.content.checkpoint_after(module_id).id)


def checkpoint_form(session: Session, checkpoint_id: str, saved: dict[str, int] | None = None) -> w.Widget:
    """The form; `saved` is this checkpoint's stored answers when the caller has read them already."""
    content = session.content
    checkpoint = content.checkpoint(checkpoint_id)
    items = content.items_for(checkpoint_id)
    scale = [(p.label, p.value) for p in content.instrument.scale]
    if saved is None:
        saved = session.store.ratings(session.pid).get(checkpoint_id, {})
    answers: dict[str, int] = dict(saved)

    count = ui.markup(progress_html(len([i for i in items if i.id in answers]), len(items)))
    end = ui.markup()  # under the last item: a note (if any), then the summary once every item is answered
    note = [""]
    layout = ui.full_width()  # shared by every item: fewer widget models for the page to load

    def refresh() -> None:
        done = sum(1 for i in items if i.id in answers)
        count.value = progress_html(done, len(items))
        end.value = note[0] + (summary_html(content, checkpoint_id, answers) if done == len(items) else "")

    def show_error(message: str) -> None:
        note[0] = ui.note_html("error", message)
        refresh()

    children: list[w.Widget] = [ui.heading(checkpoint.title, intro=checkpoint.prompt), count]
    number = 0
    for competency in content.instrument.competencies:
        group = [i for i in items if i.competency == competency.id]
        if not group:
            continue
        children.append(
            ui.markup(
                f"<h4>{ui.esc(competency.name)}</h4><p class=\"ed-muted\">{ui.esc(competency.description)}</p>"
                + scale_head([label for label, _ in scale])
            )
        )
        for item in group:
            number += 1
            radio = item_control(item.text, number, scale, answers.get(item.id), layout)

            @ui.guard(show_error)
            def save(change: dict[str, Any], item_id: str = item.id, n: int = number) -> None:
                if change["new"] is None:
                    return
                session.store.save_rating(session.pid, checkpoint_id, item_id, int(change["new"]))
                answers[item_id] = int(change["new"])
                note[0] = ""
                refresh()

            radio.observe(save, names="value")
            children.append(radio)
    children += [count, end]
    refresh()
    return ui.piece(children, name="checkpoint", tags=[f"ed-checkpoint-{checkpoint_id}"])
