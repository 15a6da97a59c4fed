"""Self-study in JupyterLab, as `make lab` starts it (the project's server config, the lessons as the root):
run all, follow "Start" and "Next" into the next notebooks without leaving JupyterLab, answer, save with
Ctrl+S, restart JupyterLab and open the lesson again: it opens clean and the answer comes back, and
`git status` shows no lesson file changed. Voilà in JupyterLab (its preview, as on Binder) leaves out the
"run the cells" note.

The lessons are a copy of notebooks/ in a git repository of their own (the repository's files are compared
with it, never written). Screenshots in test-artifacts/ (1280 px): lab-before-run, lab-after-run,
lab-welcome, lab-next, lab-reopened (before running again), lab-answer-back, lab-voila-preview; (375 px):
lab-opened-375 (as JupyterLab opens, its file browser open), lab-before-run-375 and lab-after-run-375 (closed).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from empathydesk.paths import PACKAGE_DIR

from .conftest import CHROMIUM, DESKTOP, PHONE, REPO, free_port

LAB_CONFIG = PACKAGE_DIR / "share" / "lab"
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the current tab
CURRENT_TAB = "document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')"
QUIET = {  # no toasts over the notebook, nothing fetched from the internet
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False,
                                                                       "doNotDisturbMode": True},
}


class Lab:
    """`jupyter lab` as `make lab` runs it, on a free port with a token, its answers in `data`."""

    def __init__(self, root: Path, data: Path, home: Path) -> None:
        self.root, self.data, self.home = root, data, home
        self.token = secrets.token_urlsafe(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "EMPATHYDESK_DATA": str(self.data), "JUPYTER_CONFIG_PATH": str(LAB_CONFIG),
               "JUPYTERLAB_SETTINGS_DIR": str(self.home / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"), "PYTHONUNBUFFERED": "1"}
        for name in ("EMPATHYDESK_HOSTED", "EMPATHYDESK_DB_URL", "EMPATHYDESK_API_URL", "EMPATHYDESK_TEMPLATE"):
            env.pop(name, None)
        log = (self.home / "lab.log").open("a")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--ServerApp.root_dir={self.root}",
             f"--port={self.port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}"],
            env=env, cwd=self.home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.home / "lab.log").read_text()
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("JupyterLab did not answer within 60 s:\n" + (self.home / "lab.log").read_text())

    def stop(self) -> None:
        """One Ctrl-C, as one stops `make lab` (empathydesk.lab's handler: with or without a terminal, also when
        started as a background job, as under CI, where Ctrl-C is ignored unless JupyterLab handles it)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, 2)
        try:
            self.process.wait(timeout=90)  # a hang guard: it shuts its kernels down first
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            raise AssertionError("one Ctrl-C did not stop JupyterLab:\n" + (self.home / "lab.log").read_text()[-3000:])

    def open(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}"


def git(repo: Path, *args: str) -> str:
    """Plain git (no filter: a file with outputs shows as changed) in the lessons' own repository."""
    command = ["git", "-c", "user.name=EmpathyDesk test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    root = tmp_path / "lessons"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "the lessons as shipped")
    for name, settings in QUIET.items():
        target = tmp_path / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))
    running = Lab(root, tmp_path / "data", tmp_path)
    running.start()
    yield running
    running.stop()


def run_all(page) -> None:
    """What the banner at the top of each lesson says: Run ▸ Run All Cells (once the notebook's kernel is ready)."""
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()


def opened(page, notebook: str) -> None:
    """Wait until `notebook` is the current tab of JupyterLab's main area, and shows its first cell (no
    "Cannot open" dialog, no "Could not find path")."""
    page.wait_for_function(f"() => {CURRENT_TAB}?.textContent === {json.dumps(notebook)}")
    page.locator(NOTEBOOK).locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.wait_for()
    assert page.locator(".jp-Dialog").count() == 0
    assert "Could not find path" not in page.locator("body").text_content()


