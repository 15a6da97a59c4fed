"""The progress file: one model for export, import and the demo data, checked against the course.

Every bad file is refused with a plain message that names the field, and stores nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import textstat
from sqlalchemy import select

from empathydesk import demo, progress_file
from empathydesk.content import load
from empathydesk.progress_file import MAX_DEPTH, NOT_OURS, ProgressFile, ProgressFileError, parse, read
from empathydesk.storage import Store
from empathydesk.storage.models import metadata

NOW = datetime.now(timezone.utc)


def _fill(store: Store, pid: int) -> None:
    store.set_consent(pid, True)
    store.save_rating(pid, "baseline", "perspective-1", 2)
    store.save_rating(pid, "baseline", "rapport-5", 4)
    store.save_rating(pid, "follow-up", "perspective-1", 5)
    for option in (1, 0):
        store.add_scenario_attempt(pid, "module-1-scenario-1", option)
    store.add_exercise_attempt(pid, "module-1-rewrite-1", "Have you tried turning it off?", {"findings": ["blame"]})
    store.save_reflection(pid, "module-1-reflection", "I will ask before I fix. ✓")


@pytest.fixture
def exported(store: Store) -> dict[str, Any]:
    """A normal file, as "Save my progress" writes it (through JSON, as on disk)."""
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    _fill(store, person.id)
    store.create_cohort("Beta", ["module-1"])
    return json.loads(json.dumps(store.export_participant(person.id)))


def _everything(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused file changed nothing."""
    with store.engine.connect() as db:
        return {name: sorted(map(tuple, db.execute(select(table))), key=repr) for name, table in metadata.tables.items()}


def _rating(d: dict[str, Any]) -> dict[str, Any]:
    return next(r for c in d["checkpoints"] if c["checkpoint"] == "baseline" for r in c["ratings"] if r["item"] == "rapport-5")


def _later(days: float = 2) -> str:
    return (NOW + timedelta(days=days)).isoformat()


