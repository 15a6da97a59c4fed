"""A room of 40 against the real `empathydesk workshop`, plain Voilà beside it, and faults.

    .venv/bin/python bench/room.py                  # the full run (about 20 minutes), prints its figures
    .venv/bin/python bench/room.py --no-compare     # without the second room on ordinary kernels
    .venv/bin/python bench/room.py --quick          # 8 people, 1 browser, shorter: a smoke test
    .venv/bin/python bench/room.py --no-faults      # skip the kill / read-only / full-disk phases

What it does, all on 127.0.0.1, each phase bounded in time, everything stopped at the end:

1. Starts `empathydesk workshop` (the real command) on free ports with a temporary SQLite database, and two
   plain `voila`s serving bench/minimal.ipynb with the participant app's own Voilà settings (the same
   arguments from `empathydesk.server.participant_args`, minus EmpathyDesk's template and landing page):
   one on the standard ipykernel, one on the workshop's kernel (`empathydesk.kernel`).
2. Quiet comparison: each participant page, then the minimal pages, opened one at a time (protocol client)
   and in Chromium (each page load interleaved with loads of both minimal pages): time to usable, and the
   RSS of the page's kernel. Ratios lesson / minimal.
3. The room, i.e. the start of a workshop: N simulated participants (protocol level, see voila_client.py and
   drive.py) join through the landing page within a minute, then do the welcome page and one module each,
   answering everything, while the facilitator's dashboard is open (it updates itself) and is reloaded,
   and a few real Chromium pages do the same journey (at a higher CPU priority, standing in for people's
   own devices). Answers acknowledged on screen are read back through the Store API.
4. Faults: SIGKILL every process of the workshop (its process groups and the kernels') while people are
   answering, restart it, check every acknowledged answer; then a read-only database (SQLite `mode=ro`)
   and a full one (a 1 MiB tmpfs, when this process may mount one): the message people see, no traceback,
   nothing saved lost.

5. The same room again on a fresh database with the workshop's kernels started as new processes
   (`empathydesk workshop --plain-kernels`) instead of forked from its warm template, to compare.

Around the rooms, one standard ipykernel start and one forked kernel start are measured here (bench_kernel's
way, CPU seconds): the room's CPU per page opened and the kernel start are given as ratios to it, which carry
over to a slower or faster machine; beside them the absolute figures and the machine's load average (the
machine may be shared). Memory is PSS (`/proc/<pid>/smaps_rollup`), which divides shared pages among the
processes that share them; RSS counts the template's pages once in every kernel forked from it.

`run_room()` returns the rows for bench/run.py (see bench_room.py). Absolute times depend on the machine
and on what else runs on it; the ratios and the counts are the figures to read.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import psutil  # noqa: E402

from bench_kernel import STANDARD, FORKED, memory, start_cpu  # noqa: E402
from drive import Ledger, Participant, descendants, first, html_text, pieces  # noqa: E402
from voila_client import open_page, new_client, views_in, parse_page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MEMORY_CAP = 12 * 2**30   # stop the room early rather than push a shared machine into swap/OOM


@dataclass
class Config:
    participants: int = 40
    join_window: float = 60.0        # everyone arrives within this many seconds
    browsers: int = 3                # real Chromium participants beside the simulated ones
    repeats: int = 2                 # quiet measurements per page (protocol) ...
    browser_repeats: int = 5         # ... and in Chromium (median: one Chromium load varies by ±0.2 s)
    room_deadline: float = 360.0     # the room stops by itself after this long
    think: tuple[float, float] = (0.3, 1.2)   # a person's pause between two answers (s)
    dashboard_every: float = 30.0    # the facilitator reloads the dashboard this often (s)
    faults: bool = True
    fault_people: int = 6
    seed: int = 20261123
    keep: bool = False               # keep the temporary folder (logs, database)
    quiet: bool = True               # run the one-page-at-a-time comparison with plain Voila
    kernel_nice: int | None = None   # experiment: renice the workshop's kernels during the room
    join_with_kernel: bool = False   # the join page as before issue 24: the landing notebook's widget, in a kernel
    plain_kernels: bool = False      # the workshop's page kernels as new processes (--plain-kernels), not forked
    compare_plain: bool = True       # then the same room again with ordinary kernels, to compare (issue 24)
    log: Any = print


# ---------------------------------------------------------------- small helpers

def stand_in_for_own_devices() -> None:
    """People's browsers run on their own devices, not on the server's two cores: give our Chromium processes
    (browser, zygotes; renderers forked later inherit it) a higher CPU priority than the workshop's kernels,
    so that the room's Chromium pages measure the server, not a fight for the same CPU. Needs root; else a no-op."""
    for p in psutil.Process().children(recursive=True):
        try:
            if "chrom" in p.name():
                p.nice(-10)
        except (psutil.Error, OSError):
            pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def fmt_s(x: float) -> str:
    return "n/a" if x != x else (f"{x:.2f} s" if x < 10 else f"{x:.1f} s")


def fmt_mb(x: float) -> str:
    return f"{x / 2**20:.0f} MiB"


TEMPLATE = "empathydesk.forked_kernels"


def kernel_id_of(proc: psutil.Process, look_up: bool = True) -> str | None:
    """The kernel id of a page kernel's process (None: not a kernel). A kernel forked from the template has the
    template's command line: it is the template's child, and its id is in its sockets' names (`look_up`;
    else "forked-<pid>")."""
    try:
        cmd = " ".join(proc.cmdline())
        if TEMPLATE in cmd:
            parent = proc.parent()
            if parent is None or TEMPLATE not in " ".join(parent.cmdline()):
                return None  # the template itself
            for c in proc.net_connections(kind="unix") if look_up else []:
                m = re.search(r"kernel-([0-9a-f-]{36})-ipc", c.laddr or "")
                if m:
                    return m.group(1)
            return f"forked-{proc.pid}"
    except (psutil.Error, OSError):
        return None
    m = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
    return m.group(1) if m and ("ipykernel" in cmd or "empathydesk.kernel" in cmd) else None


def pss(procs: list[psutil.Process]) -> int:
    """Bytes: the processes' proportional set size (a page shared by n processes counts 1/n in each)."""
    total = 0.0
    for p in procs:
        try:
            total += memory(p.pid)["pss"]
        except (OSError, KeyError, ValueError):
            pass
    return int(total * 2**20)


def tree(pids: list[int]) -> list[psutil.Process]:
    procs = []
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs.append(root)
            procs.extend(root.children(recursive=True))
        except psutil.Error:
            continue
    return procs


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by these processes and everything under them, including children already gone
    (a reaped child's time is added to its parent's children_user / children_system)."""
    total = 0.0
    for p in tree(pids):
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def own_cpu(proc: psutil.Process | None) -> float:
    try:
        t = proc.cpu_times()
        return t.user + t.system
    except (psutil.Error, AttributeError):
        return float("nan")


def rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


HEAVY = ("pandas", "scipy", "matplotlib", "numpy")


def kernel_process(pids: list[int], kernel_id: str) -> psutil.Process | None:
    for p in tree(pids):
        if kernel_id_of(p) == kernel_id:
            return p
    return None


def heavy_modules(proc: psutil.Process | None) -> list[str]:
    """Which heavy libraries a kernel has imported, seen from outside: their compiled modules in its memory map."""
    if proc is None:
        return []
    try:
        paths = {m.path for m in proc.memory_maps(grouped=True)}
    except (psutil.Error, OSError):
        return ["?"]
    return [lib for lib in HEAVY if any(f"/site-packages/{lib}/" in p or f"/site-packages/{lib}.libs/" in p for p in paths)]


async def wait_quiet(pids: list[int], limit: float = 20.0, threshold: float = 8.0) -> None:
    """Wait until the processes under `pids` use almost no CPU (pools refilled), at most `limit` s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        procs = tree(pids)
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        await asyncio.sleep(1.0)
        total = 0.0
        for p in procs:
            try:
                total += p.cpu_percent(None)
            except psutil.Error:
                pass
        if total < threshold:
            return


# ---------------------------------------------------------------- the servers

