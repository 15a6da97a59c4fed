"""The EmpathyDesk hub service and its API client, with the hub's answers about tokens stood in for.

The service's own rules (only your own answers, facilitators by scope, a token without access refused) and
the pages' client (`ApiStore`) against it, on an SQLite store, in a second or two. tests/hub/test_hub.py runs
the same with a real JupyterHub, proxy and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("jupyterhub")

from jupyterhub.services.auth import HubOAuth  # noqa: E402
from tornado import web  # noqa: E402

from empathydesk.content import load  # noqa: E402
from empathydesk.hub import people  # noqa: E402
from empathydesk.hub.client import ApiStore  # noqa: E402
from empathydesk.hub.service import State, make_app  # noqa: E402
from empathydesk.storage import JoinError, Store  # noqa: E402
from empathydesk.storage.pgserver import free_port  # noqa: E402

ACCESS = "access:services!service=empathydesk"
PREFIX = "/services/empathydesk/"


def user(name: str, *scopes: str, groups: tuple[str, ...] = ("cohort-a",)) -> dict[str, Any]:
    return {"kind": "user", "name": name, "groups": list(groups), "scopes": [ACCESS, *scopes]}


TOKENS = {
    "tok-ann": user("ann"),
    "tok-bob": user("bob"),
    "tok-cy": user("cy", groups=("cohort-a", "cohort-b")),
    "tok-nogroup": user("dee", groups=("staff",)),
    "tok-fac": user("fay", f"{people.FACILITATE}!group=cohort-a", groups=()),
    "tok-boss": user("max", people.FACILITATE, groups=()),
    "tok-other-service": {"kind": "service", "name": "idle-culler", "scopes": ["list:users", "read:users:activity"]},
}


class StandInHubAuth(HubOAuth):
    """HubOAuth, but the tokens' owners come from TOKENS instead of the hub's API."""

    async def user_for_token(self, token: str, use_cache: bool = True, session_id: str = "", *, sync: bool = True):
        found = TOKENS.get(token)
        return json.loads(json.dumps(found)) if found else None


class Groups(web.RequestHandler):
    """The hub's GET /hub/api/groups/<name>, for the service's own token only."""

    def get(self, name: str) -> None:
        if self.request.headers.get("Authorization") != "token service-token":
            raise web.HTTPError(403)
        members = sorted(t["name"] for t in TOKENS.values() if name in t.get("groups", ()))
        self.finish({"kind": "group", "name": name, "users": members})


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('hub')}/hub.sqlite")
    hub_port = free_port()
    auth = StandInHubAuth(api_token="service-token", access_scopes={ACCESS},
                          api_url=f"http://127.0.0.1:{hub_port}/hub/api", base_url=PREFIX)
    state = State(store, load(), auth)
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        make_app(state, PREFIX).listen(port, "127.0.0.1")
        web.Application([(r"/hub/api/groups/([^/]+)", Groups)]).listen(hub_port, "127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield f"http://127.0.0.1:{port}{PREFIX}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    store.close()


def call(base: str, method: str, path: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"token {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read()
            return response.status, json.loads(text) if text and response.headers.get_content_type() == "application/json" else text
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def test_participants_join_save_and_read_only_their_own(service: str) -> None:
    content = load()
    ann = ApiStore(service + "api", "tok-ann")
    assert ann.local_participant() is None
    with pytest.raises(JoinError):
        ann.join("", "   ")
    me = ann.join("", "Ann", consent=True)
    assert me.pseudonym == "Ann" and me.cohort == "cohort-a" and me.consent and me.token == ""
    assert ann.local_participant() == me and ann.participant_by_token("anything") is None
    assert ann.join("", "Someone else").id == me.id  # joining again: the same person
    checkpoint = content.instrument.checkpoints[0]
    item = checkpoint.items[0] if hasattr(checkpoint, "items") else None
    scenario = content.modules[0].scenarios[0]
    ann.add_scenario_attempt(me.id, scenario.id, 1)
    ann.save_reflection(me.id, content.modules[0].reflections[0].id, "I listened first.")
    if item is not None:
        ann.save_rating(me.id, checkpoint.id, item.id, 4)
    answers = ann.answers(me.id)
    assert answers.scenario_attempts == {scenario.id: [1]}
    assert ann.reflections(me.id) == {content.modules[0].reflections[0].id: "I listened first."}
    assert [p.pseudonym for p in ann.participants("cohort-a")] == ["Ann"]  # nobody else's name
    assert ann.cohort("cohort-a").modules == [m.id for m in content.modules]

    bob = ApiStore(service + "api", "tok-bob")
    bob_me = bob.join("", "Ann")  # the same name: the facilitator sees "Ann (2)"
    assert bob.display_name() == "Ann (2)"
    with pytest.raises(PermissionError):
        bob.answers(me.id)
    assert call(service, "GET", f"api/participants/{me.id}/answers", "tok-bob")[0] == 403
    assert call(service, "GET", f"api/participants/{bob_me.id}/answers", "tok-bob")[0] == 200
    # a page that names someone else's id still saves as its own user
    status, _ = call(service, "POST", "api/me/answers/add_scenario_attempt", "tok-bob",
                     {"pid": me.id, "scenario_id": scenario.id, "option_index": 2})
    assert status == 200 and ann.answers(me.id).scenario_attempts == {scenario.id: [1]}
    assert bob.answers(bob_me.id).scenario_attempts == {scenario.id: [2]}


def test_the_refusals(service: str) -> None:
    assert call(service, "GET", "api/me")[0] == 403  # no token
    assert call(service, "GET", "api/me", "not-a-token")[0] == 403
    assert call(service, "GET", "api/me", "tok-other-service")[0] == 403  # a token of another service
    assert call(service, "GET", "api/cohorts", "tok-ann")[0] == 403  # a participant, facilitators' endpoints
    assert call(service, "GET", "api/cohorts/cohort-a/results", "tok-ann")[0] == 403
    assert call(service, "GET", "api/cohorts/cohort-b/people", "tok-fac")[0] == 403  # not their cohort
    assert call(service, "POST", "api/me/answers/delete_participant", "tok-ann", {})[0] == 404
    assert call(service, "POST", "api/me/answers/add_piece_answer", "tok-ann",
                {"kind": "no-such-kind", "key": "x", "value": 1})[0] == 400


def test_cohorts_come_from_groups(service: str) -> None:
    nobody = ApiStore(service + "api", "tok-nogroup")
    assert nobody.whoami()["cohorts"] == []
    with pytest.raises(JoinError, match="not in a group"):
        nobody.join("", "Dee")
    cy = ApiStore(service + "api", "tok-cy")
    with pytest.raises(JoinError, match="choose one"):
        cy.join("", "Cy")
    with pytest.raises(JoinError, match="not one of yours"):
        cy.join("", "Cy", cohort="cohort-z")
    assert cy.join("", "Cy", cohort="cohort-b").cohort == "cohort-b"


def test_facilitators_see_their_cohorts(service: str) -> None:
    ApiStore(service + "api", "tok-ann").local_participant() or ApiStore(service + "api", "tok-ann").join("", "Ann")
    status, cohorts = call(service, "GET", "api/cohorts", "tok-fac")
    assert status == 200 and [c["name"] for c in cohorts] == ["cohort-a"]
    status, rows = call(service, "GET", "api/cohorts/cohort-a/people", "tok-fac")
    assert status == 200 and {r["name"] for r in rows} >= {"Ann", "Ann (2)"}
    status, rows = call(service, "GET", "api/cohorts/cohort-a/results", "tok-fac")
    assert status == 200 and any(r["kind"] == "progress" for r in rows)
    assert not any(r["participant"] == "Ann (2)" and r["kind"] != "progress" for r in rows)  # Bob does not share
    status, csv = call(service, "GET", "api/cohorts/cohort-a/results?format=csv", "tok-fac")
    assert status == 200 and csv.startswith(b'"kind"')
    status, view = call(service, "GET", "api/cohorts/cohort-a/view", "tok-fac")
    assert status == 200 and "likert" in view
    ann_id = next(r["id"] for r in call(service, "GET", "api/cohorts/cohort-a/people", "tok-fac")[1] if r["name"] == "Ann")
    bob_id = next(r["id"] for r in call(service, "GET", "api/cohorts/cohort-a/people", "tok-fac")[1] if r["name"] == "Ann (2)")
    assert call(service, "GET", f"api/participants/{ann_id}/answers", "tok-fac")[0] == 200  # she shares
    assert call(service, "GET", f"api/participants/{bob_id}/answers", "tok-fac")[0] == 403  # he does not
    status, everything = call(service, "GET", "api/cohorts", "tok-boss")
    assert status == 200 and {c["name"] for c in everything} >= {"cohort-a", "cohort-b"}
    assert call(service, "GET", "api/cohorts/cohort-nope/people", "tok-boss")[0] == 404


def test_facilitators_pages(service: str) -> None:
    status, home = call(service, "GET", "", "tok-fac")
    assert status == 200 and b"cohort-a" in home
    status, cohort = call(service, "GET", "cohorts/cohort-a/", "tok-fac")
    assert status == 200 and b"Ann (2)" in cohort and b"Results" in cohort
    assert call(service, "GET", "cohorts/cohort-a/", "tok-ann")[0] == 403
    assert call(service, "GET", "", "tok-ann")[0] == 403


def test_consent_and_progress_file(service: str) -> None:
    ann = ApiStore(service + "api", "tok-ann")
    me = ann.local_participant() or ann.join("", "Ann")
    ann.set_consent(me.id, False)
    assert ann.local_participant().consent is False
    ann.set_consent(me.id, True)
    data = ann.export_participant(me.id)
    assert data["pseudonym"] == "Ann"
    assert ann.import_participant(data).id == me.id  # the same file again changes nothing
    assert ann.answers(me.id) == ann.answers(me.id)
    assert set(ann.progress()) >= {"pages"}


def test_the_landing_page_and_a_lesson_page_on_the_hub(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' pieces with the API as their store: join by name (no code), then a module's scenarios."""
    import ipywidgets as w

    from empathydesk.widgets import Session, build
    from tests.widget_tree import find, text_of

    monkeypatch.setenv("EMPATHYDESK_API_URL", service + "api")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-newbie")
    TOKENS["tok-newbie"] = user("newbie")
    session = Session(query="")
    assert type(session.store).__name__ in ("ApiStore", "Saving")
    landing = build("join", session)
    assert "Join code" not in text_of(landing) and not [t for t in find(landing, w.Text) if "code" in t.description.lower()]
    name = find(landing, w.Text)[0]
    name.value = "Newbie"
    find(landing, w.Button)[0].click()
    assert "Welcome, Newbie: you have joined." in text_of(landing)
    lesson = Session(query="")
    assert lesson.participant is not None and lesson.participant.pseudonym == "Newbie"
    scenarios = build("module-1/scenarios", lesson)
    assert "We need your link" not in text_of(scenarios)


