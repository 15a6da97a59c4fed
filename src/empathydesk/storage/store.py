"""The repository: every read and write the lessons, charts and dashboards need."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from empathydesk import progress_file
from empathydesk.limits import MAX_COHORT_NAME, MAX_DRAFT_CHARS, MAX_NAME
from empathydesk.storage import portable
from empathydesk.storage.engine import default_url, make_engine
from empathydesk.storage.models import (
    access_tokens,
    checkpoints,
    cohorts,
    drafts,
    exercise_attempts,
    participants,
    piece_answers,
    ratings,
    reflections,
    scenario_attempts,
    utcnow,
)
from empathydesk.storage.records import Answers, Cohort, JoinError, Participant, StorageError
from empathydesk.storage.schema import upgrade
from empathydesk.text import clean, clean_all

if TYPE_CHECKING:
    from empathydesk.content import Content

SELF_STUDY = "self-study"
LOCAL_KEY = "local"
LOCAL_NAME = "Me"
LOCAL_LOCK = 7_240_002
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

READ_ONLY = "Your answers can't be saved right now, because the database is read-only. Please tell the facilitator."
FULL = "Your answers can't be saved right now, because the database is full. Please tell the facilitator."
DISK = "Your answers can't be saved right now, because of a problem with the computer's disk. Please tell the facilitator."
GONE = "We can't reach the database just now. Please try again in a minute, or tell the facilitator."
OTHER = "Something went wrong while saving. Please try again, or tell the facilitator."

NO_NAME = "Please type a name to show with your answers. A nickname is fine."
NO_CODE = "We couldn't find a workshop with that code. Please check it with your facilitator."
OTHER_WORKSHOP = "That code is for a different workshop. Please check the code on the screen, or ask your facilitator."
LOCKED = "This workshop is not taking new people right now. Please ask your facilitator."


def friendly_message(error: BaseException) -> str:
    """The plain-words message for a database error."""
    if isinstance(error, IntegrityError):  # its text can quote participants' data: never inspect it
        return OTHER
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or ""
    text = str(original or error).lower()
    if state == "25006" or "readonly database" in text:
        return READ_ONLY
    if state == "53100" or "disk is full" in text or "no space left" in text:
        return FULL
    if getattr(original, "sqlite_errorname", "").startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return DISK
    invalidated = isinstance(error, DBAPIError) and error.connection_invalidated
    if invalidated or state.startswith(("08", "57P")) or "unable to open database" in text or "connection" in text:
        return GONE
    return OTHER


@contextmanager
def _friendly() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as error:
        raise StorageError(friendly_message(error)) from error


def new_token() -> str:
    """An unguessable link token: 192 bits from `secrets`, after a letter so that it never starts with "-"
    (one in 64 did, and `empathydesk participant export --token -abc…` then read it as an option)."""
    return "t" + secrets.token_urlsafe(24)


def new_join_code() -> str:
    """A short code that is easy to read aloud and type, like "K7QM-3XPA"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


CHECK_CODE_KEY = b"empathydesk check code"


def check_code(token: str) -> str:
    """A short code, like "K7P2", that only the holder of `token` sees on their landing page.

    Made from the token (HMAC-SHA256), so it changes when the link is made anew. Telling it to the
    facilitator shows that a lost link was really yours.
    """
    number = int.from_bytes(hmac.new(CHECK_CODE_KEY, token.encode(), hashlib.sha256).digest(), "big")
    letters = []
    for _ in range(4):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    return "".join(letters)


def check_code_matches(token: str, given: str) -> bool:
    """True if `given` is the check code of `token` (case, spaces and dashes ignored; compared in constant time)."""
    typed = re.sub(r"[\s-]+", "", given).upper()
    return hmac.compare_digest(typed.encode(), check_code(token).encode())


def all_modules() -> list[str]:
    """Every module id of the course, in order."""
    from empathydesk.content import load

    return [module.id for module in load().modules]