class Server:
    """A command started in its own process group, its output in a log file."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self.name, self.cmd, self.env, self.cwd, self.log_path = name, cmd, env, cwd, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid] if self.proc and self.proc.poll() is None else []

    def kill_everything(self) -> int:
        """SIGKILL every process group under this server (its own, each app's, each kernel's)."""
        procs = tree([self.proc.pid]) if self.proc else []
        groups = set()
        for p in procs:
            try:
                groups.add(os.getpgid(p.pid))
            except OSError:
                pass
        for g in groups:
            try:
                os.killpg(g, signal.SIGKILL)
            except OSError:
                pass
        if self.proc:
            self.proc.wait(timeout=30)
        psutil.wait_procs(procs, timeout=10)
        return len(procs)

    def stop(self, timeout: float = 60) -> None:
        if not self.proc or self.proc.poll() is not None:
            self._reap()
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self._reap()

    def _reap(self) -> None:
        """Nothing of ours stays behind: kill what is left of the tree."""
        if self.proc is None:
            return
        left = [p for p in tree([self.proc.pid]) if p.is_running()] if self.proc.poll() is None else []
        if left or self.proc.poll() is None:
            self.kill_everything()


def base_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("EMPATHYDESK_DB_URL", "EMPATHYDESK_HOSTED", "QUERY_STRING", "JUPYTER_TOKEN"):
        env.pop(name, None)
    env["EMPATHYDESK_DATA"] = str(tmp / "data")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    env["PYTHONUNBUFFERED"] = "1"
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


class Workshop(Server):
    """`empathydesk workshop` on free ports; knows its join code, facilitator key and apps."""

    def __init__(self, tmp: Path, db_url: str, cohort: str = "bench-room", port: int | None = None,
                 facilitator_port: int | None = None, tag: str = "", extra: list[str] | None = None,
                 join_with_kernel: bool = False, plain_kernels: bool = False) -> None:
        self.port = port or free_port()
        self.facilitator_port = facilitator_port or free_port()
        self.db_url = db_url
        self.join_with_kernel = join_with_kernel
        self.plain_kernels = plain_kernels
        if plain_kernels:
            extra = [*(extra or []), "--plain-kernels"]
        cmd = [sys.executable, "-m", "empathydesk", "workshop", "--port", str(self.port),
               "--facilitator-port", str(self.facilitator_port), "--db", db_url, "--cohort", cohort,
               # every simulated person comes from 127.0.0.1: no per-address limits (a real room has an address each)
               "--opens-per-minute", "0", "--joins-per-minute", "0", *(extra or [])]
        env = base_env(tmp)
        if join_with_kernel:  # Voilà reads voila.json from the Jupyter config path: the join page as before
            config = tmp / f"config-join-with-kernel{tag}"
            config.mkdir(exist_ok=True)
            (config / "voila.json").write_text(json.dumps({"RoomVoila": {"join_without_kernel": False}}))
            env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(config), env.get("JUPYTER_CONFIG_PATH")]))
        super().__init__("workshop", cmd, env, REPO, tmp / f"workshop{tag}.log")
        self.join_code = ""
        self.key = ""

    def wait_ready(self, timeout: float = 240, warm: bool = True) -> float:
        """Wait for the banner (and, with `warm`, for every page's kernel pool); returns the seconds taken."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            text = self.log_text().rsplit("EmpathyDesk workshop for cohort", 1)
            if self.proc.poll() is not None:
                raise RuntimeError(f"the workshop stopped:\n{self.log_text()[-3000:]}")
            if len(text) == 2:
                banner = text[1]
                m = re.search(r"Join code:\s*(\S+)", banner)
                k = re.search(r"Facilitator key:\s*(\S+)", banner)
                if m and k:
                    self.join_code, self.key = m.group(1), k.group(1)
                    if not warm or "warmed up and ready" in banner:
                        return time.monotonic() - start
            time.sleep(0.5)
        raise TimeoutError(f"the workshop was not ready within {timeout:.0f} s")

    def url(self, notebook: str, **query: str) -> str:
        q = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}" + (f"?{q}" if q else "")

    def facilitator_url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.facilitator_port}/voila/render/{notebook}?token={self.key}"

    def app_pids(self) -> dict[str, list[int]]:
        """The participant app's and the facilitator app's processes (from their command lines)."""
        out: dict[str, list[int]] = {"participant": [], "facilitator": []}
        for p in tree(self.pids):
            try:
                cmd = " ".join(p.cmdline())
            except psutil.Error:
                continue
            if "empathydesk._voila" in cmd:
                out["participant" if f"--Voila.port={self.port}" in cmd else "facilitator"].append(p.pid)
        return out


def plain_voila(tmp: Path, root: Path, workshop_kernel: bool = False) -> Server:
    """Plain Voilà with the participant app's settings (no EmpathyDesk template, no landing page).

    `workshop_kernel`: its pages run on the workshop's kernel (`empathydesk.kernel`) instead of the
    standard ipykernel, so that a comparison can show the pages' own weight."""
    from empathydesk.server import RoomSettings, participant_args, share_jupyter_path

    port = free_port()
    args = [a for a in participant_args("127.0.0.1", port, RoomSettings(), root)
            if not a.startswith(("--template=", "--RoomVoila.", "--VoilaExecutor.cell_error_instruction"))]
    env = base_env(tmp)
    name = "plain-voila"
    if workshop_kernel:
        env["JUPYTER_PATH"] = share_jupyter_path(env.get("JUPYTER_PATH"))
        name = "plain-voila-workshop-kernel"
    server = Server(name, [sys.executable, "-m", "voila", *args], env, root, tmp / f"{name}.log")
    server.port = port  # type: ignore[attr-defined]
    return server


def wait_plain_ready(server: Server, pages: int, timeout: float = 120) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.proc.poll() is not None:
            raise RuntimeError(f"plain voila stopped:\n{server.log_text()[-2000:]}")
        if len(set(re.findall(r"Kernel pool of (\S+) is filled", server.log_text()))) >= pages:
            return
        time.sleep(0.5)
    raise TimeoutError("plain voila's pool did not fill in time")


# ---------------------------------------------------------------- memory

@dataclass
class MemoryPeaks:
    servers: int = 0        # sum of the Voilà server processes (and the workshop command)
    kernels: int = 0        # sum of every kernel's RSS at one moment
    total: int = 0
    kernels_alive: int = 0
    largest_kernel: int = 0
    samples: int = 0
    over_cap: bool = False
    pss: int = 0            # every process of the workshop (servers, template, kernels): sum of PSS at one moment


async def sample_memory(pids_of: Any, peaks: MemoryPeaks, stop: asyncio.Event, every: float = 2.0,
                        kernel_nice: int | None = None) -> None:
    while not stop.is_set():
        servers = kernels = n = biggest = 0
        procs = tree(pids_of())
        if peaks.samples % 3 == 0:  # reading every process's page tables costs CPU: every third sample
            peaks.pss = max(peaks.pss, pss(procs))
        for p in procs:
            size = rss(p)
            if kernel_id_of(p, look_up=False):
                if kernel_nice is not None:  # experiment: kernels below the servers' priority
                    try:
                        if p.nice() != kernel_nice:
                            p.nice(kernel_nice)
                    except (psutil.Error, OSError):
                        pass
                kernels += size
                n += 1
                biggest = max(biggest, size)
            else:
                servers += size
        peaks.servers = max(peaks.servers, servers)
        peaks.kernels = max(peaks.kernels, kernels)
        peaks.total = max(peaks.total, servers + kernels)
        peaks.kernels_alive = max(peaks.kernels_alive, n)
        peaks.largest_kernel = max(peaks.largest_kernel, biggest)
        peaks.samples += 1
        if servers + kernels > MEMORY_CAP:
            peaks.over_cap = True
        try:
            await asyncio.wait_for(stop.wait(), every)
        except asyncio.TimeoutError:
            pass


# ---------------------------------------------------------------- joining and pages

@dataclass
class JoinPage:
    """The join page served without a kernel, once joined (what `join` returns in place of a Voilà page)."""

    join_seconds: float
    shutdown_status: int | None = None

    async def close(self) -> None:
        pass


async def join(ws: Workshop, name: str, client: Any = None) -> tuple[str, float, Any]:
    """Join through the landing page with the code link; returns (token, landing page's time to usable, page)."""
    if not ws.join_with_kernel:
        return await join_by_form(ws, name, client)
    return await join_by_widget(ws, name, client)


