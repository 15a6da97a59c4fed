"""Answer rows in and out: upserts shared by the store, and a participant's progress file
(its shape and checks are in `empathydesk.progress_file`)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from empathydesk.progress_file import FORMAT, VERSION, ProgressFile
from empathydesk.storage.models import (
    checkpoints,
    cohorts,
    exercise_attempts,
    participants,
    piece_answers,
    ratings,
    reflections,
    scenario_attempts,
)

def dialect_insert(connection: Connection, table: Table) -> Any:
    """INSERT with ON CONFLICT support, for SQLite or PostgreSQL; only the dialect in use is imported."""
    return _dialect_insert(connection.dialect.name, table)


def _dialect_insert(dialect_name: str, table: Table) -> Any:
    if dialect_name == "sqlite":
        from sqlalchemy.dialects import sqlite as dialect
    else:
        from sqlalchemy.dialects import postgresql as dialect
    return dialect.insert(table)


# The upserts below are built once per dialect and run with their values as parameters: building and
# keying a statement costs more than running it (a save is a few of them).


@functools.cache
def _checkpoint_upsert(dialect_name: str) -> Any:
    statement = _dialect_insert(dialect_name, checkpoints)
    return statement.on_conflict_do_update(
        index_elements=["participant_id", "checkpoint"], set_={"checkpoint": statement.excluded.checkpoint}
    ).returning(checkpoints.c.id)


@functools.cache
def _rating_upsert(dialect_name: str, newer_only: bool) -> Any:
    return _on_rating_conflict(_dialect_insert(dialect_name, ratings), newer_only)


@functools.cache
def _checkpoint_and_rating_upsert(newer_only: bool) -> Any:
    """PostgreSQL: the checkpoint entry's upsert and the rating's in one statement (one round trip, not two);
    SQLite has no INSERT in a WITH."""
    from sqlalchemy.dialects import postgresql

    entry = postgresql.insert(checkpoints).values(
        participant_id=bindparam("pid"), checkpoint=bindparam("checkpoint"), started_at=bindparam("answered_at")
    )
    entry = entry.on_conflict_do_update(
        index_elements=["participant_id", "checkpoint"], set_={"checkpoint": entry.excluded.checkpoint}
    ).returning(checkpoints.c.id).cte("entry")
    names = ("item", "value", "answered_at", "version")
    row = select(entry.c.id, *(bindparam(name, type_=ratings.c[name].type) for name in names))
    return _on_rating_conflict(postgresql.insert(ratings).from_select(["checkpoint_entry_id", *names], row), newer_only)


def _on_rating_conflict(statement: Any, newer_only: bool) -> Any:
    return statement.on_conflict_do_update(
        index_elements=["checkpoint_entry_id", "item"],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at,
              "version": statement.excluded.version},
        where=(ratings.c.answered_at < statement.excluded.answered_at) if newer_only else None,
    )


@functools.cache
def _reflection_upsert(dialect_name: str, newer_only: bool) -> Any:
    statement = _dialect_insert(dialect_name, reflections)
    return statement.on_conflict_do_update(
        index_elements=["participant_id", "reflection"],
        set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
        where=(reflections.c.updated_at < statement.excluded.updated_at) if newer_only else None,
    )


def put_checkpoint(connection: Connection, pid: int, checkpoint: str, started_at: datetime) -> int:
    """The id of this participant's entry for `checkpoint`, created if new."""
    values = {"participant_id": pid, "checkpoint": checkpoint, "started_at": started_at}
    return int(connection.execute(_checkpoint_upsert(connection.dialect.name), values).scalar_one())


def put_rating(
    connection: Connection, pid: int, checkpoint: str, item: str, value: int, when: datetime, newer_only: bool = False,
    version: int = 1,
) -> None:
    """Upsert one rating, given under instrument `version`; with `newer_only` an answer given later is kept."""
    values = {"item": item, "value": value, "answered_at": when, "version": version}
    if connection.dialect.name == "postgresql":
        connection.execute(_checkpoint_and_rating_upsert(newer_only), {"pid": pid, "checkpoint": checkpoint, **values})
        return
    entry = put_checkpoint(connection, pid, checkpoint, when)
    connection.execute(_rating_upsert(connection.dialect.name, newer_only), {"checkpoint_entry_id": entry, **values})


def put_reflection(
    connection: Connection, pid: int, reflection: str, text: str, when: datetime, newer_only: bool = False
) -> None:
    """Upsert one reflection; with `newer_only` a text written later is kept."""
    connection.execute(
        _reflection_upsert(connection.dialect.name, newer_only),
        {"participant_id": pid, "reflection": reflection, "text": text, "updated_at": when},
    )


