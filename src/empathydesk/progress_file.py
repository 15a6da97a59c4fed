"""The progress file: what "Save my progress" writes and "Load my saved progress" reads.

One pydantic model (`ProgressFile`) is the file's shape. Export writes through it, import reads
through it, and the demo data is built with it, so what we save can always be loaded again.

Reading a file goes in steps, and each step refuses the file with a plain message that names the
field (`ProgressFileError`):

1. `parse(raw)`: the size and the depth of the brackets are checked *before* the JSON is parsed,
   so a huge or deeply nested file can't use up memory or raise RecursionError;
2. `read(data, content)`: the shape (strict types: `consent` must be true or false, numbers must be
   whole numbers, texts have the same length limits as the pages), then
3. `check(file, content)`: the answers against the course: check-ins, questions, scenarios and
   their options, exercises and reflections that exist, ratings on the scale, no moment in the future.

Nothing is stored unless every step passes (the store writes the whole file in one transaction).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
)

from empathydesk.content import Content, Id
from empathydesk.limits import (
    MAX_COHORT_NAME,
    MAX_NAME,
    MAX_PROGRESS_FILE_BYTES,
    MAX_REFLECTION_CHARS,
    MAX_REPLY_CHARS,
)
from empathydesk.text import clean, clean_all

FORMAT = "empathydesk-participant"
VERSION = 1
MAX_DEPTH = 20  # brackets inside brackets; a real file goes 6 deep (a coach's review, 4, inside an attempt)
MAX_REVIEW_CHARS = 200_000  # a coach's review as JSON; a real one is a few thousand characters
MAX_MOMENT_CHARS = 40
CLOCK_SKEW = timedelta(minutes=5)  # a moment this far ahead of our clock still counts as now

NOT_OURS = (
    "This file does not look like an EmpathyDesk progress file. "
    "Choose the .json file you saved with “Save my progress”."
)
OTHER_VERSION = "This progress file comes from a different version of EmpathyDesk, so it can't be read here."
TOO_DEEP = f"it has brackets inside brackets more than {MAX_DEPTH} levels deep, and a progress file never does."
LOAD = "The file could not be loaded"
SAVE = "Your progress could not be put in a file"


class ProgressFileError(ValueError):
    """A progress file that is refused; `message` says why in plain words, naming the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the model -----------------------------------------------------------------------------------