# (what is changed, words the message must have: the field, then what is wrong)
BAD: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "rating 99": (lambda d: _rating(d).update(value=99), "ratings → baseline → rapport-5: 99 is not on the 1 to 5 scale."),
    "rating -5": (lambda d: _rating(d).update(value=-5), "ratings → baseline → rapport-5: -5 is not on the 1 to 5 scale."),
    "rating 4.5": (lambda d: _rating(d).update(value=4.5), "ratings → baseline → rapport-5: must be a whole number"),
    "rating as text": (lambda d: _rating(d).update(value="4"), "ratings → baseline → rapport-5: must be a whole number"),
    "rating true": (lambda d: _rating(d).update(value=True), "ratings → baseline → rapport-5: must be a whole number"),
    "unknown item": (lambda d: _rating(d).update(item="rapport-99"), "ratings → baseline → rapport-99: this course has no question"),
    "item not asked there": (
        lambda d: d["checkpoints"].append({"checkpoint": "after-module-1", "started_at": d["created_at"], "ratings": [
            {"item": "acknowledgement-3", "value": 3, "answered_at": d["created_at"], "version": _rating(d)["version"]}]}),
        "ratings → after-module-1 → acknowledgement-3: this question is not asked at this check-in.",
    ),
    "5,000-character item id": (lambda d: _rating(d).update(item="a" * 5000), "is 5,000 characters long, and it can be at most 60."),
    "unknown check-in": (lambda d: d["checkpoints"][0].update(checkpoint="mid-way"), "ratings → mid-way: this course has no check-in"),
    "5,000-character check-in": (lambda d: d["checkpoints"][0].update(checkpoint="b" * 5000), "ratings → bbbb"),
    "a check-in twice": (lambda d: d["checkpoints"].append(copy.deepcopy(d["checkpoints"][0])), "is in the file twice."),
    "option abc": (
        lambda d: d["scenario_attempts"][0].update(option="abc"),
        "scenario_attempts → module-1-scenario-1 → try 1 → option: must be a whole number, not the text “abc”.",
    ),
    "option that does not exist": (
        lambda d: d["scenario_attempts"][0].update(option=9),
        "scenario_attempts → module-1-scenario-1 → try 1 → option: 9 is not one of this scenario's options.",
    ),
    "negative option": (lambda d: d["scenario_attempts"][0].update(option=-1), "→ option: must be 0 or more"),
    "unknown scenario": (lambda d: d["scenario_attempts"][0].update(scenario="module-1-scenario-99"), "no scenario with that name"),
    "5,000-character scenario id": (lambda d: d["scenario_attempts"][0].update(scenario="s" * 5000), "at most 60."),
    "try 0": (lambda d: d["scenario_attempts"][0].update(attempt=0), "try 0: must be 1 or more"),
    "unknown exercise": (lambda d: d["exercise_attempts"][0].update(exercise="module-9-rewrite-1"), "no rewrite exercise"),
    "long reply": (
        lambda d: d["exercise_attempts"][0].update(text="x" * 4001),
        "exercise_attempts → module-1-rewrite-1 → try 1 → text: is 4,001 characters long, and it can be at most 4,000.",
    ),
    "review not a group of fields": (lambda d: d["exercise_attempts"][0].update(review=[1]), "→ review: must be a group of fields"),
    "unknown reflection": (lambda d: d["reflections"][0].update(reflection="module-1-diary"), "reflections → module-1-diary: this course has no reflection"),
    "4.5 MB reflection": (
        lambda d: d["reflections"][0].update(text="y" * 4_500_000),
        "reflections → module-1-reflection → text: is 4,500,000 characters long, and it can be at most 10,000.",
    ),
    'consent "no"': (lambda d: d.update(consent="no"), "consent: must be true or false, not the text “no”."),
    'consent "yes"': (lambda d: d.update(consent="yes"), "consent: must be true or false, not the text “yes”."),
    "consent 1": (lambda d: d.update(consent=1), "consent: must be true or false, not 1."),
    "no consent": (lambda d: d.pop("consent"), "consent: is missing."),
    "5,000-character name": (lambda d: d.update(pseudonym="n" * 5000), "pseudonym: is 5,000 characters long, and it can be at most 40."),
    "empty name": (lambda d: d.update(pseudonym=" \n "), "pseudonym: is empty."),
    "long cohort name": (lambda d: d.update(cohort="c" * 81), "cohort: is 81 characters long, and it can be at most 80."),
    "joined in the future": (lambda d: d.update(created_at=_later()), "created_at: "),
    "rated in the future": (lambda d: _rating(d).update(answered_at=_later(1)), "ratings → baseline → rapport-5 → answered_at: "),
    "tried in the future": (lambda d: d["scenario_attempts"][1].update(created_at=_later(400)), "try 2 → created_at: "),
    "reflected in the future": (lambda d: d["reflections"][0].update(updated_at=_later(0.1)), "updated_at: "),
    "a moment without a time zone": (lambda d: _rating(d).update(answered_at="2024-01-01T10:00:00"), "needs a time zone"),
    "a moment as a number": (lambda d: _rating(d).update(answered_at=1700000000), "must be a date and time"),
    "a field we don't have": (lambda d: d.update(password="x"), "password: is not part of a progress file."),
    "check-ins not a list": (lambda d: d.update(checkpoints={"baseline": {}}), "checkpoints: must be a list"),
}


@pytest.mark.parametrize("cohort", [None, "Beta"])
@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_refused_naming_the_field_and_stores_nothing(
    store: Store, exported: dict[str, Any], case: str, cohort: str | None
) -> None:
    change, words = BAD[case]
    bad = copy.deepcopy(exported)
    change(bad)
    store.local_participant()  # so that "nothing stored" is not just "no local participant yet"
    before = _everything(store)
    with pytest.raises(ProgressFileError) as refused:
        store.import_participant(bad, cohort=cohort)
    message = refused.value.message
    assert message.startswith("The file could not be loaded: ") and words in message, message
    assert not any(word in message for word in ("Traceback", "pydantic", "Input should", "type=", "{'"))
    assert _everything(store) == before


def test_future_checks_allow_a_few_minutes_of_clock_skew(store: Store, exported: dict[str, Any]) -> None:
    _rating(exported).update(answered_at=(NOW + timedelta(minutes=2)).isoformat())
    local = store.import_participant(exported)
    assert store.ratings(local.id)["baseline"]["rapport-5"] == 4


def test_consent_false_stays_false_and_a_refused_consent_changes_nothing(store: Store, exported: dict[str, Any]) -> None:
    exported["consent"] = False
    local = store.import_participant(exported)
    assert local.consent is False
    exported["consent"] = "no"  # the privacy bug: this used to be stored as consent given
    with pytest.raises(ProgressFileError, match="consent"):
        store.import_participant(exported)
    assert store.local_participant().consent is False


def test_a_normal_export_goes_through_the_model_and_round_trips_exactly(
    store: Store, exported: dict[str, Any], tmp_path: Any
) -> None:
    content = load()
    assert read(exported, content).to_data() == exported
    assert ProgressFile.model_validate(exported).to_data() == exported
    other = Store.open(f"sqlite:///{tmp_path}/other.sqlite")
    try:
        other.create_cohort("Alpha", ["module-1"])
        restored = other.import_participant(exported, cohort="Alpha")
        assert other.export_participant(restored.id) == exported
        assert restored.consent is True
    finally:
        other.close()


