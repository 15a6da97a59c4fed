"""The markup of "My progress": the participant's charts, their reflections and the link to their PDF report.

Imported only when the participant asks for their charts (it imports matplotlib through `empathydesk.charts`).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from empathydesk.charts import close, ordered_reflections, participant_charts, report_pdf, rid_prompt
from empathydesk.content import Content
from empathydesk.kinds import summaries


def report_file_name(pseudonym: str, when: str | None = None) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", pseudonym or "").strip("-")[:40]
    return f"empathydesk-report{'-' + name if name else ''}-{when or date.today().isoformat()}.pdf"


def reflections_html(content: Content, reflections: Mapping[str, str]) -> str:
    """The participant's reflections, each under its prompt (all text escaped)."""
    written = ordered_reflections(content, [(r, t) for r, t in reflections.items() if (t or "").strip()])
    if not written:
        return "<h4>My reflections</h4><p class=\"ed-muted\">You have not written a reflection yet. They will show here.</p>"
    items = "".join(
        f'<li><p class="ed-muted">{html.escape(rid_prompt(content, rid))}</p>'
        f'<p class="ed-quote">{html.escape(text.strip())}</p></li>'
        for rid, text in written
    )
    return f'<h4>My reflections</h4><ul style="list-style:none;padding-left:0">{items}</ul>'


def progress_parts(content: Content, store: Any, participant: Any) -> dict[str, str]:
    """The markup of the "My progress" view: {"charts", "reflections", "download"} (charts drawn and closed)."""
    answers = store.answers(participant.id)
    reflections = answers.reflections
    results = summaries(content, answers)
    charts = participant_charts(content, answers.ratings, answers.scenario_attempts)
    try:
        chart_html = "".join(f"<p><strong>{html.escape(line)}</strong></p>" for line in results) + "".join(
            f'<p class="ed-muted"><strong>{html.escape(c.title)}:</strong> {html.escape(c.alt.split(": ", 1)[-1])}</p>'
            if c.extra.get("empty") else c.html()
            for c in charts
        )
        pdf = report_pdf(content, participant.pseudonym, charts, reflections, results=results)
    finally:
        close(charts)
    name = report_file_name(participant.pseudonym)
    payload = base64.b64encode(pdf).decode("ascii")
    download = (
        f'<p><a class="ed-download ed-next" download="{html.escape(name, quote=True)}" '
        f'href="data:application/pdf;base64,{payload}">⬇ Download my report (PDF)</a></p>'
        f'<p class="ed-muted">The report has your charts, what they show in words, and your reflections.</p>'
    )
    return {"charts": chart_html, "reflections": reflections_html(content, reflections), "download": download}
