"""Group commit: the saves that arrive together are written by one thread in one transaction.

When 40 people press save at the same instant, 40 transactions would each wait for PostgreSQL's log to reach
the disk and each take a connection, a thread and the interpreter's lock in turn. `Writer` instead queues the
saves while it writes, and writes everything queued meanwhile as the next batch: one transaction
(`Store.together`), one commit. Each save is answered only once the transaction holding it has committed, so
an acknowledged save is on the disk, as before.

A batch is all or nothing: if any save in it fails (a wrong value, a database error), the transaction is
rolled back and each of the batch's saves is written again alone, in order, so only the failing one fails.
Saves are written in the order they arrived, so one person's answers keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from empathydesk.storage import Store

MAX_BATCH = 100  # saves in one transaction at most (a longer queue is written as several)

Save = Callable[[], Any]


def write(store: Store, saves: list[Save]) -> list[tuple[bool, Any]]:
    """Each save's (True, its result) or (False, the exception it raised): in one transaction if they all
    succeed, else each alone."""
    if len(saves) > 1:
        try:
            with store.together():
                results = [save() for save in saves]
            return [(True, result) for result in results]
        except Exception:  # noqa: BLE001 - rolled back: each again alone, to find which one fails
            pass
    outcomes: list[tuple[bool, Any]] = []
    for save in saves:
        try:
            outcomes.append((True, save()))
        except Exception as error:  # noqa: BLE001 - the save's own caller gets it
            outcomes.append((False, error))
    return outcomes


class Writer:
    """The one thread that writes saves, a batch at a time (see the module's doc)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="writer")
        self.queue: list[tuple[Save, asyncio.Future[Any]]] = []
        self.busy = False

    async def save(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`call(*args, **kwargs)` (a `Store` save) written with whatever else is waiting; its result once
        committed, or the exception it raised."""
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.queue.append((lambda: call(*args, **kwargs), answer))
        if not self.busy:
            self.busy = True
            asyncio.ensure_future(self._drain())
        return await answer

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.queue:
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                try:
                    outcomes = await loop.run_in_executor(self.thread, write, self.store, [s for s, _ in batch])
                except Exception as error:  # noqa: BLE001 - nobody is left waiting
                    outcomes = [(False, error)] * len(batch)
                for (_, answer), (ok, value) in zip(batch, outcomes):
                    if answer.done():
                        continue
                    if ok:
                        answer.set_result(value)
                    else:
                        answer.set_exception(value)
        finally:
            self.busy = False

    def close(self) -> None:
        self.thread.shutdown(wait=True)
