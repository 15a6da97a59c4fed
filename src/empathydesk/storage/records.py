"""What the store hands out: plain, frozen records and the two friendly errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Cohort:
    id: int
    name: str
    join_code: str
    modules: list[str]
    created_at: datetime
    locked: bool = False  # closed to new people; everyone who joined keeps their link


@dataclass(frozen=True)
class Participant:
    id: int
    pseudonym: str
    token: str
    cohort: str
    consent: bool
    created_at: datetime


@dataclass(frozen=True)
class Answers:
    """Everything one participant has answered (empty by default: nothing yet)."""

    ratings: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # checkpoint -> item -> value
    scenario_attempts: Mapping[str, Sequence[int]] = field(default_factory=dict)  # scenario -> options, in order
    # exercise -> [{"text", "review", "created_at"}], in order
    exercise_attempts: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    reflections: Mapping[str, str] = field(default_factory=dict)  # reflection -> text
    # checkpoint -> the instrument version its ratings were given under (the newest, if they differ)
    versions: Mapping[str, int] = field(default_factory=dict)
    # kind -> key -> its answers' values, in order (kinds that keep their answers in `piece_answers`)
    pieces: Mapping[str, Mapping[str, Sequence[Any]]] = field(default_factory=dict)


class StorageError(RuntimeError):
    """The database can't do what was asked; `.message` is fit to show a participant."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class JoinError(ValueError):
    """Joining didn't work; `.message` says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
