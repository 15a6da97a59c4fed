"""`empathydesk participant import`: a refused file prints one plain line, exits 1, and stores nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from empathydesk.cli import main
from empathydesk.progress_file import NOT_OURS
from empathydesk.storage import Store


def _rows(store: Store) -> dict[str, int]:
    from sqlalchemy import func, select

    from empathydesk.storage.models import metadata

    with store.engine.connect() as db:
        return {name: db.scalar(select(func.count()).select_from(t)) for name, t in metadata.tables.items()}


@pytest.fixture
def saved(store: Store, tmp_path: Path) -> dict:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.save_rating(person.id, "baseline", "rapport-5", 4)
    return json.loads(json.dumps(store.export_participant(person.id)))


def _import(store: Store, path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    before = _rows(store)
    status = main(["participant", "import", str(path), "--db", store.url, *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _rows(store) == before
    return status, err


def test_a_deeply_nested_file(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    status, err = _import(store, deep, capsys)
    assert status == 1
    assert err.strip() == (
        "The file could not be loaded: it has brackets inside brackets more than 20 levels deep, "
        "and a progress file never does."
    )


def test_a_huge_file(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.json"
    huge.write_bytes(b'{"format": "empathydesk-participant", "pad": "' + b"x" * 6_000_000 + b'"}')
    status, err = _import(store, huge, capsys)
    assert status == 1 and err.strip() == "The file could not be loaded: it is 6.0 MB, and a progress file can be at most 5 MB."


def test_a_bad_answer_names_the_field(
    store: Store, saved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved["checkpoints"][0]["ratings"][0]["value"] = 99
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(saved))
    for extra in ((), ("--cohort", "Alpha")):
        status, err = _import(store, bad, capsys, *extra)
        assert status == 1
        assert err.strip() == "The file could not be loaded: ratings → baseline → rapport-5: 99 is not on the 1 to 5 scale."


def test_not_a_progress_file_or_no_file(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html></html>")
    assert _import(store, page, capsys) == (1, NOT_OURS + "\n")
    status, err = _import(store, tmp_path / "missing.json", capsys)
    assert status == 1 and err.startswith("The file could not be read: No such file or directory")


def test_the_command_prints_no_traceback(store: Store, saved: dict, tmp_path: Path) -> None:
    """The real command, in its own process (its own recursion limit and stack)."""
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"1" + b"]" * 100_000)
    env = {k: v for k, v in os.environ.items() if k != "EMPATHYDESK_DB_URL"}
    out = subprocess.run(
        [sys.executable, "-m", "empathydesk", "participant", "import", str(deep), "--db", store.url],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr and "brackets inside brackets" in out.stderr


def test_a_saved_file_still_imports(store: Store, saved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "me.json"
    mine.write_text(json.dumps(saved))
    assert main(["participant", "import", str(mine), "--cohort", "Alpha", "--db", store.url]) == 0
    assert "Imported 'Sam' into cohort 'Alpha'" in capsys.readouterr().out
