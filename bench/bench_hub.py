"""The EmpathyDesk hub service's save time with 40 people, through a real JupyterHub (tests/hub/harness.py):
PostgreSQL (durable: fsync on, as a real one), configurable-http-proxy, the hub with the shipped
workshop/jupyterhub/jupyterhub_config.py, and the service.

40 people sign in at the hub; each makes a token of their own that may reach the service (as their server's
token may), joins, and reads their answers once (the service then knows the token). Each person is a process
of their own that saves through `ApiStore`, as a lesson page does, a self-assessment rating and a scenario try
in turn. A save's time is from its request to its answer. Two paths: straight to the service (the lesson pages'
path: the shipped config gives the servers the service's own address) and through the hub's proxy (the path of
a browser, e.g. the facilitators' pages). Two situations:

- **The room** (what the aim is for): everyone saves at their own pace, one save every 5 to 20 seconds
  (uniformly at random), starting at random moments, for two minutes (about 380 saves), each save by one
  path or the other at random.
- **The burst** (a worst case): all 40 press save at the same instant (a barrier), 25 times, by one path and
  then the other. The service writes the saves that arrive together in one transaction (group commit,
  `empathydesk.hub.writer`), but it reads, checks and answers the requests one after another: the last
  waits for the others' turns, 40 x the CPU of a save, at least.

Also printed: the service's CPU per save (its process's user + system time over the saves it answered), the
proxy's CPU per request it passed on, the load average (1 minute) before and after each part, and how long the
disk takes to flush a write (a save's commit waits for PostgreSQL's log to reach the disk). The 40
people, the hub, the proxy, PostgreSQL and the service all share this machine, and so does whatever else runs
on it: the times are upper bounds for a machine doing only this.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEOPLE, ROUNDS = 40, 25
THINK = (5.0, 20.0)  # seconds between one person's saves in the room
ROOM_SECONDS = 120.0
COHORT = "cohort-bench"
AIM_MS = 50.0
PATHS = ("direct", "proxied")
PATH_WORDS = {"direct": "straight to the service (the lesson pages' path)",
              "proxied": "through the hub's proxy (a browser's path)"}


class Saver:
    """One person saving as a lesson page does: a rating, then a scenario try, in turn."""

    def __init__(self, apis: dict[str, str], token: str) -> None:
        from empathydesk.content import load
        from empathydesk.hub.client import ApiStore

        content = load()
        self.checkpoint = content.instrument.checkpoints[0].id
        self.items = [item.id for item in content.instrument.items]
        self.scenarios = [s.id for m in content.modules for s in m.scenarios]
        self.stores = {path: ApiStore(api, token) for path, api in apis.items()}
        for store in self.stores.values():  # each path's connection open, the token known to the service
            self.me = store.local_participant()
            store.answers(self.me.id)
        self.n = 0

    def save(self, path: str) -> float:
        """One save by `path`; its time in seconds."""
        store, n = self.stores[path], self.n
        self.n += 1
        began = time.perf_counter()
        if n % 2:
            store.add_scenario_attempt(self.me.id, self.scenarios[n % len(self.scenarios)], n % 3)
        else:
            store.save_rating(self.me.id, self.checkpoint, self.items[n % len(self.items)], 1 + n % 5)
        return time.perf_counter() - began


def _burst_person(apis: dict[str, str], token: str, path: str, ready: Any, start: Any, results: Any) -> None:
    latencies: list[float] = []
    try:
        saver = Saver(apis, token)
        ready.wait(120)
        for _ in range(ROUNDS):
            start.wait(120)  # everyone saves at the same moment
            latencies.append(saver.save(path))
    except Exception:
        ready.abort()
        start.abort()  # the others stop waiting for this one
        raise
    finally:
        results.put([(path, latency) for latency in latencies])


def _room_person(apis: dict[str, str], token: str, seed: int, ready: Any, start: Any, results: Any) -> None:
    chance = random.Random(seed)
    found: list[tuple[str, float]] = []
    try:
        saver = Saver(apis, token)
        ready.wait(120)
        until = time.monotonic() + ROOM_SECONDS
        time.sleep(chance.uniform(0, THINK[1]))  # people start at different moments
        while time.monotonic() < until:
            path = chance.choice(PATHS)
            found.append((path, saver.save(path)))
            time.sleep(chance.uniform(*THINK))
    except Exception:
        ready.abort()
        raise
    finally:
        results.put(found)


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


def _crowd(target: Any, per_person: list[tuple[Any, ...]], meters: list[Cpu]) -> list[tuple[str, float]]:
    """One process per person, `target(*args, ready, start, results)`; their (path, seconds), gathered.
    `meters` count the CPU from the moment everyone is ready (signed in, connected) to the last answer."""
    from contextlib import ExitStack

    context = multiprocessing.get_context("fork")
    ready, start, results = context.Barrier(len(per_person) + 1), context.Barrier(len(per_person)), context.Queue()
    workers = [context.Process(target=target, args=(*args, ready, start, results)) for args in per_person]
    for worker in workers:
        worker.start()
    found: list[tuple[str, float]] = []
    try:
        ready.wait(300)
        with ExitStack() as counting:
            for meter in meters:
                counting.enter_context(meter)
            for _ in workers:
                found += results.get(timeout=ROOM_SECONDS + 600)
    finally:
        for worker in workers:
            worker.join(30)
    if ready.broken or start.broken:
        raise RuntimeError("a person could not start saving (see above)")
    return found


def _disk_sync(folder: Path, times: int = 50) -> list[float]:
    """Seconds of each of `times` fdatasync calls after an 8 KiB write in `folder` (a durable PostgreSQL's
    commit waits for one such flush of its log)."""
    path = folder / "bench-fsync.tmp"
    spent = []
    handle = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(times):
            os.write(handle, b"\0" * 8192)
            began = time.perf_counter()
            os.fdatasync(handle)
            spent.append(time.perf_counter() - began)
    finally:
        os.close(handle)
        path.unlink()
    return spent


class Cpu:
    """CPU seconds (user + system) that a process spent between `start` and `stop`."""

    def __init__(self, process: Any) -> None:
        self.process, self.spent = process, 0.0

    def __enter__(self) -> Cpu:
        self.began = sum(self.process.cpu_times()[:2])
        return self

    def __exit__(self, *_: object) -> None:
        self.spent = sum(self.process.cpu_times()[:2]) - self.began


def measure() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.hub.harness import Hub

    names = [f"p{n:02d}" for n in range(PEOPLE)]
    found: dict[str, Any] = {"load": {"before": os.getloadavg()[0]}, "cpu": {}}
    with Hub(participants={COHORT: names}, facilitators=[], durable=True) as hub:
        tokens = asyncio.run(_people(hub, names))
        apis = {"direct": f"http://127.0.0.1:{hub.service_port}/services/empathydesk/api/", "proxied": hub.api("")}
        service, proxy = Cpu(hub.service_process()), Cpu(hub.proxy_process())
        room = _crowd(_room_person, [(apis, token, seed) for seed, token in enumerate(tokens)], [service, proxy])
        found["room"] = room
        found["cpu"]["room"] = service.spent / len(room)
        found["cpu"]["proxy"] = proxy.spent / max(1, sum(path == "proxied" for path, _ in room))
        found["load"]["room"] = os.getloadavg()[0]
        for path in PATHS:
            service = Cpu(hub.service_process())
            found[path] = _crowd(_burst_person, [(apis, token, path) for token in tokens], [service])
            found["cpu"][path] = service.spent / len(found[path])
            found["load"][path] = os.getloadavg()[0]
        found["fsync"] = _disk_sync(hub.postgres.folder)
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _figures(latencies: list[float]) -> tuple[str, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return (f"p50 {_ms(cuts[49])}, p95 {_ms(cuts[94])}, max {_ms(max(latencies))} (n={len(latencies)})",
            cuts[94] * 1000)


def run() -> list[tuple[str, str, str]]:
    found = measure()
    load = found["load"]
    rows = []
    for path in PATHS:
        text, p95 = _figures([seconds for via, seconds in found["room"] if via == path])
        verdict = "met" if p95 < AIM_MS else "NOT met"
        rows.append((f"hub save, room of {PEOPLE} (one save each every {THINK[0]:.0f}-{THINK[1]:.0f} s), "
                     f"{PATH_WORDS[path]}", f"{text}, load {load['room']:.1f}", f"p95 < {AIM_MS:.0f} ms: {verdict}"))
    for path in PATHS:
        text, p95 = _figures([seconds for _, seconds in found[path]])
        verdict = "met" if p95 < AIM_MS else "NOT met"
        rows.append((f"hub save, burst: {PEOPLE} press save at one instant ({ROUNDS} times), {PATH_WORDS[path]}",
                     f"{text}, load {load[path]:.1f}", f"worst case, not the aim's: {verdict}"))
    cpu = found["cpu"]
    rows.append(("hub service CPU per save (one process), proxy CPU per request",
                 f"room {_ms(cpu['room'])}, burst {_ms(cpu['direct'])} direct / {_ms(cpu['proxied'])} proxied; "
                 f"proxy {_ms(cpu['proxy'])}; a burst of {PEOPLE} needs at least {PEOPLE * cpu['direct'] * 1000:.0f} ms "
                 f"of the service's CPU", "-"))
    rows.append(("load average (1 min) on this machine", f"{os.cpu_count()} cores; before {load['before']:.1f}, "
                 f"after the room {load['room']:.1f}, after the bursts {load['direct']:.1f} / {load['proxied']:.1f}",
                 "-"))
    rows.append(("the disk: one flush (fdatasync of 8 KiB), as each save's commit waits for",
                 _figures(found["fsync"])[0], "-"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
