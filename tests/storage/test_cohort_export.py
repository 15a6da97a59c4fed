"""The facilitator's export: consent decides individual rows, groups of 5 decide aggregates,
and no cell can run as a spreadsheet formula. Also the `cohort` and `participant` commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from empathydesk.cli import main
from empathydesk.cohort_export import cohort_rows, neutralise, render
from empathydesk.storage import Store


def _cohort(store: Store, size: int, consenting: set[int]) -> list[int]:
    cohort = store.create_cohort("Alpha", ["module-1"])
    ids = []
    for n in range(size):
        person = store.join(cohort.join_code, "=HYPERLINK(\"http://x\")" if n == 0 else f"Person {n}")
        store.set_consent(person.id, n in consenting)
        store.save_rating(person.id, "baseline", "perspective-1", 1 + n % 5)
        store.add_scenario_attempt(person.id, "module-1-scenario-1", n % 2)
        store.save_reflection(person.id, "module-1-reflection", f"+cmd|' /C calc'!A0 from {n}")
        ids.append(person.id)
    return ids


def test_individual_rows_only_for_those_who_consented(store: Store) -> None:
    _cohort(store, 6, consenting={1, 2})
    rows = cohort_rows(store, "Alpha")
    individual = {r["participant"] for r in rows if r["kind"] in ("rating", "scenario", "reflection", "rewrite")}
    assert individual == {"Person 1", "Person 2"}
    progress = [r["participant"] for r in rows if r["kind"] == "progress"]
    assert len(progress) == 6 and "Person 5" in progress


def test_group_figures_follow_the_one_rule(store: Store) -> None:
    """Five who don't share: group figures and no individual rows. (empathydesk.privacy decides; its own
    tests, tests/test_privacy.py, attack every output.)"""
    _cohort(store, 5, consenting=set())
    rows = cohort_rows(store, "Alpha")
    [mean] = [r for r in rows if r["kind"] == "rating mean"]
    assert (mean["topic"], mean["item"], mean["value"], mean["n"]) == ("baseline", "perspective-1", 3.0, 5)
    first = {r["item"]: r["value"] for r in rows if r["kind"] == "first try" and r["value"]}
    assert first == {"option 0": 3, "option 1": 2}
    assert not [r for r in rows if r["kind"] in ("rating", "scenario", "reflection")]


def test_a_small_room_that_all_shares_gets_group_figures_and_one_who_doesnt_hides_them(store: Store) -> None:
    _cohort(store, 4, consenting={0, 1, 2, 3})
    kinds = {r["kind"] for r in cohort_rows(store, "Alpha")}
    assert {"rating mean", "first try", "rating"} <= kinds
    person = store.join(store.cohort("Alpha").join_code, "Quiet")
    store.save_rating(person.id, "baseline", "perspective-1", 2)
    store.add_scenario_attempt(person.id, "module-1-scenario-1", 0)
    kinds = {r["kind"] for r in cohort_rows(store, "Alpha")}
    assert "rating mean" not in kinds and "first try" not in kinds and "rating" in kinds


@pytest.mark.parametrize("cell", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\t=x", " =1+2", "\u00a0 @x", "\n=cmd", "\tplain"])
def test_formula_starts_are_neutralised(cell: str) -> None:
    """A first non-blank character = + - @, or a control character first (tab, line break), gets an apostrophe."""
    assert neutralise(cell) == "'" + cell
    assert neutralise("Plain words") == "Plain words" and neutralise(3) == 3 and neutralise("a = b") == "a = b"


def test_a_carriage_return_stored_long_ago_cannot_split_a_row(store: Store) -> None:
    """Every text cell is quoted, and a lone carriage return (as an old import could store) becomes a line
    break inside its cell: the CSV reads back as the same rows, with no cell that could run as a formula."""
    from sqlalchemy import update

    from empathydesk.storage.models import reflections

    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.set_consent(person.id, True)
    store.save_reflection(person.id, "module-1-reflection", "placeholder")
    with store.engine.begin() as db:
        db.execute(update(reflections).values(text="fine\r=cmd|' /C calc'!A0\r  +1"))
    rows = cohort_rows(store, "Alpha")
    text = render(rows, "csv")
    read = list(csv.reader(io.StringIO(text)))
    assert len(read) == len(rows) + 1 and all(len(row) == 7 for row in read)
    cells = [cell for row in read for cell in row]
    assert "fine\n=cmd|' /C calc'!A0\n  +1" in cells  # one cell, whose first character is plain text
    assert not [c for c in cells if c.lstrip()[:1] in ("=", "+", "-", "@")]
    assert text.splitlines()[0] == '"kind","participant","topic","item","value","n","when"'
    progress = next(line for line in text.splitlines() if line.startswith('"progress"'))
    assert progress.startswith('"progress","Sam","pages done","","",0,"')  # text quoted, numbers not


def test_export_command_writes_safe_csv_and_json(store: Store, tmp_path: Path) -> None:
    _cohort(store, 6, consenting={0})
    out = tmp_path / "alpha.csv"
    assert main(["export", "--cohort", "Alpha", "--format", "csv", "--output", str(out), "--db", store.url]) == 0
    cells = [cell for row in csv.reader(io.StringIO(out.read_text())) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    as_json = ["export", "--cohort", "Alpha", "--format", "json", "--output", str(tmp_path / "a.json")]
    assert main([*as_json, "--db", store.url]) == 0
    assert json.loads((tmp_path / "a.json").read_text()) == json.loads(render(cohort_rows(store, "Alpha"), "json"))
    assert main(["export", "--cohort", "Nobody", "--db", store.url]) == 1


def test_cohort_commands(store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["cohort", "create", "Room A", "--modules", "module-1", "module-2", "--db", store.url]) == 0
    code = store.cohort("Room A").join_code
    assert code in capsys.readouterr().out
    assert main(["cohort", "create", "Room A", "--db", store.url]) == 1
    assert main(["cohort", "list", "--db", store.url]) == 0
    assert "Room A\t" + code in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # not a terminal: no question is asked
    assert main(["cohort", "delete", "Room A", "--db", store.url]) == 1
    assert store.cohort("Room A") is not None
    assert main(["cohort", "delete", "Room A", "--yes", "--db", store.url]) == 0
    assert store.cohort("Room A") is None


def test_participant_commands(store: Store, tmp_path: Path) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.save_rating(person.id, "baseline", "perspective-1", 4)
    mine = tmp_path / "me.json"
    assert main(["participant", "export", "--token", person.token, "--output", str(mine), "--db", store.url]) == 0
    assert json.loads(mine.read_text()) == store.export_participant(person.id)
    assert main(["participant", "import", str(mine), "--db", store.url]) == 0
    assert store.ratings(store.local_participant().id) == {"baseline": {"perspective-1": 4}}
    assert main(["participant", "delete", "--token", person.token, "--yes", "--db", store.url]) == 0
    assert store.participant_by_token(person.token) is None
    assert main(["participant", "export", "--token", person.token, "--db", store.url]) == 1
