"""Scores and progress from plain answer dicts (empathydesk.scoring)."""

from __future__ import annotations

import pytest

from empathydesk import scoring
from course_fixture import course


@pytest.fixture(scope="module")
def content():
    return course()


def all_items(content, checkpoint, value):
    return {i.id: value for i in content.items_for(checkpoint)}


def test_reverse_keyed_item_is_flipped(content):
    comp = "perspective"
    items = [i for i in content.instrument.items if i.competency == comp]
    answers = {i.id: 5 for i in items}  # agrees with everything, including the reverse-keyed item
    reverse = sum(i.reverse for i in items)
    expected = (5 * (len(items) - reverse) + 1 * reverse) / len(items)
    assert scoring.competency_scores(content, answers)[comp] == pytest.approx(expected)


def test_mean_uses_answered_items_only(content):
    first, second = [i for i in content.instrument.items if i.competency == "rapport" and not i.reverse][:2]
    scores = scoring.competency_scores(content, {first.id: 2, second.id: 5})
    assert scores == {"rapport": pytest.approx(3.5)}


def test_out_of_range_and_unknown_answers_are_ignored(content):
    item = content.instrument.items[0]
    assert scoring.competency_scores(content, {item.id: 9, "no-such-item": 3}) == {}


def test_checkpoint_series_in_time_order_without_retrospective(content):
    ratings = {
        "wrap-up": all_items(content, "wrap-up", 4),
        "baseline": all_items(content, "baseline", 2),
        "retro-before": all_items(content, "retro-before", 1),
        "after-module-1": all_items(content, "after-module-1", 3),
    }
    series = scoring.checkpoint_series(content, ratings)
    assert [cp for cp, _ in series["perspective"]] == ["baseline", "after-module-1", "wrap-up"]
    assert [cp for cp, _ in series["rapport"]] == ["baseline", "wrap-up"]
    assert all(cp != "retro-before" for points in series.values() for cp, _ in points)


def test_before_and_now_take_real_baseline_and_latest(content):
    ratings = {
        "baseline": {"perspective-1": 2},
        "after-module-1": {"perspective-1": 3},
        "wrap-up": {"perspective-1": 4, "rapport-5": 5},
        "follow-up": {"perspective-1": 5},
        "retro-before": {"perspective-1": 1},
    }
    before, now = scoring.before_and_now(content, ratings)
    assert before == {"perspective": 2}
    assert now == {"perspective": 5, "rapport": 5}


def test_scenario_first_try_counts(content):
    sc = content.modules[0].scenarios[0]
    wrong = next(i for i in range(len(sc.options)) if i != sc.best_index)
    results = scoring.scenario_results(content, {sc.id: [wrong, sc.best_index]})
    assert results[sc.id]["first_try_best"] is False
    assert results[sc.id]["attempts"] == 2
    summary = scoring.scenario_summary(content, {sc.id: [sc.best_index]})
    assert summary[content.modules[0].id]["best"] == 1
    assert sum(summary[content.modules[0].id].values()) == len(content.modules[0].scenarios)


def complete_module(content, module):
    ratings = {f"after-{module.id}": all_items(content, f"after-{module.id}", 4)}
    scenarios = {s.id: [0] for s in module.scenarios}
    exercises = {e.id: [{"text": "x", "review": {}}] for e in module.exercises[:1]}
    reflections = {r.id: "I felt lost." for r in module.reflections}
    return ratings, scenarios, exercises, reflections


def test_page_progress_keys_and_order(content):
    progress = scoring.page_progress(content, {}, {}, {}, {})
    assert list(progress) == ["welcome", *(m.id for m in content.modules), "wrap-up"]
    assert list(progress) == scoring.page_ids(content)
    assert not any(progress.values())


def test_welcome_and_wrap_up_need_complete_checkpoints(content):
    baseline = all_items(content, "baseline", 3)
    partial = dict(list(baseline.items())[:-1])
    assert scoring.page_progress(content, {"baseline": partial}, {}, {}, {})["welcome"] is False
    assert scoring.page_progress(content, {"baseline": baseline}, {}, {}, {})["welcome"] is True
    wrap = {"wrap-up": all_items(content, "wrap-up", 4)}
    assert scoring.page_progress(content, wrap, {}, {}, {})["wrap-up"] is True


def test_module_done_needs_every_part(content):
    module = content.modules[0]
    ratings, scenarios, exercises, reflections = complete_module(content, module)
    assert scoring.page_progress(content, ratings, scenarios, exercises, reflections)[module.id] is True
    # take away one part at a time
    assert not scoring.page_progress(content, {}, scenarios, exercises, reflections)[module.id]
    assert not scoring.page_progress(content, ratings, {}, exercises, reflections)[module.id]
    if module.exercises:
        assert not scoring.page_progress(content, ratings, scenarios, {}, reflections)[module.id]
    blank = {r: "   " for r in reflections}
    if module.reflections:
        assert not scoring.page_progress(content, ratings, scenarios, exercises, blank)[module.id]
    parts = scoring.module_parts(content, module, ratings, {}, exercises, reflections)
    assert parts == {"pulse": True, "scenarios": not module.scenarios, "exercise": True, "reflection": True,
                     "conversation": True}  # this course has no conversation: nothing to finish


def test_a_page_begun_with_no_part_done_counts_as_started(content):
    """One scenario of several tried: no part of the module is done, but it is started (the dashboard's
    "in progress"); nothing answered: not started."""
    from empathydesk.storage.records import Answers

    module = content.modules[0]
    first = module.scenarios[0]
    begun = scoring.progress(content, Answers(scenario_attempts={first.id: [0]}))
    # no part done but the one this course's module does not have (a conversation: nothing to finish)
    assert begun["parts"][module.id][0] == 1 and begun["started"][module.id] is True
    assert not begun["started"]["welcome"] and not begun["started"][content.modules[1].id]
    some = {"baseline": dict(list(all_items(content, "baseline", 3).items())[:1])}
    assert scoring.progress(content, Answers(ratings=some))["started"]["welcome"] is True
