"""`empathydesk workshop`: ports, the two apps' settings, and what a participant can and cannot reach.

The security tests start the real workshop (both Voilà apps, the repository's notebooks/ and workshop/,
a temporary database) once for the module and send raw HTTP requests, exactly as typed: no `..` is
normalised away and no redirect is followed.
"""

from __future__ import annotations

import email.utils
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from empathydesk import server
from empathydesk.server import RoomSettings, Workshop, WorkshopError
from workshop_helpers import fetch, free_port_pair

REPO = Path(__file__).resolve().parents[1]
LOCAL = "127.0.0.1"


# --- settings and checks (no server) ----------------------------------------------------------------


def test_a_port_in_use_is_an_error_that_names_it():
    with socket.socket() as busy:
        busy.bind((LOCAL, 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(WorkshopError, match=f"Port {port} .*already in use.*--port"):
            server.check_ports(LOCAL, port, LOCAL, free_port_pair())
        with pytest.raises(WorkshopError, match=f"Port {port} .*--facilitator-port"):
            server.check_ports(LOCAL, free_port_pair(), LOCAL, port)
    with pytest.raises(WorkshopError, match="can't share port"):
        server.check_ports(LOCAL, 9000, LOCAL, 9000)


def test_the_command_stops_at_a_busy_port_and_says_which(tmp_path):
    with socket.socket() as busy:
        busy.bind((LOCAL, 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "EMPATHYDESK_DATA": str(tmp_path)}
        env.pop("EMPATHYDESK_DB_URL", None)
        done = subprocess.run(
            [sys.executable, "-m", "empathydesk", "workshop", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=120,
        )
    assert done.returncode == 1
    assert f"Port {port}" in done.stderr and "already in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_kernels_use_unix_sockets_unless_the_path_would_be_too_long(monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", "/tmp/runtime")
    assert server.kernel_transport() == "ipc"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", "/tmp/" + "deep" * 14)
    assert server.kernel_transport() == "tcp"  # a Unix socket's path may be at most 107 bytes


def test_participant_app_settings_for_a_room(monkeypatch):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", "/tmp/runtime")
    args = server.participant_args("0.0.0.0", 8866, RoomSettings(pool_size=3, cull_idle_timeout=600))
    assert args[0] == str(REPO / "notebooks")  # only notebooks/
    for expected in [
        "--Voila.port=8866", "--Voila.port_retries=0", "--preheat_kernel=True", "--pool_size=3",
        "--strip_sources=True", "--show_tracebacks=False", "--template=empathydesk",
        "--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_connected=True",
        "--VoilaConfiguration.allow_template_override=NO", "--RoomVoila.landing=index.ipynb",
        "--VoilaConfiguration.multi_kernel_manager_class=empathydesk._voila.RoomKernelManager",
        "--VoilaExecutor.iopub_timeout=120",  # a busy app waits for a cell's outputs instead of dropping them
        "--KernelManager.transport=ipc",  # no port for another kernel to take while this one starts
    ]:
        assert expected in args
    facilitator = server.facilitator_args(LOCAL, 8867, RoomSettings())
    assert facilitator[0] == str(REPO / "workshop")  # only workshop/
    assert "--RoomVoila.hide_key=True" in facilitator
    assert not any(a.startswith("--Voila.token") for a in facilitator)  # the key never on a command line


def test_forked_kernels_get_a_bigger_first_page_pool_refilled_at_once():
    import json

    def pool_args(settings: RoomSettings) -> tuple[dict, str]:
        args = server.participant_args(LOCAL, 8866, settings)
        config = next(a.split("=", 1)[1] for a in args if a.startswith("--VoilaKernelManager.kernel_pools_config="))
        return json.loads(config), next(a for a in args if a.startswith("--VoilaKernelManager.fill_delay="))

    forked = pool_args(RoomSettings(pool_size=2, first_page_pool=4))
    assert forked == ({"default": {"pool_size": 2}, "00-welcome.ipynb": {"pool_size": 4}},
                      "--VoilaKernelManager.fill_delay=0.0")
    assert (REPO / "notebooks" / server.WELCOME_NOTEBOOK).exists()
    # ordinary kernels (--plain-kernels) cost a Python start each: every page's pool as before, refilled after a second
    assert pool_args(RoomSettings(pool_size=2, forked_kernels=False)) == (
        {"default": {"pool_size": 2}}, "--VoilaKernelManager.fill_delay=1.0")
    assert pool_args(RoomSettings(pool_size=0))[0] == {"default": {"pool_size": 0}}  # no preheating stays none


def test_preheated_kernels_find_their_app_on_a_lan_address():
    assert server.voila_app_ip("0.0.0.0") == LOCAL
    assert server.voila_app_ip(LOCAL) == LOCAL
    assert server.voila_app_ip("192.168.1.20") == "192.168.1.20"
    assert server.voila_app_ip("fd00::2") == "[fd00::2]"


def test_modules_and_database_urls():
    assert server.parse_modules(None) is None
    assert server.parse_modules("1, 3,module-5") == ["module-1", "module-3", "module-5"]
    with pytest.raises(WorkshopError, match="no module '9'"):
        server.parse_modules("1,9")
    assert server.normalise_db_url("sqlite:///rel/x.sqlite") == f"sqlite:///{os.path.abspath('rel/x.sqlite')}"
    assert server.normalise_db_url("postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert "p@" not in server.safe_url("postgresql+psycopg://u:p@h/db")


def test_environment_of_each_app(tmp_path):
    w = Workshop(cohort="env", host="0.0.0.0", port=9100, db_url=f"sqlite:///{tmp_path}/db.sqlite", log_dir=tmp_path)
    w.open_cohort()
    participant, facilitator = w._env(w.participant), w._env(w.facilitator)
    assert participant["EMPATHYDESK_HOSTED"] == "1" and participant["EMPATHYDESK_COHORT"] == "env"
    assert participant["EMPATHYDESK_TEMPLATE"] == facilitator["EMPATHYDESK_TEMPLATE"] == "empathydesk"  # CSS in head
    assert participant["EMPATHYDESK_DB_URL"] == facilitator["EMPATHYDESK_DB_URL"] == f"sqlite:///{tmp_path}/db.sqlite"
    assert participant["VOILA_APP_IP"] == LOCAL
    assert w.key not in "".join(participant.values())  # participants' processes never hold the key
    assert "EMPATHYDESK_HOSTED" not in facilitator
    assert facilitator["EMPATHYDESK_FACILITATOR_KEY"] == w.key  # taken out again by empathydesk._voila
    assert facilitator["EMPATHYDESK_JOIN_URL"] == w.join_url
    assert w.facilitator.port == 9101


# --- the running workshop ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    data = tmp_path_factory.mktemp("workshop-data")
    port = free_port_pair()
    running = Workshop(
        cohort="security",
        port=port,
        db_url=f"sqlite:///{data}/empathydesk.sqlite",
        log_dir=data / "logs",
        settings=RoomSettings(pool_size=1),
    )
    running.start()
    yield running
    running.stop()


def participant_get(workshop, path: str, **kw):
    return fetch(LOCAL, workshop.participant.port, path, **kw)


def facilitator_get(workshop, path: str, **kw):
    return fetch(LOCAL, workshop.facilitator.port, path, **kw)


def test_the_short_address_opens_the_landing_page_keeping_the_code(workshop):
    assert participant_get(workshop, "/").location == "/voila/render/index.ipynb"
    assert participant_get(workshop, "/?code=K7QM-3XPA").location == "/voila/render/index.ipynb?code=K7QM-3XPA"
    assert participant_get(workshop, "/voila/tree").location == "/voila/render/index.ipynb"  # no file list
    page = participant_get(workshop, "/voila/render/index.ipynb")
    assert page.status == 200
    assert "ed.show" not in page.body  # sources stripped
    assert "_xsrf" in page.cookies  # so the page's "shut my kernel down" on leaving is accepted


def test_the_facilitator_app_wants_the_key(workshop):
    for path in ["/", "/voila/render/dashboard.ipynb", "/voila/render/participants.ipynb",
                 "/voila/render/join-screen.ipynb", "/voila/tree"]:
        reply = facilitator_get(workshop, path)
        assert reply.status == 302 and reply.location.startswith("/login"), path
        wrong = facilitator_get(workshop, path + "?token=not-the-key")
        assert wrong.status == 302 and wrong.location.startswith("/login"), path
    # a participant's own token is no key either
    store = __import__("empathydesk.storage", fromlist=["Store"]).Store.open(workshop.db_url)
    sam = store.join(workshop.join_code, "Sam")
    reply = facilitator_get(workshop, f"/voila/render/participants.ipynb?token={sam.token}")
    assert reply.status == 302 and reply.location.startswith("/login")
    # the kernels API and files of the facilitator app are closed too
    assert facilitator_get(workshop, "/api/kernels").status in (403, 404)
    assert facilitator_get(workshop, "/voila/api/contents/").status in (302, 403)
    assert facilitator_get(workshop, "/voila/files/participants.ipynb").status in (403, 404)


def test_with_the_key_the_address_bar_drops_it_and_a_cookie_keeps_the_facilitator_in(workshop):
    reply = facilitator_get(workshop, f"/voila/render/join-screen.ipynb?token={workshop.key}")
    assert reply.status == 302 and reply.location == "/voila/render/join-screen.ipynb"
    assert reply.cookies, "no login cookie"
    page = facilitator_get(workshop, "/voila/render/join-screen.ipynb", cookies=reply.cookies)
    assert page.status == 200
    assert workshop.key not in page.body


def sign_in_form(workshop, password: str, next_page: str = "/voila/render/dashboard.ipynb"):
    form = facilitator_get(workshop, "/login")
    xsrf = form.cookies["_xsrf"]
    body = f"_xsrf={xsrf}&password={quote(password)}&next={quote(next_page)}"
    return fetch(LOCAL, workshop.facilitator.port, "/login", method="POST", body=body, cookies={"_xsrf": xsrf},
                 headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_the_facilitator_signs_in_with_the_key_in_a_form_and_gets_a_short_strict_cookie(workshop):
    page = facilitator_get(workshop, "/voila/render/dashboard.ipynb")
    assert page.status == 302 and page.location.startswith("/login?next=")
    form = facilitator_get(workshop, page.location)
    assert form.status == 200 and 'type="password"' in form.body and 'method="post"' in form.body
    assert workshop.key not in form.body and "cdn" not in form.body.lower()
    wrong = sign_in_form(workshop, "not-the-key")
    assert wrong.status == 403 and "That key does not match" in wrong.body and not any(
        name.startswith("username") for name in wrong.cookies)
    right = sign_in_form(workshop, workshop.key)
    assert right.status == 302 and right.location == "/voila/render/dashboard.ipynb"
    assert workshop.key not in right.location
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    expires = email.utils.parsedate_to_datetime(re.search(r"expires=([^;]+)", cookie).group(1))
    hours = (expires - datetime.now(timezone.utc)).total_seconds() / 3600
    assert 11 < hours <= 12  # a working day, not Jupyter's 30 days
    login = {k: v for k, v in right.cookies.items() if k.startswith("username")}
    assert facilitator_get(workshop, "/voila/render/join-screen.ipynb", cookies=login).status == 200
    assert facilitator_get(workshop, "/logout", cookies=login).status == 200
    assert facilitator_get(workshop, "/login?next=//evil.example/").status == 200
    assert sign_in_form(workshop, workshop.key, next_page="//evil.example/").location == "/"  # only this app


def test_the_banners_sign_in_link_works_once_and_the_key_is_in_no_link(workshop):
    printed = server.banner(workshop)
    assert "token=" not in printed and workshop.sign_in_url in printed
    first = facilitator_get(workshop, f"/login?code={workshop.sign_in_code}")
    assert first.status == 302 and any(k.startswith("username") for k in first.cookies)
    second = facilitator_get(workshop, f"/login?code={workshop.sign_in_code}")
    assert second.status == 403 and "has been used already" in second.body


def test_error_pages_and_the_file_list_load_nothing_from_the_internet(workshop):
    signed_in = {k: v for k, v in sign_in_form(workshop, workshop.key).cookies.items() if k.startswith("username")}
    pages = [
        participant_get(workshop, "/voila/render/nope.ipynb"),
        participant_get(workshop, "/voila/render/01-their-side.ipynb"),
        participant_get(workshop, "/nothing-here"),
        facilitator_get(workshop, "/voila/tree", cookies=signed_in),
        facilitator_get(workshop, "/voila/render/nope.ipynb", cookies=signed_in),
        participant_get(workshop, "/voila/render/index.ipynb"),
    ]
    assert [p.status for p in pages] == [403, 403, 404, 200, 404, 200]
    for reply in pages:
        assert not re.search(r"(src|href)=\"https?://", reply.body), reply.body[:300]
        assert "cdn.jsdelivr" not in reply.body and "cdnjs" not in reply.body
        assert "Traceback" not in reply.body


TRAVERSALS = [
    "/voila/render/../workshop/dashboard.ipynb",
    "/voila/render/..%2Fworkshop%2Fdashboard.ipynb",
    "/voila/render/%2e%2e/workshop/dashboard.ipynb",
    "/voila/render/%2E%2E%2Fworkshop%2Fjoin-screen.ipynb",
    "/voila/render//work/main/workshop/dashboard.ipynb",
    f"/voila/render/{quote(str(REPO / 'workshop' / 'dashboard.ipynb'))}",
    "/voila/render/workshop/dashboard.ipynb",
    "/voila/render/dashboard.ipynb",
    "/voila/render/join-screen.ipynb",
    "/voila/tree/../workshop",
    "/voila/files/../data/empathydesk.sqlite",
    "/voila/files/%2e%2e/data/empathydesk.sqlite",
    "/voila/files/..%2Fdata%2Fempathydesk.sqlite",
    "/voila/files/../workshop/dashboard.ipynb",
    "/voila/files/index.ipynb",
    "/voila/api/contents/..",
    "/voila/api/contents/../workshop",
    "/voila/api/contents/%2e%2e%2Fworkshop",
    "/voila/static/../../../../etc/passwd",
    "/voila/templates/../../../../etc/passwd",
    "/voila/templates/lab/static/../../../../../../../../etc/passwd",
    "/voila/templates/empathydesk/static/..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/kernels",
    "/api/sessions",
    "/api/contents/",
    "/login",
    "/logout",  # Jupyter's page for it failed with a 500 here
    "/voila/templates/",
    "/voila/templates/x",
    "/voila/query/00000000-0000-0000-0000-000000000000",
    "/voila/render/01-their-side.ipynb?template=lab",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_a_participant_cannot_reach_the_facilitator_pages_or_the_data_by_editing_the_address(workshop, path):
    reply = participant_get(workshop, path)
    assert reply.status in (301, 302, 400, 403, 404, 405), (path, reply.status)
    if reply.status in (301, 302):
        assert not reply.location.startswith(("/voila/render/..", "/workshop", "http")), reply.location
    for secret in ("SQLite format", "root:x:0", workshop.key, "join_screen", "participants_view"):
        assert secret not in reply.body, (path, secret)


def test_a_participant_page_never_names_another_participant_or_holds_the_key(workshop):
    store = __import__("empathydesk.storage", fromlist=["Store"]).Store.open(workshop.db_url)
    store.join(workshop.join_code, "Quinn-the-other-one")
    for query in ["", "?seat=made-up", "?token=made-up", f"?code={workshop.join_code}"]:
        page = participant_get(workshop, f"/voila/render/index.ipynb{query}")
        assert page.status == 200
        assert "Quinn-the-other-one" not in page.body and workshop.key not in page.body


def test_guessing_the_key_is_slowed_down(workshop):  # last of this server's tests: it uses up this address's tries
    statuses = [sign_in_form(workshop, f"guess-{i}").status for i in range(14)]
    assert statuses[0] == 403 and statuses[-1] == 429, statuses
    refused = sign_in_form(workshop, workshop.key)
    assert refused.status == 429 and "Too many tries" in refused.body  # even the right key, for a while
    assert int(refused.headers["retry-after"]) > 0


def test_stopping_keeps_the_data(tmp_path):
    port = free_port_pair()
    url = f"sqlite:///{tmp_path}/db.sqlite"
    first = Workshop(cohort="keep", port=port, db_url=url, log_dir=tmp_path, settings=RoomSettings(pool_size=0))
    first.start()
    code = first.join_code
    from empathydesk.storage import Store

    Store.open(url).join(code, "Ada")
    first.stop()
    assert not first.participant.running and not first.facilitator.running
    assert server.port_problem(LOCAL, port) is None  # both ports free again
    again = Workshop(cohort="keep", port=port, db_url=url, log_dir=tmp_path, settings=RoomSettings(pool_size=0))
    assert again.open_cohort().join_code == code  # the same cohort, the same code
    assert [p.pseudonym for p in Store.open(url).participants("keep")] == ["Ada"]


def test_ctrl_c_stops_both_apps_and_their_kernels(tmp_path):
    port = free_port_pair()
    env = {**os.environ, "EMPATHYDESK_DATA": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    env.pop("EMPATHYDESK_DB_URL", None)
    command = [sys.executable, "-m", "empathydesk", "workshop", "--port", str(port), "--pool-size", "1",
               "--cohort", "ctrl-c", "--modules", "2,1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "warmed up" in line or not line:
            break
    out = "".join(lines)
    assert "Join code:" in out and f"http://127.0.0.1:{port}/" in out and f":{port + 1}/login?code=" in out, out
    children = _children(process.pid)
    assert len(children) >= 2
    process.send_signal(2)  # Ctrl-C
    rest, _ = process.communicate(timeout=90)
    assert process.returncode == 0, rest
    assert "Stopped. The answers are kept" in rest
    time.sleep(1)
    alive = [pid for pid in children if _alive(pid)]
    assert not alive, f"still running: {alive}"
    from empathydesk.storage import Store

    cohort = Store.open(f"sqlite:///{tmp_path}/empathydesk.sqlite").cohort("ctrl-c")
    assert cohort.modules == ["module-2", "module-1"]


def _children(pid: int) -> list[int]:
    """Every process below `pid` (the two apps and their kernels)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
                    queue.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_other_versions_of_voila_and_friends_stop_the_workshop_with_a_plain_message(monkeypatch, tmp_path):
    import importlib.metadata

    from empathydesk import _voila

    assert _voila.version_problem() is None  # what `make install` installs
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.6.0" if name == "voila" else real(name))
    problem = _voila.version_problem()
    assert "voila 0.6.0 (needs 0.5.13)" in problem and "install EmpathyDesk again" in problem
    w = Workshop(cohort="versions", port=free_port_pair(), db_url=f"sqlite:///{tmp_path}/db.sqlite", log_dir=tmp_path)
    with pytest.raises(WorkshopError, match="written for other versions"):
        w.start()
    assert not w.participant.running
