"""Every text the store writes loses control and bidirectional characters; ordinary text is kept as typed.

Runs on SQLite and PostgreSQL: PostgreSQL refuses NUL in text, so a NUL that got through would fail there.
"""

from __future__ import annotations

import json

import pytest

from empathydesk.cohort_export import cohort_rows, render
from empathydesk.storage import Store

HOSTILE = "A\x00l\x1b[31mi\x07c\x85e\u202e\u2066\u200f"
ORDINARY = "Zoë 👋 Ñandú\nsecond line\twith a tab"


def test_a_name_with_control_characters_joins_without_them(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    person = store.join(cohort.join_code, HOSTILE)
    assert person.pseudonym == "Al[31mice"
    assert store.participant_by_token(person.token).pseudonym == "Al[31mice"
    spoofed = store.join(cohort.join_code, "live\u202egnp.exe")
    assert spoofed.pseudonym == "livegnp.exe"


def test_ordinary_names_keep_accents_and_emoji(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    assert store.join(cohort.join_code, "Zoë 👋 Ñandú").pseudonym == "Zoë 👋 Ñandú"


def test_a_cohort_name_is_cleaned(store: Store) -> None:
    assert store.create_cohort("Room\x00 \u202eA\x1b").name == "Room A"


def test_reflections_and_rewrites_are_cleaned_and_keep_newlines(store: Store) -> None:
    pid = store.local_participant().id
    store.save_reflection(pid, "m1-r", "I will\x00 listen.\r\nThen\u202e fix.\x1b")
    store.save_reflection(pid, "m2-r", ORDINARY)
    assert store.reflections(pid) == {"m1-r": "I will listen.\nThen fix.", "m2-r": ORDINARY}
    store.add_exercise_attempt(pid, "rw-1", "Sorry\x00 about\u2067 that.\x9b", {"note": "quoted\x00 text"})
    store.add_exercise_attempt(pid, "rw-1", ORDINARY, {"findings": []})
    attempts = store.exercise_attempts(pid)["rw-1"]
    assert [a["text"] for a in attempts] == ["Sorry about that.", ORDINARY]
    assert attempts[0]["review"] == {"note": "quoted text"}


def test_an_imported_file_is_cleaned(store: Store) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.save_reflection(person.id, "module-1-reflection", ORDINARY)
    store.add_exercise_attempt(person.id, "module-1-rewrite-1", "Fine", {"findings": []})
    data = json.loads(json.dumps(store.export_participant(person.id)))
    data["pseudonym"] = "Sa\x00m\u202e\n\tB"
    data["reflections"].append({"reflection": "module-2-reflection", "text": "bad\x00 \x1btext\u202e", "updated_at": data["created_at"]})
    data["exercise_attempts"][0]["text"] = "Fi\x00ne\u200e"
    store.create_cohort("Beta", ["module-1"])
    imported = store.import_participant(data, cohort="Beta")
    assert imported.pseudonym == "Sam B"
    assert store.reflections(imported.id) == {"module-1-reflection": ORDINARY, "module-2-reflection": "bad text"}
    assert [a["text"] for a in store.exercise_attempts(imported.id)["module-1-rewrite-1"]] == ["Fine"]
    local = store.import_participant(data)  # merged into the local participant
    assert local.pseudonym == "Sam B" and store.reflections(local.id)["module-2-reflection"] == "bad text"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_cleans_text_stored_before_the_store_did(store: Store, fmt: str) -> None:
    from sqlalchemy import update

    from empathydesk.storage.models import participants, reflections

    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.set_consent(person.id, True)
    store.save_reflection(person.id, "m1-r", "placeholder")
    old = "old\x1b da\x00ta\u202e\nkept"
    if store.engine.dialect.name == "postgresql":
        old = old.replace("\x00", "")  # PostgreSQL never stored a NUL
    with store.engine.begin() as db:  # as an older version could have stored them
        db.execute(update(participants).values(pseudonym="=Sa\x07m\u202e"))
        db.execute(update(reflections).values(text=old))
    rows = cohort_rows(store, "Alpha")
    out = render(rows, fmt)
    for bad in ("\x00", "\x1b", "\x07", "\u202e", "\\u0000", "\\u001b", "\\u0007", "\\u202e"):
        assert bad not in out
    reflection = next(r for r in rows if r["kind"] == "reflection")
    assert reflection["value"] == "old data\nkept" and reflection["participant"] == "'=Sam"
