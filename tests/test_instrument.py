"""The self-assessment measures what each module teaches, one idea per item, under a version.

* Each module's check-in (role ``after-module``) asks only items about the lesson points of that module
  (the points in assessments/coverage.yaml whose lesson the module has), and every such point has an item.
* No item is double-barrelled: " and " / " or " joining two verbs is flagged (a heuristic; we also read
  every item by hand when it is written).
* The end check-in asks how you work *now*, in the same words as the start.
* An item that changes gets a new id: the texts of earlier versions are kept here, and an id that was
  used before must keep its text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from empathydesk.content import Content, check

REPO = Path(__file__).resolve().parents[1]

# Which lesson point (the `lesson` of a point in coverage.yaml) each item asks about. Every item needs one.
ITEM_POINTS = {
    "perspective-1": "few-minutes-a-week",
    "perspective-2": "few-minutes-a-week",
    "perspective-4": "no-everyone-knows",
    "perspective-5": "no-everyone-knows",
    "plain-language-5": "ask-their-setup",
    "plain-language-6": "acknowledge-not-scripted",
    "plain-language-7": "acknowledge-not-scripted",
    "plain-language-2": "no-insider-talk",
    "plain-language-3": "no-insider-talk",
    "suggestions-6": "anxious-and-self-blaming",
    "suggestions-1": "offer-suggestions",
    "suggestions-5": "offer-suggestions",
    "suggestions-3": "offer-suggestions",
    "acknowledgement-5": "calm-in-a-crisis",
    "acknowledgement-6": "calm-in-a-crisis",
    "acknowledgement-3": "own-words-not-boilerplate",
    "acknowledgement-7": "no-eye-rolling",
    "acknowledgement-8": "learn-names",
    "acknowledgement-9": "blame-the-technology",
    "rapport-5": "shift-the-focus",
    "rapport-6": "share-your-story",
    "rapport-7": "respect-time-and-privacy",
    "rapport-8": "respect-time-and-privacy",
}

# Every item text ever used, by id. An id keeps its text for good: a changed item needs a new id,
# so that answers given to the old wording are never read as answers to the new one.
USED = {
    # version 1
    "perspective-1": "Before I answer, I picture how the problem looks from the person's chair.",
    "perspective-2": "I keep in mind that most people use these tools for only a small part of their week.",
    "perspective-3": "I ask which device, system or browser a person uses instead of guessing.",
    "perspective-4": "I find it hard to see why people struggle with things that seem basic to me.",
    "rapport-1": "I learn and use the names of the people I help.",
    "rapport-2": "I show real interest in the work people are trying to get done.",
    "rapport-3": "I can tell when someone is in a hurry and keep the chat short.",
    "rapport-4": "I sometimes ask about things I see on a person's screen or desk that are none of my business.",
    "suggestions-1": "I offer steps as choices the person can say yes or no to.",
    "suggestions-2": "I check that the person is happy with a step before we take it.",
    "suggestions-3": "I end a conversation by saying how to reach me if the problem comes back.",
    "suggestions-4": "When I know the fix, I tell people exactly what to do and expect them to do it.",
    "plain-language-1": "I explain things with the words the person already uses.",
    "plain-language-2": "When I must use a technical term, I say what it means in plain words.",
    "plain-language-3": "I keep the jokes that only tech people get to myself.",
    "plain-language-4": "I often use short forms or tech terms that the people I help do not know.",
    "acknowledgement-1": "When a problem is stressful for someone, I tell them that I can see it.",
    "acknowledgement-2": "When things go badly wrong, I stay calm and take charge of the next step.",
    "acknowledgement-3": "I use my own words instead of a standard apology line.",
    "acknowledgement-4": "I get short with people who blame me for a problem I did not cause.",
}
# The competency of each version 1 item: an item that moves to another competency is a changed item too.
USED_COMPETENCY = {item: item.rsplit("-", 1)[0] for item in USED}

# Verbs that, after " and " or " or ", start a second action in the same statement.
VERBS = {
    "ask", "asks", "avoid", "be", "check", "end", "expect", "explain", "find", "get", "give", "go", "help",
    "keep", "learn", "let", "listen", "make", "name", "offer", "own", "picture", "say", "see", "share",
    "show", "stay", "take", "talk", "tell", "thank", "try", "use", "wait", "work", "i",
}


@pytest.fixture(scope="module")
def content() -> Content:
    found, problems = check([REPO / "assessments"])
    assert not problems, "\n".join(map(str, problems))
    assert found is not None and found.coverage is not None
    return found


def key_points(content: Content, module_id: str) -> set[str]:
    """The lesson ids of the coverage points that this module teaches."""
    module = next(m for m in content.modules if m.id == module_id)
    own = {lesson.id for lesson in module.lessons}
    return {p.lesson for p in content.coverage.points if p.lesson in own}  # type: ignore[union-attr]


def test_every_item_names_a_lesson_point(content: Content) -> None:
    points = {p.lesson for p in content.coverage.points}  # type: ignore[union-attr]
    ids = {i.id for i in content.instrument.items}
    assert ids == set(ITEM_POINTS), f"map these items in ITEM_POINTS: {sorted(ids ^ set(ITEM_POINTS))}"
    assert set(ITEM_POINTS.values()) <= points


def test_every_module_has_a_check_in_of_what_it_teaches(content: Content) -> None:
    problems = []
    for module in content.modules:
        checkpoint = content.checkpoint_after(module.id)
        if checkpoint is None:
            problems.append(f"{module.id} has no after-module check-in")
            continue
        wanted = key_points(content, module.id)
        asked = content.items_for(checkpoint.id)
        if len(asked) == len(content.instrument.items):
            problems.append(f"{checkpoint.id} asks every item, not just what {module.id} teaches")
        for item in asked:
            if ITEM_POINTS.get(item.id) not in wanted:
                problems.append(f"{checkpoint.id} asks {item.id} ({ITEM_POINTS.get(item.id)}), not taught in {module.id}")
        covered = {ITEM_POINTS.get(i.id) for i in asked}
        for point in sorted(wanted - covered):
            problems.append(f"{checkpoint.id} has no item for {point}, a key point of {module.id}")
    assert not problems, "\n".join(problems)


def test_every_key_point_has_an_item(content: Content) -> None:
    points = {p.lesson for p in content.coverage.points}  # type: ignore[union-attr]
    assert points - set(ITEM_POINTS.values()) == set()


def test_every_competency_has_a_reverse_keyed_item(content: Content) -> None:
    for comp in content.instrument.competencies:
        assert any(i.reverse for i in content.instrument.items if i.competency == comp.id), comp.id


def double_barrelled(text: str) -> bool:
    words = re.findall(r"[a-z']+|[,.;]", text.lower())
    for i, word in enumerate(words[:-1]):
        if word in ("and", "or") and words[i + 1] in VERBS:
            return True
    return False


def test_the_heuristic_finds_the_old_double_barrelled_items() -> None:
    for item in ("rapport-1", "rapport-3", "acknowledgement-2", "suggestions-4"):
        assert double_barrelled(USED[item]), item
    assert not double_barrelled("I offer steps as choices the person can say yes or no to.")


def test_one_idea_per_item(content: Content) -> None:
    flagged = [i.id for i in content.instrument.items if double_barrelled(i.text)]
    assert not flagged, f"these items join two actions with 'and' or 'or': {flagged}"


def test_reverse_keyed_items_do_not_punish_a_clear_instruction(content: Content) -> None:
    # Module 4 praises a clear request in an emergency, so "telling people exactly what to do" is not a fault.
    for item in content.instrument.items:
        if item.reverse:
            assert not re.search(r"\b(exactly|clear|direct)\b", item.text.lower()), item.id


def test_an_id_keeps_its_text_and_competency(content: Content) -> None:
    for item in content.instrument.items:
        if item.id in USED:
            assert item.text == USED[item.id], f"{item.id} changed its wording: give it a new id"
            assert item.competency == USED_COMPETENCY[item.id], f"{item.id} moved: give it a new id"


def test_the_end_asks_about_now_in_the_words_of_the_start(content: Content) -> None:
    start, end = content.checkpoint_for("start"), content.checkpoint_for("end")
    assert end.prompt == start.prompt
    assert not re.search(r"\bwill\b|from today on", end.prompt)


def test_the_instrument_has_a_version_after_the_first(content: Content) -> None:
    assert content.instrument.version >= 2
