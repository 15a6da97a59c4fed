"""Scenario questions: feedback on the choice and on every option, a second try, the first choice counts and
stays in view; options in an order of each participant's own, answers stored as the index in the file."""

from __future__ import annotations

import ipywidgets as w

from empathydesk.widgets.scenario import feedback_html, option_order
from empathydesk.widgets.choice import Choice

from .conftest import find, text_of


def first_card(widget, scenario):
    return find(widget, cls=f"ed-scenario-{scenario.id}")[0]


def parts(card):
    choice = find(card, Choice)[0]
    check = find(card, w.Button)[0]
    return choice, check


def wrong(scenario):
    return next(i for i in range(len(scenario.options)) if i != scenario.best_index)


def test_wrong_then_best(make, store, participant, content):
    scenario = content.module("module-1").scenarios[0]
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    assert "Scenario 1 of" in text_of(card)
    assert choice.description == scenario.prompt  # the question names the group of answers
    order = option_order(participant.id, scenario.id, len(scenario.options))
    assert [label for label, _ in choice.options] == [scenario.options[i].text for i in order]
    assert [value for _, value in choice.options] == order  # the value is the index in the file

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


def test_order_is_the_persons_own_and_stable(make, store, content):
    module = content.module("module-1")
    ann = store.join(store.create_cohort("Order A").join_code, "Ann")
    bo = store.join(store.create_cohort("Order B").join_code, "Bo")

    def shown(who):
        widget = make("module-1/scenarios", who=who)
        return [[v for _, v in parts(first_card(widget, sc))[0].options] for sc in module.scenarios]

    assert shown(ann) == shown(ann)  # a reload (a new page) shows the same order
    assert shown(ann) != shown(bo)  # another person sees another order
    assert shown(ann) == [option_order(ann.id, sc.id, len(sc.options)) for sc in module.scenarios]
    assert all(sorted(o) == list(range(len(sc.options))) for o, sc in zip(shown(bo), module.scenarios))


def test_option_order_is_a_pure_function():
    assert option_order(7, "module-1-scenario-1", 4) == option_order(7, "module-1-scenario-1", 4)
    orders = [tuple(option_order(pid, "module-1-scenario-1", 4)) for pid in range(1000)]
    assert len(set(orders)) == 24  # every order of four occurs across 1,000 people
    firsts = [order[0] for order in orders]
    assert all(180 < firsts.count(i) < 320 for i in range(4))  # no option is usually shown first


def test_after_answering_every_options_feedback_is_shown(make, store, participant, content):
    scenario = next(s for s in content.module("module-1").scenarios if len(s.options) >= 4)
    card = first_card(make("module-1/scenarios"), scenario)
    choice, check = parts(card)
    first = wrong(scenario)
    choice.value = first
    check.click()
    before = text_of(card)
    assert "Feedback on every answer" not in before  # not before the question is finished
    choice.value = scenario.best_index
    check.click()
    markup = text_of(card)
    assert "Feedback on every answer" in markup
    for option in scenario.options:
        assert ui_text(option.feedback) in markup and ui_text(option.text) in markup
    # the first (wrong) pick stays in view, said in words, not by colour alone
    assert "Your first choice was not the best one" in markup and ui_text(scenario.options[first].text) in markup
    assert "(Your first choice)" in markup and "(Your second choice)" in markup
    assert markup.count("✓ Best answer.") == 1 and markup.count("✗ Not the best.") == len(scenario.options) - 1
    # the list follows the order shown to this person
    order = option_order(participant.id, scenario.id, len(scenario.options))
    review = markup[markup.index("Feedback on every answer"):]
    places = [review.index(ui_text(scenario.options[i].feedback)) for i in order]
    assert places == sorted(places)
    # and it all comes back on a new page
    again = text_of(first_card(make("module-1/scenarios"), scenario))
    assert "Your first choice was not the best one" in again and "Feedback on every answer" in again


def test_two_wrong_tries_keep_both_picks_in_view(content):
    scenario = next(s for s in content.module("module-1").scenarios if len(s.options) >= 3)
    others = [i for i in range(len(scenario.options)) if i != scenario.best_index]
    markup = feedback_html(scenario, others[:2])
    assert "Your first choice was not the best one" in markup and ui_text(scenario.options[others[0]].text) in markup
    assert "(Your first choice)" in markup and "(Your second choice)" in markup
    assert all(ui_text(o.feedback) in markup for o in scenario.options)


def test_channel_is_shown_in_words(make, content):
    scenario = next(s for m in content.modules for s in m.scenarios if s.channel == "phone")
    module = next(m for m in content.modules if scenario in m.scenarios)
    card = first_card(make(f"{module.id}/scenarios"), scenario)
    assert "How they reach you:</strong> Phone call" in text_of(card)


def ui_text(text):
    from empathydesk.widgets import ui

    return ui.esc(text)
