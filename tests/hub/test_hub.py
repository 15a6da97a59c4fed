"""EmpathyDesk on a real JupyterHub: PostgreSQL, configurable-http-proxy, the hub (DummyAuthenticator,
SimpleLocalProcessSpawner) and the EmpathyDesk service, configured by workshop/jupyterhub/jupyterhub_config.py.

Three participants and a facilitator sign in over HTTP. Each participant's server starts and renders the
landing page (its default URL) and a lesson page in Voilà; each joins by a name of their own and saves
answers over the widget protocol (bench/voila_client.py, bench/drive.py); the facilitator sees the three.
Refused with 403: a participant reading another's answers, a participant on a facilitator endpoint, a
request with no token, a token of another service. No user's server (or kernel) has the database's URL
or password in its environment. Every process started is ended (`harness.Hub.stop`).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("jupyterhub")

from tests.hub.harness import Hub, HubUnavailable, read_json  # noqa: E402

from empathydesk.content import load  # noqa: E402
from empathydesk.storage.pgserver import PostgresUnavailable  # noqa: E402

pytestmark = [pytest.mark.hub, pytest.mark.postgres, pytest.mark.timeout(300)]

BENCH = Path(__file__).resolve().parents[2] / "bench"
COHORT = "cohort-test"
PARTICIPANTS = ["ann", "bob", "cy"]
FACILITATOR = "fay"
NAMES = {"ann": "Ann", "bob": "Robin", "cy": "Cy"}
LESSON = "01-their-side.ipynb"


def bench_module(name: str):
    if name in sys.modules:
        return sys.modules[name]
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    started = time.monotonic()
    the_hub = Hub(participants={COHORT: PARTICIPANTS}, facilitators=[FACILITATOR])
    try:
        the_hub.start()
    except (HubUnavailable, PostgresUnavailable) as reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true needs the JupyterHub test to run: {reason}")
        pytest.skip(str(reason))
    print(f"hub ready in {time.monotonic() - started:.1f} s")
    yield the_hub
    pids = [p.pid for p in the_hub.processes()]
    the_hub.stop()
    import psutil

    alive = [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    alive += [p.pid for p in the_hub.strays()]
    assert not alive, f"processes left running: {alive}"


async def participant(hub: Hub, name: str, content) -> dict:
    """Sign in, start the server, join on the landing page, answer a lesson page; what happened."""
    voila_client = bench_module("voila_client")
    drive = bench_module("drive")
    browser = await hub.sign_in(name)
    out: dict = {"name": name}
    try:
        t0 = time.monotonic()
        await hub.start_server(browser, name)
        out["server_start"] = time.monotonic() - t0
        home = await browser.get(f"/user/{name}/")  # the default URL: the landing page
        assert home.status_code == 200 and home.url.path == f"/user/{name}/voila/render/index.ipynb", home.url
        page = await voila_client.open_page(f"{hub.url}/user/{name}/voila/render/index.ipynb", client=browser)
        try:
            assert not page.errors, page.errors
            assert "Join the workshop" in page.text() and "Join code" not in page.text()
            form = drive.pieces(page, "ed-join-form")[0][1]
            ids = drive.descendants(page, form)
            box = next(m for m in ids if page.models[m]["model_name"] == "TextModel")
            await page.set(box, {"value": NAMES[name]})
            share = drive.first(page, ids, "CheckboxModel")
            await page.set(share, {"value": name != "cy"})  # Cy keeps their answers to themselves
            await page.click(drive.first(page, ids, "ButtonModel"))
            try:
                await page.wait_for(lambda p: f"Welcome, {NAMES[name]}: you have joined." in p.text(), timeout=90)
            except TimeoutError:
                raise AssertionError(f"{name} did not join: {page.text()[-600:]}") from None
            assert LESSON in page.text()  # the pages in order, linked
        finally:
            await page.close()
        lesson = await voila_client.open_page(f"{hub.url}/user/{name}/voila/render/{LESSON}", client=browser)
        try:
            assert not lesson.errors, lesson.errors
            assert "We need your link" not in lesson.text()
            ledger = drive.Ledger()
            person = drive.Participant(name, content, ledger, random.Random(name), think=(0, 0), timeout=60)
            out["acked"] = await person.answer_page(lesson)
            out["ledger"] = ledger
            out["environments"] = [proc.environ() for proc in hub.server_processes(name)]  # server and kernel
        finally:
            await lesson.close()
        out["elapsed"] = time.monotonic() - t0
    finally:
        await browser.aclose()
    return out


def test_participants_and_a_facilitator_on_a_real_hub(hub: Hub) -> None:
    started = time.monotonic()
    content = load()

    async def everyone() -> list[dict]:
        return await asyncio.gather(*(participant(hub, name, content) for name in PARTICIPANTS))

    results = asyncio.run(everyone())
    for result in results:
        ledger = result["ledger"]
        assert result["acked"] > 0 and not ledger.unanswered and not ledger.refused, (result["name"], ledger)
        assert not ledger.visible_errors and not ledger.hidden_errors, ledger
        print(f"{result['name']}: server in {result['server_start']:.1f} s, all in {result['elapsed']:.1f} s, "
              f"{result['acked']} answers saved")

    async def facilitator_and_refusals() -> None:
        import httpx

        fay = await hub.sign_in(FACILITATOR)
        try:
            cohort_page = await fay.get(f"/services/empathydesk/cohorts/{COHORT}/")  # signed in by the hub (OAuth)
            assert cohort_page.status_code == 200, hub.log_tail(60)
            for name in NAMES.values():
                assert f"<td>{name}</td>" in cohort_page.text
            people = read_json(await fay.get(f"/services/empathydesk/api/cohorts/{COHORT}/people"))
            assert sorted(p["name"] for p in people) == sorted(NAMES.values())
            assert all(p["pages_done"] or p["last_answer"] for p in people), people
            rows = read_json(await fay.get(f"/services/empathydesk/api/cohorts/{COHORT}/results"))
            answered = {r["participant"] for r in rows if r["kind"] not in ("progress",) and r["participant"]}
            assert answered == {"Ann", "Robin"}  # Cy does not share
            assert not any(f">{username}<" in cohort_page.text for username in PARTICIPANTS)  # hub names not shown
            assert not any("hub_user" in p for p in people)
        finally:
            await fay.aclose()

        ann_token = hub.server_token("ann")
        async with httpx.AsyncClient(trust_env=False, timeout=30) as http:
            def auth(token: str) -> dict:
                return {"Authorization": f"token {token}"}

            me = read_json(await http.get(hub.api("me"), headers=auth(ann_token)))
            assert me["participant"]["display_name"] == "Ann"
            mine = await http.get(hub.api(f"participants/{me['participant']['id']}/answers"), headers=auth(ann_token))
            assert mine.status_code == 200
            bob = next(p for p in people if p["name"] == "Robin")
            refused = {
                "another's answers": await http.get(hub.api(f"participants/{bob['id']}/answers"), headers=auth(ann_token)),
                "a facilitator endpoint": await http.get(hub.api(f"cohorts/{COHORT}/results"), headers=auth(ann_token)),
                "no token": await http.get(hub.api("me")),
                "another service's token": await http.get(hub.api("me"), headers=auth(hub.other_token)),
            }
            assert {what: r.status_code for what, r in refused.items()} == dict.fromkeys(refused, 403)

    asyncio.run(facilitator_and_refusals())

    for result in results:
        assert len(result["environments"]) >= 2, f"{result['name']}: the server and the lesson page's kernel"
        for environment in result["environments"]:
            text = "\n".join(f"{k}={v}" for k, v in environment.items())
            assert "EMPATHYDESK_DB_URL" not in environment and hub.db_password not in text
            assert "postgresql" not in text.lower()
            assert environment.get("EMPATHYDESK_API_URL")
    print(f"test body in {time.monotonic() - started:.1f} s")