def _course() -> Content:
    from empathydesk.content import load

    return load()


def normalise_code(code: str) -> str:
    raw = re.sub(r"[^A-Z0-9]", "", code.upper())
    return f"{raw[:4]}-{raw[4:]}"


PARTICIPANT_COLUMNS = (
    participants.c.id,
    participants.c.pseudonym,
    access_tokens.c.token,
    cohorts.c.name,
    participants.c.consent,
    participants.c.created_at,
)


def _participant_query() -> Any:
    return (
        select(*PARTICIPANT_COLUMNS)
        .join(cohorts, cohorts.c.id == participants.c.cohort_id)
        .join(
            access_tokens,
            (access_tokens.c.participant_id == participants.c.id) & access_tokens.c.revoked_at.is_(None),
        )
    )


Whose = Callable[[Any], Any]  # a participant-id column -> the condition picking the people wanted


def _of(pid: int) -> Whose:
    return lambda owner: owner == pid


def _in_cohort(cohort_name: str) -> Any:
    """The ids of the cohort's participants, as a query."""
    return (
        select(participants.c.id)
        .join(cohorts, cohorts.c.id == participants.c.cohort_id)
        .where(cohorts.c.name == cohort_name)
    )


def instrument_version() -> int:
    """The version of the loaded instrument: what a rating saved now is given under."""
    from empathydesk.content import load

    return load().instrument.version


def _ratings_and_versions(
    connection: Connection, whose: Whose
) -> tuple[dict[int, dict[str, dict[str, int]]], dict[int, dict[str, int]]]:
    """(pid -> checkpoint -> item -> value, pid -> checkpoint -> instrument version), in one query.

    A check-in's version is the newest version any of its answers was given under.
    """
    query = (
        select(checkpoints.c.participant_id, checkpoints.c.checkpoint, ratings.c.item, ratings.c.value,
               ratings.c.version)
        .join(ratings, ratings.c.checkpoint_entry_id == checkpoints.c.id)
        .where(whose(checkpoints.c.participant_id))
    )
    result: dict[int, dict[str, dict[str, int]]] = {}
    versions: dict[int, dict[str, int]] = {}
    for pid, checkpoint, item, value, version in connection.execute(query):
        result.setdefault(pid, {}).setdefault(checkpoint, {})[item] = value
        mine = versions.setdefault(pid, {})
        mine[checkpoint] = max(mine.get(checkpoint, 0), int(version))
    return result, versions


def _ratings(connection: Connection, whose: Whose) -> dict[int, dict[str, dict[str, int]]]:
    """pid -> checkpoint -> item -> value."""
    return _ratings_and_versions(connection, whose)[0]


def _scenario_attempts(connection: Connection, whose: Whose) -> dict[int, dict[str, list[int]]]:
    """pid -> scenario -> chosen option indexes, in order."""
    table = scenario_attempts
    query = (
        select(table.c.participant_id, table.c.scenario, table.c.option)
        .where(whose(table.c.participant_id))
        .order_by(table.c.participant_id, table.c.scenario, table.c.attempt)
    )
    result: dict[int, dict[str, list[int]]] = {}
    for pid, scenario, option in connection.execute(query):
        result.setdefault(pid, {}).setdefault(scenario, []).append(option)
    return result


def _exercise_attempts(connection: Connection, whose: Whose) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """pid -> exercise -> [{"text", "review", "created_at"}], in order."""
    table = exercise_attempts
    query = (
        select(table.c.participant_id, table.c.exercise, table.c.text, table.c.review, table.c.created_at)
        .where(whose(table.c.participant_id))
        .order_by(table.c.participant_id, table.c.exercise, table.c.attempt)
    )
    result: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for pid, exercise, text, review, created_at in connection.execute(query):
        attempt = {"text": text, "review": review, "created_at": created_at}
        result.setdefault(pid, {}).setdefault(exercise, []).append(attempt)
    return result


