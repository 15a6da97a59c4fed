"""Answer rows in and out: upserts shared by the store, and a participant's portable JSON file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from empathydesk.storage.models import (
    CheckpointRow,
    CohortRow,
    ExerciseAttemptRow,
    ParticipantRow,
    RatingRow,
    ReflectionRow,
    ScenarioAttemptRow,
)

FORMAT = "empathydesk-participant"
VERSION = 1
NOT_OURS = (
    "This file doesn't look like an EmpathyDesk progress file. "
    'Please choose the file you saved with "save my progress".'
)


def dialect_insert(connection: Connection, model: Any) -> Any:
    """INSERT with ON CONFLICT support, for SQLite or PostgreSQL."""
    return (sqlite_insert if connection.dialect.name == "sqlite" else pg_insert)(model)


def put_checkpoint(connection: Connection, pid: int, checkpoint: str, started_at: datetime) -> int:
    """The id of this participant's entry for `checkpoint`, created if new."""
    statement = dialect_insert(connection, CheckpointRow).values(
        participant_id=pid, checkpoint=checkpoint, started_at=started_at
    )
    statement = statement.on_conflict_do_update(
        index_elements=["participant_id", "checkpoint"], set_={"checkpoint": statement.excluded.checkpoint}
    )
    return int(connection.execute(statement.returning(CheckpointRow.id)).scalar_one())


def put_rating(
    connection: Connection, pid: int, checkpoint: str, item: str, value: int, when: datetime, newer_only: bool = False
) -> None:
    """Upsert one rating; with `newer_only` an answer given later is kept."""
    entry = put_checkpoint(connection, pid, checkpoint, when)
    statement = dialect_insert(connection, RatingRow).values(
        checkpoint_entry_id=entry, item=item, value=value, answered_at=when
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["checkpoint_entry_id", "item"],
            set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at},
            where=(RatingRow.answered_at < statement.excluded.answered_at) if newer_only else None,
        )
    )


def put_reflection(
    connection: Connection, pid: int, reflection: str, text: str, when: datetime, newer_only: bool = False
) -> None:
    """Upsert one reflection; with `newer_only` a text written later is kept."""
    statement = dialect_insert(connection, ReflectionRow).values(
        participant_id=pid, reflection=reflection, text=text, updated_at=when
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["participant_id", "reflection"],
            set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
            where=(ReflectionRow.updated_at < statement.excluded.updated_at) if newer_only else None,
        )
    )


def ratings(connection: Connection, pid: int) -> dict[str, dict[str, int]]:
    query = (
        select(CheckpointRow.checkpoint, RatingRow.item, RatingRow.value)
        .join(RatingRow, RatingRow.checkpoint_entry_id == CheckpointRow.id)
        .where(CheckpointRow.participant_id == pid)
    )
    result: dict[str, dict[str, int]] = {}
    for checkpoint, item, value in connection.execute(query):
        result.setdefault(checkpoint, {})[item] = value
    return result


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def export(connection: Connection, pid: int) -> dict[str, Any]:
    """Everything about participant `pid`, as JSON-able data in a stable order."""
    person = connection.execute(
        select(ParticipantRow.pseudonym, CohortRow.name, ParticipantRow.consent, ParticipantRow.created_at)
        .join(CohortRow, CohortRow.id == ParticipantRow.cohort_id)
        .where(ParticipantRow.id == pid)
    ).one_or_none()
    if person is None:
        raise ValueError(f"There is no participant {pid}.")
    checkpoints = []
    for entry_id, checkpoint, started_at in connection.execute(
        select(CheckpointRow.id, CheckpointRow.checkpoint, CheckpointRow.started_at)
        .where(CheckpointRow.participant_id == pid)
        .order_by(CheckpointRow.checkpoint)
    ):
        answers = connection.execute(
            select(RatingRow.item, RatingRow.value, RatingRow.answered_at)
            .where(RatingRow.checkpoint_entry_id == entry_id)
            .order_by(RatingRow.item)
        )
        checkpoints.append(
            {
                "checkpoint": checkpoint,
                "started_at": _iso(started_at),
                "ratings": [{"item": i, "value": v, "answered_at": _iso(a)} for i, v, a in answers],
            }
        )
    scenarios = connection.execute(
        select(
            ScenarioAttemptRow.scenario,
            ScenarioAttemptRow.attempt,
            ScenarioAttemptRow.option,
            ScenarioAttemptRow.created_at,
        )
        .where(ScenarioAttemptRow.participant_id == pid)
        .order_by(ScenarioAttemptRow.scenario, ScenarioAttemptRow.attempt)
    )
    exercises = connection.execute(
        select(
            ExerciseAttemptRow.exercise,
            ExerciseAttemptRow.attempt,
            ExerciseAttemptRow.text,
            ExerciseAttemptRow.review,
            ExerciseAttemptRow.created_at,
        )
        .where(ExerciseAttemptRow.participant_id == pid)
        .order_by(ExerciseAttemptRow.exercise, ExerciseAttemptRow.attempt)
    )
    reflections = connection.execute(
        select(ReflectionRow.reflection, ReflectionRow.text, ReflectionRow.updated_at)
        .where(ReflectionRow.participant_id == pid)
        .order_by(ReflectionRow.reflection)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "pseudonym": person.pseudonym,
        "cohort": person.name,
        "consent": person.consent,
        "created_at": _iso(person.created_at),
        "checkpoints": checkpoints,
        "scenario_attempts": [
            {"scenario": s, "attempt": n, "option": o, "created_at": _iso(c)} for s, n, o, c in scenarios
        ],
        "exercise_attempts": [
            {"exercise": e, "attempt": n, "text": t, "review": r, "created_at": _iso(c)}
            for e, n, t, r, c in exercises
        ],
        "reflections": [{"reflection": r, "text": t, "updated_at": _iso(u)} for r, t, u in reflections],
    }


