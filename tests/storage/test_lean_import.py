"""A lesson kernel on SQLite loads only what it needs: no ORM, no PostgreSQL dialect, no Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from empathydesk.storage import Store

HEAVY = ("sqlalchemy.orm", "sqlalchemy.dialects.postgresql", "alembic")
KERNEL = f"""
import sys
from empathydesk.storage import Store
store = Store.open()
me = store.local_participant()
store.save_rating(me.id, "baseline", "perspective-1", 4)
assert store.ratings(me.id) == {{"baseline": {{"perspective-1": 4}}}}
print([m for m in {HEAVY!r} if m in sys.modules])
"""


def test_an_sqlite_kernel_saves_and_reads_without_heavy_imports(tmp_path: Path) -> None:
    Store.open(f"sqlite:///{tmp_path}/empathydesk.sqlite").close()  # an existing, up-to-date database
    env = {k: v for k, v in os.environ.items() if k != "EMPATHYDESK_DB_URL"} | {"EMPATHYDESK_DATA": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", KERNEL], env=env, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