def test_self_study_in_jupyterlab(lab: Lab, browser, artifacts) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(60_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.goto(lab.open("index.ipynb"))
    notebook = page.locator(NOTEBOOK)
    notebook.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.get_by_text("Run All Cells", exact=False).first.wait_for()
    assert notebook.locator(".jp-OutputArea-output").count() == 0
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "lab-before-run.png"))

    run_all(page)
    start = notebook.locator(".ed-join a.ed-next")
    start.wait_for()
    assert "Start: Welcome" in start.text_content()
    assert "You are working on your own" in notebook.locator(".ed-join").text_content()
    page.screenshot(path=str(artifacts / "lab-after-run.png"))

    page.evaluate("window.__sameLab = true")  # gone if the browser leaves or reloads JupyterLab
    start.click()
    opened(page, "00-welcome.ipynb")
    assert page.evaluate("window.__sameLab === true") and not dialogs
    assert re.search(r"/lab/tree/00-welcome\.ipynb", page.url)

    welcome = page.locator(NOTEBOOK)
    welcome.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.get_by_text("Run All Cells", exact=False).first.wait_for()
    run_all(page)
    welcome.locator(".ed-footer a.ed-next").wait_for()
    header = welcome.locator(".ed-header").text_content()
    assert "You are studying on your own, as Me" in header and str(lab.data / "empathydesk.sqlite") in header
    assert "facilitator" not in welcome.locator(".ed-consent").text_content().replace("there is no facilitator", "")
    welcome.locator(".ed-header").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # JupyterLab draws the cells that scrolled into view
    page.screenshot(path=str(artifacts / "lab-welcome.png"))
    first_item = welcome.locator(".ed-checkpoint-baseline .ed-item").first
    first_item.locator("input[type=radio]").nth(2).check()
    welcome.locator(".ed-checkpoint-baseline").get_by_text("1 of", exact=False).first.wait_for()

    welcome.locator(".jp-Cell").first.click()  # the notebook has the keyboard, not a widget
    page.keyboard.press("Control+s")
    saved = lab.root / "00-welcome.ipynb"
    page.wait_for_function(f"() => !{CURRENT_TAB}.parentElement.classList.contains('jp-mod-dirty')")
    deadline = time.monotonic() + 10
    while saved.read_bytes() != (REPO / "notebooks" / "00-welcome.ipynb").read_bytes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert saved.read_bytes() == (REPO / "notebooks" / "00-welcome.ipynb").read_bytes()  # as shipped: git sees no change
    assert "widget-view" not in saved.read_text() and '"outputs": []' in saved.read_text()

    nxt = welcome.locator(".ed-footer a.ed-next")
    assert "Next: Module 1" in nxt.text_content()
    nxt.click()
    opened(page, "01-their-side.ipynb")
    assert page.evaluate("window.__sameLab === true") and not dialogs
    page.screenshot(path=str(artifacts / "lab-next.png"))
    context.close()

    lab.stop()  # a restart: the same lessons and answers, a new server
    lab.port = free_port()
    lab.url = f"http://127.0.0.1:{lab.port}"
    lab.start()
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(lab.open("00-welcome.ipynb"))
    opened(page, "00-welcome.ipynb")
    reopened = page.locator(NOTEBOOK)
    reopened.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.get_by_text("Run All Cells", exact=False).first.wait_for()
    page.wait_for_timeout(1000)
    assert "Error displaying widget" not in page.locator("body").text_content()
    page.screenshot(path=str(artifacts / "lab-reopened.png"))
    run_all(page)
    reopened.locator(".ed-footer a.ed-next").wait_for()
    again = reopened.locator(".ed-checkpoint-baseline .ed-item").first.locator("input[type=radio]").nth(2)
    again.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    assert again.is_checked()  # the answer is back, from the data folder
    assert "Error displaying widget" not in page.locator("body").text_content()
    page.screenshot(path=str(artifacts / "lab-answer-back.png"))
    context.close()

    # Voilà opened from JupyterLab (its preview, Binder's voila/render): the pages without the "run" note
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto(f"{lab.url}/voila/render/00-welcome.ipynb?token={lab.token}")
    page.locator(".ed-footer a.ed-next").wait_for()
    shown = page.locator("body").text_content()
    assert "You are studying on your own, as Me" in shown and "Run All Cells" not in shown and "Run ▸" not in shown
    page.screenshot(path=str(artifacts / "lab-voila-preview.png"))
    context.close()

    # On a phone-sized screen: the lesson list before and after Run ▸ Run All Cells
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(lab.open("index.ipynb"))
    page.locator(".jp-DirListing-item", has_text="index.ipynb").wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "lab-opened-375.png"))  # JupyterLab's file browser takes most of the width
    page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="filebrowser"]').click()  # tapped away
    notebook = page.locator(NOTEBOOK)
    notebook.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first.get_by_text("Run All Cells", exact=False).first.wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "lab-before-run-375.png"))
    run_all(page)
    notebook.locator(".ed-join a.ed-next").wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "lab-after-run-375.png"))
    context.close()

    for lesson in (REPO / "notebooks").glob("*.ipynb"):  # nothing in JupyterLab changed a lesson file
        assert (lab.root / lesson.name).read_bytes() == lesson.read_bytes(), lesson.name
    assert git(lab.root, "status", "--porcelain", "--untracked-files=no") == ""
    assert git(lab.root, "ls-files", "--", "*.ipynb").split() == sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
