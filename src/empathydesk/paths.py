"""Where EmpathyDesk keeps its files: all inside the repository unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = Path(__file__).resolve().parent / "share" / "voila" / "templates" / "empathydesk"
# `empathydesk workshop` sets this (to the template's name) for its apps: their pages use the template above,
# which carries the lesson pieces' stylesheet in the page's head.
TEMPLATE_ENV = "EMPATHYDESK_TEMPLATE"


def content_root() -> Path:
    """The folder of content files (`EMPATHYDESK_CONTENT`, or the repository's `assessments/`)."""
    return Path(os.environ.get("EMPATHYDESK_CONTENT") or REPO_ROOT / "assessments")


def data_dir() -> Path:
    """The folder for the embedded SQLite database (`EMPATHYDESK_DATA`, or the repository's `data/`)."""
    return Path(os.environ.get("EMPATHYDESK_DATA") or REPO_ROOT / "data")


def notebooks_dir() -> Path:
    return REPO_ROOT / "notebooks"


def workshop_dir() -> Path:
    return REPO_ROOT / "workshop"


def private_folder(path: Path) -> Path:
    """Create `path` if needed and make it this user's only (0700): answers and logs are personal.

    Only for EmpathyDesk's own folders (the data folder, the logs), never for one a user chose for other things.
    """
    path.mkdir(parents=True, exist_ok=True)
    _chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create `path` if needed, empty, readable and writable by this user only (0600)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    _chmod(path, 0o600)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        path.chmod(mode)
    except OSError:
        pass  # not ours to change (say, a folder someone else shares with us): leave it as it is
