"""The facilitator's own pages (empathydesk.console, empathydesk.presenter, empathydesk.run_of_show): built
without a server, then served by a running workshop's facilitator app, with and without the key."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from empathydesk import console, presenter, run_of_show
from empathydesk.content import load
from empathydesk.facilitator import Room
from empathydesk.server import RoomSettings
from empathydesk.storage import Answers, Store
from workshop_helpers import fetch, finished_answers, tiny_workshop

LOCAL = "127.0.0.1"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


# --- the run of show ----------------------------------------------------------------------------------


def test_the_run_of_show_has_three_plans_each_its_own_section():
    plans = run_of_show.workshop_plans()
    assert [(p.letter, p.slug) for p in plans] == [("A", "a"), ("B", "b"), ("C", "c")]
    assert plans[0].title == "60-minute onboarding session"
    assert "<table>" in plans[1].html and "Module 2: A person, not a ticket" in plans[1].html
    assert "Plan" not in plans[1].markdown.splitlines()[0]  # the heading is the page's, not the section's
    assert "Discussion questions, module by module" not in plans[2].markdown  # a plan ends at the next section


def test_a_plan_shows_raw_html_as_text():
    text = "# Run\n\n## Plan A: short\n\nSay <script>alert(1)</script> *hello*.\n\n## Tips\n\nnot a plan\n"
    (plan,) = run_of_show.plans(text)
    assert "&lt;script&gt;" in plan.html and "<script>" not in plan.html
    assert "<em>hello</em>" in plan.html and "not a plan" not in plan.html


# --- the room's progress for the presenter view -----------------------------------------------------


def test_each_person_counts_once_per_module_working_stuck_done_or_not_started():
    content = load()
    m1 = content.module("module-1")
    finished = finished_answers()
    started = Answers(scenario_attempts={m1.scenarios[0].id: [0]})
    answers = {1: finished, 2: started, 3: started, 4: Answers()}
    last = {1: NOW - timedelta(minutes=30), 2: NOW - timedelta(minutes=2),
            3: (NOW - timedelta(minutes=presenter.STUCK_MINUTES + 1)).replace(tzinfo=None)}  # stored naive, UTC
    progress = presenter.room_progress(content, ["module-1", "module-2"], answers, last, now=NOW)
    assert progress["joined"] == 4 and progress["joined_text"] == "4 people have joined."
    assert progress["modules"]["module-1"] == {"working": 1, "stuck": 1, "done": 1, "waiting": 1}
    assert progress["modules"]["module-2"] == {"working": 0, "stuck": 0, "done": 1, "waiting": 3}  # finished all
    json.dumps(progress)  # what the script reads




def test_the_presenter_view_shows_the_chosen_module_and_has_its_script_in_a_file():
    content = load()
    links = console.Links("/")
    page = presenter.page_html(content, ["module-1", "module-3"], "module-3", links)
    shown = re.findall(r'<section class="ed-module" data-module="([^"]+)"( hidden)?', page)
    assert shown == [("module-1", " hidden"), ("module-3", "")]
    for question in content.module("module-3").discussion:
        assert question.replace("'", "&#x27;") in page
    assert '<script src="/console-static/presenter.js" defer></script>' in page
    assert "<script>" not in page and 'data-progress-url="/presenter/progress.json"' in page
    assert not re.search(r'(src|href)="https?://', page)


def test_the_home_escapes_what_people_typed(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path}/home.sqlite")
    cohort = store.create_cohort("<b>March</b>", ["module-1"])
    store.join(cohort.join_code, "Kim")
    room = Room(cohort, "http://192.0.2.2:8866/", store)
    page = console.home_html(room, ["Module 1: See it from their side"], run_of_show.workshop_plans(),
                             console.Links("/"))
    assert "&lt;b&gt;March&lt;/b&gt;" in page and "<b>March" not in page
    assert cohort.join_code in page and "http://192.0.2.2:8866/?code=" in page
    assert "1 person has joined." in page and "Kim" not in page  # a count, no names
    for href in ("/room", "/voila/render/dashboard.ipynb", "/voila/render/join-screen.ipynb",
                 "/voila/render/participants.ipynb", "/presenter", "/run-of-show/a", "/run-of-show/c",
                 "/export/results.csv", "/export/results.json", "/logout"):
        assert f'href="{href}"' in page, href
    store.close()


# --- served by the facilitator app ------------------------------------------------------------------


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    running = tiny_workshop(tmp_path_factory.mktemp("console"), "console-room", {"index.ipynb": ["1 + 1"]},
                            RoomSettings(pool_size=1))
    yield running
    running.stop()


def get(workshop, path: str, **kw):
    return fetch(LOCAL, workshop.facilitator.port, path, **kw)


@pytest.fixture(scope="module")
def signed_in(workshop):
    reply = get(workshop, f"/?token={workshop.key}")
    assert reply.status == 302 and reply.location == "/"  # the key leaves the address at once
    return {k: v for k, v in reply.cookies.items() if k.startswith("username")}


PAGES = ["/", "/voila/tree", "/presenter", "/presenter?module=module-2", "/run-of-show/a", "/export/results.csv",
         "/export/results.json"]


def test_without_the_key_every_page_asks_for_it_in_plain_words(workshop):
    for path in PAGES:
        reply = get(workshop, path)
        assert reply.status == 302 and reply.location == "/login?next=" + quote(path, safe=""), path
    progress = get(workshop, "/presenter/progress.json")
    assert progress.status == 403 and "joined" not in progress.body
    page = get(workshop, "/login?next=%2F")
    assert page.status == 200
    text = re.sub(r"<[^>]+>", " ", page.body)
    assert "facilitator key" in text and "terminal window where the workshop was started" in text
    for jupyter_word in ("Jupyter", "jupyter", "token", "notebook", "kernel", "Password"):
        assert jupyter_word not in text, jupyter_word
    assert not re.search(r'(src|href)="https?://', page.body)


def test_the_home_has_the_cohort_its_code_and_every_page(workshop, signed_in):
    page = get(workshop, "/", cookies=signed_in)
    assert page.status == 200 and page.headers["cache-control"] == "no-store"
    assert "console-room" in page.body and workshop.join_code in page.body and workshop.join_url in page.body
    assert workshop.key not in page.body
    assert not re.search(r'(src|href)="https?://', page.body)  # nothing from the internet
    for href in ("/voila/render/dashboard.ipynb", "/presenter", "/run-of-show/b", "/export/results.csv"):
        assert f'href="{href}"' in page.body
    assert get(workshop, "/voila/tree", cookies=signed_in).body == page.body  # no list of files any more
    style = get(workshop, "/console-static/console.css")
    assert style.status == 200 and "ed-entry" in style.body


def test_a_plan_of_the_run_of_show(workshop, signed_in):
    page = get(workshop, "/run-of-show/b", cookies=signed_in)
    assert page.status == 200 and "<h1>Plan B: half-day retreat (4 hours)</h1>" in page.body
    assert "<table>" in page.body and 'aria-current=page>Plan B' in page.body
    missing = get(workshop, "/run-of-show/z", cookies=signed_in)
    assert missing.status == 404 and "We can&#x27;t find that page" in missing.body


def test_the_presenter_view_and_the_room_progress_it_reads(workshop, signed_in):
    page = get(workshop, "/presenter?module=module-2", cookies=signed_in)
    assert page.status == 200
    assert re.search(r'data-module="module-2" aria-labelledby', page.body)  # shown (not hidden)
    assert re.search(r'data-module="module-1" hidden', page.body)
    script = get(workshop, "/console-static/presenter.js")
    assert script.status == 200 and "javascript" in script.headers["content-type"]
    store = Store.open(workshop.db_url)
    kim = store.join(workshop.join_code, "Kim")
    store.add_scenario_attempt(kim.id, load().module("module-1").scenarios[0].id, 0)
    store.join(workshop.join_code, "Lee")
    reply = get(workshop, "/presenter/progress.json", cookies=signed_in)
    assert reply.status == 200 and reply.headers["content-type"].startswith("application/json")
    progress = json.loads(reply.body)
    assert progress["joined"] >= 2
    assert progress["modules"]["module-1"]["working"] == 1
    assert "Kim" not in reply.body and "Lee" not in reply.body  # counts only: it is for the projector


def test_the_results_download_as_csv_and_json(workshop, signed_in):
    Store.open(workshop.db_url).join(workshop.join_code, "Uma")
    csv = get(workshop, "/export/results.csv", cookies=signed_in)
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"] == 'attachment; filename="console-room-results.csv"'
    assert csv.body.startswith('"kind","participant"') and '"Uma"' in csv.body
    rows = json.loads(get(workshop, "/export/results.json", cookies=signed_in).body)
    assert any(row["participant"] == "Uma" for row in rows)
    assert get(workshop, "/export/results.xlsx", cookies=signed_in).status == 404
