"""A participant's own file: export, import into another instance, export again; and deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from empathydesk.storage import Store


def _fill(store: Store, pid: int) -> None:
    store.save_rating(pid, "baseline", "perspective-1", 2)
    store.save_rating(pid, "baseline", "rapport-5", 4)
    store.save_rating(pid, "follow-up", "perspective-1", 5)
    for option in (1, 0):
        store.add_scenario_attempt(pid, "module-1-scenario-1", option)
    store.add_exercise_attempt(pid, "module-1-rewrite-1", "Have you tried turning it off?", {"findings": ["blame"]})
    store.add_exercise_attempt(pid, "module-1-rewrite-1", "Let's try a restart together.", {"findings": []})
    store.save_reflection(pid, "module-1-reflection", "I will ask before I fix. ✓")


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def test_export_holds_everything_but_the_token(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.set_consent(person.id, True)
    _fill(store, person.id)
    data = store.export_participant(person.id)
    assert json.loads(json.dumps(data)) == data
    assert person.token not in json.dumps(data)
    assert data["pseudonym"] == "Sam" and data["cohort"] == "Alpha" and data["consent"] is True
    assert [a["option"] for a in data["scenario_attempts"]] == [1, 0]
    assert {c["checkpoint"] for c in data["checkpoints"]} == {"baseline", "follow-up"}


def test_export_import_export_gives_the_same_data(store: Store, tmp_path: Any) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    _fill(store, person.id)
    exported = json.loads(json.dumps(store.export_participant(person.id)))

    other = Store.open(f"sqlite:///{tmp_path}/other.sqlite")
    try:
        other.create_cohort("Alpha", ["module-1"])
        restored = other.import_participant(exported, cohort="Alpha")
        assert restored.cohort == "Alpha" and restored.token != person.token
        assert other.export_participant(restored.id) == exported

        local = other.import_participant(exported)
        assert local == other.local_participant()
        assert _without(other.export_participant(local.id), "cohort") == _without(exported, "cohort")
        assert other.scenario_attempts(local.id) == store.scenario_attempts(person.id)
    finally:
        other.close()


def test_importing_the_same_file_twice_changes_nothing(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    _fill(store, person.id)
    data = store.export_participant(person.id)
    local = store.import_participant(data)
    once = store.export_participant(local.id)
    store.import_participant(data)
    assert store.export_participant(local.id) == once


def test_import_merges_with_what_is_there_newest_answer_winning(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    _fill(store, person.id)
    data = store.export_participant(person.id)
    local = store.local_participant()
    store.save_rating(local.id, "baseline", "perspective-1", 3)  # given after the export: stays
    store.add_scenario_attempt(local.id, "module-1-scenario-1", 2)  # tried after: comes after the imported tries
    store.import_participant(data)
    assert store.ratings(local.id)["baseline"] == {"perspective-1": 3, "rapport-5": 4}
    assert store.scenario_attempts(local.id)["module-1-scenario-1"] == [1, 0, 2]


@pytest.mark.parametrize("bad", [{}, {"format": "something-else"}, [], {"format": "empathydesk-participant"}])
def test_import_refuses_a_file_that_is_not_ours(store: Store, bad: Any) -> None:
    with pytest.raises(ValueError, match="EmpathyDesk progress file"):
        store.import_participant(bad)


def test_delete_removes_the_participant_and_all_their_answers(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    gone, kept = store.join(cohort.join_code, "Gone"), store.join(cohort.join_code, "Kept")
    _fill(store, gone.id)
    _fill(store, kept.id)
    store.delete_participant(gone.id)
    assert store.participant_by_token(gone.token) is None
    assert [p.id for p in store.participants("Alpha")] == [kept.id]
    assert {r["participant_id"] for r in store.cohort_ratings("Alpha")} == {kept.id}
    assert {r["participant_id"] for r in store.cohort_scenario_attempts("Alpha")} == {kept.id}
    assert store.ratings(gone.id) == store.reflections(gone.id) == {}
    assert store.scenario_attempts(gone.id) == store.exercise_attempts(gone.id) == {}
    assert store.ratings(kept.id) and store.reflections(kept.id)
