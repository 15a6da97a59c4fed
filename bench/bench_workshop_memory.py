"""What a participant costs in memory: the kernels of `empathydesk workshop`, measured from /proc.

Starts the real workshop (the repository's pages, a temporary database, a pool of 1 per page), then
- measures each preheated kernel while it waits for its visitor,
- opens every participant page once for a joined participant (plain HTTP: the kernel runs every cell,
  builds the widgets and stays, just as when a browser has the page open) and measures those kernels,
- measures both Voilà server processes and the facilitator's dashboard kernel.

USS (memory only that process holds) is what one more kernel adds; PSS divides shared pages among the
processes that share them; RSS counts shared pages (libraries, and the kernel template's pages that every
forked kernel shares, see empathydesk.forked_kernels) in full in every process.
Run alone: `.venv/bin/python bench/bench_workshop_memory.py` (about a minute on 2 cores).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from bench_kernel import memory  # noqa: E402


def kernels_of(parent: int) -> dict[str, int]:
    """kernel id -> pid for the kernels a Voilà process started (its own children, or its template's)."""
    import psutil
    from room import kernel_id_of

    found = {}
    for proc in psutil.Process(parent).children(recursive=True):
        kernel = kernel_id_of(proc)
        if kernel:
            found[kernel] = proc.pid
    return found


def measure() -> dict[str, object]:
    from empathydesk.server import RoomSettings, Workshop
    from empathydesk.storage import Store
    from workshop_helpers import fetch, free_port_pair

    tmp = Path(tempfile.mkdtemp(prefix="ed-memory-"))
    url = f"sqlite:///{tmp}/db.sqlite"
    workshop = Workshop(cohort="memory", port=free_port_pair(), db_url=url, log_dir=tmp / "logs",
                        settings=RoomSettings(pool_size=1, fill_delay=600))  # no refills while we measure
    started = time.monotonic()
    workshop.start()
    try:
        pages = workshop.pages()
        while workshop.pools_filled() < len(pages) and time.monotonic() - started < 600:
            time.sleep(1)
        warm = time.monotonic() - started
        server_pid = workshop.participant.process.pid
        # the pooled kernels run their page up to the point where it waits for its visitor: wait until settled
        before, deadline = -1.0, time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(3)
            total = sum(memory(p)["rss"] for p in kernels_of(server_pid).values())
            if abs(total - before) < 2:
                break
            before = total
        pooled = kernels_of(server_pid)
        pooled_mem = {k: memory(p) for k, p in pooled.items()}

        person = Store.open(url).join(workshop.join_code, "Measured")
        used: dict[str, dict[str, float]] = {}
        for page in pages:
            reply = fetch("127.0.0.1", workshop.participant.port, f"/voila/render/{page}?seat={person.token}", timeout=300)
            kernel = reply.kernel_id()
            time.sleep(1)
            used[page] = memory(kernels_of(server_pid)[kernel])

        login = fetch("127.0.0.1", workshop.facilitator.port, f"/voila/render/dashboard.ipynb?token={workshop.key}")
        dash = fetch("127.0.0.1", workshop.facilitator.port, "/voila/render/dashboard.ipynb", cookies=login.cookies, timeout=300)
        time.sleep(1)
        dash_mem = memory(kernels_of(workshop.facilitator.process.pid)[dash.kernel_id()]) if dash.status == 200 else None
        return {
            "pages": len(pages),
            "warm_seconds": warm,
            "pooled": list(pooled_mem.values()),
            "used": used,
            "server": memory(server_pid),
            "facilitator_server": memory(workshop.facilitator.process.pid),
            "dashboard": dash_mem,
        }
    finally:
        workshop.stop()


def run() -> list[tuple[str, str, str]]:
    m = measure()
    pooled = m["pooled"]
    used = list(m["used"].values())
    heaviest = max(m["used"].items(), key=lambda kv: kv[1]["uss"])
    med = lambda xs, key: statistics.median(x[key] for x in xs)  # noqa: E731
    rows = [
        ("participant pages preheated", f"{m['pages']} pages x 1 kernel, ready in {m['warm_seconds']:.0f} s", "before people arrive"),
        ("preheated kernel, waiting (median)", f"USS {med(pooled, 'uss'):.0f} MiB, PSS {med(pooled, 'pss'):.0f} MiB, RSS {med(pooled, 'rss'):.0f} MiB", "small"),
        ("kernel of an open page (median of pages)", f"USS {med(used, 'uss'):.0f} MiB, PSS {med(used, 'pss'):.0f} MiB, RSS {med(used, 'rss'):.0f} MiB", "< 150 MiB"),
        ("heaviest page kernel", f"{heaviest[0]}: USS {heaviest[1]['uss']:.0f} MiB, PSS {heaviest[1]['pss']:.0f} MiB, RSS {heaviest[1]['rss']:.0f} MiB", ""),
        ("participant app server", f"RSS {m['server']['rss']:.0f} MiB", ""),
        ("facilitator app server", f"RSS {m['facilitator_server']['rss']:.0f} MiB", ""),
    ]
    if m["dashboard"]:
        rows.append(("facilitator dashboard kernel", f"USS {m['dashboard']['uss']:.0f} MiB, RSS {m['dashboard']['rss']:.0f} MiB", ""))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
