"""What the store hands out: plain, frozen records and the two friendly errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