def test_hub_usernames_only_when_configured(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = ApiStore(service + "api", "tok-ann")
    ann.local_participant() or ann.join("", "Ann")
    status, rows = call(service, "GET", "api/cohorts/cohort-a/people", "tok-fac")
    assert status == 200 and not any("hub_user" in r for r in rows)
    monkeypatch.setenv("EMPATHYDESK_HUB_SHOW_USERNAME", "1")
    status, rows = call(service, "GET", "api/cohorts/cohort-a/people", "tok-fac")
    assert status == 200 and {r["name"]: r["hub_user"] for r in rows}["Ann"] == "ann"


def test_a_hub_users_participant_is_found_or_added_by_key_once(tmp_path) -> None:
    """`Store.join_by_key`, as the service joins a hub user: the second call (or eight at once) gets the first."""
    from concurrent.futures import ThreadPoolExecutor

    store = Store.open(f"sqlite:///{tmp_path}/keys.sqlite")
    try:
        store.create_cohort("cohort-k")
        key = people.user_key("kim")
        assert store.participant_by_key(key) is None
        with ThreadPoolExecutor(8) as pool:
            joined = list(pool.map(lambda n: store.join_by_key(key, "cohort-k", f"Kim {n}", consent=True), range(8)))
        assert len({p.id for p in joined}) == 1 and store.participant_by_key(key) == joined[0]
        assert [p.pseudonym for p in store.participants("cohort-k")] == [joined[0].pseudonym]
        assert joined[0].consent and joined[0].pseudonym.startswith("Kim ")
        by_code = store.join(store.cohort("cohort-k").join_code, "Lee")  # a workshop's way in: no key
        assert store.participant_keys("cohort-k") == {joined[0].id: key} and by_code.id not in store.participant_keys("cohort-k")
        with pytest.raises(ValueError, match="no cohort"):
            store.join_by_key(people.user_key("lou"), "cohort-nope", "Lou")
        assert store.participant_by_key(people.user_key("lou")) is None
    finally:
        store.close()


def test_a_lesson_opened_before_joining_says_how_to_join_on_the_hub(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """No join code or personal link on the hub: the page sends the person to the first page to pick a name."""
    from empathydesk.hub.join import NOT_JOINED
    from empathydesk.widgets import Session, build, ui
    from tests.widget_tree import text_of

    monkeypatch.setenv("EMPATHYDESK_API_URL", service + "api")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "tok-late")
    TOKENS["tok-late"] = user("late")
    lesson = Session(query="")
    assert lesson.participant is None
    words = " ".join(text_of(build("module-1/header", lesson)).split())  # a page's first piece says it in full
    assert ui.esc(NOT_JOINED) in words
    assert "link" not in words.lower() and "code" not in words.lower()
    assert "see the message at the top" in text_of(build("module-1/scenarios", lesson))  # the others, in short


def test_the_log_quiets_answered_requests_and_keeps_refusals(service: str, caplog: pytest.LogCaptureFixture) -> None:
    """A room saves every few seconds each: answered requests are logged at debug level, refusals as warnings,
    by path only (a token in the address never reaches the log)."""
    import logging

    caplog.set_level(logging.DEBUG, logger="tornado.access")
    assert call(service, "GET", "api/me", "tok-ann")[0] == 200
    assert call(service, "GET", "api/me?token=secret-in-the-address")[0] == 403
    import time

    for _ in range(100):  # the service's thread logs a request just after its answer is sent
        logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "tornado.access"]
        if len(logged) >= 2:
            break
        time.sleep(0.05)
    assert any(level == logging.DEBUG and text.startswith("200 GET /services/empathydesk/api/me ")
               for level, text in logged), logged
    assert any(level == logging.WARNING and text.startswith("403 GET") for level, text in logged), logged
    assert not any("secret-in-the-address" in text for _, text in logged)