def _clean_text(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def _clean_name(value: Any) -> Any:
    return " ".join(clean(value).split()) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    """A moment from the file: ISO 8601 text with a time zone (a datetime too, when built in code)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= MAX_MOMENT_CHARS:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{_shown(value)} is not a date and time like 2025-03-01T10:30:00+00:00.") from None
    else:
        raise ValueError(f"must be a date and time like 2025-03-01T10:30:00+00:00, not {_shown(value)}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{_shown(value)} needs a time zone at the end, like +00:00.")
    return moment


def _review(value: Any) -> Any:
    if _depth(value) > MAX_DEPTH:
        raise ValueError(f"has brackets inside brackets more than {MAX_DEPTH} levels deep.")
    value = clean_all(value)
    size = len(json.dumps(value, ensure_ascii=False, default=str))
    if size > MAX_REVIEW_CHARS:
        raise ValueError(f"is {size:,} characters long, and it can be at most {MAX_REVIEW_CHARS:,}.")
    return value


Moment = Annotated[
    datetime, BeforeValidator(_moment), PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")
]
ReplyText = Annotated[str, BeforeValidator(_clean_text), StringConstraints(max_length=MAX_REPLY_CHARS)]
ReflectionText = Annotated[str, BeforeValidator(_clean_text), StringConstraints(max_length=MAX_REFLECTION_CHARS)]
Name = Annotated[str, BeforeValidator(_clean_name), StringConstraints(min_length=1, max_length=MAX_NAME)]
CohortName = Annotated[str, BeforeValidator(_clean_name), StringConstraints(min_length=1, max_length=MAX_COHORT_NAME)]
CleanId = Annotated[Id, BeforeValidator(_clean_text)]
Review = Annotated[dict[str, Any], AfterValidator(_review)]  # a coach's review, or a piece's answer


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Rating(Part):
    item: CleanId
    value: int
    answered_at: Moment
    version: int = Field(default=1, ge=1)  # the instrument version it was given under; files without it: 1


class CheckpointEntry(Part):
    checkpoint: CleanId
    started_at: Moment
    ratings: list[Rating]


class ScenarioAttempt(Part):
    scenario: CleanId
    attempt: int = Field(ge=1)
    option: int = Field(ge=0)
    created_at: Moment


class ExerciseAttempt(Part):
    exercise: CleanId
    attempt: int = Field(ge=1)
    text: ReplyText
    review: Review
    created_at: Moment


class ReflectionEntry(Part):
    reflection: CleanId
    text: ReflectionText
    updated_at: Moment


class PieceEntry(Part):
    """An answer of a kind that keeps its answers in the store's piece table (`empathydesk.kinds.Kind.stores`)."""

    kind: CleanId
    key: CleanId
    attempt: int = Field(ge=1)
    value: Review
    created_at: Moment


class ProgressFile(Part):
    """Everything one participant saved, as in their progress file (never their link token)."""

    format: Literal["empathydesk-participant"] = FORMAT
    version: Literal[1] = VERSION
    pseudonym: Name
    cohort: CohortName
    consent: bool
    created_at: Moment
    checkpoints: list[CheckpointEntry] = []
    scenario_attempts: list[ScenarioAttempt] = []
    exercise_attempts: list[ExerciseAttempt] = []
    reflections: list[ReflectionEntry] = []
    pieces: list[PieceEntry] = []

    def to_data(self) -> dict[str, Any]:
        """The file's content as JSON-able data (moments as ISO 8601 text), in a stable order."""
        return self.model_dump(mode="json")


# --- reading: size and depth, shape, then the course ---------------------------------------------


STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(raw: bytes) -> bool:
    """True if JSON text `raw` nests brackets more than MAX_DEPTH deep (text inside quotes aside)."""
    brackets = STRING.sub(b"", raw).translate(None, NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _depth(data: Any) -> int:
    """How deep lists and dicts nest in `data`, counted without recursion (stops past MAX_DEPTH)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            stack.extend((v, level + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def _refuse(what: str, where: str = "", saving: bool = False) -> ProgressFileError:
    lead = SAVE if saving else LOAD
    return ProgressFileError(f"{lead}: {where}: {what}" if where else f"{lead}: {what}")


def too_big(size: int) -> ProgressFileError:
    return _refuse(
        f"it is {size / 1e6:.1f} MB, and a progress file can be at most {MAX_PROGRESS_FILE_BYTES / 1e6:.0f} MB."
    )


def parse(raw: bytes) -> Any:
    """The JSON in `raw`, once its size and depth are known to be safe; ProgressFileError if not."""
    if len(raw) > MAX_PROGRESS_FILE_BYTES:
        raise too_big(len(raw))
    if _too_deep(raw):
        raise _refuse(TOO_DEEP)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: bad JSON, or a number too long
        raise ProgressFileError(NOT_OURS) from None


def read_path(path: Any) -> Any:
    """The JSON in the file at `path`, reading no more than the size limit; OSError if it can't be read."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_PROGRESS_FILE_BYTES + 1)
        if len(raw) > MAX_PROGRESS_FILE_BYTES:
            handle.seek(0, 2)
            raise too_big(handle.tell())
    return parse(raw)


def read(data: Any, content: Content, now: datetime | None = None, saving: bool = False) -> ProgressFile:
    """`data` (a parsed file) as a ProgressFile checked against `content`; ProgressFileError if it isn't one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or "version" not in data:
        raise ProgressFileError(NOT_OURS)
    if data.get("version") != VERSION:
        raise ProgressFileError(OTHER_VERSION)
    if _depth(data) > MAX_DEPTH:
        raise _refuse(TOO_DEEP, saving=saving)
    try:
        file = ProgressFile.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise _refuse(_what(first), where(first["loc"], data), saving) from None
    check(file, content, now, saving)
    return file


def check(file: ProgressFile, content: Content, now: datetime | None = None, saving: bool = False) -> None:
    """Raise ProgressFileError unless every answer in `file` fits `content` and no moment is in the future."""
    for loc, what in _problems(file, content, now or datetime.now(timezone.utc)):
        raise _refuse(what, where(loc, file.to_data()), saving)


def _problems(file: ProgressFile, content: Content, now: datetime) -> Iterator[tuple[tuple[Any, ...], str]]:
    scale = [point.value for point in content.instrument.scale]
    low, high = min(scale), max(scale)
    checkpoint_ids = {cp.id for cp in content.instrument.checkpoints}
    item_ids = {item.id for item in content.instrument.items}
    scenarios = {s.id: s for m in content.modules for s in m.scenarios}
    exercises = {e.id for m in content.modules for e in m.exercises}
    reflection_ids = {r.id for m in content.modules for r in m.reflections}

    seen: Counter[Any] = Counter()

    def again(key: Any) -> bool:
        seen[key] += 1
        return seen[key] > 1

    for i, entry in enumerate(file.checkpoints):
        here = ("checkpoints", i)
        if entry.checkpoint not in checkpoint_ids:
            yield (*here, "checkpoint"), "this course has no check-in with that name."
            continue
        if again(("checkpoint", entry.checkpoint)):
            yield (*here, "checkpoint"), "this check-in is in the file twice."
        asked = {item.id for item in content.items_for(entry.checkpoint)}
        for j, rating in enumerate(entry.ratings):
            there = (*here, "ratings", j)
            if rating.version > content.instrument.version:
                yield (*there, "version"), "this answer comes from a newer version of the self-assessment."
            elif rating.version < content.instrument.version:
                # Given under an earlier version, whose items may since have been retired or moved: it is
                # kept with its version (statistics never pair it with answers of another version).
                if again(("rating", entry.checkpoint, rating.item)):
                    yield (*there, "item"), "this answer is in the file twice."
                elif not low <= rating.value <= high:
                    yield (*there, "value"), f"{rating.value} is not on the {low} to {high} scale."
            elif rating.item not in item_ids:
                yield (*there, "item"), "this course has no question with that name."
            elif rating.item not in asked:
                yield (*there, "item"), "this question is not asked at this check-in."
            elif again(("rating", entry.checkpoint, rating.item)):
                yield (*there, "item"), "this answer is in the file twice."
            elif not low <= rating.value <= high:
                yield (*there, "value"), f"{rating.value} is not on the {low} to {high} scale."
    for i, attempt in enumerate(file.scenario_attempts):
        here = ("scenario_attempts", i)
        scenario = scenarios.get(attempt.scenario)
        if scenario is None:
            yield (*here, "scenario"), "this course has no scenario with that name."
        elif again(("scenario", attempt.scenario, attempt.attempt)):
            yield (*here, "attempt"), "this try is in the file twice."
        elif attempt.option >= len(scenario.options):
            yield (*here, "option"), (
                f"{attempt.option} is not one of this scenario's options. "
                f"They are numbered 0 to {len(scenario.options) - 1}."
            )
    for i, exercise in enumerate(file.exercise_attempts):
        here = ("exercise_attempts", i)
        if exercise.exercise not in exercises:
            yield (*here, "exercise"), "this course has no rewrite exercise with that name."
        elif again(("exercise", exercise.exercise, exercise.attempt)):
            yield (*here, "attempt"), "this try is in the file twice."
    for i, reflection in enumerate(file.reflections):
        here = ("reflections", i)
        if reflection.reflection not in reflection_ids:
            yield (*here, "reflection"), "this course has no reflection with that name."
        elif again(("reflection", reflection.reflection)):
            yield (*here, "reflection"), "this reflection is in the file twice."
    yield from _piece_problems(file, content, again)
    for loc, moment in _moments(file):
        if moment > now + CLOCK_SKEW:
            yield loc, f"{moment.isoformat()} is in the future. Please check the date and time."


def _piece_problems(
    file: ProgressFile, content: Content, again: Any
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Each piece answer against its kind: a kind that keeps answers, a key it knows, a value it accepts."""
    from empathydesk.kinds import stored_kinds

    kinds = stored_kinds()
    for i, piece in enumerate(file.pieces):
        here = ("pieces", i)
        kind = kinds.get(piece.kind)
        if kind is None:
            yield (*here, "kind"), "this course keeps no answers of that kind."
        elif again(("piece", piece.kind, piece.key, piece.attempt)):
            yield (*here, "attempt"), "this answer is in the file twice."
        else:
            problem = kind.answer_problem(content, piece.key, piece.value)
            if problem:
                yield (*here, "value"), problem


def _moments(file: ProgressFile) -> Iterator[tuple[tuple[Any, ...], datetime]]:
    yield ("created_at",), file.created_at
    for i, entry in enumerate(file.checkpoints):
        yield ("checkpoints", i, "started_at"), entry.started_at
        for j, rating in enumerate(entry.ratings):
            yield ("checkpoints", i, "ratings", j, "answered_at"), rating.answered_at
    for section, stamp in (("scenario_attempts", "created_at"), ("exercise_attempts", "created_at"),
                           ("reflections", "updated_at"), ("pieces", "created_at")):
        for i, entry in enumerate(getattr(file, section)):
            yield (section, i, stamp), getattr(entry, stamp)


# --- plain words for a problem -------------------------------------------------------------------

# section in the file -> (its name in a message, the field that names an entry)
SECTIONS = {
    "checkpoints": ("ratings", "checkpoint"),
    "scenario_attempts": ("scenario_attempts", "scenario"),
    "exercise_attempts": ("exercise_attempts", "exercise"),
    "reflections": ("reflections", "reflection"),
    "pieces": ("answers", "kind"),
}


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> str:
    """A value from the file, in words and short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the text “{_short(value)}”"
    if isinstance(value, (int, float)):
        return _short(repr(value), 20)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "something else"


def _label(entry: Any, key: str, number: int, kind: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return _short(value) if isinstance(value, str) and value.strip() else f"{kind} {number + 1}"


def _at(data: Any, *path: Any) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def where(loc: tuple[Any, ...], data: Any) -> str:
    """The place of a problem, in the words of the file: "ratings → baseline → rapport-1"."""
    if not loc:
        return ""
    head, rest = loc[0], list(loc[1:])
    if head not in SECTIONS or not rest or not isinstance(rest[0], int):
        return " → ".join(str(part) for part in loc)
    name, key = SECTIONS[head]
    index = rest.pop(0)
    entry = _at(data, head, index)
    parts = [name, _label(entry, key, index, "entry")]
    shown = {key}
    if head == "checkpoints" and rest[:1] == ["ratings"] and len(rest) > 1 and isinstance(rest[1], int):
        rating = _at(entry, "ratings", rest[1])
        parts.append(_label(rating, "item", rest[1], "answer"))
        rest, shown = rest[2:], {"item", "value"}
    attempt = _at(entry, "attempt")
    if head.endswith("_attempts") and isinstance(attempt, int) and not isinstance(attempt, bool):
        parts.append(f"try {attempt}")
        shown.add("attempt")
    if rest and rest[0] not in shown:
        parts.append(str(rest[0]))
    return " → ".join(parts)


def _what(error: Any) -> str:
    """A pydantic error in plain words."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "is missing."
    if kind == "extra_forbidden":
        return "is not part of a progress file."
    if kind == "bool_type":
        return f"must be true or false, not {_shown(value)}."
    if kind in ("int_type", "int_from_float"):
        return f"must be a whole number, not {_shown(value)}."
    if kind == "string_type":
        return f"must be text, not {_shown(value)}."
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        return f"is {len(value):,} characters long, and it can be at most {ctx['max_length']:,}."
    if kind in ("string_too_short", "too_short") and isinstance(value, str):
        return "is empty."
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} is not a name this course uses."
    if kind == "list_type":
        return f"must be a list in [ ], not {_shown(value)}."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a group of fields in {{ }}, not {_shown(value)}."
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']} or more, not {_shown(value)}."
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return "is not in the right form."
