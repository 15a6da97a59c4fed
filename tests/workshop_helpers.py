"""Helpers for the tests that start real workshop servers: free ports, plain HTTP without following redirects,
and a workshop serving a few tiny pages of the test's own."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


def free_port_pair(host: str = "127.0.0.1") -> int:
    """A port p such that p and p + 1 are both free on `host` right now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind((host, port))
                b.bind((host, port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two free ports next to each other")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def kernel_id(self) -> str:
        found = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', self.body, re.S)
        assert found, "no page config in the page"
        return json.loads(found.group(1))["kernelId"]


def fetch(
    host: str,
    port: int,
    path: str,
    method: str = "GET",
    cookies: dict[str, str] | None = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> Reply:
    """One raw request (the path is sent exactly as given: no normalising of `..`, no redirects followed)."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        sent = dict(headers or {})
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        jar: dict[str, str] = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(value)
            jar.update({k: m.value for k, m in parsed.items()})
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text, jar)
    finally:
        connection.close()


def notebook(path, *sources: str) -> None:
    """A notebook of code cells at `path`, on the "python3" kernel (the workshop's own kernel in its apps)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


def tiny_workshop(base, cohort: str, pages: dict[str, list[str]], settings, host: str = "127.0.0.1", ready: int = 0):
    """A started `Workshop` whose participant pages are `pages` (name -> cell sources), its database and logs
    under `base`; waits until `ready` pages (default: all) have their preheated kernels."""
    import time

    from empathydesk.server import Workshop

    notebooks, staff = base / "notebooks", base / "workshop"
    notebooks.mkdir()
    staff.mkdir()
    for name, sources in pages.items():
        notebook(notebooks / name, *sources)
    notebook(staff / "empty.ipynb", "1 + 1")
    running = Workshop(cohort=cohort, host=host, port=free_port_pair(host), db_url=f"sqlite:///{base}/db.sqlite",
                       log_dir=base / "logs", settings=settings, notebooks=notebooks, workshop=staff)
    running.start()
    wanted = ready or len(pages)
    deadline = time.monotonic() + 120
    while running.pools_filled() < wanted and time.monotonic() < deadline:
        time.sleep(0.5)
    if running.pools_filled() < wanted:
        running.stop()
        raise RuntimeError(running.participant.log_tail(40))
    return running


def join_token(workshop, name: str) -> str:
    """The personal link token of a new participant called `name` in the workshop's cohort."""
    from empathydesk.storage import Store

    return Store.open(workshop.db_url).join(workshop.join_code, name).token


def launch_workshop(data, cohort: str, port: int) -> tuple[subprocess.Popen, str]:
    """`empathydesk workshop` on `port` and `port + 1` with its data in `data`, waited for until warmed up:
    the process and what it printed. RuntimeError (the process killed) if it did not start."""
    env = {**os.environ, "EMPATHYDESK_DATA": str(data), "PYTHONUNBUFFERED": "1"}
    for name in ("EMPATHYDESK_DB_URL", "EMPATHYDESK_HOSTED", "QUERY_STRING"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "empathydesk", "workshop", "--cohort", cohort, "--port", str(port),
         "--facilitator-port", str(port + 1), "--pool-size", "1",
         "--joins-per-minute", "0"],  # many join pages from one address (tests/test_workshop_attacks.py checks the limit)
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "warmed up" in line:
            break
    out = "".join(lines)
    if "Join code:" not in out:
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError(f"the workshop did not start:\n{out}")
    return process, out


def stop_process(process: subprocess.Popen) -> tuple[int, str]:
    """Ctrl-C, as the facilitator would (killed if not stopped within two minutes): exit status and what it printed."""
    process.send_signal(signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        rest, _ = process.communicate()
    return process.returncode, rest


def answer_some(store, pid: int) -> None:
    """Answers so far for participant `pid`: every check-in the wrap-up charts use and two modules' scenarios."""
    from empathydesk.content import load

    content = load()
    for n, checkpoint in enumerate(("baseline", "after-module-1", "wrap-up", "retro-before")):
        for i, item in enumerate(content.items_for(checkpoint)):
            store.save_rating(pid, checkpoint, item.id, 1 + (i + n) % 5)
    for module in content.modules[:2]:
        for scenario in module.scenarios:
            store.add_scenario_attempt(pid, scenario.id, scenario.best_index)


def finished_answers():
    """The answers of a made-up person who finished everything (every module done, its conversation too)."""
    from empathydesk import demo
    from empathydesk.content import load
    from empathydesk.storage.records import Answers

    person = demo.people(load(), 1, finish_share=1.0)[0]
    pieces = {kind: {key: [answer] for key, answer in saved.items()} for kind, saved in person.pieces.items()}
    return Answers(person.ratings, person.scenario_attempts, person.exercise_attempts, person.reflections,
                   pieces=pieces)
