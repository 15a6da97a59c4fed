"""What strangers cost the workshop: kernels and memory added by anonymous requests (the participant app's door).

Starts the real workshop (the repository's pages, a temporary database, a pool of 1 per page), then sends
200 anonymous GETs of lesson pages, 10 at a time (no token, a made-up token, another cohort's token, a
template switch), and 40 anonymous GETs of the join page from one address; it counts the page kernels and
their memory before and after, from /proc.
Run alone: `.venv/bin/python bench/bench_door.py` (about a minute on 2 cores).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_workshop_memory import kernels_of, memory  # noqa: E402

ANONYMOUS = 200
JOIN_PAGES = 40


def kernel_figures(server_pid: int) -> tuple[int, float]:
    """(page kernels, their RSS in MiB) under the participant app, once the numbers settle."""
    before = (-1, -1.0)
    for _ in range(20):
        kernels = kernels_of(server_pid)
        now = (len(kernels), sum(memory(p)["rss"] for p in kernels.values()))
        if now[0] == before[0] and abs(now[1] - before[1]) < 5:
            return now
        before = now
        time.sleep(2)
    return before


def measure() -> dict[str, object]:
    from empathydesk.server import RoomSettings, Workshop
    from empathydesk.storage import Store
    from workshop_helpers import fetch, free_port_pair

    tmp = Path(tempfile.mkdtemp(prefix="ed-door-"))
    url = f"sqlite:///{tmp}/db.sqlite"
    workshop = Workshop(cohort="door", port=free_port_pair(), db_url=url, log_dir=tmp / "logs",
                        settings=RoomSettings(pool_size=1))
    workshop.start()
    try:
        pages = workshop.pages()
        started = time.monotonic()
        while workshop.pools_filled() < len(pages) and time.monotonic() - started < 600:
            time.sleep(1)
        server = workshop.participant.process.pid
        port = workshop.participant.port
        store = Store.open(url)
        stranger = store.join(store.create_cohort("another-workshop").join_code, "Stranger").token
        lessons = [p for p in pages if p != "index.ipynb"]
        tails = ["", "?seat=made-up", f"?seat={stranger}", "?template=lab"]
        start_kernels, start_rss = kernel_figures(server)

        def anonymous(i: int) -> tuple[int, float]:
            t0 = time.perf_counter()
            reply = fetch("127.0.0.1", port, f"/voila/render/{lessons[i % len(lessons)]}{tails[i % len(tails)]}")
            return reply.status, time.perf_counter() - t0

        with ThreadPoolExecutor(10) as pool:
            answers = list(pool.map(anonymous, range(ANONYMOUS)))
        after_kernels, after_rss = kernel_figures(server)

        t0 = time.monotonic()
        join_statuses = Counter(fetch("127.0.0.1", port, "/voila/render/index.ipynb").status for _ in range(JOIN_PAGES))
        join_seconds = time.monotonic() - t0
        joined_kernels, joined_rss = kernel_figures(server)
        return {
            "statuses": Counter(s for s, _ in answers),
            "ms": statistics.median(t for _, t in answers) * 1000,
            "kernels": (start_kernels, after_kernels, joined_kernels),
            "rss": (start_rss, after_rss, joined_rss),
            "join_statuses": join_statuses,
            "join_seconds": join_seconds,
        }
    finally:
        workshop.stop()


def run() -> list[tuple[str, str, str]]:
    m = measure()
    k0, k1, k2 = m["kernels"]
    r0, r1, r2 = m["rss"]
    statuses = ", ".join(f"{n} x {s}" for s, n in sorted(m["statuses"].items()))
    joins = ", ".join(f"{n} x {s}" for s, n in sorted(m["join_statuses"].items()))
    return [
        (f"{ANONYMOUS} anonymous GETs of lesson pages, 10 at a time: answers", statuses, f"{ANONYMOUS} x 403"),
        (f"{ANONYMOUS} anonymous GETs: page kernels added", f"{k1 - k0} (from {k0} to {k1})", "0"),
        (f"{ANONYMOUS} anonymous GETs: page kernels' memory added", f"{r1 - r0:+.0f} MiB (RSS, {r0:.0f} -> {r1:.0f} MiB)", "~0"),
        (f"{ANONYMOUS} anonymous GETs: time to answer (median)", f"{m['ms']:.1f} ms", "-"),
        (f"{JOIN_PAGES} join pages from one address in a row: answers", f"{joins} in {m['join_seconds']:.0f} s",
         "10 at once, then 1 per 6 s; the rest 429"),
        (f"{JOIN_PAGES} join pages: page kernels added (stopped after 3 min unless a browser connects)",
         f"{k2 - k1} ({r2 - r1:+.0f} MiB)", "one per join page answered"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
