"""The room bench for bench/run.py: 40 simulated participants, real Chromium pages, plain Voilà beside it, faults.

All the work is in room.py (runnable alone: `.venv/bin/python bench/room.py --help`).
Set EMPATHYDESK_BENCH_QUICK=1 for the smoke-test size (8 people, 1 browser).
"""

from __future__ import annotations

import os


def run() -> list[tuple[str, str, str]]:
    import room

    if os.environ.get("EMPATHYDESK_BENCH_QUICK") == "1":
        cfg = room.Config(participants=8, browsers=1, repeats=1, browser_repeats=1, join_window=15,
                          room_deadline=240, fault_people=4)
    else:
        cfg = room.Config()
    return room.run_room(cfg)
