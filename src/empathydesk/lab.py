"""Self-study in JupyterLab: the lesson files stay clean when JupyterLab saves them.

A lesson notebook carries `"empathydesk": {"lesson": true}` in its metadata. When JupyterLab saves one
(Ctrl+S, or its autosave every two minutes), Jupyter Server's `pre_save_hook` (`clean_on_save`, set in
share/lab/jupyter_server_config.json, which `make lab` and Binder use) writes it as it was shipped: no
outputs (the widgets' outputs would reopen as "Error displaying widget: model not found", and the
stylesheet is 300 lines), no run counts, no widget state, no kernel's version details. The answers are in
the data folder, not in the file, so nothing is lost; and `git status` stays clean.

The stripping is nbstripout's (`clean`, with `DROPPED_KEYS`), and the same stripping is git's filter for
every notebook of a clone (`install_git_filter`, run by `make install`: git keeps filters per clone), so what
is committed is what JupyterLab saves. Both keep each cell's id, its collapsed input (`jupyter.source_hidden`)
and its tags (`notebook-only`).

The same config loads this module as a server extension (`_load_jupyter_server_extension`) so that one
Ctrl-C stops JupyterLab the same way everywhere. Jupyter Server handles Ctrl-C itself only with a terminal;
without one it counts on Python's KeyboardInterrupt, which never comes when JupyterLab was started with
Ctrl-C ignored, as a shell script's background job (a CI run, a container's entry script) is.

The same config has Voilà in JupyterLab (its preview, and Binder's `voila/render`, default template) leave
out the cells tagged `notebook-only` (the "run the cells" note), as the workshop's template does (its conf.json).

This is the one module that knows about Jupyter Server's save hook and extensions; it is written for Jupyter
Server 2 (`empathydesk._voila.WRITTEN_FOR`), whose hook is called as `hook(model=..., path=..., contents_manager=...)`
and whose `ServerApp.stop(from_signal=True)` shuts the kernels down and then stops.
"""

from __future__ import annotations

import copy
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbstripout import strip_output

LESSON_KEY = "empathydesk"
# What a notebook loses besides its outputs and run counts: nbstripout's own list (its git filter applies it
# by itself, its `strip_output` does not), then the kernel's version details (language_info keeps its name).
DROPPED_KEYS = (
    "metadata.signature", "metadata.widgets", "cell.metadata.collapsed", "cell.metadata.ExecuteTime",
    "cell.metadata.execution", "cell.metadata.heading_collapsed", "cell.metadata.hidden", "cell.metadata.scrolled",
    *(f"metadata.language_info.{key}" for key in
      ("codemirror_mode", "file_extension", "mimetype", "nbconvert_exporter", "pygments_lexer", "version")),
)
GIT_FILTER = "-m nbstripout --keep-id"  # nbstripout renumbers cell ids unless told to keep them


def is_lesson(notebook: dict[str, Any]) -> bool:
    return bool(notebook.get("metadata", {}).get(LESSON_KEY, {}).get("lesson"))


def clean(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook as committed: a new one, without outputs, run counts, widget state or version details."""
    stripped = nbformat.from_dict(copy.deepcopy(notebook))
    return strip_output(stripped, keep_output=False, keep_count=False, keep_id=True, extra_keys=list(DROPPED_KEYS))


def install_git_filter(repo: Path | str = ".") -> None:
    """Make git store every notebook of the clone at `repo` as `clean` leaves it: nbstripout as the clean filter
    for `*.ipynb` (.gitattributes), with `DROPPED_KEYS`, and for diffs. Git keeps these settings per clone."""
    command = f'"{sys.executable}" {GIT_FILTER}'
    subprocess.run([sys.executable, "-m", "nbstripout", "--install", "--attributes", ".gitattributes"], cwd=repo, check=True)
    for key, value in (("filter.nbstripout.clean", command), ("diff.ipynb.textconv", f"{command} -t"),
                       ("filter.nbstripout.extrakeys", " ".join(DROPPED_KEYS))):
        subprocess.run(["git", "config", "--local", key, value], cwd=repo, check=True)


def clean_on_save(model: dict[str, Any], **_: Any) -> None:
    """Jupyter Server's pre-save hook: a lesson notebook is saved clean (`clean`); any other file as it is."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if is_lesson(model["content"]):
        model["content"] = clean(model["content"])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Jupyter Server's entry point: this module is the extension (enabled in share/lab's config)."""
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """One Ctrl-C stops JupyterLab (its kernels shut down first), with or without a terminal; a second one
    stops it at once. Loaded after Jupyter Server sets its own handlers, so this one is the one in force."""

    def stop(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        serverapp.log.info("Stopping JupyterLab: shutting its kernels down (Ctrl-C again to stop at once).")
        serverapp.stop(from_signal=True)

    signal.signal(signal.SIGINT, stop)


if __name__ == "__main__":  # `python -m empathydesk.lab`, from a clone's folder (the Makefile's git-filter step)
    install_git_filter()