async def join_by_form(ws: Workshop, name: str, client: Any = None) -> tuple[str, float, JoinPage]:
    """The join page without a kernel: usable once its HTML and its stylesheets have come (what a browser
    needs for its first paint); then the form is sent as a browser sends it (the _xsrf cookie and field)."""
    import httpx

    own = client is None
    client = client or new_client()
    try:
        start = time.perf_counter()
        reply = await client.get(ws.url("index.ipynb", code=ws.join_code), timeout=300)
        if reply.status_code != 200 or 'data-ed="join-form"' not in reply.text:
            raise RuntimeError(f"no join form on the landing page ({reply.status_code}): {reply.text[:200]}")
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', reply.text)
        got = await asyncio.gather(*(client.get(httpx.URL(str(reply.url)).join(html.unescape(h)), timeout=300)
                                     for h in sheets))
        if any(r.status_code != 200 for r in got):
            raise RuntimeError(f"a stylesheet of the join page: {[r.status_code for r in got]}")
        usable = time.perf_counter() - start

        def field(name: str) -> str:
            m = re.search(rf'name="{name}" (?:type="[^"]*" )?value="([^"]*)"', reply.text)
            return html.unescape(m.group(1)) if m else ""

        action = html.unescape(re.search(r'<form[^>]*action="([^"]*)"', reply.text).group(1))
        clicked = time.perf_counter()
        sent = await client.post(httpx.URL(str(reply.url)).join(action), timeout=300, data={
            "_xsrf": field("_xsrf"), "form": field("form"), "code": field("code"), "name": name})
        m = re.search(r'href="[^"]*\?seat=([A-Za-z0-9_\-%]+)"[^>]*data-ed="personal-link"', sent.text)
        if sent.status_code != 200 or not m:
            raise RuntimeError(f"joining by the form ({sent.status_code}): {sent.text[-300:]}")
        return m.group(1), usable, JoinPage(time.perf_counter() - clicked)
    finally:
        if own:
            await client.aclose()


async def join_by_widget(ws: Workshop, name: str, client: Any = None) -> tuple[str, float, Any]:
    """The join page before issue 24: the landing notebook's join widget, in a kernel of its own."""
    page = await open_page(ws.url("index.ipynb", code=ws.join_code), client=client)
    try:
        form = pieces(page, "ed-join-form")
        if not form:
            raise RuntimeError("no join form on the landing page: " + page.text()[:200])
        ids = descendants(page, form[0][1])
        texts = [m for m in ids if page.models[m]["model_name"] == "TextModel"]
        go = first(page, ids, "ButtonModel")
        name_box = next(m for m in texts if "name" in (page.state(m).get("description") or "").lower())
        await page.set(name_box, {"value": name})
        clicked = time.perf_counter()
        await page.click(go)

        def token(p: Any) -> str | None:
            m = re.search(r'data-ed="personal-link"[^>]*>[^<]*\?seat=([A-Za-z0-9_\-%]+)', p.text())
            m = m or re.search(r'href="[^"]*\?seat=([A-Za-z0-9_\-%]+)"[^>]*data-ed="personal-link"', p.text())
            return m.group(1) if m else None

        tok = await page.wait_for(token, timeout=240)
        page.join_seconds = time.perf_counter() - clicked  # type: ignore[attr-defined]
        return tok, page.timings.time_to_usable, page
    except BaseException:
        await page.close()
        raise


@dataclass
class PageStat:
    page: str
    seconds: float
    where: str   # "protocol" or "browser"
    phase: str
    steps: dict[str, float] = field(default_factory=dict)  # protocol pages: seconds from the GET to each step


# ---------------------------------------------------------------- quiet comparison with plain Voilà

async def quiet_comparison(cfg: Config, ws: Workshop, plain: Server, plain_wk: Server, token: str,
                           pages: list[str], browser: Any) -> dict[str, Any]:
    pids = ws.pids + plain.pids + plain_wk.pids
    results: dict[str, dict[str, list[float]]] = {}

    minimal_url = f"http://127.0.0.1:{plain.port}/voila/render/minimal.ipynb?seat={token}"
    minimal_wk_url = f"http://127.0.0.1:{plain_wk.port}/voila/render/minimal.ipynb?seat={token}"

    async def measure(label: str, url: str, server_pids: list[int]) -> None:
        r = results.setdefault(label, {"protocol": [], "kernel": [], "browser": [], "heavy": [], "cpu": [],
                                       "browser_minimal": [], "browser_minimal_wk": []})
        for _ in range(cfg.repeats):
            await wait_quiet(pids)
            page = await open_page_retrying(url, r)
            r["protocol"].append(page.timings.time_to_usable)
            await asyncio.sleep(0.5)  # let the last cells' outputs settle before weighing the kernel
            proc = kernel_process(server_pids, page.kernel_id)
            r["kernel"].append(rss(proc) if proc else 0)
            r["cpu"].append(own_cpu(proc))
            r["heavy"] = heavy_modules(proc)
            await page.close()
        if browser is not None:
            # Interleaved: each page load sits between loads of both minimal pages, so that a ratio compares
            # loads made under the same conditions (one Chromium load alone varies by ±0.2 s).
            paired = not label.startswith("minimal")
            for _ in range(cfg.browser_repeats):
                for key, address in [("browser_minimal", minimal_url), ("browser_minimal_wk", minimal_wk_url),
                                     ("browser", url)][0 if paired else 2:]:
                    await wait_quiet(pids)
                    r[key].append(await browser_tti(browser, address))

    await measure("minimal", minimal_url, plain.pids)
    for nb in pages:
        await measure(nb, ws.url(nb, seat=token), ws.pids)
    await measure("minimal", minimal_url, plain.pids)  # once more, after: the machine may have changed
    await measure(MINIMAL_WK, minimal_wk_url, plain_wk.pids)
    return results


MINIMAL_WK = "minimal page on the workshop kernel"


async def open_page_retrying(url: str, record: dict[str, Any], tries: int = 3) -> Any:
    """`open_page`, tried again after a page that came without a kernel (seen once on plain Voilà right after
    it started); every retry is counted in `record["retries"]` and reported."""
    from voila_client import PageError

    for attempt in range(tries):
        try:
            return await open_page(url)
        except PageError:
            record["retries"] = record.get("retries", 0) + 1
            if attempt == tries - 1:
                raise
            await asyncio.sleep(2)


async def browser_tti(browser: Any, url: str, timeout: float = 120) -> float:
    """Open `url` in a fresh Chromium context; seconds until every widget on the page is drawn."""
    context = await browser.new_context()
    page = await context.new_page()
    try:
        start = time.perf_counter()
        resp = await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        html = await resp.text()
        expected = len(views_in(parse_page(html)[1]))
        await page.wait_for_function(
            """(n) => !document.getElementById('loading') &&
                 document.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= n""",
            arg=expected, timeout=timeout * 1000, polling="raf")
        return time.perf_counter() - start
    finally:
        await context.close()


# ---------------------------------------------------------------- the room

@dataclass
class RoomResult:
    stats: list[PageStat] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    joined: int = 0
    finished: int = 0
    failures: list[str] = field(default_factory=list)
    dashboard: list[float] = field(default_factory=list)
    dashboard_note: str = ""
    browser_pages: list[float] = field(default_factory=list)
    browser_notes: list[str] = field(default_factory=list)
    browser_answers: tuple[int, int] = (0, 0)   # clicked, stored
    tokens: list[str] = field(default_factory=list)
    memory: MemoryPeaks = field(default_factory=MemoryPeaks)
    seconds: float = 0.0
    kernels_after: int = 0
    static_seconds: list[float] = field(default_factory=list)  # one static file, fetched every 3 s
    join_clicks: list[float] = field(default_factory=list)   # "Join" pressed -> personal link shown (s)
    cpu: float = 0.0        # CPU seconds the workshop (servers + kernels) used during the room
    shutdowns: dict[Any, int] = field(default_factory=dict)   # HTTP status of "leaving the page" -> count
    load: tuple[float, float] = (0.0, 0.0)   # the machine's 1-minute load average as the room began / ended
    loop_late: list[float] = field(default_factory=list)   # how late the bench's own event loop woke (s), every 0.25 s
    bench_cpu: tuple[float, float] = (0.0, 0.0)   # CPU seconds of the simulated people (this process) / of Chromium
    app_cpu: float = 0.0    # CPU seconds of the participant app's own process (Voilà, one Tornado loop) during the room


def module_pages(content: Any) -> list[tuple[str, str]]:
    return [(m.id, m.notebook) for m in content.modules]


