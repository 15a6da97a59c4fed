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
