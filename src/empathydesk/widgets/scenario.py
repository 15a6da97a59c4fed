"""Scenario questions: a client's situation, options, feedback on the choice and on every option.

A participant gets a second try when the first choice was not the best one. Once the question is
finished (a best choice, or two tries), the card shows the feedback of every option, marks the best one
and the participant's picks in words, and keeps the first pick in view: only the first choice counts
for scoring; the store keeps every try in order.

Each participant sees the options in an order of their own (`option_order`): derived from their id in
the database and the question id with a hash, so it is the same on every reload and every device, and
differs from person to person. Answers are stored as the option's index in the file, never as the
position shown, so scoring, export and the dashboard do not depend on the order.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from empathydesk.content import CHANNEL_WORDS, Scenario
from empathydesk.widgets import ui
from empathydesk.widgets.choice import Choice
from empathydesk.widgets.session import Session

TRIES = 2
COUNTS = "Your first choice is the one that counts for your score."
PICK_WORDS = ("Your first choice", "Your second choice")


def option_order(participant_key: object, scenario_id: str, n: int) -> list[int]:
    """The file indices of a question's `n` options in the order this participant sees them.

    Stable for one participant (same key, same question: same order) and different across people.
    """
    seed = hashlib.sha256(f"{participant_key}:{scenario_id}".encode()).digest()
    order = list(range(n))
    random.Random(int.from_bytes(seed, "big")).shuffle(order)
    return order


def participant_key(session: Session) -> object:
    """What the order is derived from: the participant's id in the database (the same on every device)."""
    return session.pid


def finished(scenario: Scenario, attempts: list[int]) -> bool:
    return bool(attempts) and (attempts[-1] == scenario.best_index or len(attempts) >= TRIES)


def review_html(scenario: Scenario, attempts: list[int], order: Sequence[int] | None = None) -> str:
    """Every option in the order shown, each with its feedback, the best one and the picks marked in words."""
    order = list(range(len(scenario.options))) if order is None else list(order)
    items: list[str] = []
    for position, index in enumerate(order, start=1):
        option = scenario.options[index]
        verdict = "✓ Best answer." if option.best else "✗ Not the best."
        picks = [PICK_WORDS[n] if n < len(PICK_WORDS) else f"Try {n + 1}" for n, a in enumerate(attempts) if a == index]
        tags = "".join(f' <span class="ed-pick">({ui.esc(p)})</span>' for p in picks)
        kind = "ed-best" if option.best else "ed-other"
        items.append(
            f'<li class="ed-feedback {kind}"><strong>{ui.esc(verdict)}</strong>{tags} '
            f'<span class="ed-option-text">{ui.esc(f"Answer {position}: {option.text}")}</span>'
            f'<br><span class="ed-why">{ui.esc(option.feedback)}</span></li>'
        )
    return (
        f'<div class="ed-review"><p><strong>{ui.esc("Feedback on every answer")}</strong></p>'
        f'<ul class="ed-review-list">{"".join(items)}</ul></div>'
    )


def feedback_html(scenario: Scenario, attempts: list[int], order: Sequence[int] | None = None) -> str:
    """What to say after the tries so far (pure: state in, markup out)."""
    if not attempts:
        return ""
    chosen = attempts[-1]
    best = scenario.best_index
    option = scenario.options[chosen]
    parts: list[str] = []
    if len(attempts) > 1 and attempts[0] != best:
        first = scenario.options[attempts[0]]
        parts.append(
            f'<div class="ed-feedback ed-other ed-first-pick"><strong>{ui.esc("✗ Your first choice was not the best one:")}</strong> '
            f"{ui.esc(first.text)}<br>{ui.esc(COUNTS)}</div>"
        )
    if chosen == best:
        parts.append(
            f'<div class="ed-feedback ed-best" role="status"><strong>✓ Good choice.</strong> {ui.esc(option.feedback)}</div>'
        )
    else:
        parts.append(
            f'<div class="ed-feedback ed-other" role="status"><strong>✗ Not the best choice.</strong> {ui.esc(option.feedback)}</div>'
        )
        if len(attempts) < TRIES:
            parts.append(f"<p>{ui.esc('Have another go: pick a different answer and check it.')}</p>")
        else:
            right = scenario.options[best]
            parts.append(f'<div class="ed-feedback ed-best"><strong>✓ The best answer:</strong> {ui.esc(right.text)}</div>')
    if finished(scenario, attempts):
        parts.append(review_html(scenario, attempts, order))
    return "".join(parts)


def scenario_card(session: Session, scenario: Scenario, number: int, total: int, attempts: list[int]) -> w.Widget:
    attempts = list(attempts)
    order = option_order(participant_key(session), scenario.id, len(scenario.options))
    options = [(scenario.options[i].text, i) for i in order]  # shown in this person's order; the value is the file index
    choice = Choice(
        options=options,
        value=attempts[-1] if attempts else None,
        description=scenario.prompt,  # the question names the group of answers
        layout=ui.full_width(),
    )
    check = ui.button("Check my answer", icon="check")
    channel = (
        f'<p class="ed-channel"><strong>{ui.esc("How they reach you:")}</strong> {ui.esc(CHANNEL_WORDS[scenario.channel])}</p>'
        if scenario.channel
        else ""
    )
    card = ui.card(
        [ui.markup(f"<h4>{ui.esc(f'Scenario {number} of {total}')}</h4>{channel}"), choice, check],
        name=f"scenario-{scenario.id}",
    )
    feedback = ui.Note(card, feedback_html(scenario, attempts, order))

    def say(note: str = "") -> None:
        """A short note (if any) above the feedback on the tries so far: one widget for both."""
        feedback.value = note + feedback_html(scenario, attempts, order)

    def show_error(message: str) -> None:
        say(ui.note_html("error", message))

    def set_done() -> None:
        if finished(scenario, attempts):
            choice.disabled = True  # the answer shown is the one saved
            check.description = "Done"
            check.icon = "check"
            check.disabled = True
            check.tooltip = "You have finished this question"

    @ui.guard(show_error)
    def on_check(_: Any) -> None:
        if finished(scenario, attempts):
            return
        if choice.value is None:
            say(ui.note_html("warn", "Pick an answer first.", word=""))
            return
        if attempts and choice.value == attempts[-1]:
            say(ui.note_html("warn", "That is the answer you picked before. Try a different one.", word=""))
            return
        session.store.add_scenario_attempt(session.pid, scenario.id, int(choice.value))
        attempts.append(int(choice.value))
        say()
        set_done()

    check.on_click(on_check)
    set_done()
    return card


def scenarios(session: Session, module_id: str) -> w.Widget:
    module = session.content.module(module_id)
    saved = session.store.scenario_attempts(session.pid)
    if not module.scenarios:
        return ui.piece([ui.note("info", "This module has no scenario questions yet.", word="")], name="scenarios")
    cards = [
        scenario_card(session, sc, n, len(module.scenarios), list(saved.get(sc.id, [])))
        for n, sc in enumerate(module.scenarios, start=1)
    ]
    intro = (
        "Pick what you would do, then press “Check my answer”. If it is not the best choice, you get a second "
        "try. Your first choice is the one that counts. When you are done, you see feedback on every answer."
    )
    return ui.piece([ui.heading("What would you do?", intro=intro), *cards], name="scenarios")
