"""The lesson content as data: pydantic models of `assessments/*.yaml`, loaded and checked.

Every problem is reported as ``path:line: field: what is wrong`` so that a content author can
find and fix it without reading a traceback.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, model_validator

from empathydesk.paths import content_root

MAX_FILE_BYTES = 1_000_000

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the self-assessment instrument -------------------------------------------------------------


class ScalePoint(Strict):
    value: int = Field(ge=1, le=7)
    label: Text


class Competency(Strict):
    id: Id
    name: Text
    description: Text


class Item(Strict):
    id: Id
    competency: Id
    text: Text
    reverse: bool = False


Role = Literal["start", "after-module", "end", "looking-back", "later"]
NEEDED: tuple[Role, ...] = ("start", "end", "looking-back")  # the code needs a check-in with each of these


class Checkpoint(Strict):
    """A moment at which the self-assessment is taken; `competencies` empty means all of them.

    `role` says what the code does with it: `start` (the real before), `after-module` (the pulse of
    `module`), `end`, `looking-back` (the retrospective before, rated at the end) or `later` (weeks on).
    The code finds check-ins by role, never by id.

    `open_with`: the label of a button that opens the form. Until it is pressed, only the title, the
    prompt and the button show (a form with answers shows at once): the later check-in is for a later
    visit, and the end's look back comes after its first step.
    """

    id: Id
    role: Role
    module: Id | None = None
    title: Text
    prompt: Text
    competencies: list[Id] = []
    open_with: Text | None = None

    @model_validator(mode="after")
    def _module_only_after_a_module(self) -> Checkpoint:
        if self.role == "after-module" and self.module is None:
            raise ValueError("an after-module check-in needs module: (the id of the module it follows)")
        if self.role != "after-module" and self.module is not None:
            raise ValueError(f"only an after-module check-in names a module; this one's role is {self.role}")
        return self

    @property
    def retrospective(self) -> bool:
        """Rated at the end, looking back at the start: never on the timeline, never pooled with real change."""
        return self.role == "looking-back"


class Instrument(Strict):
    kind: Literal["instrument"]
    title: Text
    # Bumped whenever an item, a competency or a prompt changes; each saved answer keeps the version it
    # was given under, so that statistics compare like with like (1 for files that predate versions).
    version: int = Field(default=1, ge=1)
    scale: list[ScalePoint] = Field(min_length=2)
    competencies: list[Competency] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    checkpoints: list[Checkpoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _scale_runs_one_to_n(self) -> Instrument:
        values = [p.value for p in self.scale]
        if values != list(range(1, len(values) + 1)):
            raise ValueError(f"scale values must run 1, 2, 3 … in order; found {values}")
        return self


# --- modules: lessons, scenarios, rewrite exercises, reflections ---------------------------------


class Article(Strict):
    title: Text
    author: Text | None = None


class Lesson(Strict):
    id: Id
    title: Text


class Option(Strict):
    text: Text
    feedback: Text
    best: bool = False


Channel = Literal["chat", "phone", "walk-up", "email"]
CHANNEL_WORDS: dict[str, str] = {"chat": "Chat message", "phone": "Phone call", "walk-up": "At the desk", "email": "Email"}


class Scenario(Strict):
    """A choice question. `channel` (optional): how the person reaches you (chat, phone, walk-up, email)."""

    id: Id
    lesson: Id
    prompt: Text
    channel: Channel | None = None
    options: list[Option] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _exactly_one_best(self) -> Scenario:
        best = sum(o.best for o in self.options)
        if best != 1:
            raise ValueError(f"a scenario needs exactly one option marked best: true; found {best}")
        return self

    @property
    def best_index(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.best)


class ExerciseCheck(Strict):
    """One point of "what a good reply does", as a check the reply coach runs (empathydesk.coach.checks)."""

    point: Text
    wants: list[Id] = []  # any one of these coach concepts or codes
    avoids: list[Id] = []  # none of these coach codes
    mentions: list[Text] = []  # at least one of these words: the reply is about the situation
    message: Text | None = None


class Exercise(Strict):
    """A curt reply for the participant to rewrite, with what a good rewrite does."""

    id: Id
    lesson: Id
    situation: Text
    curt_reply: Text
    good_rewrite: list[Text] = Field(min_length=1)
    example: Text
    checks: list[ExerciseCheck] = []


class Reflection(Strict):
    id: Id
    lesson: Id
    prompt: Text


class Module(Strict):
    kind: Literal["module"]
    id: Id
    number: int = Field(ge=1, le=20)
    title: Text
    notebook: Text
    article: Article
    competency: Id
    goals: list[Text] = Field(min_length=1)
    lessons: list[Lesson] = Field(min_length=1)
    scenarios: list[Scenario] = []
    exercises: list[Exercise] = []
    reflections: list[Reflection] = []
    discussion: list[Text] = []


# --- coverage: which lesson and which questions teach each point ---------------------------------


class CoveragePoint(Strict):
    point: Text
    lesson: Id
    questions: list[Id] = Field(min_length=1)


class Coverage(Strict):
    kind: Literal["coverage"]
    points: list[CoveragePoint] = Field(min_length=1)


BUILT_IN_FILES: tuple[type[BaseModel], ...] = (Instrument, Module, Coverage)


@functools.cache
def _file_adapter() -> TypeAdapter[Any]:
    """Reads any content file by its `kind:`: the built-in files, and each kind of piece's own file."""
    from empathydesk.kinds import with_content

    models = (*BUILT_IN_FILES, *(k.content for k in with_content().values()))
    return TypeAdapter(Annotated[Union[models], Field(discriminator="kind")])  # type: ignore[valid-type]