def test_the_service_keeps_one_database_connection_per_store_thread_and_the_writer() -> None:
    """`Store.open(url, pool_size=CONNECTIONS)`: the connections stay open between bursts, none beyond."""
    from empathydesk.hub.service import CONNECTIONS, STORE_THREADS
    from empathydesk.storage.engine import make_engine

    assert CONNECTIONS == STORE_THREADS + 1
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none", pool_size=CONNECTIONS)  # not connected
    try:
        assert engine.pool.size() == CONNECTIONS and engine.pool._max_overflow == 0
    finally:
        engine.dispose()
    assert make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none").pool.size() == 5  # others: SQLAlchemy's


def test_a_token_is_asked_about_again_in_the_background_and_refused_once_the_hub_refuses_it() -> None:
    """`HubUsers`: the hub's answer is kept as long as HubAuth keeps it (`cache_max_age`), and asked for again
    in the background after two thirds of that: the request gets the kept answer without waiting. Once the
    hub no longer knows the token, it is refused no later than before."""
    from empathydesk.hub.service import HubUsers

    class Hub:
        cache_max_age = 60
        known = {"tok": {"name": "ann", "scopes": [ACCESS]}}
        asked = 0

        async def user_for_token(self, token: str, use_cache: bool = True, session_id: str = "", *, sync: bool = True):
            assert use_cache is False  # HubUsers keeps the answers itself
            Hub.asked += 1
            return self.known.get(token)

    async def scenario() -> None:
        users = HubUsers(Hub())
        now = [100.0]
        users.clock = lambda: now[0]
        assert (await users.user("tok"))["name"] == "ann" and Hub.asked == 1
        now[0] += 30
        assert (await users.user("tok"))["name"] == "ann" and Hub.asked == 1  # kept
        Hub.known = {}  # the hub stops accepting the token
        now[0] += 15  # 45 s old: answered from what is kept, asked again in the background
        assert (await users.user("tok"))["name"] == "ann"
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        assert Hub.asked == 2
        assert await users.user("tok") is None  # the new answer is used at once
        assert await users.user("not-a-token") is None and Hub.asked == 3

    asyncio.run(scenario())
