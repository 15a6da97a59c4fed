"""Where EmpathyDesk keeps its files: the lessons found in the project folder one works in, a checkout or an
installed copy, and the data beside them."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from empathydesk.settings import env_name, settings

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "share" / "voila" / "templates" / "empathydesk"
# The lesson folders. pyproject.toml installs them (as data files) in <environment>/share/empathydesk/.
LESSON_FOLDERS = ("assessments", "notebooks", "workshop")
INSTALLED = Path("share") / "empathydesk"


class LessonsNotFound(FileNotFoundError):
    """No folder with assessments/, notebooks/ and workshop/ was found."""


def _has_lessons(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in LESSON_FOLDERS)


def checkout() -> Path | None:
    """The source checkout this package runs from (`pip install -e .`, or src/ on the path), if it is one."""
    folder = PACKAGE_DIR.parents[1]
    return folder if _has_lessons(folder) else None


def project() -> Path | None:
    """The copy of EmpathyDesk one works in: the current folder or the nearest folder above it that holds the
    lessons (a notebook's kernel runs in notebooks/). Found from where one works, not from where the package was
    installed, so a second copy of the repository keeps its own data/ even when it runs the first one's package."""
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if _has_lessons(folder)), None)


def installed_copies() -> list[Path]:
    """Where `pip install .` puts the lesson folders: this environment's, then this user's share/empathydesk/."""
    schemes = [sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")]
    return [Path(sysconfig.get_path("data", scheme)) / INSTALLED for scheme in schemes]


def lessons_root() -> Path:
    """The folder holding assessments/, notebooks/ and workshop/: `EMPATHYDESK_ROOT`, else the project folder
    one works in, else the source checkout, else the installed copy. LessonsNotFound names what to set when
    there is none."""
    chosen = settings().root
    if chosen is not None:
        if not _has_lessons(chosen):
            folders = ", ".join(f"{name}/" for name in LESSON_FOLDERS)
            raise LessonsNotFound(f"{env_name('root')}={chosen} does not hold {folders}.")
        return chosen
    for folder in [project(), checkout(), *installed_copies()]:
        if folder is not None and _has_lessons(folder):
            return folder
    raise LessonsNotFound(
        "EmpathyDesk cannot find its lessons (the folders assessments/, notebooks/ and workshop/). "
        f"Set {env_name('root')} to the folder that holds them (a copy of the EmpathyDesk repository), "
        "or install EmpathyDesk with pip, which puts them beside it."
    )


def content_root() -> Path:
    """The folder of content files (`EMPATHYDESK_CONTENT`, or assessments/ in the lessons' folder)."""
    return settings().content or lessons_root() / "assessments"


def data_dir() -> Path:
    """The folder for the embedded SQLite database and the logs: `EMPATHYDESK_DATA`, else data/ in
    `EMPATHYDESK_ROOT`, the project folder one works in or the source checkout, else this user's data folder
    (an installed copy's folder may be read-only)."""
    chosen = settings()
    if chosen.data is not None:
        return chosen.data
    working_in = project()
    if working_in in installed_copies():
        working_in = None
    root = chosen.root or working_in or checkout()
    if root is not None:
        return root / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("empathydesk", appauthor=False))


def notebooks_dir() -> Path:
    return lessons_root() / "notebooks"


def workshop_dir() -> Path:
    return lessons_root() / "workshop"


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
