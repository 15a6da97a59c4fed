"""How long the facilitator dashboard takes to build its statistics and charts for big cohorts.

For 50, 500 and 5,000 made-up participants (6 checkpoints x 20 items = 120 ratings each, plus every
scenario), time `dashboard.build_results`: cohort scores, change tables with confidence intervals,
Cronbach's alpha, Likert and scenario counts, the three charts (change with CIs; Likert bars at the
start and end; scenario choices) drawn and encoded as PNG, the tables and the consenting people's
scores as HTML. Also time the progress grid for everyone.

Charts aggregate (counts per answer, means per skill), so their cost does not grow with the cohort;
only the statistics do, linearly in the number of ratings.

The data is made in memory (no database), so this measures EmpathyDesk's own work. Each figure is the
median of a few runs after a warm-up.

    .venv/bin/python bench/bench_dashboard.py
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SIZES = (50, 500, 5000)
CHECKPOINTS = ("baseline", "after-module-1", "after-module-2", "wrap-up", "retro-before", "follow-up")
AIM_500 = 2.0


@dataclass(frozen=True)
class FakeParticipant:
    id: int
    pseudonym: str
    consent: bool


def cohort(content, n: int):
    from empathydesk import demo

    people = demo.people(content, n, seed=n, finish_share=1.0, follow_up_share=1.0, all_items_everywhere=True)
    for person in people:
        person.ratings = {cp: answers for cp, answers in person.ratings.items() if cp in CHECKPOINTS}
    ratings, attempts = demo.cohort_rows(people)
    participants = [FakeParticipant(i, p.pseudonym, p.consent) for i, p in enumerate(people, start=1)]
    return people, participants, ratings, attempts


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of `repeat` runs (the machine may be shared: CPU time is our own work)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def fmt(t: tuple[float, float]) -> str:
    return f"{t[0]:.2f} s (CPU {t[1]:.2f} s)"


def run() -> list[tuple[str, str, str]]:
    from empathydesk import dashboard, scoring
    from empathydesk.content import load

    content = load()
    rows: list[tuple[str, str, str]] = []
    results: dict[int, tuple[float, float]] = {}
    grids: dict[int, tuple[float, float]] = {}
    warm = cohort(content, 20)
    dashboard.build_results(content, warm[2], warm[3], warm[1])  # imports, font cache
    for n in SIZES:
        people, participants, ratings, attempts = cohort(content, n)
        repeat = 3 if n <= 500 else 2
        results[n] = timed(lambda: dashboard.build_results(content, ratings, attempts, participants), repeat)

        def grid() -> str:
            progress = {
                p.id: {"pages": scoring.page_progress(content, person.ratings, person.scenario_attempts,
                                                      person.exercise_attempts, person.reflections), "parts": {}}
                for p, person in zip(participants, people)
            }
            return dashboard.progress_grid_html(content, participants, progress, {}, now=datetime.now(timezone.utc))

        grids[n] = timed(grid, repeat)
        per = len(ratings) / n
        aim = f"< {AIM_500:g} s" if n == 500 else "linear in n"
        rows.append((f"dashboard statistics + charts, {n} people ({len(ratings):,} ratings, {per:.0f} each)",
                     fmt(results[n]), aim))
    for n in SIZES:
        rows.append((f"progress grid for {n} people (first {dashboard.MAX_ROWS} rows shown)", fmt(grids[n]),
                     "linear in n"))
    growth_wall, growth_cpu = results[5000][0] / results[500][0], results[5000][1] / results[500][1]
    rows.append(("growth 500 -> 5,000 people (10x the people)", f"{growth_wall:.1f}x (CPU {growth_cpu:.1f}x)",
                 "<= 10x (linear or better)"))
    return rows


if __name__ == "__main__":
    for figure, value, aim in run():
        print(f"{figure:80s} {value:>24s}   aim {aim}")
