"""A real JupyterHub for the tests and the bench: PostgreSQL, configurable-http-proxy, the hub with the
DummyAuthenticator and SimpleLocalProcessSpawner, and the EmpathyDesk service, configured by the shipped
workshop/jupyterhub/jupyterhub_config.py with test settings on top.

`Hub.start()` starts everything (PostgreSQL first, then the hub, which starts the proxy, the service and
the idle culler); `Hub.stop()` stops the hub, then ends every process it left (a process group at a time:
the proxy, the service, each user's server and its kernels), then PostgreSQL. `sign_in(name)` is one
person's browser, signed in at the hub over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx

from empathydesk.storage.pgserver import TempPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "workshop" / "jupyterhub" / "jupyterhub_config.py"
LOCAL_PROXY = ROOT / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"
SERVICE_PREFIX = "/services/empathydesk/"
ARTIFACTS = ROOT / "test-artifacts" / "hub"


class HubUnavailable(RuntimeError):
    """Something the hub needs is missing here; the message says what."""


def proxy_command() -> str | None:
    """configurable-http-proxy: the checkout's (`make proxy`), else one on PATH."""
    if LOCAL_PROXY.exists():
        return str(LOCAL_PROXY)
    return shutil.which("configurable-http-proxy")


class Hub:
    def __init__(self, *, participants: dict[str, list[str]], facilitators: list[str], password: str | None = None,
                 cull_after: int = 3600, durable: bool = False) -> None:
        """`participants`: hub group (cohort) -> usernames; `facilitators`: facilitators of every cohort;
        `durable`: PostgreSQL writes to disk before it answers, as a real one (slower; the bench's)."""
        self.participants, self.facilitators, self.durable = participants, facilitators, durable
        self.password = password or secrets.token_urlsafe(12)
        self.cull_after = cull_after
        self.db_password = "pw-" + secrets.token_hex(12)  # marks the database URL wherever it might leak
        self.other_token = secrets.token_hex(24)  # a token of another service (which may not use EmpathyDesk)
        self.tmp = Path(tempfile.mkdtemp(prefix="empathydesk-hub-"))
        self.port, self.hub_port, self.api_port, self.service_port = (free_port() for _ in range(4))
        self.url = f"http://127.0.0.1:{self.port}"
        self.postgres: TempPostgres | None = None
        self.process: subprocess.Popen | None = None
        self.log_path = self.tmp / "jupyterhub.log"
        self.db_url = ""

    # --- starting ---------------------------------------------------------------------------------------

    def start(self, timeout: float = 90) -> Hub:
        chp = proxy_command()
        if chp is None:
            raise HubUnavailable("configurable-http-proxy is not installed (run `make proxy`)")
        try:
            self.postgres = TempPostgres(durable=self.durable).start()
            self.db_url = self._database("empathydesk", self.db_password)
            hub_db = self.postgres.create_database("jupyterhub")
            config = self.tmp / "jupyterhub_test_config.py"
            config.write_text(self._config(chp, hub_db))
            env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "EMPATHYDESK_", "JPY_"))}
            env |= {"EMPATHYDESK_DB_URL": self.db_url, "PYTHONUNBUFFERED": "1"}
            env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.tmp, env=env,
                stdout=self.log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _database(self, name: str, password: str) -> str:
        import psycopg

        assert self.postgres is not None
        with psycopg.connect(host="127.0.0.1", port=self.postgres.port, user="postgres", autocommit=True) as db:
            db.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
            db.execute(f'CREATE DATABASE "{name}" OWNER {name}')
        return f"postgresql+psycopg://{name}:{password}@127.0.0.1:{self.postgres.port}/{name}"

    def _config(self, chp: str, hub_db: str) -> str:
        groups = {group: {"users": users} for group, users in self.participants.items()}
        return textwrap.dedent(f"""\
            import os
            c = get_config()
            load_subconfig({str(SHIPPED_CONFIG)!r})
            from empathydesk.hub import config as empathydesk

            c.JupyterHub.bind_url = "http://127.0.0.1:{self.port}"
            c.JupyterHub.hub_bind_url = "http://127.0.0.1:{self.hub_port}"
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.api_port}"
            c.ConfigurableHTTPProxy.command = [{chp!r}]
            c.JupyterHub.db_url = {hub_db!r}
            c.JupyterHub.authenticator_class = "dummy"
            c.DummyAuthenticator.password = {self.password!r}
            c.Authenticator.allow_all = True
            c.JupyterHub.spawner_class = "simple"
            c.SimpleLocalProcessSpawner.home_dir_template = {str(self.tmp / "home" / "{username}")!r}
            c.Spawner.args = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
            c.JupyterHub.load_groups = {groups!r}
            empathydesk.configure(c, db_url=os.environ["EMPATHYDESK_DB_URL"], facilitators={self.facilitators!r},
                                  cull_after={self.cull_after}, service_url="http://127.0.0.1:{self.service_port}")
            c.JupyterHub.services.append({{"name": "other", "api_token": {self.other_token!r}}})
            c.JupyterHub.load_roles.append({{"name": "other", "scopes": ["read:users"], "services": ["other"]}})
            c.JupyterHub.log_level = "INFO"
            """)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped (exit {self.process.returncode}):\n{self.log_tail()}")
            try:
                hub = httpx.get(f"{self.url}/hub/api/", timeout=2, trust_env=False)
                service = httpx.get(f"{self.url}{SERVICE_PREFIX}api/me", timeout=2, trust_env=False)
                if hub.status_code == 200 and service.status_code == 403:  # the service answers (no token)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"the hub was not ready in {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --- stopping -----------------------------------------------------------------------------------------

    def processes(self) -> list[Any]:
        """The hub and everything under it (the proxy, the services, the servers and their kernels)."""
        import psutil

        if self.process is None:
            return []
        try:
            hub = psutil.Process(self.process.pid)
            return [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def service_process(self) -> Any:
        """The EmpathyDesk service's process (psutil)."""
        return self._child("empathydesk.hub.service")

    def proxy_process(self) -> Any:
        """configurable-http-proxy's process (psutil)."""
        return self._child(f"--api-port {self.api_port}")

    def _child(self, mark: str) -> Any:
        found = [p for p in self.processes()[1:] if mark in " ".join(p.cmdline())]
        if not found:
            raise LookupError(f"no process of this hub has {mark!r} in its command line")
        return found[0]

    def strays(self) -> list[Any]:
        """Processes of this hub outside its tree: a proxy the hub started again while being stopped (it
        checks its proxy), a server or service whose parent is gone. Found by this hub's own ports."""
        import psutil

        marks = (f"--api-port {self.api_port}", f"127.0.0.1:{self.hub_port}/hub/")
        found = []
        for proc in psutil.process_iter(["pid", "cmdline"]):
            try:
                text = " ".join(proc.info["cmdline"] or [])
                if proc.pid != os.getpid() and (marks[0] in text or marks[1] in proc.environ().get("JUPYTERHUB_API_URL", "")):
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        return found

    def stop(self) -> None:
        """End the hub and everything it started: the hub first (SIGKILL: it would start its proxy again),
        then each process group it left is told to stop (SIGTERM), and whatever is left a few seconds later
        is killed; then any stray of this hub (`strays`). Then PostgreSQL. The hub's log is kept in
        test-artifacts/hub/."""
        import psutil

        left = self.processes()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            groups = set()
            for proc in left + self.strays():
                try:
                    groups.add(os.getpgid(proc.pid))
                except ProcessLookupError:
                    pass
            groups.discard(os.getpgrp())
            for group in groups:
                try:
                    os.killpg(group, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            _, left = psutil.wait_procs(left + self.strays(), timeout=5)
            if not left:
                break
        if self.process is not None:
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.log_path, ARTIFACTS / "jupyterhub.log")
        except OSError:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- people -------------------------------------------------------------------------------------------

    def client(self) -> httpx.AsyncClient:
        """A browser: its own cookies, following redirects."""
        return httpx.AsyncClient(base_url=self.url, follow_redirects=True, trust_env=False, timeout=120,
                                 limits=httpx.Limits(max_connections=8, max_keepalive_connections=8))

    async def sign_in(self, name: str) -> httpx.AsyncClient:
        """A browser signed in at the hub's login page as `name` (a form post with the hub's _xsrf)."""
        browser = self.client()
        page = await browser.get("/hub/login")
        page.raise_for_status()
        xsrf = browser.cookies.get("_xsrf", path="/hub/") or browser.cookies.get("_xsrf") or ""
        done = await browser.post("/hub/login?next=", data={"username": name, "password": self.password, "_xsrf": xsrf},
                                  follow_redirects=False)
        if done.status_code != 302:
            raise RuntimeError(f"sign-in of {name}: HTTP {done.status_code}")
        return browser

    async def start_server(self, browser: httpx.AsyncClient, name: str, timeout: float = 90) -> dict[str, Any]:
        """Start `name`'s server through the hub's API (as the hub's home page's button does); its model."""
        xsrf = browser.cookies.get("_xsrf", path="/hub/") or browser.cookies.get("_xsrf") or ""
        started = await browser.post(f"/hub/api/users/{name}/server", headers={"X-XSRFToken": xsrf})
        if started.status_code not in (201, 202, 400):
            raise RuntimeError(f"starting {name}'s server: HTTP {started.status_code} {started.text[:200]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = (await browser.get(f"/hub/api/users/{name}")).json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return server
            await asyncio.sleep(0.3)
        raise TimeoutError(f"{name}'s server did not start in {timeout:.0f} s:\n{self.log_tail()}")

    async def new_token(self, browser: httpx.AsyncClient, name: str, scopes: list[str]) -> str:
        """A hub token of `name`'s own with `scopes` (as a person makes one on the hub's token page)."""
        xsrf = browser.cookies.get("_xsrf", path="/hub/") or ""
        made = await browser.post(f"/hub/api/users/{name}/tokens", headers={"X-XSRFToken": xsrf},
                                  json={"scopes": scopes, "note": "empathydesk bench"})
        if made.status_code != 201:
            raise RuntimeError(f"a token for {name}: HTTP {made.status_code} {made.text[:200]}")
        return made.json()["token"]

    def server_processes(self, name: str) -> list[Any]:
        """`name`'s server and its kernels (by the server's JUPYTERHUB_USER)."""
        import psutil

        found = []
        for proc in self.processes():
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and "singleuser" in " ".join(proc.cmdline()):
                    found.append(proc)
                    found += proc.children(recursive=True)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return found

    def server_token(self, name: str) -> str:
        """The hub token of `name`'s server, as its pages have it ($JUPYTERHUB_API_TOKEN)."""
        for proc in self.server_processes(name):
            token = proc.environ().get("JUPYTERHUB_API_TOKEN")
            if token:
                return token
        raise LookupError(f"no server of {name} with a token")

    def api(self, path: str) -> str:
        return f"{self.url}{SERVICE_PREFIX}api/{path}"


def read_json(response: httpx.Response) -> Any:
    return json.loads(response.text)
