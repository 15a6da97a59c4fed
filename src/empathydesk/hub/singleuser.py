"""A user's server on JupyterHub: ``python -m empathydesk.hub.singleuser`` (the hub's `Spawner.cmd`).

It runs `jupyterhub-singleuser` with what the lesson pages need, found from this installation, so that a hub
configuration names no path (the same command on one server and in a Kubernetes image):

- Voilà as the only server extension, no terminals (share/hub/jupyter_server_config.json, by
  ``JUPYTER_CONFIG_PATH``);
- the page template and the lessons' kernel (share/, by ``JUPYTER_PATH``), with this Python first on
  ``PATH`` (the kernel is ``python -m empathydesk.kernel``);
- the lessons' folder as the server's root (`paths.notebooks_dir`), unless the hub gives a notebook dir.

The hub gives the rest: ``JUPYTERHUB_API_TOKEN`` and ``EMPATHYDESK_API_URL`` (empathydesk.hub.config).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SERVER_CONFIG = Path(__file__).resolve().parents[1] / "share" / "hub"


def environment(env: dict[str, str]) -> dict[str, str]:
    from empathydesk.server import share_jupyter_path

    env = dict(env)
    env["JUPYTER_PATH"] = share_jupyter_path(env.get("JUPYTER_PATH"))
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(SERVER_CONFIG), env.get("JUPYTER_CONFIG_PATH")]))
    env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
    env.setdefault("EMPATHYDESK_TEMPLATE", "empathydesk")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def command(args: list[str]) -> list[str]:
    from empathydesk.paths import notebooks_dir

    given = any(a.startswith(("--notebook-dir", "--ServerApp.root_dir")) for a in args)
    root = [] if given else [f"--ServerApp.root_dir={notebooks_dir()}"]
    return [sys.executable, "-m", "jupyterhub.singleuser", *root, *args]


def main() -> None:
    run = command(sys.argv[1:])
    os.execve(run[0], run, environment(dict(os.environ)))


if __name__ == "__main__":
    main()
