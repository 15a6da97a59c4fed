"""Starting the two Voilà apps of a workshop with the room's settings.

`empathydesk workshop` (cli.py) is a thin shell over `run_workshop()`:

- the **participant app** serves only `notebooks/` (landing page at `/`), without a key: each participant's own
  token travels in the page's query string. Preheated kernels (a small pool per notebook), idle kernels
  culled, sources stripped, no tracebacks (a friendly message instead; details in the log file).
- in both apps, page kernels are forked from one warm template process per app (empathydesk.forked_kernels;
  `RoomSettings.forked_kernels`, off with `--plain-kernels`).
- the **facilitator app** serves only `workshop/`, protected by a facilitator key (Voilà's own token), and
  listens on 127.0.0.1 unless told otherwise. Its root is the facilitator's home (empathydesk.console), with
  the presenter view (empathydesk.presenter), the run of show and the results to download.

Both run as child processes in their own process groups; Ctrl-C or SIGTERM stops both cleanly and the data stays.
A port in use is an error that names it (checked before starting, and Voilà is told never to move to another).
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from empathydesk._voila import KERNEL_MANAGER, version_problem
from empathydesk.joining import WELCOME_NOTEBOOK
from empathydesk.paths import TEMPLATE_DIR, data_dir, notebooks_dir, private_file, private_folder, workshop_dir
from empathydesk.settings import as_env, env_name

DEFAULT_PORT = 8866
LOCALHOST = "127.0.0.1"
ALL_INTERFACES = ("0.0.0.0", "", "::")
LANDING_PAGE = "index.ipynb"
TEMPLATE = TEMPLATE_DIR.name
SHARE_DIR = Path(__file__).resolve().parent / "share"


def share_jupyter_path(current: str | None = None) -> str:
    """`JUPYTER_PATH` for an app of the workshop: our template, and our kernel as "python3", come first."""
    return os.pathsep.join(filter(None, [str(SHARE_DIR), current]))


IOPUB_TIMEOUT = 120  # seconds Voilà waits for a cell's outputs (see _common_voila_args)

# Shown (after "There was an error when executing cell [n].") if a page fails somewhere our template
# does not replace Voilà's own message.
ERROR_INSTRUCTION = (
    "This part of the page did not load. Your answers so far are saved. "
    "Please reload the page. If it happens again, tell your facilitator."
)


@dataclass(frozen=True)
class RoomSettings:
    """How the participant app looks after a room's kernels (see workshop/hosting.md, "How many people")."""

    pool_size: int = 2  # preheated kernels kept ready for EACH participant page (Voilà keeps a pool per notebook)
    # With forked kernels (cheap to keep ready): a bigger pool for the page everyone opens right after joining,
    # which a room of 40 drains in bursts, and pools refilled without waiting (see `pools`).
    first_page_pool: int = 4
    cull_idle_timeout: int = 45 * 60  # seconds without any activity before a page's kernel is stopped
    cull_interval: int = 60  # how often to look for idle kernels (seconds)
    cull_connected: bool = True  # also stop kernels of pages left open (the page then asks to reload)
    fill_delay: float = 1.0  # wait before refilling a pool after a kernel was taken (seconds; ordinary kernels)
    forked_fill_delay: float = 0.0  # the same with forked kernels: a fork, not a Python start, so no waiting
    stop_timeout: float = 30.0  # how long each app may take to shut its kernels down before it is killed
    # The door (see empathydesk._voila, "The participant app"):
    max_kernels: int = 0  # page kernels at most at once; 0: sized from the memory free at start
    kernels_per_person: int = 4  # page kernels one personal link may hold at once (tabs)
    page_opens_per_minute: int = 60  # pages one address may open per minute (0: no limit)
    join_pages_per_minute: int = 10  # join pages (no personal link) one address may open per minute (0: no limit)
    unconnected_timeout: float = 180.0  # stop a page kernel its page never connected to after this (seconds)
    # Page kernels forked from a warm template (empathydesk.forked_kernels); False: ordinary kernels (--plain-kernels)
    forked_kernels: bool = True


def pools(settings: RoomSettings) -> tuple[dict[str, dict[str, int]], float]:
    """Voilà's preheated pools (`kernel_pools_config`: per notebook, "default" for the others) and their refill
    delay. Ordinary kernels cost a Python start each: `pool_size` for every page, refilled after `fill_delay`.
    Forked kernels cost a fork: the first page's pool is bigger and every pool is refilled at once. A
    `pool_size` of 0 (no preheating) stays 0 for every page."""
    config = {"default": {"pool_size": settings.pool_size}}
    if not settings.forked_kernels or settings.pool_size <= 0:
        return config, settings.fill_delay
    config[WELCOME_NOTEBOOK] = {"pool_size": max(settings.pool_size, settings.first_page_pool)}
    return config, settings.forked_fill_delay