def test_the_export_refuses_what_could_not_be_loaded_again(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.save_rating(person.id, "baseline", "rapport-5", 7)  # the store takes up to 7; this course's scale ends at 5
    with pytest.raises(ProgressFileError) as refused:
        store.export_participant(person.id)
    assert refused.value.message == (
        "Your progress could not be put in a file: ratings → baseline → rapport-5: 7 is not on the 1 to 5 scale."
    )


def test_deeply_nested_data_is_refused_without_recursion_error(store: Store, exported: dict[str, Any]) -> None:
    deep: Any = 1
    for _ in range(100_000):
        deep = [deep]
    exported["exercise_attempts"][0]["review"] = {"findings": deep}
    before = _everything(store)
    with pytest.raises(ProgressFileError, match="brackets inside brackets"):
        store.import_participant(exported)
    assert _everything(store) == before


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"more than {MAX_DEPTH} levels deep"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, f"more than {MAX_DEPTH} levels deep"),
        (b" " * (progress_file.MAX_PROGRESS_FILE_BYTES + 1), "a progress file can be at most 5 MB."),
        (b"\xff\xfe{}", NOT_OURS),
        (b"<script>window.pw=1</script>", NOT_OURS),
        (b'{"value": 1' + b"0" * 5000 + b"}", NOT_OURS),  # a number too long for Python to read
    ],
)
def test_parse_checks_size_and_depth_before_parsing(raw: bytes, words: str) -> None:
    with pytest.raises(ProgressFileError) as refused:
        parse(raw)
    assert words in refused.value.message


def test_brackets_inside_text_do_not_count_as_depth() -> None:
    text = '[[[[[[[[[[[[[[[[[[[[[[[[[\\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{'
    assert parse(json.dumps({"text": text}).encode()) == {"text": text}


@pytest.mark.parametrize("bad", [{}, [], "x", {"format": "something-else"}, {"format": "empathydesk-participant"}])
def test_a_file_that_is_not_ours(store: Store, bad: Any) -> None:
    with pytest.raises(ProgressFileError) as refused:
        store.import_participant(bad)
    assert refused.value.message == NOT_OURS


def test_another_version_is_refused(store: Store, exported: dict[str, Any]) -> None:
    exported["version"] = 2
    with pytest.raises(ProgressFileError, match="different version"):
        store.import_participant(exported)


def test_the_demo_data_is_built_through_the_same_model_and_rules() -> None:
    content = load()
    now = datetime.now(timezone.utc)
    for person in demo.people(content, 80, seed=3, now=now):
        file = demo.export_data(content, person, "demo")
        assert isinstance(file, ProgressFile)
        progress_file.check(file, content, now)
        again = read(json.loads(json.dumps(file.to_data())), content, now)
        assert again == file
        values = [r.value for c in file.checkpoints for r in c.ratings]
        assert values and all(1 <= v <= 5 for v in values)


def test_the_messages_are_plain(exported: dict[str, Any]) -> None:
    """The words after the field read at grade 9 or below (Flesch-Kincaid, as tests/test_readability.py)."""
    messages = [progress_file.NOT_OURS, progress_file.OTHER_VERSION, progress_file.TOO_DEEP + ".",
                progress_file.too_big(12_000_000).message]
    content = load()
    for change, _ in BAD.values():
        bad = copy.deepcopy(exported)
        change(bad)
        try:
            read(bad, content)
        except ProgressFileError as refused:
            messages.append(refused.message.rsplit(": ", 1)[-1])
    for message in messages:
        words = " ".join(w for w in message.split() if not any(ch.isdigit() or ch in "→_…" for ch in w))
        assert textstat.flesch_kincaid_grade(words) <= 9, message


def test_an_answer_from_an_earlier_version_is_kept_with_its_version(store: Store, exported: dict[str, Any]) -> None:
    """A file saved under version 1 may hold items that version 2 retired: they load, and keep version 1."""
    old = copy.deepcopy(exported)
    old["checkpoints"][0]["ratings"].append({"item": "rapport-1", "value": 4, "answered_at": old["created_at"]})
    person = store.import_participant(old, cohort=None)
    assert store.ratings(person.id)["baseline"]["rapport-1"] == 4
    assert any(r["item"] == "rapport-1" and r["version"] == 1
               for c in store.export_participant(person.id)["checkpoints"] for r in c["ratings"])
