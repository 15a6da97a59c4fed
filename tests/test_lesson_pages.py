"""The participant pages in notebooks/: prose plus one-line `ed.show(...)` calls, nothing else.

Checks that every page exists under the name its module file gives, that code cells are only the import
and known `ed.show` pieces, that each module page shows all its parts and has an anchor for each lesson
(the coach and coverage.yaml point at lesson ids), and that each page credits its article.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from empathydesk.content import Content, check

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
PIECE = re.compile(r"^[a-z0-9/-]+$")
MODULE_PARTS = ["header", "scenarios", "rewrite", "conversation", "reflection", "discussion", "pulse", "footer"]


@pytest.fixture(scope="module")
def content() -> Content:
    found, problems = check([REPO / "assessments"])
    assert not problems and found is not None, "\n".join(map(str, problems))
    return found


def cells(name: str) -> list[dict]:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def show_call(line: str) -> list[str] | None:
    """The piece names of a cell that is exactly one `ed.show("a", "b", …)` call, else None."""
    try:
        tree = ast.parse(line)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "ed.show" and call.args and not call.keywords):
        return None
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return names if len(names) == len(call.args) and all(PIECE.match(n) for n in names) else None


def shown(name: str) -> list[str]:
    """The pieces a page shows, in order; fails on any other code."""
    code = [source(c).strip() for c in cells(name) if c["cell_type"] == "code"]
    assert code and code[0] == "import empathydesk as ed", f"{name}: the first code cell must be `import empathydesk as ed`"
    pieces = []
    for line in code[1:]:
        names = show_call(line)
        assert names, f"{name}: code cells hold one `ed.show(\"...\", …)` call each, found {line!r}"
        pieces += names
    return pieces


def markdown(name: str) -> str:
    return "\n".join(source(c) for c in cells(name) if c["cell_type"] == "markdown")


def page_names(content: Content) -> list[str]:
    return ["00-welcome.ipynb", *(m.notebook for m in content.modules), "06-wrap-up.ipynb"]


def test_a_cell_is_one_show_call_and_nothing_else() -> None:
    assert show_call('ed.show("module-1/scenarios")') == ["module-1/scenarios"]
    assert show_call('ed.show(\n    "module-1/rewrite",\n    "module-1/pulse",\n)') == ["module-1/rewrite", "module-1/pulse"]
    for bad in ['ed.show("a"); import os', 'ed.show(x)', 'ed.show("a", b=1)', 'print("a")', 'ed.show()', 'ed.show("A B")']:
        assert show_call(bad) is None, bad


def test_every_page_exists(content: Content) -> None:
    names = page_names(content)
    missing = [n for n in names if not (NOTEBOOKS / n).exists()]
    assert not missing, f"missing pages: {missing}"
    assert [n[:2] for n in names] == ["00", "01", "02", "03", "04", "05", "06"]


def test_pages_show_only_known_pieces(content: Content) -> None:
    from empathydesk.widgets.registry import piece_names

    known = set(piece_names(content))
    for name in page_names(content):
        unknown = [p for p in shown(name) if p not in known]
        assert not unknown, f"{name}: unknown pieces {unknown}"


def test_module_pages_show_every_part_in_order(content: Content) -> None:
    for module in content.modules:
        assert shown(module.notebook) == [f"{module.id}/{part}" for part in MODULE_PARTS], module.notebook


def test_module_pages_credit_the_article_and_anchor_each_lesson(content: Content) -> None:
    for module in content.modules:
        text = markdown(module.notebook)
        if module.article.author:
            assert module.article.author in text, f"{module.notebook}: credit {module.article.author}"
            assert module.article.title.lower() in text.lower(), f"{module.notebook}: name the article {module.article.title!r}"
        else:
            assert "does not name its writer" in text, f"{module.notebook}: say that the article names no writer"
        for lesson in module.lessons:
            assert f'<a id="{lesson.id}"></a>' in text, f"{module.notebook}: no anchor for lesson {lesson.id!r}"
        assert "Instead of this" in text and "Try this" in text, f"{module.notebook}: needs a worked example"


def test_welcome_and_wrap_up_show_their_parts() -> None:
    assert shown("00-welcome.ipynb") == [
        "welcome/header", "consent", "checkpoint/baseline", "knowledge-check/start", "welcome/footer"
    ]
    assert shown("06-wrap-up.ipynb") == [
        "wrap-up/header",
        "checkpoint/wrap-up",
        "knowledge-check/end",
        "checkpoint/retro-before",
        "my-progress",
        "export",
        "import",
        "checkpoint/follow-up",
        "wrap-up/footer",
    ]
    welcome = markdown("00-welcome.ipynb")
    assert "What is saved" in welcome and "save your progress to a file" in welcome
    # who sees what in a workshop is told by the consent piece under it, only where there is a facilitator
    # (tests/widgets/test_page.py: test_in_a_workshop_the_consent_piece_says_who_sees_what)
