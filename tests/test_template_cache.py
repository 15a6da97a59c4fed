"""The workshop's Voilà apps compile a page template once, not for every page view."""

from __future__ import annotations

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter

from empathydesk._voila import cache_compiled_templates


def compiles_while_rendering(monkeypatch) -> int:
    """How many templates a fresh exporter compiles to render a small notebook."""
    calls = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: calls.append(1) or compile_(self, *a, **k))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi <b>there</b>")])
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    assert "Hi" in body
    return len(calls)


def test_a_second_page_view_compiles_no_template(monkeypatch, tmp_path):
    monkeypatch.setattr(TemplateExporter, "_create_environment", TemplateExporter._create_environment)  # undone after
    assert compiles_while_rendering(monkeypatch) > 0
    assert compiles_while_rendering(monkeypatch) > 0  # without the cache, every new exporter compiles again
    cache_compiled_templates(str(tmp_path))
    assert compiles_while_rendering(monkeypatch) > 0  # fills the cache
    assert compiles_while_rendering(monkeypatch) == 0
    assert any(tmp_path.iterdir())
