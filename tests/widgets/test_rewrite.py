"""Rewrite exercises: every attempt saved with the coach's review, spans highlighted, user text escaped."""

from __future__ import annotations

import ipywidgets as w
import pytest

from empathydesk.widgets import rewrite
from empathydesk.widgets.rewrite import MAX_REPLY_CHARS, highlight, review_html

from .conftest import find, text_of

HOSTILE = '<script>alert("x")</script> Just <b>reboot</b> it & stop asking.'


def fake_review(text, exercise=None):
    at = text.find("Just")
    findings = []
    if at >= 0:
        findings.append({"code": "order", "message": "This sounds like an order.", "span": [at, at + 4],
                         "lesson": "few-minutes-a-week"})
    return {"verdict": "needs work" if findings else "good", "score": 50, "findings": findings}


@pytest.fixture
def coach(monkeypatch):
    monkeypatch.setattr(rewrite, "review_reply", fake_review)


def card_parts(widget):
    card = find(widget, cls="ed-card")[0]
    return card, find(card, w.Textarea)[0], find(card, w.Button)[0]


def test_highlight_escapes_everything_and_numbers_marks():
    text = "<b>a</b> Just do it"
    markup = highlight(text, [{"span": [9, 13]}, {"span": [11, 19]}, {"span": [50, 60]}, {"span": None}])
    assert "<b>" not in markup and "&lt;b&gt;a&lt;/b&gt;" in markup
    assert markup.count("<mark") == 1  # overlapping spans join into one mark …
    assert "[1,2]" in markup  # … carrying both numbers
    assert highlight("plain", []) == "plain"


def test_highlight_of_every_span_shape():
    text = "abcdef"
    assert highlight(text, [{"span": [0, 6]}]) == '<mark class="ed-mark">abcdef</mark><sup class="ed-ref">[1]</sup>'
    assert "<mark" not in highlight(text, [{"span": [4, 2]}, {"span": ["x", 1]}, {"span": [1]}])
    two = highlight(text, [{"span": [0, 1]}, {"span": [4, 5]}])
    assert two.count("<mark") == 2 and "[1]" in two and "[2]" in two


def test_check_saves_every_attempt_with_its_review(make, store, participant, content, coach):
    exercise = content.module("module-1").exercises[0]
    widget = make("module-1/rewrite")
    card, box, check = card_parts(widget)
    assert exercise.curt_reply in text_of(card).replace("&#x27;", "'")
    box.value = HOSTILE
    check.click()
    markup = text_of(card)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert '<mark class="ed-mark">Just</mark>' in markup
    assert "This sounds like an order." in markup and "(From Module 1:" in markup
    assert "What a good reply does" in markup  # the guidance and example appear after a first try
    box.value = "Would you like me to show you? I can send a short note too."
    check.click()
    assert "nothing to point out" in text_of(card) and "Attempt 2 is saved" in text_of(card)
    saved = store.exercise_attempts(participant.id)[exercise.id]
    assert [a["text"] for a in saved] == [HOSTILE, "Would you like me to show you? I can send a short note too."]
    assert saved[0]["review"]["findings"][0]["code"] == "order"


def test_the_coach_warms_up_when_typing_starts_not_when_the_page_opens(make, monkeypatch):
    started = []
    monkeypatch.setattr(rewrite, "warm_up_coach", lambda: started.append(1))
    _, box, _ = card_parts(make("module-1/rewrite"))
    assert started == []
    box.value = "Hi Sam, thanks for"
    box.value = "Hi Sam, thanks for telling me"
    assert len(started) == 2  # the real warm_up_coach runs once per kernel (functools.cache)


def test_empty_and_too_long_replies_are_refused(make, store, participant, coach):
    card, box, check = card_parts(make("module-1/rewrite"))
    check.click()
    assert "Write your reply in the box first" in text_of(card)
    box.value = "x" * 1_000_000  # a 1 MB paste
    check.click()
    assert f"at most {MAX_REPLY_CHARS:,}" in text_of(card) and "not saved" in text_of(card)
    assert store.exercise_attempts(participant.id) == {}


