"""Self-study in JupyterLab: lesson files as shipped, saved clean by the project's save hook, the run hint."""

from __future__ import annotations

import copy
import json
import shlex
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from empathydesk.lab import clean, clean_on_save, install_git_filter, is_lesson
from empathydesk.paths import PACKAGE_DIR, TEMPLATE_DIR

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("*.ipynb"))
LAB_CONFIG = PACKAGE_DIR / "share" / "lab" / "jupyter_server_config.json"


def as_run_in_jupyterlab(notebook: dict) -> dict:
    """What JupyterLab sends when a run lesson is saved: outputs, run counts, widget state, the kernel's details."""
    run = copy.deepcopy(notebook)
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}}
    for n, cell in enumerate(run["cells"], start=1):
        if cell["cell_type"] == "code":
            cell["execution_count"] = n
            cell["outputs"] = [{"output_type": "display_data", "data": {"text/html": "<style>x</style>", **view}, "metadata": {}}]
            cell["metadata"]["scrolled"] = True
            cell["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    run["metadata"]["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python"}
    run["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return run


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_each_lesson_is_shipped_clean_with_a_run_hint(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert is_lesson(notebook) and clean(notebook) == notebook
    first = notebook["cells"][0]
    assert first["cell_type"] == "markdown" and first["metadata"]["tags"] == ["notebook-only"]
    assert "Run ▸ Run All Cells" in "".join(first["source"]) and "Restart Kernel and Run All Cells" in "".join(first["source"])
    shows = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]).startswith("ed.show(")]
    assert shows and all(c["metadata"]["jupyter"]["source_hidden"] for c in shows)


NOTEBOOKS = sorted(p for folder in ("notebooks", "workshop", "bench") for p in (REPO / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(REPO)) for p in NOTEBOOKS])
def test_every_notebook_is_committed_as_the_git_filter_stores_it(path: Path) -> None:
    """Else a clone with the filter (make install) would show it as changed, or change it on the next commit."""
    text = path.read_text(encoding="utf-8")
    stored = nbformat.writes(clean(nbformat.reads(text, as_version=nbformat.NO_CONVERT)))
    assert text == stored + ("" if stored.endswith("\n") else "\n")


def test_the_save_hook_writes_a_run_lesson_as_shipped(tmp_path: Path) -> None:
    """Through Jupyter Server's own contents manager, configured as `make lab` configures it."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    hook = json.loads(LAB_CONFIG.read_text())["ContentsManager"]["pre_save_hook"]
    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=hook)
    shipped = REPO / "notebooks" / "01-their-side.ipynb"
    shutil.copy(shipped, tmp_path / shipped.name)
    model = manager.get(shipped.name)
    model["content"] = as_run_in_jupyterlab(json.loads(json.dumps(model["content"])))
    manager.save(model, shipped.name)
    assert (tmp_path / shipped.name).read_bytes() == shipped.read_bytes()

    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    run = as_run_in_jupyterlab(json.loads(nbformat.writes(other)))
    manager.save({"type": "notebook", "format": "json", "content": run}, "mine.ipynb")
    assert nbformat.read(tmp_path / "mine.ipynb", as_version=4).cells[0].outputs  # not a lesson: saved as it is


def test_git_stores_notebooks_as_the_save_hook_writes_them(tmp_path: Path) -> None:
    """A clone set up as `make install` sets it up: a run lesson and another notebook with outputs, staged with
    `git add`, are stored clean (the lesson byte for byte as shipped), and the run files read as unchanged."""
    repo = tmp_path / "clone"
    repo.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    shutil.copy(REPO / ".gitattributes", repo / ".gitattributes")
    install_git_filter(repo)
    assert (repo / ".gitattributes").read_text() == (REPO / ".gitattributes").read_text()  # nothing to add
    assert "nbstripout --keep-id" in git("config", "filter.nbstripout.clean")
    shipped = REPO / "notebooks" / "01-their-side.ipynb"
    run = as_run_in_jupyterlab(json.loads(shipped.read_text(encoding="utf-8")))
    nbformat.write(nbformat.from_dict(run), repo / "lesson.ipynb")
    other = as_run_in_jupyterlab(json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))))
    nbformat.write(nbformat.from_dict(other), repo / "mine.ipynb")
    assert "widget-view" in (repo / "lesson.ipynb").read_text()
    git("add", "lesson.ipynb", "mine.ipynb")
    assert git("show", ":lesson.ipynb") == shipped.read_text(encoding="utf-8")
    stored = nbformat.reads(git("show", ":mine.ipynb"), as_version=4)
    assert stored.cells[0].outputs == [] and stored.cells[0].execution_count is None and "widgets" not in stored.metadata
    assert git("diff", "--name-only") == ""  # the run files, as git sees them, are what is stored


def test_the_hook_leaves_other_files_alone() -> None:
    text = {"type": "file", "format": "text", "content": "notes"}
    clean_on_save(model=text, path="notes.txt", contents_manager=None)
    assert text["content"] == "notes"


def test_voila_in_jupyterlab_leaves_out_what_the_workshops_pages_leave_out() -> None:
    """JupyterLab's Voilà preview and Binder's Voilà (the lab config, default template) drop the cells the
    workshop's template drops: the "run the cells" note is for the notebook only."""
    from empathydesk.join_page import removed_tags

    remove = json.loads((LAB_CONFIG).read_text())["TagRemovePreprocessor"]
    assert remove["enabled"] and set(remove["remove_cell_tags"]) == removed_tags(TEMPLATE_DIR) == {"notebook-only"}


