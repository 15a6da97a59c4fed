"""One refresh of the facilitator dashboard for big cohorts: how many database queries, and how long.

For 50, 500 and 5,000 made-up participants (6 checkpoints x 20 items = 120 ratings each, plus every
scenario, rewrite and reflection) in an SQLite file, count the statements one first refresh sends to the
database (a SQLAlchemy ``before_cursor_execute`` listener: `empathydesk.storage.counting`) and time it:
who joined, their latest activity, everyone's answers in one read (``store.cohort_answers``), progress per
person, cohort scores, change tables with confidence intervals, Cronbach's alpha, Likert and scenario
counts, the three charts drawn and encoded as PNG, and the tables as HTML.

The number of queries must not grow with the cohort; the time grows with the number of answers read and
counted. Each time is the median of a few runs after a warm-up.

    .venv/bin/python bench/bench_dashboard.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SIZES = (50, 500, 5000)
CHECKPOINTS = ("baseline", "after-module-1", "after-module-2", "wrap-up", "retro-before", "follow-up")
AIM_500 = 2.0


def fill(store: Any, content: Any, name: str, n: int) -> int:
    """A cohort of `n` made-up people written straight into the tables (the Store API would take minutes);
    returns the number of ratings."""
    from sqlalchemy import func, insert, select

    from empathydesk import demo
    from empathydesk.storage import models as m
    from empathydesk.storage.store import new_token

    cohort = store.create_cohort(name)
    people = demo.people(content, n, seed=n, finish_share=1.0, follow_up_share=1.0, all_items_everywhere=True)
    now = m.utcnow()
    rows: dict[Any, list[dict[str, Any]]] = {table: [] for table in (
        m.participants, m.access_tokens, m.checkpoints, m.ratings, m.scenario_attempts, m.exercise_attempts,
        m.reflections)}
    with store.engine.connect() as connection:  # ids go on from those of the cohorts made before
        first = connection.scalar(select(func.coalesce(func.max(m.participants.c.id), 0))) + 1
        entry = connection.scalar(select(func.coalesce(func.max(m.checkpoints.c.id), 0)))
    for pid, person in enumerate(people, start=first):
        rows[m.participants].append({"id": pid, "cohort_id": cohort.id, "pseudonym": person.pseudonym,
                                     "consent": person.consent, "created_at": now})
        rows[m.access_tokens].append({"participant_id": pid, "token": new_token(), "created_at": now})
        for cp, answers in person.ratings.items():
            if cp not in CHECKPOINTS:
                continue
            entry += 1
            rows[m.checkpoints].append({"id": entry, "participant_id": pid, "checkpoint": cp, "started_at": now})
            rows[m.ratings] += [{"checkpoint_entry_id": entry, "item": item, "value": value, "answered_at": now}
                                for item, value in answers.items()]
        for sid, options in person.scenario_attempts.items():
            rows[m.scenario_attempts] += [{"participant_id": pid, "scenario": sid, "attempt": k, "option": o,
                                           "created_at": now} for k, o in enumerate(options, start=1)]
        for eid, texts in person.exercise_attempts.items():
            rows[m.exercise_attempts] += [{"participant_id": pid, "exercise": eid, "attempt": k, "text": text,
                                           "review": {"demo": True}, "created_at": now}
                                          for k, text in enumerate(texts, start=1)]
        rows[m.reflections] += [{"participant_id": pid, "reflection": rid, "text": text, "updated_at": now}
                                for rid, text in person.reflections.items()]
    with store.engine.begin() as connection:
        for table, values in rows.items():
            if values:
                connection.execute(insert(table), values)
    return len(rows[m.ratings])


def refresh(store: Any, content: Any, name: str) -> int:
    """One first refresh of a new dashboard; the number of statements it sent."""
    from empathydesk.dashboard import Dashboard
    from empathydesk.storage.counting import counting_queries

    board = Dashboard(store, name, content, live_interval=3600)
    with counting_queries(store.engine) as statements:
        board.refresh(force=True)
    if "Could not" in board.status.value:
        raise RuntimeError(board.status.value)
    return len(statements)


def timed(fn: Any, repeat: int) -> tuple[float, float]:
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
    from empathydesk.content import load
    from empathydesk.storage import Store

    content = load()
    rows: list[tuple[str, str, str]] = []
    times: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.sqlite")
        try:
            fill(store, content, "warm-up", 20)
            refresh(store, content, "warm-up")  # imports, font cache
            counts, ratings = {}, {}
            for n in SIZES:
                ratings[n] = fill(store, content, f"cohort-{n}", n)
                counts[n] = refresh(store, content, f"cohort-{n}")
                times[n] = timed(lambda: refresh(store, content, f"cohort-{n}"), 3 if n <= 500 else 2)
        finally:
            store.close()
    for n in SIZES:
        rows.append((f"dashboard refresh, {n} people: database queries", str(counts[n]),
                     f"same for every size ({counts[SIZES[0]]})"))
    for n in SIZES:
        aim = f"< {AIM_500:g} s" if n == 500 else "linear in n"
        rows.append((f"dashboard refresh, {n} people ({ratings[n]:,} ratings): time", fmt(times[n]), aim))
    growth_wall, growth_cpu = times[5000][0] / times[500][0], times[5000][1] / times[500][1]
    rows.append(("growth 500 -> 5,000 people (10x the people)", f"{growth_wall:.1f}x (CPU {growth_cpu:.1f}x)",
                 "<= 10x (linear or better)"))
    return rows


if __name__ == "__main__":
    for figure, value, aim in run():
        print(f"{figure:80s} {value:>24s}   aim {aim}")