def test_last_attempt_comes_back(make, coach):
    card, box, check = card_parts(make("module-1/rewrite"))
    box.value = HOSTILE
    check.click()
    card, box, check = card_parts(make("module-1/rewrite"))
    assert box.value == HOSTILE
    assert "Attempt 1 is saved" in text_of(card) and "&lt;script&gt;" in text_of(card)
    assert check.description == "Check my reply again"


def test_without_a_coach_the_attempt_is_still_saved(make, store, participant, monkeypatch):
    monkeypatch.setattr(rewrite, "review_reply", lambda text, exercise=None: None)
    card, box, check = card_parts(make("module-1/rewrite"))
    box.value = "Happy to help!"
    check.click()
    assert "could not look at it" in text_of(card)
    assert len(store.exercise_attempts(participant.id)["module-1-rewrite-1"]) == 1


def test_findings_are_grouped_into_what_works_and_what_to_change(content):
    text = "Would you like me to show you? Just click it."
    review = {"verdict": "needs-work", "score": 40, "findings": [
        {"code": "order", "message": "An order.", "span": [31, 41], "lesson": "offer-suggestions"},
        {"code": "suggests", "message": "Nice: a choice.", "span": [0, 29], "lesson": "offer-suggestions"},
    ]}
    kinds = rewrite.finding_kinds()
    if kinds.get("suggests") != "works" or kinds.get("order") != "change":
        pytest.skip("the coach's rules are not there")
    markup = review_html(content, text, review, 3)
    assert "Attempt 3 is saved. A good start." in markup
    assert markup.index("What works") < markup.index("[1]</strong> Nice: a choice.") < markup.index("What to change")
    assert "[2]</strong> An order." in markup
    assert '<mark class="ed-mark ed-mark-works">Would you like me to show you</mark><sup class="ed-ref">[1]</sup>' in markup
    assert '<mark class="ed-mark">Just click</mark><sup class="ed-ref">[2]</sup>' in markup


def test_notes_are_listed_once_and_not_marked(content):
    review = {"verdict": "needs-work", "score": 30, "headline": "Nothing here is wrong, but it could feel warmer.",
              "findings": [{"code": "tips", "message": "Try naming how they feel.", "span": [0, 5], "lesson": None}]}
    markup = review_html(content, "Hello", review, 1)
    assert "Attempt 1 is saved. Nothing here is wrong, but it could feel warmer." in markup
    assert "Please note" in markup and markup.count("Try naming how they feel.") == 1
    assert "<mark" not in markup


def test_unknown_lesson_and_hostile_messages_are_text(content):
    review = {"findings": [{"message": "<i>x</i>", "span": [0, 1], "lesson": "<u>elsewhere</u>"}]}
    markup = review_html(content, "hello", review, 1)
    assert "<i>" not in markup and "<u>" not in markup and "&lt;u&gt;elsewhere" in markup


def test_the_real_coach_if_it_is_there(make, store, participant):
    coach = pytest.importorskip("empathydesk.coach")
    if not hasattr(coach, "review"):
        pytest.skip("the coach is not written yet")
    card, box, check = card_parts(make("module-1/rewrite"))
    box.value = "Just restart it. Obviously."
    check.click()
    attempt = store.exercise_attempts(participant.id)["module-1-rewrite-1"][0]
    assert {"verdict", "findings"} <= set(attempt["review"])
    assert "Attempt 1 is saved" in text_of(card)


def test_the_real_coach_runs_the_exercise_checks_and_shows_new_findings(content):
    exercise = content.module("module-2").exercises[0]
    text = "Wow, you found the settings all by yourself! Let me know if you need help with the next one."
    review = rewrite.review_reply(text, exercise)
    codes = [f["code"] for f in review["findings"]]
    assert "sarcasm" in codes and "exercise-missed" in codes
    markup = review_html(content, text, review, 1)
    assert "sarcasm" in markup.lower() and "This exercise asks" in markup
    assert "mostly because of" in markup
    kind = review_reply_kinds = [rewrite.kind_of(f) for f in review["findings"]]
    assert "change" in kind and review_reply_kinds


def test_the_same_reply_gets_different_feedback_in_different_exercises(content):
    text = "Sorry about that! Which browser are you on? We can go through it together on a quick call."
    a = rewrite.review_reply(text, content.module("module-2").exercises[0])
    b = rewrite.review_reply(text, content.module("module-4").exercises[0])
    assert a["verdict"] == "relational" and b["verdict"] == "needs-work"
