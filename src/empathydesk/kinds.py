"""Every kind of piece a page can show, in one list (`KINDS`), each stating all that is particular to it.

A kind says:

- which names it answers to (`name`, `scope`): ``consent`` ("single"), ``<page>/header`` ("page"),
  ``module-1/scenarios`` ("module"), ``<name>/<target>`` ("own", for each of its `targets`, e.g.
  ``checkpoint/<id>``);
- its own content file, if it has one (`content`: the pydantic model of a file in ``assessments/`` whose
  ``kind:`` is the kind's name; with `several`, any number of such files, one thing each, read with
  `Content.parts_of`; `content_ids` names the ids in it that must be unique and that
  ``coverage.yaml`` may name, `content_problems` checks it against the rest of the course);
- which content it reads (`reads`: a module's scenarios, exercises, ...);
- what builds it into widgets (`builder`, "module:function" in `empathydesk.widgets`, imported only when a
  piece is built, so that scoring and the dashboard never import ipywidgets). A builder takes the page
  context (`widgets.session.Session`) and, but for a single, the page, module or checkpoint id;
- where its answers are kept: `answers`, the `storage.Answers` field that `Store.answers` and
  `Store.cohort_answers` fill and the progress file carries, and the `Store` methods that write them
  (`saves`); or, for a kind with no table of its own, `stores`: the pydantic model of one answer, kept with
  `Store.add_piece_answer` under the kind's name (read back in `Answers.pieces`, carried in the progress
  file's ``pieces``, checked on import by the model and by `answer_check`);
- when it counts as done in its module (`done`, `started`; `scoring.progress` asks every module kind);
- what it adds to the cohort's results for people who agreed to share (`result`, `rows`; `cohort_export`);
- what it tells the participant about their own results, in a sentence on "My progress" and in their
  PDF report (`summary`);
- what a made-up participant's answers look like, for the demo data (`demo`);
- how long it takes (`reading`: words read and minutes of tasks, for `empathydesk.reading`).

The kinds below are built in. A new kind is one module in `empathydesk.pieces` that declares ``KIND``
(found there by `discover`), its content and its tests: see assessments/README.md, "Adding a kind of piece".
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from empathydesk.content import Content, Module

if TYPE_CHECKING:
    import ipywidgets as w
    from pydantic import BaseModel

    from empathydesk.storage.records import Answers

Scope = Literal["single", "page", "module", "own"]
Reads = Callable[[Content, Module], Sequence[Any]]  # what a module kind reads from its module
Rule = Callable[[Content, Sequence[Any], Mapping[str, Any]], bool]  # (course, what it reads, its saved answers)
Row = tuple[str, str, Any, str]  # one row of the cohort's results: (topic, item, value, when)
Rows = Callable[[Mapping[str, Any]], list[Row]]  # its saved answers -> its rows
# (course, a random.Random, the person's place in the demo cohort, how likely they know the answer before
# and after the workshop, whether they finished) -> key -> one answer (only for kinds with `stores`)
Demo = Callable[[Content, Any, int, float, float, bool], dict[str, Any]]
Loc = tuple[Any, ...]  # a place in a content file, as pydantic gives it: ("forms", 0, "items", 2, "id")


@dataclass(frozen=True)
class Kind:
    name: str
    scope: Scope
    builder: str  # "module:function" under empathydesk.widgets, or "empathydesk.pieces.<kind>:function"
    targets: Callable[[Content], list[str]] | None = None  # scope "own": what `<name>/<target>` may name
    reads: Reads | None = None
    answers: str | None = None  # the Answers field holding its answers
    saves: tuple[str, ...] = ()  # the Store methods that write its answers
    stores: type[BaseModel] | None = None  # the model of one answer, kept in the store's piece table
    answer_check: Callable[[Content, str, Any], str | None] | None = None  # (course, key, answer) -> problem
    content: type[BaseModel] | None = None  # the model of its own file in assessments/
    content_ids: Callable[[Any], Iterable[tuple[Loc, str]]] | None = None
    content_problems: Callable[[Content, Any], Iterable[tuple[Loc, str]]] | None = None
    several: bool = False  # its content may be several files, one thing each (`Content.parts_of`)
    part: str | None = None  # its part's name in `scoring.progress` (module kinds that count)
    done: Rule | None = None
    started: Rule | None = None
    personal: bool = True  # needs a participant
    top: bool = False  # a page's first piece: tells a participant we cannot find what to do, in full
    missing: str = ""  # a module without what it reads has no such piece, for this reason ("{module}" is its id);
    # without one, the piece itself says there is nothing yet
    result: str = ""  # the name of its rows in the cohort's results
    rows: Rows | None = None
    summary: Callable[[Content, Answers], str | None] | None = None  # the participant's results, in words
    demo: Demo | None = None
    reading: Callable[[Content, str], tuple[int, float]] | None = None  # (course, target) -> (words, task minutes)

    def function(self) -> Callable[..., w.Widget]:
        """Its builder (its module imported on first use)."""
        module, _, name = self.builder.partition(":")
        where = module if module.startswith("empathydesk.") else f"empathydesk.widgets.{module}"
        return getattr(importlib.import_module(where), name)

    def build(self, session: Any, *target: str) -> w.Widget:
        return self.function()(session, *target)

    def saved(self, answers: Answers) -> Mapping[str, Any]:
        """Its part of a participant's answers (for a kind in the piece table: key -> answers, in order)."""
        if self.stores is not None:
            return answers.pieces.get(self.name, {})
        return getattr(answers, self.answers) if self.answers else {}

    def answer_problem(self, content: Content, key: str, value: Any) -> str | None:
        """What is wrong with an answer from a progress file, in plain words; None when it fits."""
        from pydantic import ValidationError

        assert self.stores is not None
        try:
            answer = self.stores.model_validate(value)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            return f"{where}: {first['msg']}" if where else str(first["msg"])
        return self.answer_check(content, key, answer) if self.answer_check else None


