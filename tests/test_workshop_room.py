"""The participant app's room settings, on a server of its own with two tiny pages:

- a preheated kernel still gets the page's query string when the app listens on a non-default address
  (127.0.0.2 stands in for a LAN address: Voilà's hand-off must use VOILA_APP_IP, not 127.0.0.1);
- an error on a page shows a friendly message, never the traceback, and the detail goes to the log;
- a page's kernel is culled after the idle time, and the page's own "shut my kernel down" call works.
"""

from __future__ import annotations

import socket
import time

import pytest

from empathydesk.server import RoomSettings
from workshop_helpers import fetch, join_token, tiny_workshop

LAN = "127.0.0.2"
SECRET = "secret-detail-for-the-log-only"


def can_listen_on(host: str) -> bool:
    try:
        with socket.socket() as s:
            s.bind((host, 0))
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    if not can_listen_on(LAN):
        pytest.skip(f"cannot listen on {LAN}")
    pages = {
        "query.ipynb": ["import os\nfrom empathydesk.identity import query_string\nprint('QS=' + query_string())",
                        "print('URL=' + os.environ.get('VOILA_REQUEST_URL', 'none'))"],
        "broken.ipynb": ["print('before the problem')", f"raise RuntimeError({SECRET!r})", "print('after')"],
    }
    settings = RoomSettings(pool_size=1, cull_idle_timeout=6, cull_interval=2, fill_delay=0)
    running = tiny_workshop(tmp_path_factory.mktemp("room"), "room", pages, settings, host=LAN)
    yield running
    running.stop()


def get(room, path, **kw):
    return fetch(LAN, room.participant.port, path, **kw)


def log_text(room) -> str:
    return room.participant.log_path.read_text(errors="replace")


def test_a_preheated_kernel_gets_the_query_string_on_a_lan_address(room):
    assert room.join_url == f"http://{LAN}:{room.participant.port}/"
    abc = join_token(room, "Abc")
    page = get(room, f"/voila/render/query.ipynb?seat={abc}&code=K7QM-3XPA", timeout=60)
    assert page.status == 200
    assert f"QS=seat={abc}&amp;code=K7QM-3XPA" in page.body
    assert "Using pre-heated kernel" in log_text(room)


def test_a_refilled_kernel_does_not_carry_the_previous_visitors_address(room):
    first_token, second_token = join_token(room, "First"), join_token(room, "Second")
    first = get(room, f"/voila/render/query.ipynb?seat={first_token}")
    assert f"QS=seat={first_token}" in first.body
    deadline = time.monotonic() + 60  # the pool refills (fill_delay 0) with a kernel started for that request
    while room.participant.log_tail(400).count("Kernel pool of query.ipynb is filled") < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    second = get(room, f"/voila/render/query.ipynb?seat={second_token}")
    assert f"QS=seat={second_token}" in second.body
    assert first_token not in second.body


def test_an_error_shows_a_friendly_message_and_the_detail_goes_to_the_log(room):
    page = get(room, f"/voila/render/broken.ipynb?seat={join_token(room, 'Broken')}")
    assert page.status == 200
    assert "before the problem" in page.body
    assert "This part of the page did not load. Your answers so far are saved." in page.body
    assert SECRET not in page.body and "Traceback" not in page.body and "RuntimeError" not in page.body
    time.sleep(0.5)
    assert SECRET in log_text(room)


def test_an_idle_page_kernel_is_culled(room):
    page = get(room, f"/voila/render/query.ipynb?seat={join_token(room, 'Idle')}")
    kernel, cookies = page.kernel_id(), page.cookies
    assert get(room, f"/api/kernels/{kernel}", cookies=cookies).status == 200
    deadline = time.monotonic() + 60
    while get(room, f"/api/kernels/{kernel}", cookies=cookies).status == 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert get(room, f"/api/kernels/{kernel}", cookies=cookies).status == 404  # what the reload banner looks for
    assert "Culling kernel" in log_text(room) or "culling" in log_text(room).lower()


def test_leaving_a_page_shuts_its_kernel_down_at_once(room):
    page = get(room, f"/voila/render/query.ipynb?seat={join_token(room, 'Leaving')}")
    kernel, xsrf = page.kernel_id(), page.cookies["_xsrf"]
    # what the page sends on `beforeunload` (navigator.sendBeacon with the _xsrf form field)
    boundary = "----edtest"
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="_xsrf"\r\n\r\n{xsrf}\r\n--{boundary}--\r\n'
    reply = get(room, f"/voila/api/shutdown/{kernel}", method="POST", body=body, cookies=page.cookies,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert reply.status in (200, 204), reply
    assert get(room, f"/api/kernels/{kernel}", cookies=page.cookies).status == 404
