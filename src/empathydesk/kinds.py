"""Every kind of piece a page can show, in one list (`KINDS`), each stating all that is particular to it.

A kind says:

- which names it answers to (`name`, `scope`): ``consent`` ("single"), ``<page>/header`` ("page"),
  ``module-1/scenarios`` ("module"), ``checkpoint/<id>`` ("checkpoint");
- which content it reads (`reads`: a module's scenarios, exercises, ...);
- what builds it into widgets (`builder`, "module:function" in `empathydesk.widgets`, imported only when a
  piece is built, so that scoring and the dashboard never import ipywidgets). A builder takes the page
  context (`widgets.session.Session`) and, but for a single, the page, module or checkpoint id;
- where its answers are kept (`answers`: the `storage.Answers` field that `Store.answers` and
  `Store.cohort_answers` fill, and that the progress file and the cohort's results carry) and which `Store`
  methods write them (`saves`);
- when it counts as done in its module (`done`, `started`; `scoring.progress` asks every module kind);
- what it adds to the cohort's results for people who agreed to share (`result`, `rows`; `cohort_export`).

Adding a kind: its widget module, its entry here, its content in the course files, its tests (see
assessments/README.md, "Adding a kind of piece").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from empathydesk.content import Content, Module

if TYPE_CHECKING:
    import ipywidgets as w

    from empathydesk.storage.records import Answers

Scope = Literal["single", "page", "module", "checkpoint"]
Reads = Callable[[Content, Module], Sequence[Any]]  # what a module kind reads from its module
Rule = Callable[[Content, Sequence[Any], Mapping[str, Any]], bool]  # (course, what it reads, its saved answers)
Row = tuple[str, str, Any, str]  # one row of the cohort's results: (topic, item, value, when)
Rows = Callable[[Mapping[str, Any]], list[Row]]  # its saved answers -> its rows


@dataclass(frozen=True)
class Kind:
    name: str
    scope: Scope
    builder: str  # "module:function" under empathydesk.widgets
    reads: Reads | None = None
    answers: str | None = None  # the Answers field holding its answers
    saves: tuple[str, ...] = ()  # the Store methods that write its answers
    part: str | None = None  # its part's name in `scoring.progress` (module kinds that count)
    done: Rule | None = None
    started: Rule | None = None
    personal: bool = True  # needs a participant
    top: bool = False  # a page's first piece: tells a participant we cannot find what to do, in full
    missing: str = ""  # a module without what it reads has no such piece, for this reason ("{module}" is its id);
    # without one, the piece itself says there is nothing yet
    result: str = ""  # the name of its rows in the cohort's results
    rows: Rows | None = None

    def function(self) -> Callable[..., w.Widget]:
        """Its builder (its module imported on first use)."""
        module, _, name = self.builder.partition(":")
        return getattr(importlib.import_module(f"empathydesk.widgets.{module}"), name)

    def build(self, session: Any, *target: str) -> w.Widget:
        return self.function()(session, *target)

    def saved(self, answers: Answers) -> Mapping[str, Any]:
        """Its part of a participant's answers."""
        return getattr(answers, self.answers) if self.answers else {}


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


KINDS: tuple[Kind, ...] = (
    # every page
    Kind("header", "page", "page:header", top=True),
    Kind("footer", "page", "page:footer"),
    # the self-assessment check-ins, by checkpoint id (a module's pulse is one of them)
    Kind("checkpoint", "checkpoint", "assessment:checkpoint_piece", answers="ratings", saves=("save_rating",),
         result="rating", rows=_rating_rows),
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


def of_scope(scope: Scope) -> dict[str, Kind]:
    """name -> kind, for the kinds of one scope, in list order."""
    return {k.name: k for k in KINDS if k.scope == scope}