async def simulated_person(i: int, cfg: Config, ws: Workshop, content: Any, result: RoomResult,
                           delay: float, phase: str = "room", stop: asyncio.Event | None = None,
                           pages: list[str] | None = None) -> None:
    rng = random.Random(cfg.seed + i)
    await asyncio.sleep(delay)
    client = new_client()
    try:
        token, ttu, page = await join(ws, f"Person {i + 1}", client=client)
        result.stats.append(PageStat("index.ipynb", ttu, "protocol", phase))
        result.join_clicks.append(page.join_seconds)
        await page.close()
        result.joined += 1
        result.tokens.append(token)
        person = Participant(token, content, result.ledger, rng, think=cfg.think)
        mods = module_pages(content)
        journey = pages or ["00-welcome.ipynb", mods[i % len(mods)][1]]
        for nb in journey:
            if stop is not None and stop.is_set():
                return
            page = await open_page(ws.url(nb, seat=token), client=client)
            result.stats.append(PageStat(nb, page.timings.time_to_usable, "protocol", phase, page.timings.since_start()))
            try:
                given = await person.answer_page(page, consent=(i % 2 == 0) if nb.startswith("00-") else None)
                if not given:
                    result.failures.append(f"person {i + 1}: nothing to answer on {nb} ({'; '.join(page.errors)[:120]})")
            finally:
                await page.close()
                result.shutdowns[page.shutdown_status] = result.shutdowns.get(page.shutdown_status, 0) + 1
        result.finished += 1
    except Exception as exc:
        result.failures.append(f"person {i + 1}: {type(exc).__name__}: {exc}"[:300])
        if getattr(exc, "html", "") and ROOM_TMP is not None:  # kept with --keep, for a look at what came
            (ROOM_TMP / f"failed-page-person-{i + 1}.html").write_text(exc.html, encoding="utf-8")
    finally:
        await client.aclose()


async def responsiveness(ws: Workshop, result: RoomResult, stop: asyncio.Event, every: float = 3.0) -> None:
    """How long the participant app takes to send one of the static files every page loads (voila.js), all
    through the room: what a browser waits for ~95 times on a first visit, beside the kernel's own work."""
    url = f"http://127.0.0.1:{ws.port}/voila/static/voila.js"
    async with new_client() as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = await client.get(url, timeout=120, headers={"Cache-Control": "no-cache"})
                if r.status_code == 200:
                    result.static_seconds.append(time.perf_counter() - t0)
            except Exception:
                pass
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass


async def loop_lateness(result: RoomResult, stop: asyncio.Event, every: float = 0.25) -> None:
    """How late this process's event loop wakes: the simulated people share it, so a busy bench would add its
    own delay to every page time it measures. Kept beside the page times to show it does not."""
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(every)
        result.loop_late.append(time.perf_counter() - t0 - every)


def bench_cpu() -> tuple[float, float]:
    """CPU seconds so far of this process (the simulated people) and of the Chromium processes (with playwright's driver)."""
    me = psutil.Process()
    own = sum(me.cpu_times()[:2])
    browsers = 0.0
    for p in me.children(recursive=True):
        try:
            if "chrom" in p.name() or "node" in p.name() or "playwright" in p.name():
                browsers += sum(p.cpu_times()[:2])
        except psutil.Error:
            pass
    return own, browsers


async def facilitator(ws: Workshop, cfg: Config, result: RoomResult, stop: asyncio.Event) -> None:
    """The dashboard open all along, reloaded every `dashboard_every` seconds."""
    nb = "dashboard.ipynb"
    if not (REPO / "workshop" / nb).exists():
        result.dashboard_note = "no workshop/dashboard.ipynb yet"
        return
    while not stop.is_set():
        try:
            page = await open_page(ws.facilitator_url(nb))
            result.dashboard.append(page.timings.time_to_usable)
            result.ledger.note_page(page)
            try:
                await asyncio.wait_for(stop.wait(), cfg.dashboard_every)
            except asyncio.TimeoutError:
                pass
            await page.close()
        except Exception as exc:
            result.dashboard_note = f"{type(exc).__name__}: {exc}"[:200]
            try:
                await asyncio.wait_for(stop.wait(), cfg.dashboard_every)
            except asyncio.TimeoutError:
                pass


async def browser_person(n: int, browser: Any, ws: Workshop, content: Any, result: RoomResult, delay: float,
                         stop: asyncio.Event) -> None:
    """A real Chromium participant: joins with the code link, answers the baseline, opens a module."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    clicked = 0
    step, t0 = "the landing page", time.perf_counter()
    try:
        t0 = time.perf_counter()
        await page.goto(ws.url("index.ipynb", code=ws.join_code), timeout=300_000)
        name = page.get_by_label("Your name for today")
        await name.wait_for(state="visible", timeout=300_000)
        result.browser_pages.append(time.perf_counter() - t0)
        step, t0 = "joining", time.perf_counter()
        await name.fill(f"Browser {n + 1}")
        await page.get_by_role("button", name="Join the workshop").click()
        link = page.locator('[data-ed="personal-link"]')
        await link.wait_for(timeout=120_000)
        token = re.search(r"seat=([^&\s\"]+)", await link.get_attribute("href")).group(1)
        mods = module_pages(content)
        for nb in ["00-welcome.ipynb", mods[(n + 2) % len(mods)][1]]:
            if stop.is_set():
                break
            step, t0 = nb, time.perf_counter()
            await page.goto(ws.url(nb, seat=token), wait_until="commit", timeout=300_000)
            await page.wait_for_function(
                "() => !document.getElementById('loading') && document.querySelectorAll('.ed-piece').length > 0",
                timeout=300_000, polling="raf")
            result.browser_pages.append(time.perf_counter() - t0)
            result.stats.append(PageStat(nb, time.perf_counter() - t0, "browser", "room"))
            if nb.startswith("00-"):
                items = page.locator(".ed-checkpoint-baseline .ed-item")
                for k in range(await items.count()):
                    await items.nth(k).get_by_role("radio").nth(k % 5).check()
                    clicked += 1
                step, t0 = "the baseline's answers", time.perf_counter()
                await page.get_by_text(f"All {clicked} answered").first.wait_for(timeout=60_000)
                if n == 0:
                    await page.screenshot(path=str(ROOM_TMP / "browser-welcome.png"), full_page=True)
        from empathydesk.storage import Store

        stored = Store.open(ws.db_url).ratings(Store.open(ws.db_url).participant_by_token(token).id)
        prev = result.browser_answers
        result.browser_answers = (prev[0] + clicked, prev[1] + len(stored.get("baseline", {})))
    except asyncio.CancelledError:
        result.browser_notes.append(f"browser {n + 1}: still waiting for {step} after {time.perf_counter() - t0:.0f} s "
                                    "when the room ended")
        raise
    except Exception as exc:
        result.browser_notes.append(f"browser {n + 1}: {type(exc).__name__}: {str(exc).splitlines()[0]}"[:240])
        try:
            await page.screenshot(path=str(ROOM_TMP / f"browser-{n + 1}-failed.png"))
        except Exception:
            pass
    finally:
        await context.close()


ROOM_TMP = Path(tempfile.gettempdir())


async def the_room(cfg: Config, ws: Workshop, content: Any, browser: Any) -> RoomResult:
    result = RoomResult()
    stop = asyncio.Event()
    rng = random.Random(cfg.seed)
    delays = sorted(rng.uniform(0, cfg.join_window) for _ in range(cfg.participants))
    sampler = asyncio.create_task(sample_memory(lambda: ws.pids, result.memory, stop, every=1.0 if cfg.kernel_nice else 2.0,
                                                kernel_nice=cfg.kernel_nice))
    cpu_before = cpu_seconds(ws.pids)
    bench_before = bench_cpu()
    app = [psutil.Process(pid) for pid in ws.app_pids()["participant"]]
    app_before = sum(own_cpu(p) for p in app)
    load_before = os.getloadavg()[0]
    start = time.monotonic()
    tasks = [asyncio.create_task(simulated_person(i, cfg, ws, content, result, d, stop=stop))
             for i, d in enumerate(delays)]
    tasks += [asyncio.create_task(browser_person(n, browser, ws, content, result,
                                                 cfg.join_window * (n + 1) / (cfg.browsers + 1), stop))
              for n in range(cfg.browsers if browser is not None else 0)]
    fac = asyncio.create_task(facilitator(ws, cfg, result, stop))
    probe = asyncio.create_task(responsiveness(ws, result, stop))
    lateness = asyncio.create_task(loop_lateness(result, stop))
    deadline = start + cfg.room_deadline
    while any(not t.done() for t in tasks):
        if time.monotonic() > deadline or result.memory.over_cap:
            going = sum(1 for t in tasks[:cfg.participants] if not t.done())
            result.failures.append(
                f"room ended at its deadline with {going} simulated and "
                f"{sum(1 for t in tasks[cfg.participants:] if not t.done())} Chromium participants still going"
                if not result.memory.over_cap else f"room stopped: servers and kernels above {fmt_mb(MEMORY_CAP)}")
            break
        await asyncio.sleep(0.5)
    stop.set()
    for t in tasks:
        if not t.done():
            t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(fac, sampler, probe, lateness, return_exceptions=True)
    result.seconds = time.monotonic() - start
    result.cpu = cpu_seconds(ws.pids) - cpu_before
    result.bench_cpu = tuple(a - b for a, b in zip(bench_cpu(), bench_before))  # type: ignore[assignment]
    result.app_cpu = sum(own_cpu(p) for p in app) - app_before
    result.kernels_after = sum(1 for p in tree(ws.pids) if kernel_id_of(p, look_up=False))
    result.load = (load_before, os.getloadavg()[0])
    return result


# ---------------------------------------------------------------- faults

@dataclass
class FaultResult:
    acked_before_kill: int = 0
    stored_after_restart: int = 0
    missing: list[str] = field(default_factory=list)
    killed_processes: int = 0
    restart_seconds: float = 0.0
    resumed: int = 0
    ro: dict[str, Any] = field(default_factory=dict)
    full: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


async def kill_and_restart(cfg: Config, tmp: Path, ws: Workshop, content: Any) -> tuple[FaultResult, Workshop]:
    """People answer; SIGKILL everything mid-way; restart; every acknowledged answer must be there."""
    fr = FaultResult()
    result = RoomResult()
    stop = asyncio.Event()
    mods = module_pages(content)
    tasks = [asyncio.create_task(simulated_person(
        100 + i, Config(**{**cfg.__dict__, "think": (0.1, 0.4)}), ws, content, result, i * 0.5,
        phase="fault", stop=stop, pages=["00-welcome.ipynb", mods[i % len(mods)][1]]))
        for i in range(cfg.fault_people)]
    # kill once answers are flowing
    t0 = time.monotonic()
    while result.ledger.acked < cfg.fault_people * 8 and time.monotonic() - t0 < 120:
        await asyncio.sleep(0.2)
    acked_at_kill = result.ledger.acked
    fr.killed_processes = ws.kill_everything()
    await asyncio.gather(*tasks, return_exceptions=True)
    fr.acked_before_kill = result.ledger.acked
    cfg.log(f"   killed {fr.killed_processes} processes with {acked_at_kill} answers acknowledged")
    # restart the same workshop (same database, same cohort, same ports)
    t1 = time.monotonic()
    ws2 = Workshop(tmp, ws.db_url, port=ws.port, facilitator_port=ws.facilitator_port, tag="-restarted",
                   join_with_kernel=ws.join_with_kernel, plain_kernels=ws.plain_kernels)
    ws2.start()
    ws2.wait_ready(warm=False)
    fr.restart_seconds = time.monotonic() - t1
    from empathydesk.storage import Store

    store = Store.open(ws.db_url)
    check = result.ledger.compare(store)
    fr.stored_after_restart = check["stored"]
    fr.missing = check["missing"][:5]
    if check["expected"] != result.ledger.acked:
        fr.notes.append(f"ledger expected {check['expected']} vs acked {result.ledger.acked}")
    # everyone's link still works after the restart
    for token in result.tokens:
        try:
            page = await open_page(ws2.url("00-welcome.ipynb", seat=token))
            if "ed-checkpoint-baseline" in json.dumps([m["state"].get("_dom_classes") for m in page.models.values()]):
                fr.resumed += 1
            await page.close()
        except Exception as exc:
            fr.notes.append(f"resume: {type(exc).__name__}: {exc}"[:200])
    return fr, ws2


def copy_database(src: Path, dest: Path) -> None:
    """A consistent copy of an SQLite database (the WAL folded in), with SQLite's own backup."""
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    a.close()
    b.close()


