"""Self-study in JupyterLab: the lesson files stay clean when JupyterLab saves them.

A lesson notebook carries `"empathydesk": {"lesson": true}` in its metadata. When JupyterLab saves one
(Ctrl+S, or its autosave every two minutes), Jupyter Server's `pre_save_hook` (`clean_on_save`, set in
share/lab/jupyter_server_config.json, which `make lab` and Binder use) writes it as it was shipped: no
outputs (the widgets' outputs would reopen as "Error displaying widget: model not found", and the
stylesheet is 300 lines), no run counts, no widget state, no kernel's version details. The answers are in
the data folder, not in the file, so nothing is lost; and `git status` stays clean.

This is the one module that knows about Jupyter Server's save hook; it is written for Jupyter Server 2
(`empathydesk._voila.WRITTEN_FOR`), whose hook is called as `hook(model=..., path=..., contents_manager=...)`.
"""

from __future__ import annotations

from typing import Any

LESSON_KEY = "empathydesk"
# What a lesson keeps: of the notebook's metadata (language_info is cut to its name: the rest is the
# kernel's version), and of each cell's (collapsed input and tags; not "scrolled", "execution" and the like).
NOTEBOOK_METADATA = ("kernelspec", "language_info", "title", LESSON_KEY)
CELL_METADATA = ("jupyter", "tags")


def is_lesson(notebook: dict[str, Any]) -> bool:
    return bool(notebook.get("metadata", {}).get(LESSON_KEY, {}).get("lesson"))


def clean(notebook: dict[str, Any]) -> dict[str, Any]:
    """The lesson notebook as shipped: a new dict, without outputs, run counts, widget state or version details."""
    metadata = {k: v for k, v in notebook.get("metadata", {}).items() if k in NOTEBOOK_METADATA}
    if "language_info" in metadata:
        metadata["language_info"] = {"name": metadata["language_info"].get("name", "python")}
    cells = []
    for cell in notebook.get("cells", []):
        kept = {**cell, "metadata": {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA}}
        if cell.get("cell_type") == "code":
            kept |= {"outputs": [], "execution_count": None}
        else:
            kept.pop("outputs", None)
            kept.pop("execution_count", None)
        cells.append(kept)
    return {**notebook, "metadata": metadata, "cells": cells}


def clean_on_save(model: dict[str, Any], **_: Any) -> None:
    """Jupyter Server's pre-save hook: a lesson notebook is saved clean (`clean`); any other file as it is."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if is_lesson(model["content"]):
        model["content"] = clean(model["content"])
