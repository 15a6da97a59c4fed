"""Scores, first tries and progress for one participant, computed from the plain data the store returns.

Every function here is pure: it takes the course content and a participant's saved answers (an
``Answers`` from ``store.answers(pid)`` or ``store.cohort_answers(cohort)``, or one of its parts) and
returns plain Python data. Nothing is imported that a lesson kernel would not already have. Every view
(landing page, progress strip, dashboard, cohort export, statistics) asks here what is done and what
counted as a first try.

Reverse keying: an item marked ``reverse: true`` is worded so that agreeing means *less* of the
skill, so its answer is flipped (on the 1-5 scale: 6 minus the answer) before the competency mean is
taken. A competency score is the mean of the answered items only, on the scale's own range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from empathydesk.content import Content, Item, Module
from empathydesk.joining import WELCOME, WRAP_UP
from empathydesk.kinds import Kind, of_scope

if TYPE_CHECKING:
    from empathydesk.storage.records import Answers

Ratings = Mapping[str, Mapping[str, int]]  # checkpoint -> item -> answer
ScenarioAttempts = Mapping[str, Sequence[int]]  # scenario -> chosen option indexes, in order
ExerciseAttempts = Mapping[str, Sequence[Any]]  # exercise -> attempts, in order
Reflections = Mapping[str, str]  # reflection -> text


class Progress(TypedDict):
    pages: dict[str, bool]  # page -> done, in page order
    parts: dict[str, tuple[int, int]]  # page -> (parts done, parts in all); a page not started has 0 done
    started: dict[str, bool]  # page -> anything on it answered (a started page may have no part done yet)


# --- the self-assessment --------------------------------------------------------------------------


def scale_max(content: Content) -> int:
    return max(p.value for p in content.instrument.scale)


def keyed(item: Item, value: int, top: int = 5) -> int:
    """The answer as a score: flipped for a reverse-keyed item (``top + 1 - value``)."""
    return top + 1 - value if item.reverse else value


def competency_scores(content: Content, answers: Mapping[str, int]) -> dict[str, float]:
    """Mean keyed score per competency, from the answered items only (competencies with none are left out).

    `answers` maps item id -> answer for one checkpoint. Unknown item ids and answers outside the scale
    are ignored. Competencies come back in the instrument's order.
    """
    top = scale_max(content)
    sums: dict[str, list[float]] = {}
    for item in content.instrument.items:
        value = answers.get(item.id)
        if value is None or not 1 <= value <= top:
            continue
        total = sums.setdefault(item.competency, [0.0, 0])
        total[0] += keyed(item, int(value), top)
        total[1] += 1
    return {c.id: sums[c.id][0] / sums[c.id][1] for c in content.instrument.competencies if c.id in sums}


def checkpoint_scores(content: Content, ratings: Ratings) -> dict[str, dict[str, float]]:
    """Competency scores for every checkpoint that has at least one answer, in the instrument's order."""
    out: dict[str, dict[str, float]] = {}
    for cp in content.instrument.checkpoints:
        scores = competency_scores(content, ratings.get(cp.id, {}))
        if scores:
            out[cp.id] = scores
    return out


def checkpoint_complete(content: Content, ratings: Ratings, checkpoint_id: str) -> bool:
    """True when every item the checkpoint asks has an answer."""
    answers = ratings.get(checkpoint_id, {})
    items = content.items_for(checkpoint_id)
    return bool(items) and all(item.id in answers for item in items)


def timeline(content: Content) -> list[str]:
    """Checkpoints in the order they are taken, without retrospective ones (those look back at the start)."""
    return [cp.id for cp in content.instrument.checkpoints if not cp.retrospective]


def checkpoint_series(content: Content, ratings: Ratings) -> dict[str, list[tuple[str, float]]]:
    """Per competency: ``[(checkpoint_id, score), ...]`` in the order taken, retrospective checkpoints left out."""
    scores = checkpoint_scores(content, ratings)
    series: dict[str, list[tuple[str, float]]] = {c.id: [] for c in content.instrument.competencies}
    for cp_id in timeline(content):
        for comp, score in scores.get(cp_id, {}).items():
            series[comp].append((cp_id, score))
    return {comp: points for comp, points in series.items() if points}


def before_and_now(content: Content, ratings: Ratings) -> tuple[dict[str, float], dict[str, float]]:
    """(before, now): the real start's scores, and each competency's most recent score after it.

    "Now" takes the latest non-retrospective checkpoint after the start that measured that
    competency (a module's pulse, the end or the later check-in). A competency not measured since the
    start is left out of "now".
    """
    start = content.checkpoint_for("start").id
    before = competency_scores(content, ratings.get(start, {}))
    now: dict[str, float] = {}
    for comp, points in checkpoint_series(content, ratings).items():
        later = [score for cp, score in points if cp != start]
        if later:
            now[comp] = later[-1]
    return before, now


# --- scenarios ------------------------------------------------------------------------------------


def first_tries(attempts: ScenarioAttempts) -> dict[str, int]:
    """scenario -> the option chosen on the first try (the one that counts), for every scenario tried."""
    return {scenario: options[0] for scenario, options in attempts.items() if options}


