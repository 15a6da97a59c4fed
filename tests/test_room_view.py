"""The live room view (empathydesk.room_view): built without a server for a small room, then served by a running
workshop's facilitator app without a kernel, with and without the key, for a hostile name and for 500 people."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from empathydesk import console, presenter, room_view, scoring
from empathydesk.content import load
from empathydesk.server import RoomSettings
from empathydesk.storage import Answers, Store
from empathydesk.storage.records import Participant
from workshop_helpers import fetch, finished_answers, tiny_workshop

LOCAL = "127.0.0.1"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
HOSTILE = '<script>alert("x")</script><b>&amp;'  # within the 40 letters a name may have


def person(pid: int, name: str, consent: bool = False) -> Participant:
    return Participant(pid, name, f"t{pid}", "room", consent, NOW - timedelta(hours=1))


def _row(html: str, label: str) -> list[str]:
    row = re.search(rf"<tr class=\"ed-state-\w+\"><th scope=\"row\"><span[^>]*></span>{re.escape(label)}</th>(.*?)</tr>",
                    html)
    assert row, label
    return re.findall(r"<td class=\"ed-num\">([^<]*)</td>", row.group(1))


def test_a_small_room_who_is_where_and_who_needs_attention():
    content = load()
    m1 = content.module("module-1").scenarios[0].id
    started = Answers(scenario_attempts={m1: [0]})
    people = [person(1, "Ada"), person(2, "Ben"), person(3, "Ben"), person(4, "Cleo")]
    answers = {1: finished_answers(), 2: started, 3: started}  # Cleo: nothing yet
    last = {1: NOW - timedelta(minutes=30), 2: NOW - timedelta(minutes=2),
            3: (NOW - timedelta(minutes=presenter.STUCK_MINUTES + 4)).replace(tzinfo=None)}  # stored naive, UTC
    html = room_view.live_html(content, people, answers, last, now=NOW)
    assert "4 people have joined." in html
    # the duplicate name gets the dashboard's suffix; the quiet Ben is the one who needs attention
    names = re.findall(r'<tr><th scope="row">([^<]+)</th>', html)
    assert len(names) == 4 and "Ada" in names and "Cleo" in names and len(set(names)) == 4
    attention = re.search(r'<ul class="ed-attention-list">(.*?)</ul>', html).group(1)
    assert attention.count("<li>") == 1 and "Module 1: " in attention and "14 min ago" in attention
    assert "Ada" not in attention and "Cleo" not in attention
    # counts per page for module 1: one of each state; the legend names each state
    pages = [p for p in re.findall(r"<abbr title=\"([^\"]+)\">", html)]
    m1_column = next(i for i, title in enumerate(pages) if title.startswith("Module 1:"))
    got = {label: _row(html, label)[m1_column] for _, label in presenter.PLACES}
    assert got == {"Working on it": "1", f"No answer for {presenter.STUCK_MINUTES} min": "1", "Finished": "1",
                   "Not started": "1"}
    for legend in ("✓ done", "◐ in progress", "· not started"):
        assert legend in html
    assert html.count('class="ed-cell ed-done">✓ done') >= 1 and f"◐ 0 of {len(scoring.module_part_names())}" in html


def test_nobody_needs_attention_and_an_empty_room_say_so():
    content = load()
    assert "Nobody has joined yet." in room_view.live_html(content, [], {}, {}, now=NOW)
    html = room_view.live_html(content, [person(1, "Ada")], {}, {}, now=NOW)
    assert "Nobody has gone 10 minutes without an answer" in html and "ed-attention-list" not in html


def test_every_name_is_text_never_markup():
    content = load()
    m1 = content.module("module-1").scenarios[0].id
    people = [person(1, HOSTILE), person(2, HOSTILE)]
    html = room_view.live_html(content, people, {1: Answers(scenario_attempts={m1: [0]})}, {}, now=NOW)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;&amp;amp;" in html
    page = room_view.page_html(HOSTILE, html, console.Links("/"))
    assert page.count("<script") == 1 and '<script src="/console-static/room.js" defer></script>' in page
    assert not re.search(r'(src|href)="https?://', page)


def test_the_page_links_the_detailed_results_and_the_home_links_the_live_room_view():
    page = room_view.page_html("March", "", console.Links("/"))
    assert '<a href="/voila/render/dashboard.ipynb">Detailed results</a>' in page
    assert 'data-live-url="/room/live.json"' in page and 'data-poll-seconds="5"' in page


def test_the_server_side_brings_no_pandas_matplotlib_or_widgets():
    code = ("import sys, empathydesk._voila, empathydesk.room_view; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'ipywidgets', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- served by the facilitator app ------------------------------------------------------------------


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = tiny_workshop(tmp_path_factory.mktemp("room"), "room-view", {"index.ipynb": ["1 + 1"]},
                            RoomSettings(pool_size=1))
    yield running
    running.stop()


def get(workshop, path: str, **kw):
    return fetch(LOCAL, workshop.facilitator.port, path, **kw)


@pytest.fixture(scope="module")
def signed_in(workshop):
    reply = get(workshop, f"/?token={workshop.key}")
    assert reply.status == 302
    return {k: v for k, v in reply.cookies.items() if k.startswith("username")}


def test_without_the_key_the_sign_in_page_and_the_json_is_refused(workshop):
    reply = get(workshop, "/room")
    assert reply.status == 302 and reply.location == "/login?next=" + quote("/room", safe="")
    live = get(workshop, "/room/live.json")
    assert live.status == 403 and "ed-grid" not in live.body and "joined" not in live.body


def test_the_live_room_view_shows_names_as_text_and_refreshes_without_a_kernel(workshop, signed_in):
    store = Store.open(workshop.db_url)
    kim = store.join(workshop.join_code, HOSTILE)
    store.add_scenario_attempt(kim.id, load().module("module-1").scenarios[0].id, 0)
    store.join(workshop.join_code, "Lee")
    home = get(workshop, "/", cookies=signed_in)
    assert 'href="/room"><span class="ed-entry-title">Live room view</span>' in home.body
    assert 'href="/voila/render/dashboard.ipynb"><span class="ed-entry-title">Detailed results</span>' in home.body
    page = get(workshop, "/room", cookies=signed_in)
    assert page.status == 200 and page.headers["cache-control"] == "no-store"
    assert "2 people have joined." in page.body and "Lee" in page.body
    assert "<script>alert" not in page.body and "&lt;script&gt;alert(&quot;x&quot;)" in page.body
    assert workshop.key not in page.body and not re.search(r'(src|href)="https?://', page.body)
    live = get(workshop, "/room/live.json", cookies=signed_in)
    assert live.status == 200 and live.headers["content-type"].startswith("application/json")
    html = json.loads(live.body)["html"]
    assert "Lee" in html and "<script>alert" not in html and f"◐ 0 of {len(scoring.module_part_names())}" in html
    script = get(workshop, "/console-static/room.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"]
    # no kernel was started for the page: the facilitator app has none running
    kernels = get(workshop, "/api/kernels", cookies=signed_in)
    assert kernels.status != 200 or json.loads(kernels.body) == []
    store.close()


def test_500_people_render(workshop, signed_in):
    store = Store.open(workshop.db_url)
    scenario = load().module("module-2").scenarios[0].id
    for k in range(498):
        joined = store.join(workshop.join_code, f"Person {k % 250}")  # pairs of the same name
        if k % 50 == 0:
            store.add_scenario_attempt(joined.id, scenario, 0)
    store.close()
    page = get(workshop, "/room", cookies=signed_in)
    assert page.status == 200 and "500 people have joined." in page.body
    assert page.body.count('<tr><th scope="row">') == 500 and "Showing 200" not in page.body
    live = json.loads(get(workshop, "/room/live.json", cookies=signed_in).body)["html"]
    assert "500 people have joined." in live