def check(data: Any) -> None:
    """Raise ValueError (with a message fit for a participant) unless `data` is an export file."""
    keys = {"pseudonym", "consent", "created_at", "checkpoints", "reflections"}
    keys |= {"scenario_attempts", "exercise_attempts"}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not keys <= data.keys():
        raise ValueError(NOT_OURS)
    if data.get("version") != VERSION:
        raise ValueError("This progress file comes from a different version of EmpathyDesk, so it can't be read here.")


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def merge(connection: Connection, pid: int, data: dict[str, Any]) -> None:
    """Merge an export file into participant `pid` (see `Store.import_participant`)."""
    created = connection.scalar(select(ParticipantRow.created_at).where(ParticipantRow.id == pid))
    connection.execute(
        update(ParticipantRow)
        .where(ParticipantRow.id == pid)
        .values(
            pseudonym=data["pseudonym"][:40],
            consent=bool(data["consent"]),
            created_at=min(created, _when(data["created_at"])),
        )
    )
    for entry in data["checkpoints"]:
        put_checkpoint(connection, pid, entry["checkpoint"], _when(entry["started_at"]))
        for answer in entry["ratings"]:
            put_rating(
                connection, pid, entry["checkpoint"], answer["item"], int(answer["value"]),
                _when(answer["answered_at"]), newer_only=True,
            )
    for reflection in data["reflections"]:
        when = _when(reflection["updated_at"])
        put_reflection(connection, pid, reflection["reflection"], reflection["text"], when, newer_only=True)
    _merge_attempts(connection, pid, ScenarioAttemptRow, "scenario", ["option"], data["scenario_attempts"])
    _merge_attempts(connection, pid, ExerciseAttemptRow, "exercise", ["text", "review"], data["exercise_attempts"])


def _merge_attempts(
    connection: Connection, pid: int, model: Any, key: str, fields: list[str], imported: list[dict[str, Any]]
) -> None:
    """Combine stored and imported attempts per `key`, drop repeats, and renumber them in time order."""
    for key_value in sorted({attempt[key] for attempt in imported}):
        mine = model.participant_id == pid, getattr(model, key) == key_value
        columns = [getattr(model, f) for f in fields]
        stored = [
            {**dict(zip(fields, values)), "created_at": created}
            for *values, created in connection.execute(select(*columns, model.created_at).where(*mine))
        ]
        incoming = [
            {**{f: a[f] for f in fields}, "created_at": _when(a["created_at"])}
            for a in imported
            if a[key] == key_value
        ]
        combined: dict[tuple[Any, ...], dict[str, Any]] = {}
        for attempt in stored + incoming:
            combined.setdefault((attempt["created_at"], repr([attempt[f] for f in fields])), attempt)
        connection.execute(delete(model).where(*mine))
        for number, attempt in enumerate(sorted(combined.values(), key=lambda a: a["created_at"]), start=1):
            connection.execute(
                model.__table__.insert().values(participant_id=pid, attempt=number, **{key: key_value}, **attempt)
            )