def scenario_results(content: Content, attempts: ScenarioAttempts) -> dict[str, dict[str, Any]]:
    """Per scenario of every module: first-try choice and whether it was the best option.

    ``{"module", "first" (option index or None), "best" (index), "first_try_best" (bool or None when not
    tried), "attempts" (int)}``. Only the first try counts.
    """
    firsts = first_tries(attempts)
    out: dict[str, dict[str, Any]] = {}
    for module in content.modules:
        for sc in module.scenarios:
            first = firsts.get(sc.id)
            out[sc.id] = {
                "module": module.id,
                "first": first,
                "best": sc.best_index,
                "first_try_best": None if first is None else first == sc.best_index,
                "attempts": len(attempts.get(sc.id, ())),
            }
    return out


def scenario_summary(content: Content, attempts: ScenarioAttempts) -> dict[str, dict[str, int]]:
    """Per module: how many scenarios were right on the first try, not right first, and not tried yet."""
    summary = {m.id: {"best": 0, "other": 0, "not_tried": 0} for m in content.modules}
    for result in scenario_results(content, attempts).values():
        key = {True: "best", False: "other", None: "not_tried"}[result["first_try_best"]]
        summary[result["module"]][key] += 1
    return summary


def first_try_score(content: Content, attempts: ScenarioAttempts) -> tuple[int, int]:
    """(scenarios answered with the best option on the first try, scenarios tried), over the course's scenarios."""
    summary = scenario_summary(content, attempts).values()
    return sum(s["best"] for s in summary), sum(s["best"] + s["other"] for s in summary)


# --- progress -------------------------------------------------------------------------------------


def _module_kinds() -> list[Kind]:
    """The module kinds that count towards a module being done."""
    return [k for k in of_scope("module").values() if k.done is not None]


def module_part_names() -> list[str]:
    """The parts every module is counted in (`Kind.part` of each module kind that counts)."""
    return [k.part for k in _module_kinds()]


def _parts(content: Content, module: Module, answers: Answers) -> tuple[dict[str, bool], bool]:
    """(each counted part of the module -> done, whether anything in the module is answered): each kind's rules."""
    done: dict[str, bool] = {}
    started = False
    for kind in _module_kinds():
        things, saved = kind.reads(content, module), kind.saved(answers)
        done[kind.part] = kind.done(content, things, saved)
        started = started or kind.started(content, things, saved)
    return done, started


def module_parts(
    content: Content,
    module: Module,
    ratings: Ratings,
    scenario_attempts: ScenarioAttempts,
    exercise_attempts: ExerciseAttempts,
    reflections: Reflections,
) -> dict[str, bool]:
    """What is done in one module: its pulse, every scenario tried, an exercise tried, the reflection(s) written
    (each kind's `done` in `empathydesk.kinds`). A part the module does not have counts as done."""
    from empathydesk.storage.records import Answers

    return _parts(content, module, Answers(ratings, scenario_attempts, exercise_attempts, reflections))[0]


def page_progress(
    content: Content,
    ratings: Ratings,
    scenario_attempts: ScenarioAttempts,
    exercise_attempts: ExerciseAttempts,
    reflections: Reflections,
) -> dict[str, bool]:
    """Done (True) or still to do (False) for every page, in page order: welcome, module-1 … , wrap-up.

    The welcome page is done when the start check-in is complete; a module when every part is done
    (`module_parts`); the wrap-up when the end check-in is complete.
    """
    from empathydesk.storage.records import Answers

    return progress(content, Answers(ratings, scenario_attempts, exercise_attempts, reflections))["pages"]


def progress(content: Content, answers: Answers) -> Progress:
    """What is done per page, how many parts of each page (a module's parts once anything in it is answered,
    a check-in page's items answered), and which pages are started."""
    completes = page_checkpoints(content)
    pages = {WELCOME: checkpoint_complete(content, answers.ratings, completes[WELCOME])}
    parts: dict[str, tuple[int, int]] = {}
    started: dict[str, bool] = {}
    for module in content.modules:
        got, started[module.id] = _parts(content, module, answers)
        pages[module.id] = all(got.values())
        parts[module.id] = (sum(got.values()) if started[module.id] else 0, len(got))
    pages[WRAP_UP] = checkpoint_complete(content, answers.ratings, completes[WRAP_UP])
    for page, cp in completes.items():
        items = content.items_for(cp)
        parts[page] = (len([i for i in items if i.id in answers.ratings.get(cp, {})]), len(items))
        started[page] = parts[page][0] > 0
    return {"pages": pages, "parts": parts, "started": started}


def page_checkpoints(content: Content) -> dict[str, str]:
    """The check-in that completes the welcome page (the start) and the wrap-up page (the end)."""
    return {WELCOME: content.checkpoint_for("start").id, WRAP_UP: content.checkpoint_for("end").id}


def page_ids(content: Content) -> list[str]:
    """Every page id in order: welcome, the modules, wrap-up."""
    return [WELCOME, *(m.id for m in content.modules), WRAP_UP]
