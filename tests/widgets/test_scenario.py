"""Scenario questions: feedback on the choice and the best option, a second try, the first choice counts."""

from __future__ import annotations

import ipywidgets as w

from empathydesk.widgets.scenario import feedback_html

from .conftest import find, text_of


def first_card(widget, scenario):
    return find(widget, cls=f"ed-scenario-{scenario.id}")[0]


def parts(card):
    choice = find(card, w.RadioButtons)[0]
    check = find(card, w.Button)[0]
    return choice, check


def wrong(scenario):
    return next(i for i in range(len(scenario.options)) if i != scenario.best_index)


def test_wrong_then_best(make, store, participant, content):
    scenario = content.module("module-1").scenarios[0]
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    assert "Scenario 1 of" in text_of(card) and scenario.prompt.split()[0] in text_of(card)
    assert [label for label, _ in choice.options] == [o.text for o in scenario.options]

    check.click()  # nothing chosen yet
    assert "Pick an answer first" in text_of(card)
    assert store.scenario_attempts(participant.id) == {}

    choice.value = wrong(scenario)
    check.click()
    markup = text_of(card)
    assert "✗ Not the best choice." in markup and "Have another go" in markup
    assert "The best answer" not in markup
    assert store.scenario_attempts(participant.id) == {scenario.id: [wrong(scenario)]}
    assert not check.disabled

    check.click()  # the same answer again is not a new try
    assert "answer you picked before" in text_of(card)
    assert store.scenario_attempts(participant.id) == {scenario.id: [wrong(scenario)]}

    choice.value = scenario.best_index
    check.click()
    markup = text_of(card)
    assert "✓ Good choice." in markup and scenario.options[scenario.best_index].feedback[:20] in markup
    assert "first choice is the one that counts" in markup
    assert store.scenario_attempts(participant.id) == {scenario.id: [wrong(scenario), scenario.best_index]}
    assert check.disabled and check.description == "Done"


def test_two_wrong_tries_reveal_the_best(make, store, participant, content):
    scenario = next(s for s in content.module("module-1").scenarios if len(s.options) >= 3)
    others = [i for i in range(len(scenario.options)) if i != scenario.best_index]
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    for option in others[:2]:
        choice.value = option
        check.click()
    markup = text_of(card)
    assert "✓ The best answer:" in markup and scenario.options[scenario.best_index].text[:20] in markup
    assert check.disabled
    assert store.scenario_attempts(participant.id)[scenario.id] == others[:2]


def test_best_first_time_is_done(make, store, participant, content):
    scenario = content.module("module-1").scenarios[0]
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    choice.value = scenario.best_index
    check.click()
    assert "✓ Good choice." in text_of(card) and check.disabled
    assert store.scenario_attempts(participant.id)[scenario.id] == [scenario.best_index]


def test_state_comes_back(make, content):
    scenario = content.module("module-1").scenarios[0]
    choice, check = parts(first_card(make("module-1/scenarios"), scenario))
    choice.value = wrong(scenario)
    check.click()
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    assert choice.value == wrong(scenario)
    assert "Have another go" in text_of(card) and not check.disabled


def test_every_scenario_of_the_module_is_shown(make, content):
    widget = make("module-2/scenarios")
    assert len(find(widget, cls="ed-card")) == len(content.module("module-2").scenarios)


def test_feedback_is_escaped(content):
    scenario = content.module("module-1").scenarios[0]
    hostile = scenario.model_copy(
        update={"options": [o.model_copy(update={"feedback": "<img src=x onerror=alert(1)>"}) for o in scenario.options]}
    )
    markup = feedback_html(hostile, [wrong(scenario)])
    assert "<img" not in markup and "&lt;img" in markup
