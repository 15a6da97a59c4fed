"""The EmpathyDesk hub service's save latency, through a real JupyterHub (tests/hub/harness.py): PostgreSQL,
configurable-http-proxy, the hub with the shipped workshop/jupyterhub/jupyterhub_config.py, the service.

40 people sign in at the hub, each makes a token of their own that may reach the service (as their server's
token may), joins, and reads their answers once (the service then knows the token). Then the room saves
at once, 25 times: in each round all 40 save one answer at the same moment (a barrier), each from a
process of its own through `ApiStore` (as a lesson page does), alternating a self-assessment rating and a
scenario try, every request through the hub's proxy to /services/empathydesk/ (and, for comparison, the
same straight to the service). The figure is each save's time from request to answer. On a machine
shared with other work the figures include its waits: the bench prints the load average beside them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEOPLE, EACH = 40, 25
COHORT = "cohort-bench"
AIM = "p95 < 50 ms"


def _person(api: str, token: str, start: Any, results: Any) -> None:
    from empathydesk.content import load
    from empathydesk.hub.client import ApiStore

    latencies: list[float] = []
    try:
        content = load()
        checkpoint = content.instrument.checkpoints[0].id
        items = [item.id for item in content.instrument.items]
        scenarios = [s.id for m in content.modules for s in m.scenarios]
        store = ApiStore(api, token)
        me = store.local_participant()
        store.answers(me.id)
        for n in range(EACH):
            start.wait(120)  # everyone saves at the same moment
            began = time.perf_counter()
            if n % 2:
                store.add_scenario_attempt(me.id, scenarios[n % len(scenarios)], n % 3)
            else:
                store.save_rating(me.id, checkpoint, items[n % len(items)], 1 + n % 5)
            latencies.append(time.perf_counter() - began)
    except Exception:
        start.abort()  # the others stop waiting for this one
        raise
    finally:
        results.put(latencies)


async def _people(hub: Any, names: list[str]) -> list[str]:
    from empathydesk.hub.client import ApiStore

    async def one(name: str) -> str:
        browser = await hub.sign_in(name)
        try:
            token = await hub.new_token(browser, name, ["access:services!service=empathydesk"])
        finally:
            await browser.aclose()
        await asyncio.to_thread(ApiStore(hub.api(""), token).join, "", f"Person {name[1:]}")
        return token

    return list(await asyncio.gather(*(one(name) for name in names)))


def measure() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.hub.harness import Hub

    names = [f"p{n:02d}" for n in range(PEOPLE)]
    with Hub(participants={COHORT: names}, facilitators=[]) as hub:
        tokens = asyncio.run(_people(hub, names))
        proxied = _room(hub.api(""), tokens)
        direct = _room(f"http://127.0.0.1:{hub.service_port}/services/empathydesk/api/", tokens)
    return {"proxied": proxied, "direct": direct}


def _room(api: str, tokens: list[str]) -> list[float]:
    """Every save's latency, with one process per person, all starting at once."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(len(tokens)), context.Queue()
    workers = [context.Process(target=_person, args=(api, token, start, results)) for token in tokens]
    for worker in workers:
        worker.start()
    latencies = []
    for _ in workers:
        latencies += results.get(timeout=600)
        if start.broken:
            raise RuntimeError("a person could not start saving (see above)")
    for worker in workers:
        worker.join(30)
    return latencies


def _figure(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return (f"p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms, max {max(latencies) * 1000:.0f} ms "
            f"(n={len(latencies)})")


def run() -> list[tuple[str, str, str]]:
    import os

    found = measure()
    load = "load average %.1f" % os.getloadavg()[0]
    return [
        (f"hub API save, {PEOPLE} people at once through the hub's proxy", f"{_figure(found['proxied'])}, {load}", AIM),
        (f"hub API save, {PEOPLE} people at once, straight to the service", _figure(found["direct"]), "-"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
