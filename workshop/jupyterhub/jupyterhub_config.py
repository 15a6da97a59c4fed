# EmpathyDesk on one server with JupyterHub: the hub, configurable-http-proxy, the EmpathyDesk service
# (the only process with the database's address), PostgreSQL, and the idle culler.
#
# Read workshop/hosting.md first ("JupyterHub on one server, step by step"). In short:
#
#   pip install 'empathydesk[hub]'  (or, in a checkout: pip install -e '.[hub]')
#   npm install -g configurable-http-proxy
#   export EMPATHYDESK_DB_URL='postgresql+psycopg://empathydesk:PASSWORD@127.0.0.1/empathydesk'
#   jupyterhub -f workshop/jupyterhub/jupyterhub_config.py
#
# Put site-specific changes (your sign-in, your facilitators, your address) in a file of your own that
# loads this one first:  c = get_config(); load_subconfig("/path/to/workshop/jupyterhub/jupyterhub_config.py")
# followed by your settings; run `jupyterhub -f your_config.py`. Written for JupyterHub 6.1.
import os
import shutil
import sys
from pathlib import Path

from empathydesk.hub import config as empathydesk

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

# --- Edit these for your site ---------------------------------------------------------------------------

# Who runs the users' servers:
#   "systemd": SystemdSpawner (pip install jupyterhub-systemdspawner; the hub runs as root under systemd).
#              Every server is a transient systemd unit of its own dynamic user: one person's code cannot
#              read another person's server or the service. Use this for real people.
#   "simple":  SimpleLocalProcessSpawner. Every server runs as the hub's own account. Only for trying
#              the set-up out or for tests: anyone's code could read the others' processes, the service's
#              included.
SPAWNER = "systemd"

# Facilitators of every cohort: hub usernames, and hub groups whose members are all facilitators.
FACILITATORS: list[str] = []
FACILITATOR_GROUPS = ["empathydesk-facilitators"]
# Facilitators of one cohort each: {"cohort-2026-03-berlin": ["ana", "joe"]}. A cohort is a hub group whose
# name starts with "cohort-" (EMPATHYDESK_HUB_COHORT_PREFIX); add its people to the group.
COHORT_FACILITATORS: dict[str, list[str]] = {}

# Where the hub listens. Put it behind your HTTPS reverse proxy (or set c.JupyterHub.ssl_cert/ssl_key).
c.JupyterHub.bind_url = "http://127.0.0.1:8000"

# How people sign in: your company's sign-in (e.g. oauthenticator's AzureAdOAuthenticator or
# GenericOAuthenticator, or ldapauthenticator). The default here is the server's own accounts (PAM).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allow_all = True  # everyone who can sign in may take part; narrow it with allowed_users

# Stop a server nobody has used for an hour (jupyterhub-idle-culler).
CULL_AFTER_SECONDS = 3600

# --- EmpathyDesk (no need to edit below) --------------------------------------------------------------

db_url = os.environ.get("EMPATHYDESK_DB_URL")
if not db_url:
    sys.exit("Set EMPATHYDESK_DB_URL to the EmpathyDesk database's address, e.g. "
             "postgresql+psycopg://empathydesk:PASSWORD@127.0.0.1/empathydesk (see workshop/hosting.md).")
# The hub's own database (users, tokens, servers): PostgreSQL too, or SQLite in the current folder.
c.JupyterHub.db_url = os.environ.get("JUPYTERHUB_DB_URL", "sqlite:///jupyterhub.sqlite")

empathydesk.configure(c, db_url=db_url, facilitators=FACILITATORS, facilitator_groups=FACILITATOR_GROUPS,
                      cohort_facilitators=COHORT_FACILITATORS, cull_after=CULL_AFTER_SECONDS)
# Nobody but the service gets the database's address: the spawners pass on only Spawner.env_keep (PATH,
# LANG, ...; never add EMPATHYDESK_DB_URL there), and the servers' environment
# (empathydesk.hub.config.single_user) holds only the service's address.

# configurable-http-proxy: the checkout's copy (`make proxy`), else the one on PATH.
_local_proxy = Path(__file__).resolve().parents[2] / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(_local_proxy) if _local_proxy.exists()
                                   else shutil.which("configurable-http-proxy") or "configurable-http-proxy"]

c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 60
if SPAWNER == "systemd":
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.dynamic_users = True
    c.SystemdSpawner.mem_limit = "1G"
    c.SystemdSpawner.cpu_limit = 1.0
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.isolate_devices = True
    c.SystemdSpawner.disable_user_sudo = True
else:
    c.JupyterHub.spawner_class = "simple"
    if os.geteuid() == 0:  # Jupyter refuses to run as root unless told
        c.Spawner.args = ["--ServerApp.allow_root=True"]
