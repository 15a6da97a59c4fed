"""The participant app against someone in the room who tries to misuse it (issue: harden the workshop server).

One real participant app (`Workshop`, tiny pages, a temporary database) and raw HTTP and websocket requests,
exactly as an attacker with curl would send them. Each test tries one attack and checks what now happens.
"""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

from empathydesk.server import RoomSettings
from empathydesk.storage import Store
from workshop_helpers import fetch, join_token, tiny_workshop

LOCAL = "127.0.0.1"
PER_PERSON = 2
UNCONNECTED = 6.0


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    page = "from empathydesk.identity import query_string\nprint('QS=' + query_string())"
    crash = "import ipywidgets as w\nb = w.Button()\nb.on_click(lambda _: 1 / 0)\nb"
    settings = RoomSettings(pool_size=1, fill_delay=0, kernels_per_person=PER_PERSON, unconnected_timeout=UNCONNECTED,
                            join_pages_per_minute=4)
    pages = {"index.ipynb": [page], "lesson.ipynb": [page], "other.ipynb": [page], "crash.ipynb": [crash]}
    running = tiny_workshop(tmp_path_factory.mktemp("attacks"), "room", pages, settings)
    yield running
    running.stop()


def get(room, path, **kw):
    return fetch(LOCAL, room.participant.port, path, **kw)


def kernels_started(room) -> int:
    return room.participant.log_path.read_text(errors="replace").count("Kernel started")


def websocket_status(url: str, headers: dict[str, str] | None = None) -> int:
    """101 if the websocket opened, else the HTTP status the server answered with."""

    async def attempt() -> int:
        try:
            async with websockets.connect(url, additional_headers=headers or {}, open_timeout=10):
                return 101
        except websockets.InvalidStatus as refused:
            return refused.response.status_code

    return asyncio.run(attempt())


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def test_anonymous_requests_for_lesson_pages_start_no_kernel(room):
    before = kernels_started(room)
    paths = ["/voila/render/lesson.ipynb", "/voila/render/other.ipynb?seat=made-up",
             "/voila/render/lesson.ipynb?seat=" + "t" + "A" * 32, "/voila/render/lesson.ipynb?template=lab"]
    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda i: get(room, paths[i % len(paths)]), range(200)))
    assert {r.status for r in replies} == {403}
    assert "This link does not work" in replies[0].body and 'href="/"' in replies[0].body  # the way back to joining
    time.sleep(1)
    assert kernels_started(room) == before  # 200 anonymous GETs: 0 kernels


def test_a_link_of_another_cohort_is_refused(room):
    store = Store.open(room.db_url)
    other = store.create_cohort("another-room")
    stranger = store.join(other.join_code, "Stranger")
    reply = get(room, f"/voila/render/lesson.ipynb?seat={stranger.token}")
    assert reply.status == 403 and "This link does not work" in reply.body


def test_a_kernel_answers_only_the_browser_that_opened_its_page(room):
    page = get(room, f"/voila/render/lesson.ipynb?seat={join_token(room, 'Owner')}")
    assert page.status == 200
    kernel, xsrf = page.kernel_id(), page.cookies["_xsrf"]
    assert get(room, f"/api/kernels/{kernel}").status == 403  # knowing the id is not enough
    assert get(room, f"/api/kernels/{kernel}", cookies={"_xsrf": xsrf}).status == 403
    assert get(room, f"/voila/api/shutdown/{kernel}", method="POST", cookies={"_xsrf": xsrf},
               headers={"X-XSRFToken": xsrf}).status == 403
    channels = f"ws://{LOCAL}:{room.participant.port}/api/kernels/{kernel}/channels"
    assert websocket_status(channels) == 403
    assert websocket_status(channels, cookie_header(page.cookies)) == 101  # its own browser
    assert get(room, f"/api/kernels/{kernel}", cookies=page.cookies).status == 200


def test_voilas_request_socket_answers_only_its_own_kernel(room):
    base = f"ws://{LOCAL}:{room.participant.port}/voila/query"
    made_up = "00000000-0000-0000-0000-000000000000"
    assert websocket_status(f"{base}/{made_up}") == 403
    page = get(room, f"/voila/render/lesson.ipynb?seat={join_token(room, 'Queried')}")
    kernel = page.kernel_id()
    assert websocket_status(f"{base}/{kernel}") == 403  # the kernel id alone gets nothing
    assert websocket_status(f"{base}/{kernel}", {"X-EmpathyDesk-Kernel-Secret": "guess"}) == 403
    # the page got its own visitor all the same, and the next visitor gets a page of their own
    assert "QS=seat=" in page.body
    following = get(room, f"/voila/render/lesson.ipynb?seat={join_token(room, 'Next')}")
    assert following.status == 200 and following.kernel_id() != kernel


def test_one_person_holds_only_a_few_page_kernels(room):
    token = join_token(room, "Many tabs")
    pages = [get(room, f"/voila/render/{nb}?seat={token}") for nb in ("lesson.ipynb", "other.ipynb", "lesson.ipynb")]
    assert [p.status for p in pages] == [200, 200, 200]
    first = pages[0]
    # the third page let go of the oldest one whose tab is not open (here: it never connected)
    assert get(room, f"/api/kernels/{first.kernel_id()}", cookies=first.cookies).status == 404

    async def with_tabs_open() -> tuple[int, str, str]:
        sockets = [await websockets.connect(f"ws://{LOCAL}:{room.participant.port}/api/kernels/{p.kernel_id()}/channels",
                                            additional_headers=cookie_header(p.cookies)) for p in pages[1:]]
        try:  # both tabs open: one more page is refused in plain words
            more = await asyncio.to_thread(get, room, f"/voila/render/other.ipynb?seat={token}")
        finally:
            for socket in sockets:
                await socket.close()
        return more.status, more.body, more.headers.get("retry-after", "")

    status, body, retry = asyncio.run(with_tabs_open())
    assert status == 503 and "close the ones you are not using" in body and retry
    time.sleep(0.5)  # the tabs are closed now: opening one more lets the oldest closed one go
    again = get(room, f"/voila/render/other.ipynb?seat={token}")
    assert again.status == 200
    assert get(room, f"/api/kernels/{pages[1].kernel_id()}", cookies=pages[1].cookies).status == 404