def _tried(_: Content, things: Sequence[Any], saved: Mapping[str, Any]) -> bool:
    return any(saved.get(t.id) for t in things)


def _written(_: Content, things: Sequence[Any], saved: Mapping[str, Any]) -> bool:
    return any((saved.get(t.id) or "").strip() for t in things)


def _rating_rows(ratings: Mapping[str, Any]) -> list[Row]:
    return [(cp, item, value, "") for cp, given in sorted(ratings.items()) for item, value in sorted(given.items())]


def _try_rows(tries: Mapping[str, Any]) -> list[Row]:
    return [(key, f"attempt {i}", option, "") for key, options in sorted(tries.items()) for i, option in enumerate(options, 1)]


def _rewrite_rows(tries: Mapping[str, Any]) -> list[Row]:
    return [
        (key, f"attempt {i}", a["text"], a["created_at"].isoformat())
        for key, attempts in sorted(tries.items())
        for i, a in enumerate(attempts, 1)
    ]


def _text_rows(texts: Mapping[str, Any]) -> list[Row]:
    return [(key, "", text, "") for key, text in sorted(texts.items())]


def _pulse(content: Content, module: Module) -> list[Any]:
    pulse = content.checkpoint_after(module.id)
    return [] if pulse is None else [pulse]


def _pulse_done(content: Content, pulses: Sequence[Any], ratings: Mapping[str, Any]) -> bool:
    from empathydesk.scoring import checkpoint_complete

    return all(checkpoint_complete(content, ratings, p.id) for p in pulses)


BUILT_IN: tuple[Kind, ...] = (
    # every page
    Kind("header", "page", "page:header", top=True),
    Kind("footer", "page", "page:footer"),
    # the self-assessment check-ins, by checkpoint id (a module's pulse is one of them)
    Kind("checkpoint", "own", "assessment:checkpoint_piece", answers="ratings", saves=("save_rating",),
         targets=lambda c: [cp.id for cp in c.instrument.checkpoints], result="rating", rows=_rating_rows),
    # a module's parts, in page order
    Kind("scenarios", "module", "scenario:scenarios", reads=lambda c, m: m.scenarios,
         answers="scenario_attempts", saves=("add_scenario_attempt",), part="scenarios",
         done=lambda c, s, saved: all(saved.get(x.id) for x in s), started=_tried, result="scenario", rows=_try_rows),
    Kind("rewrite", "module", "rewrite:rewrites", reads=lambda c, m: m.exercises,
         answers="exercise_attempts", saves=("add_exercise_attempt",), part="exercise",
         done=lambda c, e, saved: not e or _tried(c, e, saved), started=_tried, result="rewrite", rows=_rewrite_rows),
    Kind("reflection", "module", "reflection:reflections", reads=lambda c, m: m.reflections,
         answers="reflections", saves=("save_reflection",), part="reflection",
         done=lambda c, r, saved: all((saved.get(x.id) or "").strip() for x in r), started=_written,
         result="reflection", rows=_text_rows),
    Kind("discussion", "module", "page:discussion", reads=lambda c, m: m.discussion, personal=False),
    Kind("pulse", "module", "assessment:pulse", reads=_pulse, answers="ratings", saves=("save_rating",),
         part="pulse", done=_pulse_done, started=_tried,
         missing="{module} has no pulse checkpoint (no check-in in the instrument follows {module})."),
    # pieces of their own
    Kind("consent", "single", "consent:consent", saves=("set_consent",)),
    Kind("export", "single", "transfer:export"),
    Kind("import", "single", "transfer:import_or_note", saves=("import_participant",)),
    Kind("my-progress", "single", "page:my_progress"),
    Kind("join", "single", "join:join", saves=("join",), personal=False, top=True),  # the landing page
)


def discover() -> tuple[Kind, ...]:
    """The kinds declared by the modules of `empathydesk.pieces` (each module's ``KIND``), by module name."""
    import empathydesk.pieces as pieces

    found = (importlib.import_module(f"{pieces.__name__}.{m.name}") for m in pkgutil.iter_modules(pieces.__path__))
    return tuple(module.KIND for module in found if hasattr(module, "KIND"))


@functools.cache
def kinds() -> tuple[Kind, ...]:
    """Every kind: the built-in ones, then those in `empathydesk.pieces`."""
    every = BUILT_IN + discover()
    names = [k.name for k in every]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RuntimeError(f"two kinds of piece have the same name: {', '.join(twice)}")
    return every


def of_scope(scope: Scope) -> dict[str, Kind]:
    """name -> kind, for the kinds of one scope, in list order."""
    return {k.name: k for k in kinds() if k.scope == scope}


def summaries(content: Content, answers: Answers) -> list[str]:
    """What each kind says about a participant's own results (for "My progress" and their PDF)."""
    said = (k.summary(content, answers) for k in kinds() if k.summary is not None)
    return [s for s in said if s]


def stored_kinds() -> dict[str, Kind]:
    """name -> kind, for the kinds that keep their answers in the store's piece table."""
    return {k.name: k for k in kinds() if k.stores is not None}


def with_content() -> dict[str, Kind]:
    """name -> kind, for the kinds with a content file of their own."""
    return {k.name: k for k in kinds() if k.content is not None}


@functools.cache
def answer_writers() -> frozenset[str]:
    """The `Store` methods that save an answer: every kind's `saves`, and `add_piece_answer` for the kinds
    kept in the piece table. A page hears of each call (`widgets.session.Session.on_save`)."""
    return frozenset(m for k in kinds() for m in k.saves) | ({"add_piece_answer"} if stored_kinds() else set())
