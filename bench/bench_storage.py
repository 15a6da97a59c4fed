"""Save latency of one answer, on SQLite (the default) and on PostgreSQL (started here, fsync on).

Two situations: one person saving 300 answers in a row, and a room of 40 processes saving
50 answers each at the same moment (as when a whole room submits a self-assessment).
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from multiprocessing.synchronize import Barrier
from typing import Any

from empathydesk.storage import Store
from empathydesk.storage.pgserver import PostgresUnavailable, TempPostgres

ALONE = 300
ROOM, EACH = 40, 50
AIM_ALONE, AIM_ROOM = "p95 <= 20 ms", "p95 <= 250 ms"


def _percentiles(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms (n={len(latencies)})"


def _timed_saves(store: Store, pid: int, count: int) -> list[float]:
    latencies = []
    for n in range(count):
        start = time.perf_counter()
        store.save_rating(pid, "baseline", f"item-{n}", 1 + n % 5)
        latencies.append(time.perf_counter() - start)
    return latencies


def _room_member(url: str, pid: int, start: Barrier, results: Any) -> None:
    store = Store.open(url)
    start.wait()
    results.put(_timed_saves(store, pid, EACH))
    store.close()


def _measure(url: str) -> tuple[list[float], list[float]]:
    """(alone, room) latencies in seconds for one database."""
    store = Store.open(url)
    alone = _timed_saves(store, store.local_participant().id, ALONE)
    code = store.create_cohort("Bench", ["module-1"]).join_code
    people = [store.join(code, f"P{n}").id for n in range(ROOM)]
    store.close()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(ROOM), context.Queue()
    workers = [context.Process(target=_room_member, args=(url, pid, start, results)) for pid in people]
    for worker in workers:
        worker.start()
    room = [latency for _ in workers for latency in results.get(timeout=600)]
    for worker in workers:
        worker.join()
    return alone, room


def _rows(label: str, url: str) -> list[tuple[str, str, str]]:
    alone, room = _measure(url)
    return [
        (f"{label}: one person saving an answer", _percentiles(alone), AIM_ALONE),
        (f"{label}: {ROOM} people saving {EACH} answers at once", _percentiles(room), AIM_ROOM),
    ]


def run() -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        rows = _rows("SQLite (WAL, synchronous=FULL)", f"sqlite:///{folder}/bench.sqlite")
    try:
        with TempPostgres(durable=True) as server:
            rows += _rows("PostgreSQL (fsync on)", server.create_database("bench"))
    except PostgresUnavailable as reason:
        rows.append(("PostgreSQL", f"not measured: {reason}", "-"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
