"""The EmpathyDesk parts of a `jupyterhub_config.py`: the service, its roles and scope, the users' servers.

`configure(c, ...)` sets them all on a JupyterHub config object; workshop/jupyterhub/jupyterhub_config.py
calls it, and so does the integration test (tests/hub), so what is tested is what is shipped.

- The service (`service`): ``python -m empathydesk.hub.service`` at `SERVICE_URL`, started and stopped by
  the hub. The database URL goes into its environment only.
- Roles (`roles`): every user may access the service (the ``user`` role); facilitators hold the custom
  scope `people.FACILITATE` (every cohort) or ``FACILITATE!group=<cohort>`` (one cohort), given to hub
  users or groups; the service may read the hub's groups (the cohorts' members); the idle culler may stop
  idle servers.
- The users' servers (`single_user`): ``python -m empathydesk.hub.singleuser`` (`jupyterhub-singleuser` with
  Voilà as the only extension, no JupyterLab, no terminals, the lessons' folder as the root), the landing
  page as the default URL, and in their environment only the service's address: their hub token
  (``$JUPYTERHUB_API_TOKEN``, made by the hub for each server) is given the scope to access the service
  (`Spawner.server_token_scopes`). Nothing else of the hub's environment reaches them (the spawners pass
  only `Spawner.env_keep`), so no database URL or password does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from empathydesk.hub.people import FACILITATE

SERVICE = "empathydesk"
SERVICE_PORT = 10101
SERVICE_URL = f"http://127.0.0.1:{SERVICE_PORT}"
ACCESS = f"access:services!service={SERVICE}"
CULLER = "idle-culler"
LANDING = "/voila/render/index.ipynb"
# What a server token may do by default (the hub's `server` role), and reach the service
SERVER_TOKEN_SCOPES = ["users:activity!user", "access:servers!server", ACCESS]
# Settings of the service that `configure` passes on from the hub's environment when they are set there
SERVICE_SETTINGS = ("EMPATHYDESK_HUB_COHORT_PREFIX", "EMPATHYDESK_HUB_OPEN_COHORT", "EMPATHYDESK_HUB_SHOW_USERNAME",
                    "EMPATHYDESK_ROOT", "EMPATHYDESK_CONTENT")


def service(db_url: str, *, url: str = SERVICE_URL, python: str | None = None,
            environment: dict[str, str] | None = None, listen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The EmpathyDesk service as a hub-managed service (an entry of `JupyterHub.services`). `listen`: the
    service's own options, e.g. ("--ip=0.0.0.0",) where `url` names another host than its own (Kubernetes)."""
    env = {name: os.environ[name] for name in SERVICE_SETTINGS if os.environ.get(name)}
    env.update(environment or {})
    env["EMPATHYDESK_DB_URL"] = db_url
    return {
        "name": SERVICE,
        "url": url,
        "command": [python or sys.executable, "-m", "empathydesk.hub.service", *listen],
        "environment": env,
        "display": True,  # on the hub's home, under Services: the facilitators' pages
        "oauth_no_confirm": True,  # the facilitators' pages open without a "do you allow" step
        # a browser's token for the service may carry the facilitator scope (if its user holds it)
        "oauth_client_allowed_scopes": [FACILITATE],
    }


def culler(timeout: int = 3600, *, python: str | None = None) -> dict[str, Any]:
    """jupyterhub-idle-culler as a hub-managed service: stops servers idle for `timeout` seconds."""
    return {"name": CULLER, "command": [python or sys.executable, "-m", "jupyterhub_idle_culler",
                                         f"--timeout={timeout}", "--cull-every=300"]}


def custom_scopes() -> dict[str, dict[str, str]]:
    return {FACILITATE: {"description": "See EmpathyDesk cohorts' progress and results (filter !group=<cohort> "
                                        "for one cohort)."}}


def roles(facilitators: Iterable[str] = (), facilitator_groups: Iterable[str] = (),
          cohort_facilitators: dict[str, Iterable[str]] | None = None, culler: bool = True) -> list[dict[str, Any]]:
    """The hub roles: users reach the service; facilitators (users or groups) of every cohort, and of one
    cohort each (`cohort_facilitators`: cohort -> usernames); the service reads groups; the culler culls
    (`culler` False where the site has its own, as Zero to JupyterHub does)."""
    found: list[dict[str, Any]] = [
        {"name": "user", "scopes": ["self", ACCESS]},
        {"name": "empathydesk-facilitator", "description": "facilitates every EmpathyDesk cohort",
         "scopes": [FACILITATE, ACCESS], "users": list(facilitators), "groups": list(facilitator_groups)},
        {"name": "empathydesk-service", "scopes": ["read:groups", "list:groups"], "services": [SERVICE]},
    ]
    if culler:
        found.append({"name": CULLER, "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                      "services": [CULLER]})
    for cohort, users in (cohort_facilitators or {}).items():
        found.append({"name": f"empathydesk-facilitator-{cohort}", "description": f"facilitates {cohort}",
                      "scopes": [f"{FACILITATE}!group={cohort}", ACCESS], "users": list(users)})
    return found


def single_user(c: Any, api_url: str, *, python: str | None = None) -> None:
    """The users' servers: Voilà only, the landing page first, the service's address, no secret."""
    c.Spawner.cmd = [python or sys.executable, "-m", "empathydesk.hub.singleuser"]
    c.Spawner.default_url = LANDING
    c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
    c.Spawner.environment = {"EMPATHYDESK_API_URL": api_url}


def configure(c: Any, *, db_url: str, api_url: str | None = None, facilitators: Iterable[str] = (),
              facilitator_groups: Iterable[str] = (), cohort_facilitators: dict[str, Iterable[str]] | None = None,
              cull_after: int = 3600, service_url: str = SERVICE_URL) -> None:
    """Everything EmpathyDesk needs on a hub config `c` (the rest, the authenticator, the spawner class and
    the database of the hub itself, is the site's). Sets `JupyterHub.services`: add a site's own services
    after this call."""
    c.JupyterHub.services = [service(db_url, url=service_url), culler(cull_after)]
    c.JupyterHub.custom_scopes = custom_scopes()
    c.JupyterHub.load_roles = roles(facilitators, facilitator_groups, cohort_facilitators)
    single_user(c, api_url or f"{service_url}/services/{SERVICE}/api")
