"""The Store API on both databases: cohorts, joining, links, and answers saved as given."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest

from empathydesk.storage import Answers, JoinError, Store
from empathydesk.storage.counting import counting_queries


def test_open_returns_the_cached_store(store: Store) -> None:
    assert Store.open(store.url) is store


def test_cohorts_are_created_listed_found_and_deleted(store: Store) -> None:
    alpha = store.create_cohort("Alpha", ["module-1", "module-3"])
    store.create_cohort("Beta", ["module-2"])
    assert alpha.modules == ["module-1", "module-3"]
    assert [c.name for c in store.cohorts()] == ["Alpha", "Beta"]
    assert store.cohort("Alpha") == alpha
    assert store.cohort_by_code(alpha.join_code.lower().replace("-", " ")) == alpha
    assert store.cohort("Gamma") is None and store.cohort_by_code("ZZZZ-ZZZZ") is None
    with pytest.raises(ValueError):
        store.create_cohort("Alpha")
    store.delete_cohort("Alpha")
    assert [c.name for c in store.cohorts()] == ["Beta"]


def test_a_cohort_without_modules_given_gets_every_module(store: Store) -> None:
    assert store.create_cohort("All").modules == [f"module-{n}" for n in range(1, 6)]


def test_a_token_never_starts_with_a_dash_so_the_command_line_takes_it() -> None:
    from empathydesk.storage.store import new_token

    tokens = [new_token() for _ in range(2000)]  # without the leading letter about 31 would start with "-"
    assert not any(t.startswith("-") for t in tokens) and len(set(tokens)) == 2000


def test_join_gives_a_long_random_token_and_no_consent(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    people = [store.join(cohort.join_code, f"  Sam   {n} ") for n in range(20)]
    assert people[0].pseudonym == "Sam 0" and people[0].cohort == "Alpha"
    assert not any(p.consent for p in people)
    tokens = {p.token for p in people}
    assert len(tokens) == 20
    assert all(len(base64.urlsafe_b64decode(t[1:] + "==")) * 8 >= 128 for t in tokens)
    assert store.participant_by_token(people[3].token) == people[3]
    assert store.participants("Alpha") == people


@pytest.mark.parametrize(
    ("code", "name", "words"),
    [("NOPE-NOPE", "Sam", "code"), (None, "   ", "name"), (None, "x" * 41, "shorter")],
)
def test_join_refuses_kindly(store: Store, code: str | None, name: str, words: str) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    with pytest.raises(JoinError) as refused:
        store.join(code or cohort.join_code, name)
    assert words in refused.value.message and "Traceback" not in refused.value.message


def test_consent_can_be_given_and_taken_back(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.set_consent(person.id, True)
    assert store.participant_by_token(person.token).consent is True
    store.set_consent(person.id, False)
    assert store.participant_by_token(person.token).consent is False


def test_a_reissued_link_revokes_the_old_one(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    new = store.reissue_link(person.id)
    assert new != person.token
    assert store.participant_by_token(person.token) is None
    assert store.participant_by_token(new).id == person.id
    assert store.participant_by_token("") is None and store.participant_by_token("made-up") is None


def test_the_local_participant_is_created_once(store: Store) -> None:
    first = store.local_participant()
    assert first.cohort == "self-study"
    assert store.local_participant() == first
    assert store.cohort("self-study").modules == [f"module-{n}" for n in range(1, 6)]


def test_a_rating_answered_again_replaces_the_earlier_one(store: Store) -> None:
    pid = store.local_participant().id
    store.save_rating(pid, "baseline", "perspective-1", 2)
    store.save_rating(pid, "baseline", "perspective-1", 4)
    store.save_rating(pid, "baseline", "rapport-1", 3)
    store.save_rating(pid, "after-module-1", "perspective-1", 5)
    assert store.ratings(pid) == {
        "baseline": {"perspective-1": 4, "rapport-1": 3},
        "after-module-1": {"perspective-1": 5},
    }
    assert len(store.cohort_ratings("self-study")) == 3
    with pytest.raises(ValueError):
        store.save_rating(pid, "baseline", "rapport-1", 0)


def test_every_scenario_attempt_is_kept_in_order(store: Store) -> None:
    pid = store.local_participant().id
    assert [store.add_scenario_attempt(pid, "s-1", option) for option in (2, 0, 1)] == [1, 2, 3]
    assert store.add_scenario_attempt(pid, "s-2", 3) == 1
    assert store.scenario_attempts(pid) == {"s-1": [2, 0, 1], "s-2": [3]}
    rows = store.cohort_scenario_attempts("self-study")
    assert [(r["scenario"], r["attempt"], r["option"]) for r in rows] == [
        ("s-1", 1, 2), ("s-1", 2, 0), ("s-1", 3, 1), ("s-2", 1, 3)
    ]


def test_every_exercise_attempt_is_kept_with_its_review(store: Store) -> None:
    pid = store.local_participant().id
    assert store.add_exercise_attempt(pid, "rw-1", "First try", {"findings": ["jargon"]}) == 1
    assert store.add_exercise_attempt(pid, "rw-1", "Better", {"findings": []}) == 2
    attempts = store.exercise_attempts(pid)["rw-1"]
    assert [(a["text"], a["review"]) for a in attempts] == [
        ("First try", {"findings": ["jargon"]}),
        ("Better", {"findings": []}),
    ]
    assert isinstance(attempts[0]["created_at"], datetime) and attempts[0]["created_at"].tzinfo is not None


def test_a_reflection_written_again_replaces_the_earlier_text(store: Store) -> None:
    pid = store.local_participant().id
    store.save_reflection(pid, "m1-r", "first thoughts")
    store.save_reflection(pid, "m1-r", "second thoughts")
    store.save_reflection(pid, "m2-r", "other")
    assert store.reflections(pid) == {"m1-r": "second thoughts", "m2-r": "other"}


def test_saved_answers_come_back_after_reopening(store: Store) -> None:
    pid = store.local_participant().id
    store.save_rating(pid, "baseline", "perspective-1", 4)
    store.add_scenario_attempt(pid, "s-1", 1)
    url = store.url
    store.close()
    again = Store.open(url)
    assert again is not store
    assert again.local_participant().id == pid
    assert again.ratings(pid) == {"baseline": {"perspective-1": 4}}
    assert again.scenario_attempts(pid) == {"s-1": [1]}


def test_activity_is_the_time_of_the_last_answer(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    busy, idle = store.join(cohort.join_code, "Busy"), store.join(cohort.join_code, "Idle")
    store.save_rating(busy.id, "baseline", "perspective-1", 3)
    store.add_scenario_attempt(busy.id, "module-1-scenario-1", 0)
    store.save_reflection(busy.id, "module-1-reflection", "done")
    activity = store.activity("Alpha")
    assert set(activity) == {busy.id} and idle.id not in activity
    assert activity[busy.id].isoformat() == store.export_participant(busy.id)["reflections"][0]["updated_at"]


def _answer_everything(store: Store, pid: int, n: int) -> None:
    store.save_rating(pid, "baseline", "perspective-1", 1 + n % 5)
    store.add_scenario_attempt(pid, "module-1-scenario-1", n % 2)
    store.add_scenario_attempt(pid, "module-1-scenario-1", 2)
    store.add_exercise_attempt(pid, "module-1-rewrite", f"Try {n}", {"ok": True})
    store.save_reflection(pid, "module-1-reflection", f"Thought {n}")


def test_answers_is_everything_one_participant_answered(store: Store) -> None:
    cohort = store.create_cohort("Room")
    person = store.join(cohort.join_code, "Ana")
    assert store.answers(person.id) == Answers()
    _answer_everything(store, person.id, 3)
    answers = store.answers(person.id)
    assert answers.ratings == store.ratings(person.id) == {"baseline": {"perspective-1": 4}}
    assert answers.scenario_attempts == {"module-1-scenario-1": [1, 2]}
    assert answers.exercise_attempts == store.exercise_attempts(person.id)
    assert answers.reflections == {"module-1-reflection": "Thought 3"}


def test_cohort_answers_reads_everyone_in_the_same_number_of_queries(store: Store) -> None:
    def read(cohort: str, size: int) -> tuple[dict[int, Answers], int]:
        code = store.create_cohort(cohort).join_code
        people = [store.join(code, f"Person {n}") for n in range(size)]
        for n, person in enumerate(people[1:]):  # the first answers nothing
            _answer_everything(store, person.id, n)
        with counting_queries(store.engine) as statements:
            answers = store.cohort_answers(cohort)
        assert answers == {p.id: store.answers(p.id) for p in people}
        assert answers[people[0].id] == Answers()
        return answers, len(statements)

    small, few = read("Small", 2)
    large, many = read("Large", 12)
    assert few == many and len(large) == 12
    some = sorted(large)[:2]
    assert store.cohort_answers("Large", only=some) == {pid: large[pid] for pid in some}
    assert store.cohort_answers("Small", only=some) == {}


def test_deleting_a_cohort_deletes_its_participants_answers(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.save_rating(person.id, "baseline", "perspective-1", 3)
    store.add_scenario_attempt(person.id, "s-1", 0)
    store.delete_cohort("Alpha")
    assert store.participant_by_token(person.token) is None
    assert store.ratings(person.id) == {} and store.scenario_attempts(person.id) == {}


def test_a_page_for_one_cohort_refuses_another_cohorts_code(store: Store) -> None:
    alpha = store.create_cohort("Alpha", ["module-1"])
    beta = store.create_cohort("Beta", ["module-1"])
    with pytest.raises(JoinError) as refused:
        store.join(beta.join_code, "Sam", cohort="Alpha")
    assert refused.value.message == (
        "That code is for a different workshop. Please check the code on the screen, or ask your facilitator."
    )
    assert store.participants("Alpha") == [] and store.participants("Beta") == []
    assert store.join(alpha.join_code, "Sam", cohort="Alpha").cohort == "Alpha"
    assert store.join(beta.join_code, "Sam").cohort == "Beta"  # no cohort given: any code works


def test_a_locked_cohort_takes_nobody_new_but_keeps_everyone_in(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    other = store.create_cohort("Beta", ["module-1"])
    assert cohort.locked is False
    sam = store.join(cohort.join_code, "Sam")
    store.set_locked("Alpha", True)
    assert store.cohort("Alpha").locked is True and store.cohort("Beta").locked is False
    with pytest.raises(JoinError) as refused:
        store.join(cohort.join_code, "Late")
    assert refused.value.message == "This workshop is not taking new people right now. Please ask your facilitator."
    assert store.participants("Alpha") == [sam]
    assert store.participant_by_token(sam.token) == sam  # the link still works
    store.save_rating(sam.id, "baseline", "perspective-1", 3)  # and answers are still saved
    assert store.join(other.join_code, "Elsewhere").cohort == "Beta"
    store.set_locked("Alpha", False)
    assert store.join(cohort.join_code, "Late").pseudonym == "Late"


def test_a_rating_keeps_the_instrument_version_it_was_given_under(store: Store) -> None:
    from empathydesk.content import load

    cohort = store.create_cohort("Versions")
    person = store.join(cohort.join_code, "Ana")
    store.save_rating(person.id, "baseline", "perspective-1", 4)
    store.save_rating(person.id, "wrap-up", "perspective-1", 5, version=1)
    assert store.answers(person.id).versions == {"baseline": load().instrument.version, "wrap-up": 1}
    assert {r["checkpoint"]: r["version"] for r in store.cohort_ratings("Versions")} == {
        "baseline": load().instrument.version, "wrap-up": 1,
    }