def file_kinds() -> list[str]:
    """The `kind:` a content file may have."""
    from empathydesk.kinds import with_content

    return ["instrument", "module", "coverage", *with_content()]


# --- problems, with the line they are on ---------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{field} {self.message}"


class ContentError(Exception):
    """Raised when content does not load; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _field_name(loc: tuple[Any, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at `loc`, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _plain_message(error: dict[str, Any]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a known field (check its spelling)"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"must be one of: {', '.join(file_kinds())}"
    if kind == "literal_error":
        return f"must be one of: {error['ctx']['expected'].replace(chr(39), '')}"
    if kind == "string_type" and isinstance(error.get("input"), bool):
        return "reads as true/false in YAML (words like yes, no, on, off do); put the text in quotes"
    if kind == "string_pattern_mismatch":
        return f"{error.get('input')!r} is not a valid id (use lower-case letters, digits and hyphens)"
    return msg.removeprefix("Value error, ")


@dataclass
class LoadedFile:
    path: Path
    node: yaml.Node | None
    model: BaseModel | None  # an Instrument, a Module, a Coverage or a kind of piece's own content

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        return Problem(self.path, _line_of(self.node, loc), _field_name(loc), message)


def load_file(path: Path) -> tuple[LoadedFile, list[Problem]]:
    """Parse and validate one content file on its own."""
    empty = LoadedFile(path, None, None)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return empty, [Problem(path, 1, "", f"cannot be read ({exc.strerror})")]
    if size > MAX_FILE_BYTES:
        return empty, [Problem(path, 1, "", f"is too big ({size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)")]
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        return empty, [Problem(path, 1, "", "is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return empty, [Problem(path, line, "", f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")]
    if data is None:
        return empty, [Problem(path, 1, "", "is empty")]
    if not isinstance(data, dict):
        return LoadedFile(path, node, None), [Problem(path, 1, "", "must be a mapping of fields, starting with kind:")]
    loaded = LoadedFile(path, node, None)
    try:
        loaded.model = _file_adapter().validate_python(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p not in file_kinds())
            if err["type"].startswith("union_tag"):
                loc = ("kind",)
            problems.append(loaded.problem(loc, _plain_message(err)))
        return loaded, problems
    return loaded, []


# --- the whole course ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    instrument: Instrument
    modules: tuple[Module, ...]
    coverage: Coverage | None
    parts: tuple[BaseModel, ...] = ()  # the kinds of piece's own content files

    def part(self, kind: str) -> Any:
        """The content file of kind of piece `kind`, or None when the course has none."""
        return next(iter(self.parts_of(kind)), None)

    def parts_of(self, kind: str) -> tuple[Any, ...]:
        """Every content file of kind of piece `kind`, in file order (several for a kind with `several`)."""
        return tuple(p for p in self.parts if getattr(p, "kind", None) == kind)

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(f"no module called {module_id!r}")

    def competency(self, competency_id: str) -> Competency:
        return next(c for c in self.instrument.competencies if c.id == competency_id)

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        return next(c for c in self.instrument.checkpoints if c.id == checkpoint_id)

    def checkpoint_for(self, role: Role) -> Checkpoint:
        """The check-in with `role` (start, end, looking-back, later); KeyError when there is none."""
        found = next((c for c in self.instrument.checkpoints if c.role == role), None)
        if found is None:
            raise KeyError(f"the instrument has no check-in with role {role!r}")
        return found

    def checkpoint_after(self, module_id: str) -> Checkpoint | None:
        """The pulse: the check-in taken after module `module_id`, or None when it has none."""
        return next((c for c in self.instrument.checkpoints if c.role == "after-module" and c.module == module_id), None)

    def items_for(self, checkpoint_id: str) -> list[Item]:
        wanted = self.checkpoint(checkpoint_id).competencies
        return [i for i in self.instrument.items if not wanted or i.competency in wanted]

    def scenario(self, scenario_id: str) -> Scenario:
        return next(s for m in self.modules for s in m.scenarios if s.id == scenario_id)

    def exercise(self, exercise_id: str) -> Exercise:
        return next(e for m in self.modules for e in m.exercises if e.id == exercise_id)

    def reflection(self, reflection_id: str) -> Reflection:
        return next(r for m in self.modules for r in m.reflections if r.id == reflection_id)

    @property
    def lesson_ids(self) -> set[str]:
        return {lesson.id for m in self.modules for lesson in m.lessons}

    @property
    def summary(self) -> str:
        count = lambda attr: sum(len(getattr(m, attr)) for m in self.modules)  # noqa: E731
        return (
            f"{len(self.modules)} modules, {len(self.instrument.competencies)} competencies, "
            f"{len(self.instrument.items)} self-assessment items, {count('scenarios')} scenarios, "
            f"{count('exercises')} rewrite exercises, {count('reflections')} reflections"
            + "".join(f", a {kind}" if n == 1 else f", {n} {kind}s" for kind, n in Counter(p.kind for p in self.parts).items())  # type: ignore[attr-defined]
        )


def content_files(paths: list[Path]) -> list[Path]:
    """Every YAML file in `paths` (folders are searched recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


def _role_problems(f: LoadedFile, module_ids: set[str]) -> list[Problem]:
    """One check-in per role (per module for after-module), every NEEDED role present, known modules only."""
    inst: Instrument = f.model  # type: ignore[assignment]
    problems: list[Problem] = []
    first: dict[tuple[str, str | None], Checkpoint] = {}
    for i, cp in enumerate(inst.checkpoints):
        key = (cp.role, cp.module)
        if key in first:
            what = f"module {cp.module!r} has" if cp.module else f"role {cp.role!r} has"
            problems.append(f.problem(("checkpoints", i, "role"), f"{what} a check-in already ({first[key].id!r}); one is allowed"))
        first.setdefault(key, cp)
        if cp.module and module_ids and cp.module not in module_ids:
            problems.append(f.problem(("checkpoints", i, "module"), f"unknown module {cp.module!r}"))
    for role in NEEDED:
        if (role, None) not in first:
            problems.append(f.problem(("checkpoints",), f"no check-in has role {role!r}; the code needs one"))
    return problems


def _cross_check(files: list[LoadedFile]) -> list[Problem]:
    problems: list[Problem] = []
    instruments = [f for f in files if isinstance(f.model, Instrument)]
    modules = [f for f in files if isinstance(f.model, Module)]
    coverages = [f for f in files if isinstance(f.model, Coverage)]
    if len(instruments) > 1:
        problems += [f.problem(("kind",), "there must be only one instrument file") for f in instruments[1:]]
    module_ids = {m.model.id for m in modules}  # type: ignore[union-attr]
    problems += [p for f in instruments for p in _role_problems(f, module_ids)]
    if not instruments:
        fallback, _ = load_file(content_root() / "instrument.yaml")
        instruments = [fallback] if fallback.model else []
    competencies = {c.id for f in instruments for c in f.model.competencies}  # type: ignore[union-attr]

    seen: Counter[str] = Counter()

    def claim(f: LoadedFile, loc: tuple[Any, ...], ident: str) -> None:
        seen[ident] += 1
        if seen[ident] > 1:
            problems.append(f.problem(loc, f"duplicate id {ident!r} (ids must be unique across all content)"))

    for f in instruments:
        inst: Instrument = f.model  # type: ignore[assignment]
        for i, comp in enumerate(inst.competencies):
            claim(f, ("competencies", i, "id"), comp.id)
        for i, item in enumerate(inst.items):
            claim(f, ("items", i, "id"), item.id)
            if competencies and item.competency not in competencies:
                problems.append(f.problem(("items", i, "competency"), f"unknown competency {item.competency!r}"))
        for i, cp in enumerate(inst.checkpoints):
            claim(f, ("checkpoints", i, "id"), cp.id)
            for j, comp in enumerate(cp.competencies):
                if comp not in competencies:
                    problems.append(f.problem(("checkpoints", i, "competencies", j), f"unknown competency {comp!r}"))
        for comp in competencies:
            if not any(item.competency == comp for item in inst.items):
                problems.append(f.problem(("items",), f"competency {comp!r} has no items"))

    teaches = {m.model.id: m.model.competency for m in modules}  # type: ignore[union-attr]
    for f in (f for f in files if isinstance(f.model, Instrument)):
        for i, cp in enumerate(f.model.checkpoints):
            taught = teaches.get(cp.module or "")
            asked = set(cp.competencies) or competencies
            if taught and asked != {taught}:
                problems.append(f.problem(
                    ("checkpoints", i, "competencies"),
                    f"the check-in after {cp.module} must ask only about what {cp.module} teaches "
                    f"({taught}); it asks about {', '.join(sorted(asked))}",
                ))

    numbers: Counter[int] = Counter()
    lessons: set[str] = set()
    question_ids: set[str] = set()
    for f in modules:
        mod: Module = f.model  # type: ignore[assignment]
        claim(f, ("id",), mod.id)
        numbers[mod.number] += 1
        if numbers[mod.number] > 1:
            problems.append(f.problem(("number",), f"two modules have number {mod.number}"))
        if competencies and mod.competency not in competencies:
            problems.append(f.problem(("competency",), f"unknown competency {mod.competency!r}"))
        own = {lesson.id for lesson in mod.lessons}
        lessons |= own
        for i, lesson in enumerate(mod.lessons):
            claim(f, ("lessons", i, "id"), lesson.id)
        for section in ("scenarios", "exercises", "reflections"):
            for i, thing in enumerate(getattr(mod, section)):
                claim(f, (section, i, "id"), thing.id)
                question_ids.add(thing.id)
                if thing.lesson not in own:
                    problems.append(f.problem((section, i, "lesson"), f"names lesson {thing.lesson!r}, which module {mod.id!r} does not have"))

    from empathydesk.kinds import with_content

    owners = with_content()
    parts = [f for f in files if getattr(f.model, "kind", None) in owners]
    for kind in {f.model.kind for f in parts if not owners[f.model.kind].several}:  # type: ignore[union-attr]
        problems += [f.problem(("kind",), f"there must be only one {kind} file")
                     for f in [f for f in parts if f.model.kind == kind][1:]]  # type: ignore[union-attr]
    for f in parts:
        ids = owners[f.model.kind].content_ids  # type: ignore[union-attr]
        for loc, ident in ids(f.model) if ids else ():
            claim(f, loc, ident)
            question_ids.add(ident)

    for f in coverages:
        cov: Coverage = f.model  # type: ignore[assignment]
        for i, point in enumerate(cov.points):
            if modules and point.lesson not in lessons:
                problems.append(f.problem(("points", i, "lesson"), f"unknown lesson {point.lesson!r}"))
            for j, qid in enumerate(point.questions):
                if modules and qid not in question_ids:
                    problems.append(f.problem(("points", i, "questions", j), f"unknown question or exercise {qid!r}"))
    return problems


def _part_problems(files: list[LoadedFile], content: Content) -> list[Problem]:
    """Each kind's own checks of its content file against the whole course."""
    from empathydesk.kinds import with_content

    owners = with_content()
    problems = []
    for f in files:
        kind = owners.get(getattr(f.model, "kind", ""))
        if kind is not None and kind.content_problems is not None:
            problems += [f.problem(loc, message) for loc, message in kind.content_problems(content, f.model)]
    return problems


def check(paths: list[Path]) -> tuple[Content | None, list[Problem]]:
    """Validate the content files under `paths`; return the content (when whole and valid) and every problem."""
    files = content_files(paths)
    if not files:
        return None, [Problem(p, 1, "", "holds no .yaml content files") for p in paths]
    loaded, problems = [], []
    for path in files:
        one, found = load_file(path)
        loaded.append(one)
        problems += found
    problems += _cross_check([f for f in loaded if f.model is not None])
    if problems:
        return None, problems
    instruments = [f.model for f in loaded if isinstance(f.model, Instrument)]
    modules = sorted((f.model for f in loaded if isinstance(f.model, Module)), key=lambda m: m.number)  # type: ignore[union-attr]
    coverage = next((f.model for f in loaded if isinstance(f.model, Coverage)), None)
    parts = [f for f in loaded if not isinstance(f.model, BUILT_IN_FILES)]
    if not instruments:
        return None, []
    content = Content(instruments[0], tuple(modules), coverage, tuple(f.model for f in parts))  # type: ignore[misc]
    problems = _part_problems(parts, content)
    return (None, problems) if problems else (content, [])


@functools.cache
def load(root: Path | None = None) -> Content:
    """The course content under `root` (default: the repository's `assessments/`), validated."""
    root = root or content_root()
    content, problems = check([root])
    if problems or content is None:
        raise ContentError(problems or [Problem(root, 1, "", "has no instrument.yaml")])
    return content