def _reflections(connection: Connection, whose: Whose) -> dict[int, dict[str, str]]:
    """pid -> reflection -> text."""
    query = select(reflections.c.participant_id, reflections.c.reflection, reflections.c.text).where(
        whose(reflections.c.participant_id)
    )
    result: dict[int, dict[str, str]] = {}
    for pid, reflection, text in connection.execute(query):
        result.setdefault(pid, {})[reflection] = text
    return result


def _piece_answers(connection: Connection, whose: Whose) -> dict[int, dict[str, dict[str, list[Any]]]]:
    """pid -> kind -> key -> values, in order."""
    table = piece_answers
    query = (
        select(table.c.participant_id, table.c.kind, table.c.key, table.c.value)
        .where(whose(table.c.participant_id))
        .order_by(table.c.participant_id, table.c.kind, table.c.key, table.c.attempt)
    )
    result: dict[int, dict[str, dict[str, list[Any]]]] = {}
    for pid, kind, key, value in connection.execute(query):
        result.setdefault(pid, {}).setdefault(kind, {}).setdefault(key, []).append(value)
    return result


def _answers(connection: Connection, whose: Whose, pids: Iterable[int]) -> dict[int, Answers]:
    """pid -> Answers for each of `pids`: one query per kind of answer, for all of them at once."""
    rated, versions = _ratings_and_versions(connection, whose)
    found = [rated] + [read(connection, whose) for read in (_scenario_attempts, _exercise_attempts, _reflections)]
    pieces = _piece_answers(connection, whose)
    return {
        pid: Answers(*(kind.get(pid, {}) for kind in found), versions=versions.get(pid, {}), pieces=pieces.get(pid, {}))
        for pid in pids
    }


# Statements that every save runs, built once (their values are parameters): building and keying a
# statement costs more than running it.
_LOCK_PARTICIPANT = select(participants.c.id).where(participants.c.id == bindparam("pid")).with_for_update()


@functools.cache
def _add_next(table: Table, keys: tuple[str, ...], names: tuple[str, ...]) -> Any:
    """INSERT participant ``:pid``'s next attempt under `keys` (each ``= :<key>``), its number one more than
    their last there, with the columns `names` (each ``:<name>``), RETURNING that number: one statement."""
    mine = [table.c.participant_id == bindparam("pid"), *(table.c[key] == bindparam(key) for key in keys)]
    number = select(func.coalesce(func.max(table.c.attempt), 0) + 1).where(*mine).scalar_subquery()
    given = [bindparam(name, type_=table.c[name].type) for name in (*keys, *names)]
    row = select(bindparam("pid", type_=table.c.participant_id.type), *given[:len(keys)], number, *given[len(keys):])
    columns = ["participant_id", *keys, "attempt", *names]
    return insert(table).from_select(columns, row).returning(table.c.attempt)


_PIECE_ANSWERS_OF = (piece_answers.c.participant_id == bindparam("pid"), piece_answers.c.kind == bindparam("kind"),
                     piece_answers.c.key == bindparam("key"))
_DELETE_PIECE_ANSWERS = delete(piece_answers).where(*_PIECE_ANSWERS_OF)


