"""The facilitator dashboard (empathydesk.dashboard), the demo data and the `demo-data` command."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from empathydesk import dashboard, demo, scoring
from empathydesk.cli import main
from empathydesk.content import load
from empathydesk.storage import Store
from empathydesk.storage.counting import counting_queries
from widget_tree import all_html

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def content():
    return load()


@pytest.fixture
def filled(store, content):
    demo.fill_cohort(store, content, "demo", 12, seed=5)
    return store


@dataclass(frozen=True)
class P:
    id: int
    pseudonym: str
    consent: bool


def test_demo_people_look_like_a_room(content):
    people = demo.people(content, 60, seed=1)
    finished = [p for p in people if "wrap-up" in p.ratings]
    assert 0.4 * len(people) < len(finished) < len(people)
    assert any(p.consent for p in people) and not all(p.consent for p in people)
    assert any("follow-up" in p.ratings for p in people) and any("retro-before" in p.ratings for p in people)
    assert all(scoring.checkpoint_complete(content, p.ratings, "baseline") for p in people)
    means = {cp: [] for cp in ("baseline", "wrap-up", "retro-before")}
    for p in finished:
        for cp in means:
            if cp in p.ratings:
                means[cp] += list(scoring.competency_scores(content, p.ratings[cp]).values())
    avg = {cp: sum(v) / len(v) for cp, v in means.items()}
    assert avg["retro-before"] < avg["baseline"] < avg["wrap-up"]


def test_fill_cohort_through_the_store(filled, content):
    people = filled.participants("demo")
    assert len(people) == 12
    assert len({p.pseudonym for p in people}) == 12
    ratings = filled.cohort_ratings("demo")
    assert {r["checkpoint"] for r in ratings} >= {"baseline", "wrap-up"}
    assert filled.cohort_scenario_attempts("demo")
    assert any(filled.reflections(p.id) for p in people)
    assert any(filled.exercise_attempts(p.id) for p in people)
    demo.fill_cohort(filled, content, "demo", 3)
    names = [p.pseudonym for p in filled.participants("demo")]
    assert len(names) == 15 and len(set(names)) == 15


def test_demo_data_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    assert main(["demo-data", "--cohort", "preview", "--participants", "6", "--db", url]) == 0
    assert "Added 6 made-up participants to cohort 'preview'" in capsys.readouterr().out
    assert len(Store.open(url).participants("preview")) == 6
    assert main(["demo-data", "--cohort", "preview", "--participants", "0", "--db", url]) == 2
    Store.open(url).close()


def test_progress_grid_escapes_names_and_counts(content):
    people = [P(1, "<b>Zed</b>", False), P(2, "Amy", True)]
    progress = {1: {"pages": {"welcome": True}, "parts": {"module-1": (2, 4)}},
                2: {"parts": {"module-2": (0, 4)}, "started": {"module-2": True}}}
    html = dashboard.progress_grid_html(content, people, progress, {})
    assert "&lt;b&gt;Zed&lt;/b&gt;" in html and "<b>Zed" not in html
    assert "◐ 2 of 4" in html and "✓ done" in html and "· not started" in html
    assert "◐ 0 of 4" in html and "◐ in progress: started" in html  # begun, nothing finished: in progress
    assert "<strong>1</strong>/2" in html  # one of two has done the welcome page
    many = [P(i, f"Person {i}", False) for i in range(300)]
    assert "Showing 200 of 300" in dashboard.progress_grid_html(content, many, {}, {})
    assert "Person 299" in dashboard.progress_grid_html(content, many, {}, {}, name_filter="299")


def test_people_who_share_are_shown_one_by_one_in_a_room_of_any_size(content):
    people = demo.people(content, 12, seed=2, finish_share=1.0)
    ratings, attempts = demo.cohort_rows(people)
    everyone = [P(i, p.pseudonym, True) for i, p in enumerate(people, start=1)]

    def shared(room):
        return dashboard.build_results(content, ratings, attempts, room)["individuals"]

    assert all(p.pseudonym in shared(everyone) for p in everyone)
    two_private = [P(p.id, p.pseudonym, p.id > 2) for p in everyone]
    html = shared(two_private)
    assert everyone[5].pseudonym in html and everyone[0].pseudonym not in html and everyone[1].pseudonym not in html
    assert "Nobody has chosen" in shared([P(p.id, p.pseudonym, False) for p in everyone])


def test_results_keep_real_and_retrospective_apart(content):
    people = demo.people(content, 20, seed=4, finish_share=1.0)
    ratings, attempts = demo.cohort_rows(people)
    results = dashboard.build_results(content, ratings, attempts, [P(i, p.pseudonym, True) for i, p in enumerate(people, 1)])
    assert "Real change: start → end" in results["stats"] and "Retrospective: looking back → end" in results["stats"]
    assert results["charts"].count("<figure") == 3
    few = dashboard.build_results(content, ratings[:200], attempts[:10], [])
    assert "<em>hidden</em>" in few["stats"] and "+0." not in few["stats"]




def test_dashboard_reads_env_and_updates_in_place(filled, monkeypatch, content):
    monkeypatch.setenv("EMPATHYDESK_COHORT", "demo")
    monkeypatch.setattr(dashboard, "_ago", lambda when, now: "a while ago")  # the clock moves between reads
    view = dashboard.dashboard(db_url=filled.url, live=False)
    board = view._dashboard
    markup = all_html(view)
    assert "Cohort: demo" in markup and "12 joined" in markup
    assert "Change per skill" in markup and markup.count("<figure") == 3
    grid_before, charts_before = board.grid.value, board.charts.value
    # nothing new: nothing is re-read or re-sent
    reads = []
    read = filled.cohort_answers
    monkeypatch.setattr(filled, "cohort_answers", lambda cohort, only=None: reads.append(only) or read(cohort, only))
    board.refresh()
    assert reads == [] and board.grid.value == grid_before and board.charts.value == charts_before
    # one person answers: only they are re-read
    someone = filled.participants("demo")[0]
    filled.save_reflection(someone.id, content.modules[0].reflections[0].id, "A new thought.")
    board.refresh()
    assert reads == [[someone.id]]


def test_a_refresh_makes_the_same_number_of_queries_for_3_or_30_people(store, content):
    def queries(cohort: str, size: int) -> int:
        demo.fill_cohort(store, content, cohort, size, seed=size)
        board = dashboard.Dashboard(store, cohort, content)
        with counting_queries(store.engine) as statements:
            board.refresh(force=True)
        assert f"{size} joined" in board.header.value and "Could not" not in board.status.value
        return len(statements)

    assert queries("small", 3) == queries("large", 30)


def test_live_tick_runs_on_the_event_loop(filled, content):
    board = dashboard.Dashboard(filled, "demo", content, live_interval=0.01, chart_interval=0)
    board.refresh(force=True)
    newcomer = filled.join(filled.cohort("demo").join_code, "Newcomer")
    filled.save_rating(newcomer.id, "baseline", content.instrument.items[0].id, 4)
    asyncio.run(board.tick())
    assert "Newcomer" in board.grid.value and "13 joined" in board.header.value


def test_no_cohort_says_what_to_do(store, monkeypatch):
    monkeypatch.delenv("EMPATHYDESK_COHORT", raising=False)
    view = dashboard.dashboard(db_url=store.url, live=False)
    assert "empathydesk demo-data" in view.value
    view = dashboard.dashboard(cohort="nope", db_url=store.url, live=False)
    assert "no cohort called “nope”" in view.value


def test_notebook_is_one_call_without_outputs():
    nb = json.loads((REPO / "workshop" / "dashboard.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1 and "dashboard()" in "".join(code[0]["source"])
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)


def test_people_with_the_same_name_are_told_apart_everywhere(content):
    people = demo.people(content, 6, seed=2, finish_share=1.0)
    ratings, attempts = demo.cohort_rows(people)
    same = [P(i, "Alice" if i in (2, 5) else (" alice " if i == 4 else p.pseudonym), True)
            for i, p in enumerate(people, start=1)]
    grid = dashboard.progress_grid_html(content, same, {}, {})
    rows = [part.split("<")[0] for part in grid.split('<th scope="row">')[2:]]
    assert sorted(r for r in rows if "lice" in r) == [" alice  (2)", "Alice", "Alice (3)"]
    assert "Alice (3)" in dashboard.progress_grid_html(content, same, {}, {}, name_filter="(3)")
    shared = dashboard.build_results(content, ratings, attempts, same)["individuals"]
    assert "Alice (3)" in shared and " alice  (2)" in shared


def test_the_dashboard_brings_the_design_tokens_where_the_page_has_none(monkeypatch):
    from empathydesk.dashboard import STYLE, page_style

    monkeypatch.delenv("EMPATHYDESK_TEMPLATE", raising=False)  # the notebook in JupyterLab
    assert "--ed-color-text:" in page_style() and page_style().endswith(STYLE)
    monkeypatch.setenv("EMPATHYDESK_TEMPLATE", "empathydesk")  # the facilitator app: the tokens are in the head
    assert page_style() == STYLE and "--ed-color-text:" not in STYLE
