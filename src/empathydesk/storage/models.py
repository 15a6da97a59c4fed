"""The tables, as the newest migration leaves them: SQLAlchemy Core only, so kernels never load the ORM."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy import TypeDecorator, UniqueConstraint, false


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC, read back timezone-aware on every database (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _owner(name: str = "participant_id", parent: str = "participants.id") -> Column[int]:
    return Column(name, Integer, ForeignKey(parent, ondelete="CASCADE"), nullable=False, index=True)


def _text(name: str, length: int | None = None, unique: bool = False) -> Column[str]:
    return Column(name, String(length) if length else Text, nullable=False, unique=unique)


def _number(name: str) -> Column[int]:
    return Column(name, Integer, nullable=False)


def _stamp(name: str) -> Column[datetime]:
    return Column(name, UTCDateTime, nullable=False, default=utcnow)


# A workshop group that participants join with its code, unless the facilitator has locked it.
cohorts = Table(
    "cohorts",
    metadata,
    _id(),
    _text("name", 80, unique=True),
    _text("join_code", 16, unique=True),
    Column("modules", JSON, nullable=False),
    _stamp("created_at"),
    Column("locked", Boolean, nullable=False, default=False, server_default=false()),
)

# A person under a pseudonym; `local_key` marks this instance's self-study participant.
participants = Table(
    "participants",
    metadata,
    _id(),
    _owner("cohort_id", "cohorts.id"),
    _text("pseudonym", 40),
    Column("consent", Boolean, nullable=False, default=False),
    Column("local_key", String(16), unique=True),
    _stamp("created_at"),
)

# A secret link token; a revoked one no longer opens anything.
access_tokens = Table(
    "access_tokens",
    metadata,
    _id(),
    _owner(),
    _text("token", 64, unique=True),
    _stamp("created_at"),
    Column("revoked_at", UTCDateTime),
)

# One participant's take of a checkpoint (baseline, after a module, wrap-up, retro-before, follow-up).
checkpoints = Table(
    "checkpoints",
    metadata,
    _id(),
    _owner(),
    _text("checkpoint", 40),
    _stamp("started_at"),
    UniqueConstraint("participant_id", "checkpoint"),
)

# A self-assessment answer (1..5); answering again replaces it (and its version).
ratings = Table(
    "ratings",
    metadata,
    _id(),
    _owner("checkpoint_entry_id", "checkpoints.id"),
    _text("item", 60),
    _number("value"),
    _stamp("answered_at"),
    # The instrument version the answer was given under (assessments/instrument.yaml); 1 before versions.
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("checkpoint_entry_id", "item"),
)

# One choice in a scenario quiz; every try is kept, numbered from 1.
scenario_attempts = Table(
    "scenario_attempts",
    metadata,
    _id(),
    _owner(),
    _text("scenario", 60),
    _number("attempt"),
    _number("option"),
    _stamp("created_at"),
    UniqueConstraint("participant_id", "scenario", "attempt"),
)

# One rewrite in an exercise with the coach's review; every try is kept.
exercise_attempts = Table(
    "exercise_attempts",
    metadata,
    _id(),
    _owner(),
    _text("exercise", 60),
    _number("attempt"),
    _text("text"),
    Column("review", JSON, nullable=False),
    _stamp("created_at"),
    UniqueConstraint("participant_id", "exercise", "attempt"),
)

# A free-text reflection; writing again replaces it.
reflections = Table(
    "reflections",
    metadata,
    _id(),
    _owner(),
    _text("reflection", 60),
    _text("text"),
    _stamp("updated_at"),
    UniqueConstraint("participant_id", "reflection"),
)

# An answer to a kind of piece that keeps its answers here rather than in a table of its own
# (`empathydesk.kinds.Kind.stores`): under the kind's name and a key of its choosing, numbered from 1.
piece_answers = Table(
    "piece_answers",
    metadata,
    _id(),
    _owner(),
    _text("kind", 40),
    _text("key", 60),
    _number("attempt"),
    Column("value", JSON, nullable=False),
    _stamp("created_at"),
    UniqueConstraint("participant_id", "kind", "key", "attempt"),
)

# What a participant has typed into a box (a rewrite's reply, a reflection) and not yet checked or saved,
# under the box's key ("rewrite/<exercise>", "reflection/<id>"); typing again replaces it. Not an answer:
# no score, no progress file, no cohort view reads it.
drafts = Table(
    "drafts",
    metadata,
    _id(),
    _owner(),
    _text("key", 80),
    _text("text"),
    _stamp("updated_at"),
    UniqueConstraint("participant_id", "key"),
)
