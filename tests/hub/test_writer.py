"""Group commit (`empathydesk.hub.writer`): saves that arrive together written in one transaction, on SQLite
and on PostgreSQL (the storage tests' fixtures)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from empathydesk.content import load
from empathydesk.hub import writer
from empathydesk.hub.writer import Writer
from empathydesk.storage import StorageError, Store
from tests.storage.conftest import db_url, postgres, store  # noqa: F401 - the fixtures

PEOPLE = 12


@pytest.fixture
def room(store: Store) -> tuple[Store, list[int]]:  # noqa: F811 - the fixture
    store.create_cohort("c")
    code = store.cohort("c").join_code
    return store, [store.join(code, f"Person {n}").id for n in range(PEOPLE)]


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each batch the writer writes."""
    sizes: list[int] = []
    real = writer.write

    def counted(store: Store, saves: list[Any]) -> list[tuple[bool, Any]]:
        sizes.append(len(saves))
        return real(store, saves)

    monkeypatch.setattr(writer, "write", counted)
    return sizes


def saved_together(store: Store, calls: list[tuple[Any, ...]]) -> list[Any]:
    """Each call `(method, *args)` saved through one `Writer` at the same moment; its result or exception."""
    async def everyone() -> list[Any]:
        saving = Writer(store)
        try:
            return await asyncio.gather(*(saving.save(getattr(store, name), *args) for name, *args in calls),
                                        return_exceptions=True)
        finally:
            saving.close()

    return asyncio.run(everyone())


def test_saves_that_arrive_together_are_written_together_and_all_kept(room: tuple[Store, list[int]],
                                                                     batches: list[int]) -> None:
    store, pids = room
    content = load()
    checkpoint, item = content.instrument.checkpoints[0].id, content.instrument.items[0].id
    scenario = content.modules[0].scenarios[0].id
    calls = [("add_scenario_attempt", pid, scenario, n % 3) for n, pid in enumerate(pids)]
    calls += [("save_rating", pid, checkpoint, item, 1 + n % 5) for n, pid in enumerate(pids)]
    results = saved_together(store, calls)
    assert results == [1] * PEOPLE + [None] * PEOPLE  # each acknowledged: its attempt number, or nothing
    assert batches[0] == 2 * PEOPLE  # one transaction for all of them
    for n, pid in enumerate(pids):
        answers = store.answers(pid)
        assert answers.scenario_attempts == {scenario: [n % 3]}
        assert answers.ratings == {checkpoint: {item: 1 + n % 5}}


def test_one_failing_save_does_not_fail_or_lose_the_others(room: tuple[Store, list[int]], batches: list[int]) -> None:
    """A wrong value (refused before any SQL) and a participant who is not there (refused by the database,
    which aborts the transaction): only those two fail; the rest are stored, each once."""
    store, pids = room
    content = load()
    checkpoint, item = content.instrument.checkpoints[0].id, content.instrument.items[0].id
    scenario = content.modules[0].scenarios[0].id
    calls: list[tuple[Any, ...]] = [("add_scenario_attempt", pid, scenario, 1) for pid in pids]
    calls.insert(3, ("save_rating", pids[0], checkpoint, item, 99))
    calls.insert(7, ("add_scenario_attempt", max(pids) + 1000, scenario, 1))
    results = saved_together(store, calls)
    assert isinstance(results[3], ValueError) and isinstance(results[7], StorageError)
    assert [r for n, r in enumerate(results) if n not in (3, 7)] == [1] * PEOPLE
    assert batches[0] == PEOPLE + 2
    for pid in pids:
        assert store.answers(pid).scenario_attempts == {scenario: [1]}  # stored once, not twice
    assert store.answers(pids[0]).ratings == {}


def test_one_persons_saves_keep_their_order(room: tuple[Store, list[int]], batches: list[int]) -> None:
    store, pids = room
    scenario = load().modules[0].scenarios[0].id
    options = [2, 0, 1, 1, 0, 2, 2, 1]
    calls = [("add_scenario_attempt", pid, scenario, option) for option in options for pid in pids[:3]]
    results = saved_together(store, calls)
    assert results == [n for n in range(1, len(options) + 1) for _ in pids[:3]]
    for pid in pids[:3]:
        assert store.scenario_attempts(pid) == {scenario: options}


def test_saves_arriving_while_a_batch_is_written_go_in_the_next(room: tuple[Store, list[int]],
                                                                batches: list[int]) -> None:
    store, pids = room
    scenario = load().modules[0].scenarios[0].id

    async def two_waves() -> list[Any]:
        saving = Writer(store)
        try:
            first = asyncio.ensure_future(saving.save(store.add_scenario_attempt, pids[0], scenario, 0))
            await asyncio.sleep(0)  # the first batch (one save) is being written
            rest = [saving.save(store.add_scenario_attempt, pid, scenario, 1) for pid in pids]
            return [await first, *await asyncio.gather(*rest)]
        finally:
            saving.close()

    assert asyncio.run(two_waves()) == [1, 2] + [1] * (PEOPLE - 1)
    assert batches == [1, PEOPLE]
    assert store.scenario_attempts(pids[0]) == {scenario: [0, 1]}
