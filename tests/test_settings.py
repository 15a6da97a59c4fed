"""The settings module reads EMPATHYDESK_* afresh each time; paths finds the lessons or says what to set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from empathydesk import paths
from empathydesk.settings import Settings, as_env, env_name, settings, take


def test_each_setting_is_read_fresh_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPATHYDESK_COHORT", "  room  ")
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    assert settings().cohort == "room" and settings().hosted
    monkeypatch.setenv("EMPATHYDESK_COHORT", "   ")
    monkeypatch.delenv("EMPATHYDESK_HOSTED")
    assert settings().cohort is None and not settings().hosted


def test_names_and_child_environments_come_from_the_declared_fields() -> None:
    assert {env_name(f) for f in Settings.model_fields} >= {"EMPATHYDESK_DB_URL", "EMPATHYDESK_STRICT", "EMPATHYDESK_DATA"}
    assert as_env(hosted=True, db_url="sqlite://") == {"EMPATHYDESK_HOSTED": "1", "EMPATHYDESK_DB_URL": "sqlite://"}
    with pytest.raises(KeyError):
        env_name("join_code")


def test_a_secret_is_taken_out_of_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPATHYDESK_FACILITATOR_KEY", "k3y")
    assert "k3y" not in repr(settings())
    assert take("facilitator_key") == "k3y"
    assert "EMPATHYDESK_FACILITATOR_KEY" not in os.environ and take("facilitator_key") is None


def test_lessons_come_from_the_root_setting_or_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EMPATHYDESK_ROOT", raising=False)
    monkeypatch.delenv("EMPATHYDESK_DATA", raising=False)
    assert paths.lessons_root() == Path(__file__).resolve().parents[1]  # this checkout
    for name in paths.LESSON_FOLDERS:
        (tmp_path / name).mkdir()
    monkeypatch.setenv("EMPATHYDESK_ROOT", str(tmp_path))
    assert paths.notebooks_dir() == tmp_path / "notebooks" and paths.data_dir() == tmp_path / "data"


def test_no_lessons_found_says_what_to_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EMPATHYDESK_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)  # no lessons here or above
    monkeypatch.setattr(paths, "checkout", lambda: None)
    monkeypatch.setattr(paths, "installed_copies", lambda: [tmp_path / "share" / "empathydesk"])
    with pytest.raises(paths.LessonsNotFound, match="Set EMPATHYDESK_ROOT"):
        paths.content_root()
    monkeypatch.setenv("EMPATHYDESK_ROOT", str(tmp_path))
    with pytest.raises(paths.LessonsNotFound, match="does not hold assessments/"):
        paths.workshop_dir()


def test_a_second_copy_keeps_its_own_lessons_and_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Working in a second copy of the repository (its kernels run in its notebooks/) finds that copy, even
    though the package imported is the first copy's (one shared environment): its data/ is its own."""
    monkeypatch.delenv("EMPATHYDESK_ROOT", raising=False)
    monkeypatch.delenv("EMPATHYDESK_DATA", raising=False)
    second = tmp_path / "second-copy"
    for name in paths.LESSON_FOLDERS:
        (second / name).mkdir(parents=True)
    monkeypatch.chdir(second / "notebooks")
    assert paths.checkout() == Path(__file__).resolve().parents[1]  # the package still comes from this checkout
    assert paths.lessons_root() == second and paths.data_dir() == second / "data"
    monkeypatch.setenv("EMPATHYDESK_DATA", str(tmp_path / "mine"))
    assert paths.data_dir() == tmp_path / "mine"
    monkeypatch.chdir(tmp_path)  # outside any copy: the checkout the package runs from, as before
    monkeypatch.delenv("EMPATHYDESK_DATA")
    assert paths.data_dir() == paths.checkout() / "data"
