"""40 processes each save 50 answers at once into one SQLite file; all 2,000 are there afterwards."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

from empathydesk.storage import Store

PROCESSES = 40
RATINGS, TRIES = 30, 20  # 50 answers per process: self-assessment answers and scenario tries


def _save_answers(url: str, pid: int, start: Barrier) -> None:
    store = Store.open(url)
    start.wait()
    for n in range(RATINGS + TRIES):
        if n < RATINGS:
            store.save_rating(pid, "baseline", f"item-{n}", 1 + n % 5)
        else:
            store.add_scenario_attempt(pid, "scenario-1", n % 4)
    store.close()


def test_forty_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/room.sqlite"
    store = Store.open(url)
    code = store.create_cohort("Room", ["module-1"]).join_code
    people = [store.join(code, f"P{n}").id for n in range(PROCESSES)]
    store.close()

    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    workers = [context.Process(target=_save_answers, args=(url, pid, start)) for pid in people]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    store = Store.open(url)
    try:
        ratings, tries = store.cohort_ratings("Room"), store.cohort_scenario_attempts("Room")
        assert len(ratings) + len(tries) == PROCESSES * (RATINGS + TRIES) == 2000
        for pid in people:
            assert store.ratings(pid)["baseline"] == {f"item-{n}": 1 + n % 5 for n in range(RATINGS)}
            assert store.scenario_attempts(pid)["scenario-1"] == [n % 4 for n in range(RATINGS, RATINGS + TRIES)]
    finally:
        store.close()