def export(connection: Connection, pid: int) -> dict[str, Any]:
    """Everything about participant `pid`, as progress-file data (not yet checked: see `progress_file.read`)."""
    person = connection.execute(
        select(participants.c.pseudonym, cohorts.c.name, participants.c.consent, participants.c.created_at)
        .join(cohorts, cohorts.c.id == participants.c.cohort_id)
        .where(participants.c.id == pid)
    ).one_or_none()
    if person is None:
        raise ValueError(f"There is no participant {pid}.")
    entries = []
    for entry_id, checkpoint, started_at in connection.execute(
        select(checkpoints.c.id, checkpoints.c.checkpoint, checkpoints.c.started_at)
        .where(checkpoints.c.participant_id == pid)
        .order_by(checkpoints.c.checkpoint)
    ):
        answers = connection.execute(
            select(ratings.c.item, ratings.c.value, ratings.c.answered_at, ratings.c.version)
            .where(ratings.c.checkpoint_entry_id == entry_id)
            .order_by(ratings.c.item)
        )
        entries.append(
            {
                "checkpoint": checkpoint,
                "started_at": started_at,
                "ratings": [{"item": i, "value": v, "answered_at": a, "version": n} for i, v, a, n in answers],
            }
        )
    scenarios = connection.execute(
        select(
            scenario_attempts.c.scenario,
            scenario_attempts.c.attempt,
            scenario_attempts.c.option,
            scenario_attempts.c.created_at,
        )
        .where(scenario_attempts.c.participant_id == pid)
        .order_by(scenario_attempts.c.scenario, scenario_attempts.c.attempt)
    )
    exercises = connection.execute(
        select(
            exercise_attempts.c.exercise,
            exercise_attempts.c.attempt,
            exercise_attempts.c.text,
            exercise_attempts.c.review,
            exercise_attempts.c.created_at,
        )
        .where(exercise_attempts.c.participant_id == pid)
        .order_by(exercise_attempts.c.exercise, exercise_attempts.c.attempt)
    )
    written = connection.execute(
        select(reflections.c.reflection, reflections.c.text, reflections.c.updated_at)
        .where(reflections.c.participant_id == pid)
        .order_by(reflections.c.reflection)
    )
    pieces = connection.execute(
        select(piece_answers.c.kind, piece_answers.c.key, piece_answers.c.attempt, piece_answers.c.value,
               piece_answers.c.created_at)
        .where(piece_answers.c.participant_id == pid)
        .order_by(piece_answers.c.kind, piece_answers.c.key, piece_answers.c.attempt)
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "pseudonym": person.pseudonym,
        "cohort": person.name,
        "consent": person.consent,
        "created_at": person.created_at,
        "checkpoints": entries,
        "scenario_attempts": [
            {"scenario": s, "attempt": n, "option": o, "created_at": c} for s, n, o, c in scenarios
        ],
        "exercise_attempts": [
            {"exercise": e, "attempt": n, "text": t, "review": r, "created_at": c}
            for e, n, t, r, c in exercises
        ],
        "reflections": [{"reflection": r, "text": t, "updated_at": u} for r, t, u in written],
        "pieces": [
            {"kind": k, "key": key, "attempt": n, "value": v, "created_at": c} for k, key, n, v, c in pieces
        ],
    }


def merge(connection: Connection, pid: int, file: ProgressFile) -> None:
    """Merge a checked progress file into participant `pid` (see `Store.import_participant`)."""
    created = connection.scalar(select(participants.c.created_at).where(participants.c.id == pid))
    connection.execute(
        update(participants)
        .where(participants.c.id == pid)
        .values(pseudonym=file.pseudonym, consent=file.consent, created_at=min(created, file.created_at))
    )
    for entry in file.checkpoints:
        put_checkpoint(connection, pid, entry.checkpoint, entry.started_at)
        for answer in entry.ratings:
            put_rating(
                connection, pid, entry.checkpoint, answer.item, answer.value, answer.answered_at, newer_only=True,
                version=answer.version,
            )
    for reflection in file.reflections:
        put_reflection(
            connection, pid, reflection.reflection, reflection.text, reflection.updated_at, newer_only=True
        )
    _merge_attempts(
        connection, pid, scenario_attempts, "scenario", ["option"],
        [a.model_dump() for a in file.scenario_attempts],
    )
    _merge_attempts(
        connection, pid, exercise_attempts, "exercise", ["text", "review"],
        [a.model_dump() for a in file.exercise_attempts],
    )
    for kind in sorted({p.kind for p in file.pieces}):
        _merge_attempts(
            connection, pid, piece_answers, "key", ["value"],
            [p.model_dump() for p in file.pieces if p.kind == kind], kind=kind,
        )


def _merge_attempts(
    connection: Connection, pid: int, table: Table, key: str, fields: list[str], imported: list[dict[str, Any]],
    **also: Any,
) -> None:
    """Combine stored and imported attempts per `key`, drop repeats, and renumber them in time order.

    `also`: more columns that pick the rows (a piece answer's kind), written with each row."""
    for key_value in sorted({attempt[key] for attempt in imported}):
        mine = table.c.participant_id == pid, table.c[key] == key_value, *(table.c[c] == v for c, v in also.items())
        columns = [table.c[f] for f in fields]
        stored = [
            {**dict(zip(fields, values)), "created_at": created}
            for *values, created in connection.execute(select(*columns, table.c.created_at).where(*mine))
        ]
        incoming = [
            {**{f: a[f] for f in fields}, "created_at": a["created_at"]}
            for a in imported
            if a[key] == key_value
        ]
        combined: dict[tuple[Any, ...], dict[str, Any]] = {}
        for attempt in stored + incoming:
            combined.setdefault((attempt["created_at"], repr([attempt[f] for f in fields])), attempt)
        connection.execute(delete(table).where(*mine))
        for number, attempt in enumerate(sorted(combined.values(), key=lambda a: a["created_at"]), start=1):
            connection.execute(
                insert(table).values(participant_id=pid, attempt=number, **{key: key_value}, **also, **attempt)
            )
