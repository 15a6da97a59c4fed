"""show(piece) names: every known name builds, unknown names give a clear message, the kernel stays lean."""

from __future__ import annotations

import subprocess
import sys

import ipywidgets as w
import pytest

from empathydesk.widgets import build, piece_names, show
from empathydesk.widgets.registry import UnknownPiece

from .conftest import all_html, text_of


def test_every_known_piece_builds(make, content, monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_STRICT", "1")  # a piece that fails raises, with its traceback
    names = piece_names(content)
    assert {"consent", "export", "import", "my-progress", "checkpoint/baseline", "module-1/pulse",
            "module-1/scenarios", "module-1/rewrite", "module-1/reflection", "module-1/discussion",
            "module-1/header", "module-1/footer", "welcome/header", "welcome/footer", "wrap-up/footer"} <= set(names)
    for name in names:
        widget = make(name)
        assert isinstance(widget, w.Box), name
        assert "ed-broken" not in widget._dom_classes and "ed-unknown" not in widget._dom_classes, name


def test_unknown_name_says_what_to_do(make):
    widget = make("module-1/scenario")
    assert "ed-unknown" in widget._dom_classes
    message = text_of(widget)
    assert "no piece called" in message and "module-1/scenarios" in message  # suggests the close match
    assert "ed-unknown" in make("module-99/scenarios")._dom_classes
    assert "ed-unknown" in make("checkpoint/nope")._dom_classes
    assert "ed-unknown" in make("<script>alert(1)</script>")._dom_classes
    assert "<script>" not in text_of(make("<script>alert(1)</script>"))


def test_pulse_is_the_modules_checkpoint(make):
    assert "ed-checkpoint-after-module-1" in make("module-1/pulse")._dom_classes


def test_show_displays_and_returns_nothing(page, capsys):
    assert show("module-1/discussion", session=page) is None


def test_no_participant_on_hosted_page_says_what_to_do(visit, monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    page = visit("seat=not-a-real-token")
    header = build("module-1/header", page)
    assert "ed-no-participant" in header._dom_classes
    assert "join code" in text_of(header) and "facilitator" in text_of(header)
    assert "ed-no-participant" in build("module-1/scenarios", page)._dom_classes
    # the discussion questions are not personal: they still show
    assert "ed-discussion" in build("module-1/discussion", page)._dom_classes


def test_token_in_the_address_finds_its_owner(store, visit, monkeypatch):
    cohort = store.create_cohort("Tuesday")
    person = store.join(cohort.join_code, "Ana")
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    header = build("module-1/header", visit(f"seat={person.token}"))
    assert "ed-header" in header._dom_classes
    assert f"?seat={person.token}" in text_of(header)


def test_storage_failure_at_build_is_a_friendly_message(store, page, monkeypatch):
    from empathydesk.storage import StorageError

    def broken(pid):
        raise StorageError("We can't reach the database just now. Please try again in a minute.")

    monkeypatch.setattr(store, "scenario_attempts", broken)
    widget = build("module-1/scenarios", page)
    assert "ed-broken" in widget._dom_classes
    assert "reach the database" in text_of(widget) and "Traceback" not in text_of(widget)


def test_unexpected_error_at_build_is_a_friendly_message(store, page, monkeypatch):
    monkeypatch.setattr(store, "ratings", lambda pid: 1 / 0)
    widget = build("checkpoint/baseline", page)  # a notebook in JupyterLab, on one's own
    assert "ed-broken" in widget._dom_classes
    assert "Restart Kernel and Run All Cells" in text_of(widget) and "ZeroDivision" not in text_of(widget)
    assert "reload" not in text_of(widget) and "facilitator" not in text_of(widget)
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a workshop page in Voilà
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    words = text_of(build("checkpoint/baseline", page))
    assert "reload the page" in words and "tell the facilitator" in words


def test_strict_mode_raises_what_participants_see_as_sorry(store, page, monkeypatch):
    monkeypatch.setattr(store, "ratings", lambda pid: 1 / 0)
    monkeypatch.setenv("EMPATHYDESK_STRICT", "1")  # as the notebook tests run
    with pytest.raises(ZeroDivisionError):
        build("checkpoint/baseline", page)
    with pytest.raises(UnknownPiece):
        build("module-1/scenarioz", page)
    monkeypatch.setenv("EMPATHYDESK_STRICT", "0")
    assert "ed-broken" in build("checkpoint/baseline", page)._dom_classes
    assert "ed-unknown" in build("module-1/scenarioz", page)._dom_classes


def test_lesson_page_pieces_do_not_import_heavy_libraries(tmp_path):
    code = f"""
import sys
from empathydesk.storage import Store
from empathydesk.widgets import Session, build
store = Store.open("sqlite:///{tmp_path}/lean.sqlite")
page = Session(store=store, participant=store.local_participant(), query="")
for piece in ["module-1/header", "checkpoint/baseline", "module-1/scenarios", "module-1/rewrite",
              "module-1/reflection", "module-1/discussion", "module-1/pulse", "module-1/footer", "consent",
              "my-progress", "export", "import"]:
    assert "ed-broken" not in build(piece, page)._dom_classes, piece
heavy = [m for m in ("pandas", "scipy", "matplotlib", "textstat", "vaderSentiment", "empathydesk.charts")
         if m in sys.modules]
print(heavy)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr  # the coach loads when someone types, charts on a press


def test_show_displays_each_piece_named_in_order(monkeypatch, page):
    import IPython.display

    import empathydesk

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    empathydesk.show("module-1/reflection", "module-1/discussion", session=page)
    style, *pieces = shown
    assert isinstance(style, IPython.display.HTML) and style.data.startswith("<style>")  # once, as plain HTML
    assert [sorted(c for c in x._dom_classes if c.startswith("ed-") and c != "ed-piece") for x in pieces] == [
        ["ed-reflection"], ["ed-discussion"]]
    assert "<style>" not in all_html(pieces[0]) + all_html(pieces[1])  # no stylesheet widget in a piece
    assert repr(pieces[0]) == "<EmpathyDesk piece: ed-reflection>"  # short: IPython asks for it on display


def test_show_leaves_the_stylesheet_to_the_workshops_page_template(monkeypatch, page):
    import IPython.display

    import empathydesk
    from empathydesk.server import SHARE_DIR, TEMPLATE
    from empathydesk.widgets.ui import STYLESHEET

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")  # hosted by Voilà on JupyterHub, say: its own template
    empathydesk.show("module-1/discussion", session=page)
    assert isinstance(shown[0], IPython.display.HTML) and len(shown) == 2
    shown.clear()
    monkeypatch.setenv("EMPATHYDESK_TEMPLATE", TEMPLATE)  # as `empathydesk workshop` sets it for its apps
    empathydesk.show("module-1/discussion", session=page)
    assert [sorted(x._dom_classes) for x in shown] == [["ed-discussion", "ed-piece"]]
    template = SHARE_DIR / "voila" / "templates" / TEMPLATE / "index.html.j2"
    assert STYLESHEET.parent == template.parent and '{% include "pieces.css" %}' in template.read_text()


def test_a_kernel_keeps_one_page_context_on_its_shell(monkeypatch):
    import IPython

    from empathydesk.widgets.session import kernel_session

    class Shell:
        pass

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    page = kernel_session()
    assert kernel_session() is page  # every show() of this kernel's page gets the same context
    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())  # another kernel: a page of its own
    assert kernel_session() is not page
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # plain Python: nothing is kept
    assert kernel_session() is not kernel_session()