def test_the_run_hint_is_not_on_the_workshops_pages() -> None:
    """The workshop's page template removes the cells tagged "notebook-only" (its conf.json)."""
    from jupyter_core.paths import jupyter_path
    from nbconvert.exporters import HTMLExporter

    notebook = nbformat.read(LESSONS[0], as_version=4)
    bases = [str(TEMPLATE_DIR.parent), *jupyter_path("voila", "templates")]  # ours, then Voila's "lab" it builds on
    exporter = HTMLExporter(template_name=TEMPLATE_DIR.name, extra_template_basedirs=bases)
    for step in exporter._preprocessors:
        if type(step).__name__ == "TagRemovePreprocessor":
            notebook, _ = step(notebook, {})
    assert not any("notebook-only" in c.metadata.get("tags", []) for c in notebook.cells)
    assert any("ed.show(" in c.source for c in notebook.cells)


def test_make_lab_opens_the_lessons_index_with_the_projects_config() -> None:
    """`make lab`'s command, as make runs it from the repository (`jupyter lab` takes the file to open from the
    folder it is started in, not from its root_dir)."""
    shown = subprocess.run(["make", "-n", "-o", ".venv/.installed-runtime", "-o", "git-filter", "lab"], cwd=REPO,
                           check=True, capture_output=True, text=True).stdout
    args = shlex.split(next(line for line in shown.splitlines() if "jupyter lab" in line))
    assert args[0] == f"JUPYTER_CONFIG_PATH={LAB_CONFIG.parent.relative_to(REPO)}"
    root = REPO / next(a.split("=", 1)[1] for a in args if a.startswith("--ServerApp.root_dir="))
    opened = REPO / args[-1]
    assert opened.is_file() and opened.parent == root == REPO / "notebooks" and opened.name == "index.ipynb"


@pytest.mark.parametrize("origin, badge", [
    ("git@github.com:someone/their-fork.git", "v2/gh/someone/their-fork/HEAD?urlpath=voila/render/notebooks/index.ipynb"),
    ("https://github.com/Some-One/empathy.desk", "v2/gh/Some-One/empathy.desk/HEAD?"),
    ("https://gitlab.com/someone/elsewhere.git", None),
    ("", None),
])
def test_make_binder_badge_is_built_from_the_repositorys_address(tmp_path: Path, origin: str, badge: str | None) -> None:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    if origin:
        subprocess.run(["git", "remote", "add", "origin", origin], cwd=tmp_path, check=True)
    made = subprocess.run(["make", "-s", "binder-badge"], cwd=tmp_path, capture_output=True, text=True)
    if badge is None:
        assert made.returncode != 0 and "has no GitHub address" in made.stderr and "mybinder" not in made.stdout
    else:
        assert made.returncode == 0 and made.stdout.startswith("[![Try it on Binder](https://mybinder.org/badge_logo.svg)]")
        assert f"(https://mybinder.org/{badge}" in made.stdout


@pytest.mark.parametrize("ctrl_c_ignored", [True, False], ids=["started-as-a-background-job", "started-plainly"])
def test_one_ctrl_c_stops_jupyterlab_without_a_terminal(tmp_path: Path, ctrl_c_ignored: bool) -> None:
    """No terminal, a kernel running: one Ctrl-C (SIGINT to the process group) shuts the kernel down and stops
    JupyterLab, also when it was started with Ctrl-C ignored, as a shell script's background job is."""
    import os
    import signal
    import sys
    import time
    import urllib.request

    from tests.workshop_helpers import free_port_pair

    port, token = free_port_pair(), "ctrl-c-test"
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "lab.log"
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(LAB_CONFIG.parent), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}

    def as_started() -> None:
        if ctrl_c_ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    with log.open("w") as out:
        lab = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
             "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={tmp_path}"],
            env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=as_started,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert lab.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        started = urllib.request.Request(f"{url}/api/kernels?token={token}", data=b"{}", method="POST")
        kernel = json.load(urllib.request.urlopen(started, timeout=60))["id"]
        assert kernel in {k["id"] for k in json.load(urllib.request.urlopen(f"{url}/api/kernels?token={token}"))}

        os.killpg(lab.pid, signal.SIGINT)
        status = lab.wait(timeout=90)  # a hang guard: a lost Ctrl-C fails here
        text = log.read_text()
        assert status == 0, text
        assert "Stopping JupyterLab" in text and "Shutting down 1 kernel" in text, text
        assert not list((tmp_path / "runtime").glob(f"kernel-{kernel}*.json")), "the kernel was not shut down"
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()
