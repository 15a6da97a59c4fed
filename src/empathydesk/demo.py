"""Realistic synthetic answers, so a facilitator can preview the dashboard before the event.

`people(content, n, seed)` makes plain per-participant data (no database); `fill_cohort(store, ...)`
writes it through the Store API; `cohort_rows(...)` turns it into the rows the store's cohort-wide
reads return (used by the benchmark).

The model behind the numbers, so that the charts look like a real room:

* each person has a starting level per skill (around 3 on the 1-5 scale) and a gain from the workshop
  (about half a point, varying from person to person);
* an item's answer is the level plus noise, rounded and kept on the scale; reverse-worded items are
  answered the other way round;
* a module's pulse shows most of that module's gain; the wrap-up shows all of it; the follow-up a
  month on has lost a little; the retrospective "before" (answered at the end) rates the start lower
  than people actually did at the start, as retrospective ratings tend to;
* people who know more pick the best scenario option first more often, and answer more of the quiz
  (a kind's `demo`, e.g. the knowledge check) right, more so at the end than at the start;
* most people finish; the rest are somewhere in the middle of a module, as in a live session.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from empathydesk.content import Content
from empathydesk.kinds import kinds
from empathydesk.progress_file import FORMAT, VERSION, ProgressFile, read

NAMES = [
    "Ada", "Bea", "Cai", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kit", "Lea", "Max", "Nia", "Oli",
    "Pia", "Quin", "Rae", "Sol", "Tam", "Uma", "Vic", "Wren", "Xan", "Yas", "Zoe", "Ari", "Ben", "Cleo", "Dina",
]
REWRITES = [
    "No worries at all, it's easy to lose track of. Would you like me to show you where it is? I can send a short note too.",
    "Thanks for letting me know, that sounds frustrating. Could we try restarting it together? If it comes back, just reply here.",
    "I can see why that's confusing. One option is to save it to the shared folder; would that work for you?",
    "Happy to help. Which device are you using? Then I can walk you through the steps that fit it.",
    "Read the guide, it's all in there.",
]
REFLECTIONS = [
    "I use the expense tool twice a year and always feel lost. I forget that others feel like that with our systems.",
    "I noticed I rush people when the queue is long. Asking one question about their work changed the whole call.",
    "Offering a choice felt slower at first, but the person actually did the steps instead of calling back.",
    "I say 'SSO' and 'VPN' all day. Today I tried 'the one login for everything' and it landed much better.",
    "When someone says 'just fix it', they usually mean 'I have a deadline'. I want to ask about that first.",
    "It was hard to admit, but I do sigh on the phone. I will try to notice it.",
    "I liked the idea of telling a story about when it happened to me. It makes the person feel less silly.",
]


@dataclass
class Person:
    pseudonym: str
    consent: bool
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)
    scenario_attempts: dict[str, list[int]] = field(default_factory=dict)
    exercise_attempts: dict[str, list[str]] = field(default_factory=dict)
    reflections: dict[str, str] = field(default_factory=dict)
    pieces: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> key -> answer (`Kind.demo`)
    times: dict[str, datetime] = field(default_factory=dict)  # when each answer group was given


def _clip(value: float, top: int) -> int:
    return max(1, min(top, int(round(value))))


def people(
    content: Content,
    n: int,
    seed: int = 7,
    finish_share: float = 0.65,
    follow_up_share: float = 0.35,
    consent_share: float = 0.7,
    all_items_everywhere: bool = False,
    now: datetime | None = None,
    start: int = 0,
) -> list[Person]:
    """`n` synthetic participants. With `all_items_everywhere` every checkpoint asks every item (for the benchmark)."""
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    top = max(p.value for p in content.instrument.scale)
    comps = [c.id for c in content.instrument.competencies]
    modules = list(content.modules)
    result = []
    for k in range(start, start + n):
        name = NAMES[k % len(NAMES)] + (f" {k // len(NAMES) + 1}" if k >= len(NAMES) else "")
        person = Person(pseudonym=name, consent=rng.random() < consent_share)
        level = {c: rng.gauss(3.0, 0.55) for c in comps}
        gain = {c: rng.gauss(0.55, 0.35) for c in comps}
        harsh = rng.gauss(0, 0.25)  # a personal tendency to rate low or high
        finished = rng.random() < finish_share
        done_modules = len(modules) if finished else rng.randrange(0, len(modules))
        clock = now - timedelta(minutes=rng.uniform(150, 200))

        def tick(minutes: float) -> datetime:
            nonlocal clock
            clock = min(clock + timedelta(minutes=minutes * rng.uniform(0.7, 1.3)), now - timedelta(seconds=rng.uniform(5, 90)))
            return clock

        def answer(cp: str, shift: dict[str, float], only: list[str] | None = None) -> None:
            items = content.instrument.items if all_items_everywhere else content.items_for(cp)
            answers = {}
            for item in items:
                if only and item.competency not in only and not all_items_everywhere:
                    continue
                latent = level[item.competency] + shift.get(item.competency, 0.0) + harsh + rng.gauss(0, 0.6)
                value = _clip(latent, top)
                answers[item.id] = top + 1 - value if item.reverse else value
            person.ratings[cp] = answers
            person.times[cp] = tick(2)

        answer(content.checkpoint_for("start").id, {})
        knows = min(0.9, max(0.2, 0.2 + 0.11 * sum(level.values()) / len(level)))
        learned = min(0.95, knows + 0.35 * sum(gain.values()) / len(gain) + 0.05)
        later_pieces: list[str] = []  # a kind's answers after its first are given at the end of the session
        for kind in kinds():
            if kind.demo is not None:
                person.pieces[kind.name] = kind.demo(content, rng, k, knows, learned, finished)
                keys = [f"piece:{kind.name}:{key}" for key in person.pieces[kind.name]]
                person.times.update({key: tick(4) for key in keys[:1]})
                later_pieces += keys[1:]
        for number, module in enumerate(modules, start=1):
            if number > done_modules + 1:
                break
            in_progress = number == done_modules + 1
            comp = module.competency
            skill = level[comp] + gain[comp] * 0.5
            scenarios = module.scenarios
            if in_progress:
                scenarios = scenarios[: rng.randrange(0, len(scenarios) + 1)]
            for sc in scenarios:
                p_best = min(0.95, max(0.2, 0.25 + 0.17 * skill))
                others = [i for i in range(len(sc.options)) if i != sc.best_index]
                first = sc.best_index if rng.random() < p_best else rng.choice(others)
                tries = [first] if first == sc.best_index or rng.random() < 0.3 else [first, sc.best_index]
                person.scenario_attempts[sc.id] = tries
                person.times[f"scenario:{sc.id}"] = tick(1.5)
            if in_progress and rng.random() < 0.6:
                break
            for ex in module.exercises[:1] if in_progress else module.exercises[: rng.choice([1, 1, 2])]:
                texts = [rng.choice(REWRITES[:-1]) if skill > 2.6 or rng.random() < 0.5 else REWRITES[-1]]
                if rng.random() < 0.3:
                    texts.append(rng.choice(REWRITES[:-1]))
                person.exercise_attempts[ex.id] = texts
                person.times[f"exercise:{ex.id}"] = tick(4)
            if in_progress:
                break
            for ref in module.reflections:
                person.reflections[ref.id] = rng.choice(REFLECTIONS)
                person.times[f"reflection:{ref.id}"] = tick(3)
            pulse = content.checkpoint_after(module.id)
            if pulse is not None:
                answer(pulse.id, {comp: gain[comp] * rng.uniform(0.6, 0.9)}, [comp])
        if finished:
            answer(content.checkpoint_for("end").id, gain)
            person.times.update({key: tick(4) for key in later_pieces})
            if rng.random() < 0.9:
                answer(content.checkpoint_for("looking-back").id, {c: -abs(rng.gauss(0.35, 0.25)) for c in comps})
            later = next((c for c in content.instrument.checkpoints if c.role == "later"), None)
            if later is not None and rng.random() < follow_up_share:
                answer(later.id, {c: g - 0.15 for c, g in gain.items()})
        # a live room: people still working answered a moment ago; people who finished, some time back
        latest = max(person.times.values())
        target = now - timedelta(minutes=rng.uniform(0.2, 6) if not finished else rng.uniform(2, 45))
        person.times = {key: when + (target - latest) for key, when in person.times.items()}
        result.append(person)
    return result


def export_data(content: Content, person: Person, cohort: str) -> ProgressFile:
    """A person as a progress file (what `Store.import_participant` reads), built through the same model
    and checked against `content` by the same rules as a participant's own file."""
    first = min(person.times.values())
    data = {
        "format": FORMAT,
        "version": VERSION,
        "pseudonym": person.pseudonym,
        "cohort": cohort,
        "consent": person.consent,
        "created_at": first - timedelta(minutes=1),
        "checkpoints": [
            {
                "checkpoint": cp,
                "started_at": person.times[cp],
                "ratings": [{"item": i, "value": v, "answered_at": person.times[cp]} for i, v in answers.items()],
            }
            for cp, answers in person.ratings.items()
        ],
        "scenario_attempts": [
            {"scenario": sid, "attempt": k, "option": opt,
             "created_at": person.times[f"scenario:{sid}"] + timedelta(seconds=20 * (k - 1))}
            for sid, options in person.scenario_attempts.items()
            for k, opt in enumerate(options, start=1)
        ],
        "exercise_attempts": [
            {"exercise": eid, "attempt": k, "text": text, "review": {"demo": True},
             "created_at": person.times[f"exercise:{eid}"] + timedelta(seconds=40 * (k - 1))}
            for eid, texts in person.exercise_attempts.items()
            for k, text in enumerate(texts, start=1)
        ],
        "reflections": [
            {"reflection": rid, "text": text, "updated_at": person.times[f"reflection:{rid}"]}
            for rid, text in person.reflections.items()
        ],
        "pieces": [
            {"kind": kind, "key": key, "attempt": 1, "value": value, "created_at": person.times[f"piece:{kind}:{key}"]}
            for kind, answers in person.pieces.items()
            for key, value in answers.items()
        ],
    }
    return read(data, content)


def fill_cohort(store: Any, content: Content, cohort: str, n: int, seed: int = 7) -> int:
    """Create `cohort` if needed and add `n` synthetic participants to it through the Store API; returns n.

    Adding to a cohort that already has people continues their names ("Ada 2" …) and varies the answers.
    """
    if store.cohort(cohort) is None:
        store.create_cohort(cohort)
    existing = len(store.participants(cohort))
    for person in people(content, n, seed=seed + existing, start=existing):
        store.import_participant(export_data(content, person, cohort), cohort=cohort, content=content)
    return n


def cohort_rows(people_: list[Person], start_id: int = 1) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows `store.cohort_ratings` and `store.cohort_scenario_attempts` would return for these people."""
    ratings, attempts = [], []
    for pid, person in enumerate(people_, start=start_id):
        for cp, answers in person.ratings.items():
            ratings += [{"participant_id": pid, "checkpoint": cp, "item": i, "value": v} for i, v in answers.items()]
        for sid, options in person.scenario_attempts.items():
            attempts += [{"participant_id": pid, "scenario": sid, "attempt": k, "option": o}
                         for k, o in enumerate(options, start=1)]
    return ratings, attempts

