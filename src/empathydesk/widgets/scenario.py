"""Scenario questions: a client's situation, options, feedback on the choice and on the best option.

A participant gets a second try when the first choice was not the best one; after that (or after a
best choice) the best option and why it works are shown. Only the first choice counts for scoring;
the store keeps every try in order.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from empathydesk.content import Scenario
from empathydesk.widgets import ui
from empathydesk.widgets.session import Session

TRIES = 2


def finished(scenario: Scenario, attempts: list[int]) -> bool:
    return bool(attempts) and (attempts[-1] == scenario.best_index or len(attempts) >= TRIES)


def feedback_html(scenario: Scenario, attempts: list[int]) -> str:
    """What to say after the tries so far (pure: state in, markup out)."""
    if not attempts:
        return ""
    chosen = attempts[-1]
    best = scenario.best_index
    option = scenario.options[chosen]
    parts: list[str] = []
    if chosen == best:
        parts.append(
            f'<div class="ed-feedback ed-best" role="status"><strong>✓ Good choice.</strong> {ui.esc(option.feedback)}</div>'
        )
        if len(attempts) > 1:
            parts.append(f'<p class="ed-muted">{ui.esc("Your first choice is the one that counts for your score.")}</p>')
        return "".join(parts)
    parts.append(
        f'<div class="ed-feedback ed-other" role="status"><strong>✗ Not the best choice.</strong> {ui.esc(option.feedback)}</div>'
    )
    if len(attempts) < TRIES:
        parts.append(f"<p>{ui.esc('Have another go: pick a different answer and check it.')}</p>")
    else:
        right = scenario.options[best]
        parts.append(
            f'<div class="ed-feedback ed-best"><strong>✓ The best answer:</strong> {ui.esc(right.text)}'
            f"<br>{ui.esc(right.feedback)}</div>"
            f'<p class="ed-muted">{ui.esc("Your first choice is the one that counts for your score.")}</p>'
        )
    return "".join(parts)


def scenario_card(session: Session, scenario: Scenario, number: int, total: int, attempts: list[int]) -> w.Widget:
    attempts = list(attempts)
    options = [(o.text, i) for i, o in enumerate(scenario.options)]
    choice = w.RadioButtons(
        options=options,
        value=attempts[-1] if attempts else None,
        description="Your answer",
        layout=ui.full_width(),
        style=ui.description_style(),
        **ui.classes(ui.STACKED),
    )
    check = ui.button("Check my answer", icon="check")
    card = ui.card(
        [ui.markup(f"<h4>{ui.esc(f'Scenario {number} of {total}')}</h4><p>{ui.esc(scenario.prompt)}</p>"), choice, check],
        name=f"scenario-{scenario.id}",
    )
    feedback = ui.Note(card, feedback_html(scenario, attempts))

    def say(note: str = "") -> None:
        """A short note (if any) above the feedback on the tries so far: one widget for both."""
        feedback.value = note + feedback_html(scenario, attempts)

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
        "try. Your first choice is the one that counts."
    )
    return ui.piece([ui.heading("What would you do?", intro=intro), *cards], name="scenarios")