class Store:
    """One database (SQLite file or PostgreSQL server) holding cohorts, participants and answers."""

    _cache: ClassVar[dict[str, Store]] = {}
    _cache_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._writer = engine.execution_options(write=True)
        self._shared = threading.local()  # the connection of this thread's `together()`, while it runs

    @classmethod
    def open(cls, url: str | None = None, pool_size: int | None = None) -> Store:
        """The store for `url` (default: `$EMPATHYDESK_DB_URL` or the SQLite file), schema up to date.

        `pool_size`: the connections a server database's store keeps (see `engine.make_engine`), when this
        call opens it."""
        url = url or default_url()
        with cls._cache_lock:
            if url not in cls._cache:
                engine = make_engine(url, pool_size)
                try:
                    with _friendly():
                        upgrade(engine)
                except StorageError:
                    engine.dispose()
                    raise
                cls._cache[url] = cls(engine, url)
            return cls._cache[url]

    def close(self) -> None:
        """Release the connections and forget this store in the cache."""
        with self._cache_lock:
            self._cache.pop(self.url, None)
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with _friendly(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        shared = getattr(self._shared, "connection", None)
        if shared is not None:  # inside `together()`: its transaction
            with _friendly():
                yield shared
            return
        with _friendly(), self._writer.begin() as connection:
            yield connection

    @contextmanager
    def together(self) -> Iterator[None]:
        """The writes this thread makes inside go into one transaction, committed once at the end (one flush
        of the database's log for all of them), or none of them if anything inside raises. For a writer that
        groups saves which arrive together (the hub service's `empathydesk.hub.writer`); reads inside do not
        see these writes before the end."""
        with self._write() as connection:
            self._shared.connection = connection
            try:
                yield
            finally:
                self._shared.connection = None

    # --- cohorts -------------------------------------------------------------------------------

    def create_cohort(self, name: str, modules: list[str] | None = None) -> Cohort:
        """A new cohort with a fresh join code; `modules` None means every module."""
        name = clean(name).strip()
        if not name or len(name) > MAX_COHORT_NAME:
            raise ValueError(f"A cohort name needs 1 to {MAX_COHORT_NAME} characters.")
        modules = all_modules() if modules is None else list(modules)
        with self._write() as connection:
            if connection.scalar(select(cohorts.c.id).where(cohorts.c.name == name)) is not None:
                raise ValueError(f"There is already a cohort called {name!r}.")
            code = new_join_code()
            while connection.scalar(select(cohorts.c.id).where(cohorts.c.join_code == code)):
                code = new_join_code()
            connection.execute(
                insert(cohorts).values(name=name, join_code=code, modules=modules, created_at=utcnow())
            )
        cohort = self.cohort(name)
        assert cohort is not None
        return cohort

    def _cohorts(self, where: Any = None) -> list[Cohort]:
        query = select(
            cohorts.c.id,
            cohorts.c.name,
            cohorts.c.join_code,
            cohorts.c.modules,
            cohorts.c.created_at,
            cohorts.c.locked,
        ).order_by(cohorts.c.created_at, cohorts.c.id)
        if where is not None:
            query = query.where(where)
        with self._read() as connection:
            return [Cohort(*row) for row in connection.execute(query)]

    def cohort(self, name: str) -> Cohort | None:
        found = self._cohorts(cohorts.c.name == name)
        return found[0] if found else None

    def cohort_by_code(self, code: str) -> Cohort | None:
        found = self._cohorts(cohorts.c.join_code == normalise_code(code))
        return found[0] if found else None

    def cohorts(self) -> list[Cohort]:
        return self._cohorts()

    def set_locked(self, cohort_name: str, locked: bool) -> None:
        """Close the cohort to new people (`locked` True) or open it again. Links that work keep working."""
        with self._write() as connection:
            connection.execute(update(cohorts).where(cohorts.c.name == cohort_name).values(locked=bool(locked)))

    def delete_cohort(self, name: str) -> None:
        """Delete a cohort and everything its participants stored."""
        with self._write() as connection:
            connection.execute(delete(cohorts).where(cohorts.c.name == name))

    # --- participants --------------------------------------------------------------------------

    def _participants(self, where: Any) -> list[Participant]:
        query = _participant_query().where(where).order_by(participants.c.id)
        with self._read() as connection:
            return [Participant(*row) for row in connection.execute(query)]

    def participant(self, participant_id: int) -> Participant | None:
        found = self._participants(participants.c.id == participant_id)
        return found[0] if found else None

    def _add_participant(
        self, connection: Connection, cohort_id: int, pseudonym: str, **extra: Any
    ) -> int:
        values = {"consent": False, "created_at": utcnow(), **extra}
        participant_id = connection.execute(
            insert(participants)
            .values(cohort_id=cohort_id, pseudonym=pseudonym, **values)
            .returning(participants.c.id)
        ).scalar_one()
        connection.execute(
            insert(access_tokens).values(participant_id=participant_id, token=new_token(), created_at=utcnow())
        )
        return participant_id

    def join(self, join_code: str, display_name: str, cohort: str | None = None) -> Participant:
        """Add a participant to the cohort with this code; JoinError says kindly what went wrong.

        `cohort` names the only cohort this page takes people into (a workshop's own pages); None: any.
        A locked cohort takes nobody new.
        """
        name = " ".join(clean(display_name).split())
        if not name:
            raise JoinError(NO_NAME)
        if len(name) > MAX_NAME:
            raise JoinError(f"Please choose a shorter name, up to {MAX_NAME} letters.")
        found = self.cohort_by_code(join_code)
        if found is None:
            raise JoinError(NO_CODE)
        if cohort is not None and found.name != cohort:
            raise JoinError(OTHER_WORKSHOP)
        if found.locked:
            raise JoinError(LOCKED)
        with self._write() as connection:
            participant_id = self._add_participant(connection, found.id, name)
        joined = self.participant(participant_id)
        assert joined is not None
        return joined

    def participant_by_token(self, token: str) -> Participant | None:
        """The participant whose link carries `token`; None if unknown or revoked."""
        if not token:
            return None
        found = self._participants(access_tokens.c.token == token)
        return found[0] if found else None

    def participant_by_key(self, key: str) -> Participant | None:
        """The participant marked with `key` (`local_key`: this instance's self-study one, a hub user's), or None."""
        found = self._participants(participants.c.local_key == key)
        return found[0] if found else None

    def join_by_key(self, key: str, cohort: str, pseudonym: str, consent: bool = False) -> Participant:
        """The participant marked with `key`, added now to `cohort` as `pseudonym` if there is none yet (the
        caller checks the name and the cohort). Two calls at once with the same key add one participant."""
        found = self.participant_by_key(key)
        if found is not None:
            return found
        try:
            with self._write() as connection:
                cohort_id = connection.scalar(select(cohorts.c.id).where(cohorts.c.name == cohort))
                if cohort_id is None:
                    raise ValueError(f"There is no cohort called {cohort!r}.")
                self._add_participant(connection, cohort_id, pseudonym, local_key=key, consent=bool(consent))
        except StorageError:  # added by the other call a moment ago: the key is unique
            found = self.participant_by_key(key)
            if found is None:
                raise
            return found
        joined = self.participant_by_key(key)
        assert joined is not None
        return joined

    def participant_keys(self, cohort_name: str) -> dict[int, str]:
        """participant id -> `local_key`, for the cohort's participants that have one (hub users)."""
        query = select(participants.c.id, participants.c.local_key).where(
            participants.c.id.in_(_in_cohort(cohort_name)), participants.c.local_key.is_not(None)
        )
        with self._read() as connection:
            return {pid: key for pid, key in connection.execute(query)}

    def local_participant(self) -> Participant:
        """This instance's self-study participant, created on first use and reused after."""
        found = self.participant_by_key(LOCAL_KEY)
        if found is not None:
            return found
        modules = all_modules()
        with self._write() as connection:
            if connection.dialect.name == "postgresql":  # SQLite writers already take turns
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCAL_LOCK})")
            connection.execute(
                portable.dialect_insert(connection, cohorts)
                .values(name=SELF_STUDY, join_code=new_join_code(), modules=modules, created_at=utcnow())
                .on_conflict_do_nothing()
            )
            exists = connection.scalar(select(participants.c.id).where(participants.c.local_key == LOCAL_KEY))
            if exists is None:
                cohort_id = connection.scalar(select(cohorts.c.id).where(cohorts.c.name == SELF_STUDY))
                self._add_participant(connection, cohort_id, LOCAL_NAME, local_key=LOCAL_KEY)
        found = self.participant_by_key(LOCAL_KEY)
        assert found is not None
        return found

    def participants(self, cohort_name: str) -> list[Participant]:
        return self._participants(cohorts.c.name == cohort_name)

    def set_consent(self, participant_id: int, consent: bool) -> None:
        """Record whether the facilitator may see this participant's individual answers."""
        with self._write() as connection:
            connection.execute(
                update(participants).where(participants.c.id == participant_id).values(consent=bool(consent))
            )

    def reissue_link(self, participant_id: int) -> str:
        """A new token for this participant; the old one stops working."""
        token = new_token()
        with self._write() as connection:
            connection.execute(
                update(access_tokens)
                .where(access_tokens.c.participant_id == participant_id, access_tokens.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            connection.execute(
                insert(access_tokens).values(participant_id=participant_id, token=token, created_at=utcnow())
            )
        return token

    # --- answers -------------------------------------------------------------------------------

    def save_rating(self, pid: int, checkpoint_id: str, item_id: str, value: int, version: int | None = None) -> None:
        """Save a self-assessment answer, replacing an earlier one for the same item and checkpoint.

        The answer keeps the instrument `version` it was given under: by default the version of the
        loaded instrument (assessments/instrument.yaml).
        """
        if not isinstance(value, int) or not 1 <= value <= 7:
            raise ValueError(f"A rating is a whole number from the scale, not {value!r}.")
        if version is None:
            version = instrument_version()
        with self._write() as connection:
            portable.put_rating(connection, pid, checkpoint_id, item_id, value, utcnow(), version=version)

    def ratings(self, pid: int) -> dict[str, dict[str, int]]:
        """checkpoint -> item -> value."""
        with self._read() as connection:
            return _ratings(connection, _of(pid)).get(pid, {})

    def _add_attempt(self, table: Table, pid: int, key: str, key_value: str, **values: Any) -> int:
        with self._write() as connection:
            # Lock the participant row so that attempt numbers are handed out one at a time (a statement of its
            # own: the insert's snapshot, taken after it, sees the attempts of whoever held the lock before).
            connection.execute(_LOCK_PARTICIPANT, {"pid": pid})
            row = {"pid": pid, key: key_value, "created_at": utcnow(), **values}
            attempt = connection.scalar(_add_next(table, (key,), (*values, "created_at")), row)
        return int(attempt)

    def add_scenario_attempt(self, pid: int, scenario_id: str, option_index: int) -> int:
        """Keep a scenario choice; returns its attempt number (1 is the first try, which counts)."""
        return self._add_attempt(scenario_attempts, pid, "scenario", scenario_id, option=int(option_index))

    def scenario_attempts(self, pid: int) -> dict[str, list[int]]:
        """scenario -> chosen option indexes, in order."""
        with self._read() as connection:
            return _scenario_attempts(connection, _of(pid)).get(pid, {})

    def add_exercise_attempt(self, pid: int, exercise_id: str, text: str, review: dict[str, Any]) -> int:
        """Keep a rewrite and the coach's review; returns its attempt number."""
        return self._add_attempt(
            exercise_attempts, pid, "exercise", exercise_id, text=clean(text), review=clean_all(review)
        )

    def exercise_attempts(self, pid: int) -> dict[str, list[dict[str, Any]]]:
        """exercise -> [{"text", "review", "created_at"}], in order."""
        with self._read() as connection:
            return _exercise_attempts(connection, _of(pid)).get(pid, {})

    def save_reflection(self, pid: int, reflection_id: str, text: str) -> None:
        """Save a reflection, replacing the earlier text."""
        with self._write() as connection:
            portable.put_reflection(connection, pid, reflection_id, clean(text), utcnow())

    def reflections(self, pid: int) -> dict[str, str]:
        """reflection -> text."""
        with self._read() as connection:
            return _reflections(connection, _of(pid)).get(pid, {})

    def add_piece_answer(self, pid: int, kind: str, key: str, value: Any, replace: bool = False) -> int:
        """Keep an answer of a kind that has no table of its own (`Kind.stores`); returns its number.

        With `replace` it takes the place of the kind's earlier answers under `key` (a draft, the picks so far).
        """
        value = clean_all(value)
        with self._write() as connection:
            connection.execute(_LOCK_PARTICIPANT, {"pid": pid})
            mine = {"pid": pid, "kind": kind, "key": key}
            if replace:
                connection.execute(_DELETE_PIECE_ANSWERS, mine)
            row = {**mine, "value": value, "created_at": utcnow()}
            attempt = connection.scalar(_add_next(piece_answers, ("kind", "key"), ("value", "created_at")), row)
        return int(attempt)

    # --- drafts: typed, not yet checked or saved (not answers: no score, no progress file) ----------

    def save_draft(self, pid: int, key: str, text: str) -> datetime:
        """Keep what is typed in the box `key` ("rewrite/<exercise>", "reflection/<id>"), replacing the
        earlier draft; returns when it was saved. ValueError for a text longer than any answer may be."""
        text = clean(text)
        if len(text) > MAX_DRAFT_CHARS:
            raise ValueError(f"A draft can be at most {MAX_DRAFT_CHARS:,} characters, not {len(text):,}.")
        when = utcnow()
        with self._write() as connection:
            statement = portable.dialect_insert(connection, drafts).values(
                participant_id=pid, key=key, text=text, updated_at=when
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["participant_id", "key"],
                    set_={"text": statement.excluded.text, "updated_at": statement.excluded.updated_at},
                )
            )
        return when

    def drafts(self, pid: int) -> dict[str, tuple[str, datetime]]:
        """key -> (text, when it was saved), for every draft this participant has."""
        query = select(drafts.c.key, drafts.c.text, drafts.c.updated_at).where(drafts.c.participant_id == pid)
        with self._read() as connection:
            return {key: (text, when) for key, text, when in connection.execute(query)}

    def clear_draft(self, pid: int, key: str) -> None:
        """Forget the draft of the box `key` (its text was checked or saved as an answer)."""
        with self._write() as connection:
            connection.execute(delete(drafts).where(drafts.c.participant_id == pid, drafts.c.key == key))

    def answers(self, pid: int) -> Answers:
        """Everything this participant has answered, in one read (a query per kind of answer)."""
        with self._read() as connection:
            return _answers(connection, _of(pid), [pid])[pid]

    def cohort_answers(self, cohort_name: str, only: Collection[int] | None = None) -> dict[int, Answers]:
        """participant id -> Answers for everyone in the cohort (or only the people in `only`).

        The same six queries whatever the cohort's size: who is in it, then one per kind of answer.
        """
        people = _in_cohort(cohort_name)
        if only is not None:
            people = people.where(participants.c.id.in_(list(only)))
        with self._read() as connection:
            return _answers(connection, lambda owner: owner.in_(people), connection.scalars(people).all())

    def activity(self, cohort_name: str) -> dict[int, datetime]:
        """participant id -> time of their last answer (participants with no answer are left out)."""
        in_cohort = _in_cohort(cohort_name)
        sources = [
            (ratings.c.answered_at, checkpoints.c.participant_id, ratings.join(checkpoints)),
            (scenario_attempts.c.created_at, scenario_attempts.c.participant_id, scenario_attempts),
            (exercise_attempts.c.created_at, exercise_attempts.c.participant_id, exercise_attempts),
            (reflections.c.updated_at, reflections.c.participant_id, reflections),
            (piece_answers.c.created_at, piece_answers.c.participant_id, piece_answers),
        ]
        latest: dict[int, datetime] = {}
        with self._read() as connection:
            for stamp, owner, table in sources:
                query = select(owner, func.max(stamp)).select_from(table).where(owner.in_(in_cohort)).group_by(owner)
                for pid, when in connection.execute(query):
                    latest[pid] = max(when, latest.get(pid, when))
        return latest

    # --- portability and privacy ---------------------------------------------------------------

    def export_participant(self, pid: int, content: Content | None = None) -> dict[str, Any]:
        """Everything stored about one participant, as progress-file data (no link token).

        It is written through `progress_file.ProgressFile` and checked against `content` (default: the
        course), so that it always loads again; ProgressFileError says what stored answer does not fit.
        """
        with self._read() as connection:
            data = portable.export(connection, pid)
        return progress_file.read(data, content or _course(), saving=True).to_data()

    def import_participant(
        self,
        data: dict[str, Any] | progress_file.ProgressFile,
        cohort: str | None = None,
        content: Content | None = None,
    ) -> Participant:
        """Bring a progress file into this instance: into `cohort` as a new participant, or else
        merged into the local participant. Answers merge: the newer rating or reflection wins,
        attempts are combined in time order, and importing the same file twice changes nothing.

        The file is checked first against `content` (default: the course); a file that does not pass
        raises ProgressFileError (a ValueError, its message fit for the participant) and stores nothing.
        """
        content = content or _course()
        if isinstance(data, progress_file.ProgressFile):
            progress_file.check(data, content)
            file = data
        else:
            file = progress_file.read(data, content)
        local_id = self.local_participant().id if cohort is None else None
        with self._write() as connection:
            if local_id is not None:
                pid = local_id
            else:
                cohort_id = connection.scalar(select(cohorts.c.id).where(cohorts.c.name == cohort))
                if cohort_id is None:
                    raise ValueError(f"There is no cohort called {cohort!r}.")
                pid = self._add_participant(connection, cohort_id, file.pseudonym)
            portable.merge(connection, pid, file)
        imported = self.participant(pid)
        assert imported is not None
        return imported

    def merge_progress(self, pid: int, file: progress_file.ProgressFile) -> None:
        """Merge a checked progress file into participant `pid`'s answers (as `import_participant` does)."""
        with self._write() as connection:
            portable.merge(connection, pid, file)

    def delete_participant(self, pid: int) -> None:
        """Delete a participant and everything they stored."""
        with self._write() as connection:
            connection.execute(delete(participants).where(participants.c.id == pid))

    # --- cohort-wide reads ---------------------------------------------------------------------

    def cohort_ratings(self, cohort_name: str) -> list[dict[str, Any]]:
        """[{"participant_id", "checkpoint", "item", "value", "version"}] for everyone in the cohort."""
        query = (
            select(checkpoints.c.participant_id, checkpoints.c.checkpoint, ratings.c.item, ratings.c.value,
                   ratings.c.version)
            .join(ratings, ratings.c.checkpoint_entry_id == checkpoints.c.id)
            .join(participants, participants.c.id == checkpoints.c.participant_id)
            .join(cohorts, cohorts.c.id == participants.c.cohort_id)
            .where(cohorts.c.name == cohort_name)
            .order_by(checkpoints.c.participant_id, checkpoints.c.checkpoint, ratings.c.item)
        )
        with self._read() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def cohort_scenario_attempts(self, cohort_name: str) -> list[dict[str, Any]]:
        """[{"participant_id", "scenario", "attempt", "option"}] for everyone in the cohort."""
        query = (
            select(
                scenario_attempts.c.participant_id,
                scenario_attempts.c.scenario,
                scenario_attempts.c.attempt,
                scenario_attempts.c.option,
            )
            .join(participants, participants.c.id == scenario_attempts.c.participant_id)
            .join(cohorts, cohorts.c.id == participants.c.cohort_id)
            .where(cohorts.c.name == cohort_name)
            .order_by(scenario_attempts.c.participant_id, scenario_attempts.c.scenario, scenario_attempts.c.attempt)
        )
        with self._read() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]