def mount_small_disk(tmp: Path, path: Path, size_mb: int) -> tuple[str | None, str]:
    """Mount a small filesystem of our own at `path`: ext4 on a loop file (errors=remount-ro), else tmpfs.

    Returns (None, kind) when mounted, or (why not, "").
    """
    path.mkdir(parents=True, exist_ok=True)
    image = tmp / f"{path.name}.img"
    with open(image, "wb") as f:
        f.truncate(size_mb * 2**20)
    steps = [["mkfs.ext4", "-q", "-F", str(image)],
             ["mount", "-o", "loop,errors=remount-ro", str(image), str(path)]]
    for cmd in steps:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            break
    else:
        return None, "ext4"
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)], capture_output=True, text=True)
    return (None, "tmpfs") if r.returncode == 0 else ((r.stderr.strip() or "mount failed")[:100], "")


def make_read_only(path: Path) -> str:
    """Turn the filesystem at `path` read-only under the running workshop, as the kernel does on a disk error.

    ext4 with errors=remount-ro: trigger a (simulated) filesystem error; files open for writing stay open.
    """
    source = subprocess.run(["findmnt", "-n", "-o", "SOURCE", str(path)], capture_output=True, text=True).stdout.strip()
    knob = Path("/sys/fs/ext4") / Path(source).name / "trigger_fs_error"
    if knob.exists():
        knob.write_text("1")
        return "ext4 error -> remounted read-only"
    r = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True, text=True)
    return "remounted read-only" if r.returncode == 0 else f"could not make it read-only: {r.stderr.strip()[:80]}"