def test_a_kernel_nobody_connects_to_is_stopped_within_the_grace_time(room):
    page = get(room, f"/voila/render/other.ipynb?seat={join_token(room, 'Gone')}")
    kernel = page.kernel_id()
    deadline = time.monotonic() + UNCONNECTED + 30
    while get(room, f"/api/kernels/{kernel}", cookies=page.cookies).status == 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert get(room, f"/api/kernels/{kernel}", cookies=page.cookies).status == 404  # its own browser learns it is gone
    assert "never connected" in room.participant.log_path.read_text()


def test_no_traceback_reaches_the_browser_from_a_widget_callback(room):
    page = get(room, f"/voila/render/crash.ipynb?seat={join_token(room, 'Crash')}")
    state = re.search(r'"model_id": "([0-9a-f]+)"', page.body)
    assert state, "no widget on the page"

    async def click() -> list[dict]:
        import json
        import uuid

        url = f"ws://{LOCAL}:{room.participant.port}/api/kernels/{page.kernel_id()}/channels"
        async with websockets.connect(url, additional_headers=cookie_header(page.cookies)) as socket:
            session = uuid.uuid4().hex
            header = {"msg_id": uuid.uuid4().hex, "session": session, "username": "x", "msg_type": "comm_msg",
                      "version": "5.3", "date": ""}
            content = {"comm_id": state.group(1), "data": {"method": "custom", "content": {"event": "click"}}}
            await socket.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                          "channel": "shell", "buffers": []}))
            seen = []
            try:
                while True:
                    seen.append(json.loads(await asyncio.wait_for(socket.recv(), 3)))
            except (asyncio.TimeoutError, TypeError, ValueError):
                return seen

    seen = asyncio.run(click())
    kinds = [m.get("header", {}).get("msg_type") for m in seen]
    assert "status" in kinds  # the click was handled
    assert "error" not in kinds
    assert not any("ZeroDivisionError" in str(m) or "/site-packages/" in str(m) for m in seen)
    time.sleep(0.5)
    assert "ZeroDivisionError" in room.participant.log_path.read_text()  # the detail is in the log


def test_the_log_holds_no_token_and_no_whole_kernel_id(room):
    token = join_token(room, "Logged")
    page = get(room, f"/voila/render/lesson.ipynb?seat={token}")
    get(room, f"/voila/files/x.png?seat={token}")
    get(room, f"/voila/render/nope.ipynb?seat={token}")
    time.sleep(0.5)
    log = room.participant.log_path.read_text()
    assert token not in log
    assert page.kernel_id() not in log
    assert "seat=[hidden]" in log


def test_the_data_and_logs_are_private(room):
    for path in (room.participant.log_path, room.facilitator.log_path):
        assert path.stat().st_mode & 0o777 == 0o600
    assert room.log_dir.stat().st_mode & 0o777 == 0o700
    database = room.db_url.removeprefix("sqlite:///")
    assert __import__("os").stat(database).st_mode & 0o777 == 0o600


def test_join_pages_are_rate_limited_per_address(room):
    replies = [get(room, "/voila/render/index.ipynb") for _ in range(6)]
    statuses = [r.status for r in replies]
    assert statuses.count(429) >= 1 and statuses[0] == 200, statuses
    refused = replies[statuses.index(429)]
    assert "Please wait a minute" in refused.body and refused.headers.get("retry-after")


# --- a room of 40 at the cap -----------------------------------------------------------------------------

CROWD = 40


@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    # everyone comes from 127.0.0.1 here, so no per-address limit; the whole room may hold 40 page kernels
    settings = RoomSettings(pool_size=4, fill_delay=0, max_kernels=CROWD, page_opens_per_minute=0,
                            unconnected_timeout=600)
    pages = {"index.ipynb": ["print('landing')"],
             "lesson.ipynb": ["from empathydesk.identity import query_string\nprint('QS=' + query_string())"]}
    running = tiny_workshop(tmp_path_factory.mktemp("crowd"), "crowd", pages, settings)
    yield running
    running.stop()


def test_forty_real_participants_all_get_their_pages_and_the_forty_first_page_waits(crowd):
    tokens = [join_token(crowd, f"Person {i}") for i in range(CROWD)]
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda t: get(crowd, f"/voila/render/lesson.ipynb?seat={t}", timeout=300), tokens))
    assert [p.status for p in pages] == [200] * CROWD
    assert all(f"QS=seat={t}" in p.body for p, t in zip(pages, tokens))  # each page knows its own person
    assert len({p.kernel_id() for p in pages}) == CROWD
    full = get(crowd, f"/voila/render/lesson.ipynb?seat={tokens[0]}")
    assert full.status == 503 and "The workshop is full right now" in full.body and "try again in a minute" in full.body
    assert full.headers.get("retry-after") == "60"
    # someone leaves: their page's shutdown frees a place, and the next page opens
    leaving = pages[1]
    xsrf = leaving.cookies["_xsrf"]
    assert get(crowd, f"/voila/api/shutdown/{leaving.kernel_id()}", method="POST", cookies=leaving.cookies,
               headers={"X-XSRFToken": xsrf}).status == 204
    again = get(crowd, f"/voila/render/lesson.ipynb?seat={tokens[1]}")
    assert again.status == 200