class WorkshopError(Exception):
    """Something the facilitator can fix; the message says what and how."""


class PortInUse(WorkshopError):
    def __init__(self, host: str, port: int, app: str, flag: str) -> None:
        self.host, self.port = host, port
        super().__init__(
            f"Port {port} on {host or 'all addresses'} is already in use, so the {app} app can't start there. "
            f"Stop whatever uses it (perhaps an earlier workshop still running) or choose another port with {flag}."
        )


# --- addresses and ports ---------------------------------------------------------------------------


def port_problem(host: str, port: int) -> str | None:
    """None if we could listen on host:port right now, else the reason (in use, not allowed, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Like Tornado: a port that only has connections in TIME_WAIT left is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "in use"
            return error.strerror or str(error)
    return None


def check_ports(host: str, port: int, facilitator_host: str, facilitator_port: int) -> None:
    """Raise WorkshopError naming the port if either app could not listen where it is told to."""
    if port == facilitator_port:
        raise WorkshopError(
            f"The participant app and the facilitator app can't share port {port}: "
            "give --facilitator-port another number."
        )
    for app_host, app_port, app, flag in (
        (host, port, "participant", "--port"),
        (facilitator_host, facilitator_port, "facilitator", "--facilitator-port"),
    ):
        if not 0 < app_port < 65536:
            raise WorkshopError(f"{app_port} is not a port number ({flag} takes 1 to 65535).")
        problem = port_problem(app_host, app_port)
        if problem == "in use":
            raise PortInUse(app_host, app_port, app, flag)
        if problem:
            raise WorkshopError(f"The {app} app can't listen on {app_host}:{app_port}: {problem}.")


def lan_address() -> str | None:
    """This machine's address on the local network, if it has one.

    First the address a route to a private network would use (no packet is sent: connecting a UDP socket
    only picks the interface); without any route (an offline travel router, say), an address of the host name.
    """
    for target in ("10.254.254.254", "192.168.254.254", "172.31.254.254"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((target, 1))
                address = probe.getsockname()[0]
            except OSError:
                continue
        if not address.startswith(("127.", "0.")):
            return address
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    found = [info[4][0] for info in infos if not info[4][0].startswith("127.")]
    return found[0] if found else None


def url_host(host: str) -> str:
    """How a browser should write `host` in a link (all-interfaces -> the LAN address; IPv6 in brackets)."""
    if host in ALL_INTERFACES:
        host = lan_address() or LOCALHOST
    return f"[{host}]" if ":" in host else host


def voila_app_ip(host: str) -> str:
    """Where a preheated kernel finds its own app to fetch the page's query string (`VOILA_APP_IP`).

    Voilà's kernels connect to 127.0.0.1 unless told otherwise, which fails when the app listens only on a
    LAN address: then they must use that address.
    """
    if host in ALL_INTERFACES or host == "localhost":
        return LOCALHOST
    return f"[{host}]" if ":" in host else host


# --- Voilà command lines ----------------------------------------------------------------------------


UNIX_SOCKET_PATH_MAX = 107  # bytes in a Unix socket's path (Linux; macOS allows 103)
IPC_NAME_LENGTH = len("/kernel-00000000-0000-0000-0000-000000000000-ipc-99")


def kernel_transport() -> str:
    """How the apps talk to their kernels: "ipc" (Unix sockets in Jupyter's runtime folder) where it can.

    Over "tcp", Jupyter picks five free ports for a kernel and the kernel binds them a moment later; when
    many kernels start at once another one can take a port in between, and that kernel never starts
    ("Address already in use"): the page waited 60 s and came without a kernel, once in a room bench of
    40 people. Unix sockets are files named after the kernel, so nothing can take them. Windows has no
    Unix sockets here, and a socket's path has a length limit, so those cases keep "tcp".
    """
    from jupyter_core.paths import jupyter_runtime_dir

    if os.name != "posix":
        return "tcp"
    longest = len(os.fsencode(jupyter_runtime_dir())) + IPC_NAME_LENGTH
    return "ipc" if longest <= UNIX_SOCKET_PATH_MAX - 4 else "tcp"


def _common_voila_args(root: Path, host: str, port: int, settings: RoomSettings) -> list[str]:
    return [
        str(root),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",  # never a silent move to another port
        f"--template={TEMPLATE}",
        "--theme=light",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--VoilaExecutor.cell_error_instruction={ERROR_INSTRUCTION}",
        # nbclient waits only 4 s for a cell's outputs after the cell has run, then renders the page
        # without them. In a surge the app reads many kernels' outputs at once and takes longer: the
        # room bench lost whole pieces (a join form, a self-assessment) that way. Wait instead.
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
        f"--KernelManager.transport={kernel_transport()}",
        f"--ForkedProvisioner.forked={settings.forked_kernels}",
    ]


def participant_args(host: str, port: int, settings: RoomSettings, root: Path | None = None) -> list[str]:
    """Voilà arguments for the participant app: notebooks/ only, preheated, culled, landing page at `/`."""
    pool_config, fill_delay = pools(settings)
    return [
        *_common_voila_args(root or notebooks_dir(), host, port, settings),
        f"--RoomVoila.landing={LANDING_PAGE}",
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        "--preheat_kernel=True",
        f"--pool_size={settings.pool_size}",
        f"--VoilaKernelManager.kernel_pools_config={json.dumps(pool_config)}",
        f"--VoilaKernelManager.fill_delay={fill_delay}",
        f"--MappingKernelManager.cull_idle_timeout={settings.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={settings.cull_interval}",
        f"--MappingKernelManager.cull_connected={settings.cull_connected}",
        "--RoomVoila.gate=True",
        f"--RoomVoila.max_kernels={settings.max_kernels}",
        f"--RoomVoila.kernels_per_person={settings.kernels_per_person}",
        f"--RoomVoila.page_opens_per_minute={settings.page_opens_per_minute}",
        f"--RoomVoila.join_pages_per_minute={settings.join_pages_per_minute}",
        f"--RoomVoila.unconnected_timeout={settings.unconnected_timeout}",
    ]


def facilitator_args(host: str, port: int, settings: RoomSettings, root: Path | None = None) -> list[str]:
    """Voilà arguments for the facilitator app: workshop/ only, behind the key (added by empathydesk._voila)."""
    return [
        *_common_voila_args(root or workshop_dir(), host, port, settings),
        "--RoomVoila.hide_key=True",  # the address bar (maybe on the projector) never shows the key
        "--RoomVoila.console=True",  # the facilitator's home at `/`, the presenter view, the run of show, exports
        # Nothing in workshop/ is served as a plain file (Voilà serves images without asking for the key).
        "--VoilaConfiguration.file_allowlist=(?!)",
        f"--MappingKernelManager.cull_idle_timeout={settings.cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={settings.cull_interval}",
    ]


def normalise_db_url(url: str) -> str:
    """The same database for every process: a relative SQLite path becomes absolute."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        if not database.startswith("file:") and not os.path.isabs(database):
            return parsed.set(database=os.path.abspath(database)).render_as_string(hide_password=False)
    return url


def safe_url(url: str) -> str:
    """A database URL fit to print (password hidden)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parse_modules(text: str | None) -> list[str] | None:
    """"1,3,module-5" -> ["module-1", "module-3", "module-5"] in the order given; None -> every module."""
    if not text:
        return None
    from empathydesk.content import load

    known = [m.id for m in load().modules]
    chosen: list[str] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        module_id = f"module-{part}" if part.isdigit() else part
        if module_id not in known:
            raise WorkshopError(f"There is no module {part!r}. The modules are: {', '.join(known)}.")
        if module_id not in chosen:
            chosen.append(module_id)
    return chosen or None


# --- the two running apps ---------------------------------------------------------------------------


@dataclass
class App:
    name: str
    host: str
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Workshop:
    """One cohort's workshop: the cohort in the store, and the participant and facilitator apps."""

    def __init__(
        self,
        cohort: str = "workshop",
        modules: list[str] | None = None,
        host: str = LOCALHOST,
        port: int = DEFAULT_PORT,
        facilitator_host: str = LOCALHOST,
        facilitator_port: int | None = None,
        db_url: str | None = None,
        settings: RoomSettings | None = None,
        log_dir: Path | None = None,
        notebooks: Path | None = None,
        workshop: Path | None = None,
    ) -> None:
        from empathydesk.storage.engine import default_url

        self.cohort_name = cohort
        self.modules = modules
        self.settings = settings or RoomSettings()
        self.db_url = normalise_db_url(db_url or default_url())
        self.notebooks = notebooks or notebooks_dir()
        self.workshop = workshop or workshop_dir()
        self.key = secrets.token_urlsafe(24)
        self.sign_in_code = secrets.token_urlsafe(16)  # the banner's one-time sign-in link
        self.log_dir = log_dir or data_dir() / "logs"
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", cohort).strip("-") or "workshop"
        self.participant = App("participant", host, port, self.log_dir / f"{slug}-participant-app.log")
        self.facilitator = App(
            "facilitator",
            facilitator_host,
            facilitator_port if facilitator_port is not None else port + 1,
            self.log_dir / f"{slug}-facilitator-app.log",
        )
        self.cohort = None
        self.notes: list[str] = []

    # links ------------------------------------------------------------------------------------------

    @property
    def join_code(self) -> str:
        return self.cohort.join_code if self.cohort else ""

    @property
    def join_url(self) -> str:
        """The short address for the room (the landing page asks for the code)."""
        return f"http://{url_host(self.participant.host)}:{self.participant.port}/"

    @property
    def facilitator_url(self) -> str:
        return f"http://{url_host(self.facilitator.host)}:{self.facilitator.port}/"

    @property
    def sign_in_url(self) -> str:
        """The facilitator's one-time sign-in link (the key itself never goes in an address)."""
        return f"{self.facilitator_url}login?code={self.sign_in_code}"

    def facilitator_page(self, notebook: str) -> str:
        return f"{self.facilitator_url}voila/render/{notebook}"

    # life cycle -------------------------------------------------------------------------------------

    def open_cohort(self):
        """Create the cohort, or reopen it (keeping its code and modules)."""
        from empathydesk.storage import Store

        store = Store.open(self.db_url)
        cohort = store.cohort(self.cohort_name)
        if cohort is None:
            cohort = store.create_cohort(self.cohort_name, self.modules)
        elif self.modules is not None and list(self.modules) != list(cohort.modules):
            self.notes.append(
                f"Cohort {cohort.name!r} already exists with modules {', '.join(cohort.modules)}; "
                "it keeps them. For another choice of modules, start a new cohort with --cohort NAME."
            )
        self.cohort = cohort
        return cohort

    def _env(self, app: App) -> dict[str, str]:
        env = dict(os.environ)
        for name in (*map(env_name, ("hosted", "facilitator_key", "signin_code")), "JUPYTER_TOKEN", "QUERY_STRING"):
            env.pop(name, None)
        env["JUPYTER_PATH"] = share_jupyter_path(env.get("JUPYTER_PATH"))
        env["PYTHONUNBUFFERED"] = "1"
        env |= as_env(db_url=self.db_url, cohort=self.cohort_name, template=TEMPLATE)
        if app is self.participant:
            env |= as_env(hosted=True)
            env["VOILA_APP_IP"] = voila_app_ip(app.host)
        else:
            env |= as_env(facilitator_key=self.key, signin_code=self.sign_in_code, join_url=self.join_url)
        return env

    def command(self, app: App) -> list[str]:
        if app is self.participant:
            args = participant_args(app.host, app.port, self.settings, self.notebooks)
        else:
            args = facilitator_args(app.host, app.port, self.settings, self.workshop)
        return [sys.executable, "-m", "empathydesk._voila", *args]

    def start(self, timeout: float = 90.0) -> None:
        """Check the installed versions, open the cohort, check both ports, start both apps, wait until both answer."""
        problem = version_problem()
        if problem:
            raise WorkshopError(problem)
        if self.cohort is None:
            self.open_cohort()
        check_ports(self.participant.host, self.participant.port, self.facilitator.host, self.facilitator.port)
        private_folder(self.log_dir)
        try:
            for app in (self.participant, self.facilitator):
                root = self.notebooks if app is self.participant else self.workshop
                log = open(private_file(app.log_path), "a", encoding="utf-8")  # noqa: SIM115 - the child keeps it
                log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting the {app.name} app\n")
                log.flush()
                app.process = subprocess.Popen(
                    self.command(app),
                    cwd=root,
                    env=self._env(app),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: the terminal's Ctrl-C comes to us only
                    umask=0o077,  # what the apps and their kernels write is for this user only
                )
                log.close()
            self._wait_until_listening(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_until_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = [self.participant, self.facilitator]
        while waiting:
            for app in list(waiting):
                if not app.running:
                    raise WorkshopError(self._died_message(app))
                if _answers(app.host, app.port):
                    waiting.remove(app)
            if waiting and time.monotonic() > deadline:
                names = " and ".join(app.name for app in waiting)
                raise WorkshopError(f"The {names} app did not start within {timeout:.0f} s (see {waiting[0].log_path}).")
            if waiting:
                time.sleep(0.2)

    def _died_message(self, app: App) -> str:
        tail = app.log_tail()
        if "no available port" in tail or "already in use" in tail:
            return str(PortInUse(app.host, app.port, app.name, "--port" if app is self.participant else "--facilitator-port"))
        return f"The {app.name} app stopped unexpectedly. The end of its log ({app.log_path}):\n{tail}"

    def pools_filled(self) -> int:
        """How many participant pages have their pool of preheated kernels ready (from the app's log)."""
        try:
            text = self.participant.log_path.read_text(errors="replace")
        except OSError:
            return 0
        text = text.rsplit("==== ", 1)[-1]  # this run only
        return len(set(re.findall(r"Kernel pool of (\S+) is filled", text)))

    def pages(self) -> list[str]:
        return sorted(p.name for p in self.notebooks.glob("*.ipynb"))

    def stop(self) -> None:
        """Ask both apps to stop (they shut their kernels down), then make sure they are gone."""
        apps = [app for app in (self.participant, self.facilitator) if app.process is not None]
        for app in apps:
            if app.running:
                _signal_group(app.process, signal.SIGTERM)
        deadline = time.monotonic() + self.settings.stop_timeout
        try:
            for app in apps:
                try:
                    app.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    break
        except KeyboardInterrupt:
            pass  # Ctrl-C again while waiting: stop waiting
        finally:
            for app in apps:
                if app.process.poll() is None:  # its kernels notice their parent is gone and stop too
                    _signal_group(app.process, signal.SIGKILL)
                    app.process.wait(timeout=10)

    def __enter__(self) -> Workshop:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _answers(host: str, port: int) -> bool:
    target = LOCALHOST if host in ALL_INTERFACES else host
    try:
        with socket.create_connection((target, port), timeout=1):
            return True
    except OSError:
        return False


# --- the command ------------------------------------------------------------------------------------


def banner(workshop: Workshop) -> str:
    lines = [
        "",
        f"EmpathyDesk workshop for cohort {workshop.cohort_name!r} is running.",
        "",
        "For participants (show the join screen, or read these out):",
        f"  Join link:  {workshop.join_url}",
        f"  Join code:  {workshop.join_code}",
        "",
        "For you only (don't show these on the projector):",
        f"  Sign in (this link works once):  {workshop.sign_in_url}",
        f"  Facilitator key:  {workshop.key}",
        f"  Facilitator home: {workshop.facilitator_url}  (on another device, sign in there with the key)",
        f"  Join screen:      {workshop.facilitator_page('join-screen.ipynb')}",
        "",
    ]
    if workshop.participant.host == LOCALHOST:
        lines += [
            "The participant app listens on this computer only. For a room, start it with --host 0.0.0.0",
            "(and let port %d through the firewall; see workshop/hosting.md)." % workshop.participant.port,
            "",
        ]
    elif workshop.participant.host in ALL_INTERFACES and lan_address() is None:
        lines += [
            "This computer seems to have no network address yet: connect it to the room's network, then",
            "restart, or give its address with --host.",
            "",
        ]
    lines += [*workshop.notes, f"Logs: {workshop.log_dir}", "Press Ctrl-C to stop. Everything participants saved stays."]
    return "\n".join(lines)


def run_workshop(workshop: Workshop, out: TextIO = sys.stdout, ready: Callable[[Workshop], None] | None = None) -> int:
    """Start both apps, print the links, wait for Ctrl-C / SIGTERM (or an app dying), stop both."""

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and SIGTERM both stop the workshop, even when it was started with SIGINT ignored (as a shell
    # script's background job is): Python then installs no Ctrl-C handler of its own.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        from empathydesk.storage import StorageError

        try:
            workshop.start()
        except (WorkshopError, ValueError) as error:
            print(f"Could not start the workshop: {error}", file=sys.stderr)
            return 1
        except StorageError as error:
            print(f"Could not open the database {safe_url(workshop.db_url)}: {error.message}", file=sys.stderr)
            return 1
        print(banner(workshop), file=out, flush=True)
        if ready:
            ready(workshop)
        pages, announced = len(workshop.pages()), False
        while True:
            for app in (workshop.participant, workshop.facilitator):
                if not app.running:
                    print(workshop._died_message(app), file=sys.stderr)
                    return 1
            if not announced and pages and workshop.pools_filled() >= pages:
                print(f"All {pages} participant pages are warmed up and ready.", file=out, flush=True)
                announced = True
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping the workshop apps (a few seconds; Ctrl-C again to stop at once)...", file=out, flush=True)
        return 0
    finally:
        workshop.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if workshop.participant.process is not None:
            print("Stopped. The answers are kept in the database.", file=out, flush=True)
