"""SQLAlchemy models: the tables, as the newest migration leaves them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, TypeDecorator
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


class Base(DeclarativeBase):
    pass


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)


def _stamp() -> Mapped[datetime]:
    return mapped_column(UTCDateTime, default=utcnow)


class CohortRow(Base):
    """A workshop group that participants join with its code."""

    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    modules: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = _stamp()


class ParticipantRow(Base):
    """A person under a pseudonym; `local_key` marks this instance's self-study participant."""

    __tablename__ = "participants"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    local_key: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = _stamp()


class AccessTokenRow(Base):
    """A secret link token; a revoked one no longer opens anything."""

    __tablename__ = "access_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _owner()
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _stamp()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckpointRow(Base):
    """One participant's take of a checkpoint (baseline, after a module, wrap-up, retro-before, follow-up)."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("participant_id", "checkpoint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _owner()
    checkpoint: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = _stamp()


class RatingRow(Base):
    """A self-assessment answer (1..5); answering again replaces it."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("checkpoint_entry_id", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_entry_id: Mapped[int] = mapped_column(
        ForeignKey("checkpoints.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(60))
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = _stamp()


class ScenarioAttemptRow(Base):
    """One choice in a scenario quiz; every try is kept, numbered from 1."""

    __tablename__ = "scenario_attempts"
    __table_args__ = (UniqueConstraint("participant_id", "scenario", "attempt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _owner()
    scenario: Mapped[str] = mapped_column(String(60))
    attempt: Mapped[int] = mapped_column(Integer)
    option: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = _stamp()


class ExerciseAttemptRow(Base):
    """One rewrite in an exercise with the coach's review; every try is kept."""

    __tablename__ = "exercise_attempts"
    __table_args__ = (UniqueConstraint("participant_id", "exercise", "attempt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _owner()
    exercise: Mapped[str] = mapped_column(String(60))
    attempt: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    review: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = _stamp()


class ReflectionRow(Base):
    """A free-text reflection; writing again replaces it."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("participant_id", "reflection"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _owner()
    reflection: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = _stamp()