def fill_up(path: Path) -> None:
    with open(path / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            pass


async def degraded_database(tmp: Path, db_path: Path, token: str, content: Any, mode: str, cfg: Config,
                            module_index: int = 1) -> dict[str, Any]:
    """The database turns read-only (`ro`) or its disk fills up (`full`) while a person answers.

    The room's database is copied onto a small filesystem of our own; the workshop starts on it; the person
    opens a module page they have not done yet and gives two answers; then the filesystem goes read-only (a
    simulated ext4 error with errors=remount-ro) or fills to the last byte; the person answers the rest and
    opens the next module. Counted: answers refused with a message, tracebacks on screen, and answers saved
    before that are no longer there. Without the right to mount, `ro` opens the copy with SQLite's `mode=ro`
    from the start and `full` is skipped.
    """
    from empathydesk.storage import Store

    out: dict[str, Any] = {}
    work = tmp / f"db-{mode}"
    why_not, fs = mount_small_disk(tmp, work, 16)
    if why_not and mode == "full":
        return {"skipped": f"cannot mount a small filesystem here ({why_not})"}
    out["filesystem"] = fs or "none (SQLite mode=ro)"
    copy = work / "empathydesk.sqlite"
    copy_database(db_path, copy)
    url = f"sqlite:///file:{copy}?mode=ro&uri=true" if why_not else f"sqlite:///{copy}"
    ws = Workshop(tmp, url, tag=f"-{mode}", extra=["--pool-size", "0"])
    page = page2 = None
    before: dict[str, Any] = {}
    try:
        ws.start()
        try:
            ws.wait_ready(warm=False, timeout=120)
        except Exception as exc:
            out["start"] = f"workshop did not start: {exc}"[:300]
            return out
        ledger = Ledger()
        person = Participant(token, content, ledger, random.Random(5), think=(0.05, 0.1), timeout=60)
        mods = content.modules
        page = await open_page(ws.url(mods[module_index % len(mods)].notebook, seat=token))
        radios = [m for _, f in pieces(page, "ed-checkpoint-") for m in descendants(page, f)
                  if page.models[m]["model_name"] == "RadioButtonsModel" and page.state(m).get("index") is None]
        for mid in radios[:2]:  # all is well ...
            await page.set(mid, {"index": 3})
        reader = Store.open(f"sqlite:///{copy}")
        before = snapshot(reader, token)
        reader.close()
        if not why_not:  # ... then the disk goes read-only, or fills up
            out["how"] = make_read_only(work) if mode == "ro" else (fill_up(work) or "filled to the last byte")
        await person.answer_page(page)
        try:
            page2 = await open_page(ws.url(mods[(module_index + 1) % len(mods)].notebook, seat=token), timeout=120)
            await person.answer_page(page2)
        except Exception as exc:
            out["next_page"] = f"{type(exc).__name__}: {exc}"[:160]
        out["answers"] = ledger.sent
        out["refused"] = len(ledger.refused)
        out["saved"] = ledger.acked
        out["messages"] = sorted(set(ledger.refused))[:3]
        out["unanswered"] = len(ledger.unanswered)
        out["unanswered_what"] = ledger.unanswered[:3]
        text = page.text() + (page2.text() if page2 else "")
        out["traceback"] = bool(ledger.visible_errors) or "Traceback" in text
        out["visible_errors"] = ledger.visible_errors[:3]
        out["next_page_problem"] = bool(page2 and "did not load" in page2.text())
    finally:
        for p in (page, page2):
            if p is not None:
                await p.close()
        ws.stop()
        if not why_not and mode == "full":
            (work / "filler").unlink(missing_ok=True)
    if fs == "ext4":  # read it back from a fresh mount (after a read-only error: the disk as it was left)
        subprocess.run(["umount", str(work)], capture_output=True)
        subprocess.run(["mount", "-o", "loop", str(tmp / f"{work.name}.img"), str(work)], capture_output=True)
    try:
        reader = Store.open(f"sqlite:///{copy}")
        after = snapshot(reader, token)
        reader.close()
        lost = [k for k, v in before.items()
                if not (after.get(k) == v or (isinstance(v, tuple) and after.get(k, ())[: len(v)] == v))]
        out["lost"], out["kept"] = len(lost), len(before) - len(lost)
    except Exception as exc:
        out["lost"], out["kept"] = -1, 0
        out["read_back"] = f"{type(exc).__name__}: {exc}"[:160]
    finally:
        subprocess.run(["umount", "-l", str(work)], capture_output=True)
    return out


def snapshot(store: Any, token: str) -> dict[str, Any]:
    """Everything stored for one participant, flattened: key -> value."""
    person = store.participant_by_token(token)
    flat: dict[str, Any] = {}
    for cp, items in store.ratings(person.id).items():
        for item, v in items.items():
            flat[f"rating:{cp}:{item}"] = v
    for sid, tries in store.scenario_attempts(person.id).items():
        flat[f"scenario:{sid}"] = tuple(tries)
    for eid, tries in store.exercise_attempts(person.id).items():
        flat[f"exercise:{eid}"] = tuple(t["text"] for t in tries)
    for rid, text in store.reflections(person.id).items():
        flat[f"reflection:{rid}"] = text
    return flat


# ---------------------------------------------------------------- the whole run

def participant_pages(content: Any) -> list[str]:
    return ["index.ipynb", "00-welcome.ipynb", *[m.notebook for m in content.modules], "06-wrap-up.ipynb"]


async def run_async(cfg: Config) -> dict[str, Any]:
    global ROOM_TMP
    from empathydesk.content import load
    from empathydesk.storage import Store

    content = load()
    t_start = time.monotonic()
    plain_log = cfg.log
    cfg.log = lambda m: plain_log(f"[{time.monotonic() - t_start:4.0f} s] {m}")  # noqa: E731
    tmp = Path(tempfile.mkdtemp(prefix="ed-room-"))
    ROOM_TMP = tmp
    (tmp / "data").mkdir()
    (tmp / "runtime").mkdir()
    db_path = tmp / "data" / "room.sqlite"
    db_url = f"sqlite:///{db_path}"
    report: dict[str, Any] = {"tmp": str(tmp), "config": {k: v for k, v in cfg.__dict__.items() if k != "log"}}
    minimal_root = tmp / "minimal"
    minimal_root.mkdir()
    shutil.copy(HERE / "minimal.ipynb", minimal_root / "minimal.ipynb")
    servers: list[Server] = []
    pw = browser = None
    try:
        cfg.log(f"== starting empathydesk workshop and plain voila (temp folder {tmp})")
        cfg.log("== one standard ipykernel start, and a forked one (bench_kernel), for the ratios")
        report["kernel_start"] = kernel_starts()
        ws = Workshop(tmp, db_url, join_with_kernel=cfg.join_with_kernel, plain_kernels=cfg.plain_kernels)
        plain = plain_voila(tmp, minimal_root)
        plain_wk = plain_voila(tmp, minimal_root, workshop_kernel=True)
        servers += [ws, plain, plain_wk]
        t = time.monotonic()
        ws.start()
        plain.start()
        plain_wk.start()
        report["workshop_ready_s"] = ws.wait_ready()
        wait_plain_ready(plain, 1)
        wait_plain_ready(plain_wk, 1)
        await wait_quiet(ws.pids + plain.pids + plain_wk.pids, limit=120)  # "pool filled" is logged before the kernels are warm
        cfg.log(f"   ready in {time.monotonic() - t:.0f} s (join code {ws.join_code})")
        if cfg.browsers or cfg.browser_repeats:
            from playwright.async_api import async_playwright

            pw = await async_playwright().start()
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stand_in_for_own_devices()
        store = Store.open(db_url)
        quiet_person = store.join(ws.join_code, "Quiet measurer")
        pages = participant_pages(content)

        if cfg.quiet:
            cfg.log("== quiet comparison with plain voila (one page at a time)")
            report["quiet"] = await quiet_comparison(cfg, ws, plain, plain_wk, quiet_person.token, pages, browser)
        plain.stop()
        plain_wk.stop()
        if not cfg.participants:
            return report

        cfg.log(f"== the room: {cfg.participants} people join within {cfg.join_window:.0f} s"
                f" (+{cfg.browsers if browser else 0} Chromium)")
        await wait_quiet(ws.pids, limit=60)
        room = await the_room(cfg, ws, content, browser if cfg.browsers else None)
        report["room"] = room
        check = room.ledger.compare(store)
        report["room_check"] = check
        cfg.log(f"   {room.finished}/{cfg.participants} finished in {room.seconds:.0f} s; answers acknowledged "
                f"{room.ledger.acked}, stored {check['stored']}")

        if cfg.faults:
            cfg.log("== faults: SIGKILL the workshop mid-answers, restart")
            fr, ws_after = await kill_and_restart(cfg, tmp, ws, content)
            servers.append(ws_after)
            report["fault"] = fr
            ws_after.stop()
            cfg.log("== faults: read-only and full database")
            token = room.tokens[0] if room.tokens else quiet_person.token
            fr.ro = await degraded_database(tmp, db_path, token, content, "ro", cfg)
            fr.full = await degraded_database(tmp, db_path, token, content, "full", cfg)

        if cfg.compare_plain and not cfg.plain_kernels:
            ws.stop()
            cfg.log(f"== the same room with ordinary kernels (--plain-kernels): {cfg.participants} people")
            ws_plain = Workshop(tmp, f"sqlite:///{tmp / 'data' / 'room-plain.sqlite'}", tag="-plain",
                                join_with_kernel=cfg.join_with_kernel, plain_kernels=True)
            servers.append(ws_plain)
            ws_plain.start()
            ws_plain.wait_ready()
            await wait_quiet(ws_plain.pids, limit=120)
            plain_room = await the_room(cfg, ws_plain, content, browser if cfg.browsers else None)
            report["plain_room"] = plain_room
            report["plain_room_check"] = plain_room.ledger.compare(Store.open(ws_plain.db_url))
            cfg.log(f"   {plain_room.finished}/{cfg.participants} finished in {plain_room.seconds:.0f} s")
            ws_plain.stop()
        cfg.log("== one standard ipykernel start again, after the rooms")
        report["kernel_start"] += kernel_starts()
    finally:
        if browser is not None:
            await browser.close()
        if pw is not None:
            await pw.stop()
        for s in servers:
            s.stop()
        try:
            Store.open(db_url).close()
        except Exception:
            pass
        if not cfg.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        cfg.log("== done")
        cfg.log = plain_log
    return report


# ---------------------------------------------------------------- figures

def paired_ratio(page: list[float], minimal: list[float]) -> float:
    """The median of each page load's time over the minimal page's load just before it.

    A pair is loaded under the same conditions, so the ratio does not move with the machine's slower and
    faster moments the way a ratio of two separate medians does.
    """
    return statistics.median(p / m for p, m in zip(page, minimal))


def page_weight_rows(quiet: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The pages against the minimal page on the same (workshop) kernel: what the pages themselves add,
    apart from what the workshop kernel saves every page."""
    wk = quiet.get(MINIMAL_WK)
    pages = {nb: r for nb, r in quiet.items() if not nb.startswith("minimal")}
    if not wk or not pages:
        return []
    k0 = statistics.median(wk["kernel"])
    rows = [(f"{MINIMAL_WK}: kernel memory (RSS, median)", fmt_mb(k0), "-")]
    ratios = {nb: statistics.median(r["kernel"]) / k0 for nb, r in pages.items()}
    worst = max(ratios, key=ratios.get)
    rows.append((f"every page: kernel memory / the {MINIMAL_WK}'s, highest", f"{ratios[worst]:.2f} ({worst})", "<= 1.3"))
    if wk["browser"] and all(r["browser"] and r["browser_minimal_wk"] for r in pages.values()):
        rows.append((f"{MINIMAL_WK}: time to usable in Chromium (median)", fmt_s(statistics.median(wk["browser"])), "-"))
        tti = {nb: paired_ratio(r["browser"], r["browser_minimal_wk"]) for nb, r in pages.items()}
        worst = max(tti, key=tti.get)
        rows.append((f"every page: Chromium time to interactive / the {MINIMAL_WK}'s, highest",
                     f"{tti[worst]:.2f} ({worst})", "<= 1.2"))
    return rows


def kernel_starts() -> list[tuple[float, float]]:
    """CPU seconds of one standard ipykernel start and of one forked workshop kernel's start (medians of 3,
    bench_kernel's way), measured here and now: the yardstick the room's CPU figures are divided by."""
    from empathydesk.forked_kernels import Template

    standard, forked = start_cpu(STANDARD)[0], start_cpu(FORKED)[0]
    if Template._current is not None:  # this process's own template, not the workshop's
        Template._current.stop()
        Template._current = None
    return [(standard, forked)]


def page_p95(room: RoomResult) -> dict[str, float]:
    """Each page's p95 time to usable, server side, in the room."""
    by_page: dict[str, list[float]] = {}
    for s in room.stats:
        if s.where == "protocol" and s.phase == "room":
            by_page.setdefault(s.page, []).append(s.seconds)
    return {page: pct(times, .95) for page, times in by_page.items()}


def ratio_rows(report: dict[str, Any], cfg: Config) -> list[tuple[str, str, str]]:
    """Issue 24's ratios: each measured in this run, the absolute figure and the load beside it."""
    starts = report.get("kernel_start") or []
    if not starts:
        return []
    standard = statistics.mean(s for s, _ in starts)
    forked = statistics.mean(f for _, f in starts)
    each = ", ".join(f"{s:.2f} s" for s, _ in starts)
    rows = [("one standard ipykernel start + import voila.utils, ipywidgets (CPU; measured before and after the rooms)",
             f"{standard:.2f} s ({each})", "-"),
            ("kernel start: a forked workshop kernel / one standard ipykernel start",
             f"{forked / standard:.3f} ({forked:.3f} s / {standard:.2f} s)", "<= 0.03")]
    arms = [(n, r) for n, r in (("new kernels", report.get("room")), ("ordinary kernels", report.get("plain_room"))) if r]
    for name, room in arms:
        loads = len([s for s in room.stats if s.phase == "room"]) + len(room.dashboard)
        if loads and room.cpu:
            per_page = room.cpu / loads
            rows.append((f"room, {name}: workshop CPU per page opened / one standard ipykernel start",
                         f"{per_page / standard:.3f} ({per_page:.2f} s / {standard:.2f} s; load {room.load[0]:.1f}-{room.load[1]:.1f})",
                         "<= 0.13"))
        worst = max(page_p95(room).items(), key=lambda kv: kv[1], default=("-", float("nan")))
        rows.append((f"room, {name}: highest page p95 (server side)", f"{fmt_s(worst[1])} ({worst[0]})", "<= 5 s"))
    if len(arms) == 2:
        (_, new), (_, old) = arms
        new_p, old_p = page_p95(new), page_p95(old)
        every = lambda r: [s.seconds for s in r.stats if s.where == "protocol" and s.phase == "room"]  # noqa: E731
        joins = lambda r: [s.seconds for s in r.stats if s.page == "index.ipynb" and s.phase == "room"]  # noqa: E731
        for label, a, b in (("join page p95", pct(joins(new), .95), pct(joins(old), .95)),
                            ("every page together, p95", pct(every(new), .95), pct(every(old), .95))):
            rows.append((f"room: {label}, new kernels / ordinary kernels (server side)",
                         f"{a / b:.2f} ({fmt_s(a)} / {fmt_s(b)})", "<= 0.2"))
        ratios = {page: new_p[page] / old_p[page] for page in new_p if page in old_p and old_p[page] > 0}
        if ratios:
            page, worst = max(ratios.items(), key=lambda kv: kv[1])
            rows.append(("room: each page's p95, new kernels / ordinary kernels, highest",
                         f"{worst:.2f} ({page}: {fmt_s(new_p[page])} / {fmt_s(old_p[page])})", "<= 0.2"))
    return rows


def room_rows(room: RoomResult, check: dict[str, Any], cfg: Config, name: str = "room") -> list[tuple[str, str, str]]:
    """The figures of one room (`name` begins each)."""
    rows: list[tuple[str, str, str]] = []
    proto = [s.seconds for s in room.stats if s.where == "protocol" and s.phase == "room"]
    lessons = [s.seconds for s in room.stats if s.where == "protocol" and s.phase == "room" and s.page != "index.ipynb"]
    joins = [s.seconds for s in room.stats if s.page == "index.ipynb" and s.phase == "room"]
    n = cfg.participants
    rows.append((f"{name}: people who joined / finished ({n} within {cfg.join_window:.0f} s)",
                 f"{room.joined} / {room.finished}", f"{n} / {n}"))
    rows.append((f"{name}: wall time", fmt_s(room.seconds), f"< {cfg.room_deadline:.0f} s"))
    loads = len([s for s in room.stats if s.phase == "room"]) + len(room.dashboard)
    if loads and room.cpu:
        rows.append((f"{name}: workshop CPU time (servers + kernels) per page opened",
                     f"{room.cpu / loads:.2f} s ({room.cpu:.0f} s for {loads} pages)", "-"))
    rows.append((f"{name}: time to usable, every page, server side p50 / p95",
                 f"{fmt_s(pct(proto, .5))} / {fmt_s(pct(proto, .95))} (n={len(proto)})", "-"))
    rows.append((f"{name}: landing (join) page p50 / p95", f"{fmt_s(pct(joins, .5))} / {fmt_s(pct(joins, .95))}", "-"))
    if room.join_clicks:
        rows.append((f"{name}: 'Join' pressed -> personal link shown, p50 / p95",
                     f"{fmt_s(pct(room.join_clicks, .5))} / {fmt_s(pct(room.join_clicks, .95))}", "-"))
    rows.append((f"{name}: lesson pages p50 / p95", f"{fmt_s(pct(lessons, .5))} / {fmt_s(pct(lessons, .95))}", "-"))
    steps = [s.steps for s in room.stats if s.where == "protocol" and s.phase == "room" and s.page != "index.ipynb" and s.steps]
    if steps:
        rows.append((f"{name}: lesson pages, from the GET to: first byte / whole HTML / kernel connected / usable, p50 (p95)",
                     " / ".join(f"{fmt_s(pct([x[k] for x in steps], .5))} ({fmt_s(pct([x[k] for x in steps], .95))})"
                                for k in ("first_byte", "html", "websocket", "usable")), "-"))
    if room.app_cpu:
        rows.append((f"{name}: CPU of the participant app's own process (one Tornado loop) / of the whole workshop",
                     f"{room.app_cpu:.0f} s ({room.app_cpu / room.seconds:.0%} of one core over the room) / {room.cpu:.0f} s",
                     "-"))
    if room.loop_late:
        rows.append((f"{name}: the bench's own event loop (all simulated people) late by p50 / p95 / max",
                     f"{fmt_s(pct(room.loop_late, .5))} / {fmt_s(pct(room.loop_late, .95))} / {fmt_s(max(room.loop_late))}",
                     "small beside the page times"))
    if any(room.bench_cpu):
        rows.append((f"{name}: CPU of the bench's simulated people / of its Chromium pages, during the room",
                     f"{room.bench_cpu[0]:.0f} s / {room.bench_cpu[1]:.0f} s", "-"))
    if room.static_seconds:
        st = room.static_seconds
        rows.append((f"{name}: one static file (voila.js) from the participant app, p50 / max",
                     f"{fmt_s(pct(st, .5))} / {fmt_s(max(st))} (n={len(st)})", "-"))
    if room.browser_pages:
        b = room.browser_pages
        rows.append((f"{name}: Chromium pages, time to usable p50 / max",
                     f"{fmt_s(pct(b, .5))} / {fmt_s(max(b))} (n={len(b)})", "-"))
    for note in room.browser_notes[:3]:
        rows.append((f"{name}: Chromium problem", note, "none"))
    if room.browser_answers[0]:
        rows.append((f"{name}: Chromium answers clicked vs stored", f"{room.browser_answers[0]} vs {room.browser_answers[1]}", "equal"))
    rows.append((f"{name}: answers acknowledged vs stored (read back via Store)",
                 f"{room.ledger.acked} vs {check.get('stored')}", "equal"))
    rows.append((f"{name}: answers sent without an acknowledgement", str(len(room.ledger.unanswered)), "0"))
    rows.append((f"{name}: 'not saved' messages shown", str(len(room.ledger.refused)), "0"))
    rows.append((f"{name}: tracebacks or error outputs on screen", str(len(room.ledger.visible_errors)), "0"))
    rows.append((f"{name}: kernel errors not shown (server log)", str(len(room.ledger.hidden_errors)), "0"))
    if room.dashboard:
        rows.append((f"{name}: facilitator dashboard reloads, time to usable p50 / max",
                     f"{fmt_s(pct(room.dashboard, .5))} / {fmt_s(max(room.dashboard))} (n={len(room.dashboard)})", "-"))
    if room.dashboard_note:
        rows.append((f"{name}: facilitator dashboard", room.dashboard_note, "-"))
    mem = room.memory
    rows.append((f"{name}: peak memory, Voila servers (RSS)", fmt_mb(mem.servers), "-"))
    rows.append((f"{name}: peak memory, kernels (sum of RSS)", f"{fmt_mb(mem.kernels)} ({mem.kernels_alive} kernels at most)", "-"))
    rows.append((f"{name}: peak memory, largest kernel", fmt_mb(mem.largest_kernel), "-"))
    rows.append((f"{name}: kernels still running when the room ended", str(room.kernels_after), "-"))
    left = sum(room.shutdowns.values())
    rows.append((f"{name}: pages left whose kernel was shut down (HTTP 204)",
                 f"{room.shutdowns.get(204, 0)} of {left}" + (f" {dict(room.shutdowns)}" if set(room.shutdowns) - {204} else ""),
                 "all"))
    for f in room.failures[:3]:
        rows.append((f"{name}: failure", f, "none"))
    rows.append((f"{name}: peak memory, every workshop process (sum of PSS: shared pages divided among their processes)",
                 fmt_mb(room.memory.pss), "<= 3072 MiB"))
    rows.append((f"{name}: machine load average (1 min) as it began / ended",
                 f"{room.load[0]:.1f} / {room.load[1]:.1f} on {os.cpu_count()} cores", "-"))
    return rows


def rows_from(report: dict[str, Any], cfg: Config) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    quiet = report.get("quiet") or {}
    mini = quiet.get("minimal")
    if mini:
        m_p = statistics.median(mini["protocol"])
        m_k = statistics.median(mini["kernel"])
        m_b = statistics.median(mini["browser"]) if mini["browser"] else float("nan")
        rows.append(("minimal page: time to usable, server side (median)", fmt_s(m_p), "-"))
        if mini["browser"]:
            rows.append(("minimal page: time to usable in Chromium (median)", fmt_s(m_b), "-"))
        rows.append(("minimal page: kernel memory (RSS, median)", fmt_mb(m_k), "-"))
        m_c = statistics.median(mini["cpu"])
        rows.append(("minimal page: its kernel's CPU time from start to usable (median)", fmt_s(m_c), "-"))
        for nb, r in quiet.items():
            if nb.startswith("minimal"):
                continue
            p = statistics.median(r["protocol"])
            k = statistics.median(r["kernel"])
            if r["browser"]:
                b = statistics.median(r["browser"])
                b0 = statistics.median(r["browser_minimal"]) if r["browser_minimal"] else m_b
                ratio = paired_ratio(r["browser"], r["browser_minimal"]) if r["browser_minimal"] else b / b0
                rows.append((f"{nb}: Chromium time to interactive / minimal's (median of {len(r['browser'])} paired loads)",
                             f"{ratio:.2f} (medians {fmt_s(b)} / {fmt_s(b0)})", "<= 1.2"))
            rows.append((f"{nb}: server-side time to usable / minimal's", f"{p / m_p:.1f} ({fmt_s(p)})", "-"))
            c = statistics.median(r["cpu"])
            rows.append((f"{nb}: kernel CPU time to usable / minimal's", f"{c / m_c:.1f} ({fmt_s(c)})", "-"))
            rows.append((f"{nb}: kernel memory / minimal's", f"{k / m_k:.2f} ({fmt_mb(k)})", "<= 1.3"))
            rows.append((f"{nb}: heavy libraries in its kernel after loading", ", ".join(r.get("heavy") or []) or "none",
                         "none unless it draws"))
        rows += page_weight_rows(quiet)
        retries = {nb: r["retries"] for nb, r in quiet.items() if r.get("retries")}
        rows.append(("quiet comparison: page loads tried again (a page without a kernel)",
                     ", ".join(f"{nb} {n}" for nb, n in retries.items()) or "0", "0"))
    room: RoomResult | None = report.get("room")
    if room is not None:
        rows += room_rows(room, report.get("room_check") or {}, cfg)
    plain: RoomResult | None = report.get("plain_room")
    if plain is not None:
        rows += room_rows(plain, report.get("plain_room_check") or {}, cfg, "room, ordinary kernels")
    rows += ratio_rows(report, cfg)
    fr: FaultResult | None = report.get("fault")
    if fr is not None:
        rows.append(("fault: SIGKILL whole workshop mid-answers: acknowledged vs there after restart",
                     f"{fr.acked_before_kill} vs {fr.stored_after_restart}", "equal"))
        rows.append(("fault: restart time / links that work again", f"{fmt_s(fr.restart_seconds)} / {fr.resumed}", "-"))
        for label, d in (("database turns read-only", fr.ro), ("disk fills up", fr.full)):
            if not d:
                continue
            if "skipped" in d or "start" in d:
                rows.append((f"fault: {label}", d.get("skipped") or d.get("start"), "-"))
                continue
            how = d.get("how") or d.get("filesystem")
            rows.append((f"fault: {label} ({how}): answers given / refused with a message / saved",
                         f"{d['answers']} / {d['refused']} / {d['saved']}", "refused or saved, never silent"))
            rows.append((f"fault: {label}: message shown", html.unescape((d["messages"] or ["(none)"])[0])[:120], "plain words"))
            rows.append((f"fault: {label}: tracebacks on screen / answers saved before that are lost",
                         f"{'yes' if d['traceback'] else 'no'} / {d['lost']} of {d['lost'] + d['kept']}", "no / 0"))
            if d.get("next_page") or d.get("next_page_problem"):
                rows.append((f"fault: {label}: opening the next page",
                             d.get("next_page") or "shows 'This part of the page did not load'", "-"))
            if d.get("unanswered"):
                rows.append((f"fault: {label}: answers with no reaction on screen", str(d["unanswered"]), "0"))
        for note in fr.notes[:3]:
            rows.append(("fault: note", note, "-"))
    return rows


def stop_servers_on_sigterm() -> None:
    """SIGTERM (`timeout`, `kill`) stops a run as Ctrl-C does: through the `finally` that stops its servers.

    Without it a stopped run left its workshop and plain Voilà servers running, idle, into the next run.
    """
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def run_room(cfg: Config | None = None) -> list[tuple[str, str, str]]:
    cfg = cfg or Config()
    report = asyncio.run(run_async(cfg))
    return rows_from(report, cfg)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=40)
    ap.add_argument("--browsers", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="8 people, 1 browser, 1 repeat: a smoke test")
    ap.add_argument("--no-faults", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    ap.add_argument("--skip-quiet", action="store_true", help="skip the one-page-at-a-time comparison")
    ap.add_argument("--only-quiet", action="store_true", help="only the one-page-at-a-time comparison")
    ap.add_argument("--join-with-kernel", action="store_true",
                    help="the join page as before issue 24 (the landing notebook's widget, in a kernel), to compare")
    ap.add_argument("--plain-kernels", action="store_true",
                    help="the workshop's kernels as new processes (no template), and no second room to compare")
    ap.add_argument("--no-compare", action="store_true",
                    help="skip the second room with ordinary kernels (--plain-kernels) that the figures compare with")
    ap.add_argument("--kernel-nice", type=int, metavar="N",
                    help="experiment: run the workshop's kernels at this nice value during the room")
    args = ap.parse_args(argv)
    stop_servers_on_sigterm()
    cfg = Config(participants=args.participants, browsers=args.browsers, faults=not args.no_faults, keep=args.keep)
    if args.quick:
        cfg = Config(participants=8, browsers=1, repeats=1, browser_repeats=1, join_window=15, room_deadline=240,
                     faults=not args.no_faults, fault_people=4, keep=args.keep)
    cfg.quiet = not args.skip_quiet
    if args.only_quiet:
        cfg.participants, cfg.browsers, cfg.faults = 0, 0, False
    cfg.kernel_nice = args.kernel_nice
    cfg.join_with_kernel = args.join_with_kernel
    cfg.plain_kernels = args.plain_kernels
    cfg.compare_plain = not (args.no_compare or args.plain_kernels)
    t = time.monotonic()
    try:
        rows = run_room(cfg)
    except KeyboardInterrupt:
        print("\nStopped before the end; its servers are stopped too.", file=sys.stderr)
        return 130
    width = max(len(r[0]) for r in rows)
    for figure, value, aim in rows:
        print(f"{figure.ljust(width)}  {value}  [{aim}]")
    print(f"\n(room bench took {time.monotonic() - t:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
