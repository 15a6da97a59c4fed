"""The plans of workshop/run-of-show.md ("## Plan A: ..."), each as a web page for the facilitator's home.

The file stays the one source: a plan is its section of the file, turned into HTML by mistune (already
installed with nbconvert), with any raw HTML in the file shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import mistune

from empathydesk.paths import workshop_dir

PLAN_HEADING = re.compile(r"^## Plan ([A-Z]): (.+)$")
SECTION_HEADING = re.compile(r"^## ")
_to_html = mistune.create_markdown(escape=True, plugins=["table"])


@dataclass(frozen=True)
class Plan:
    letter: str  # "A"
    title: str  # "60-minute onboarding session"
    markdown: str  # the section under its heading

    @property
    def slug(self) -> str:
        return self.letter.lower()

    @property
    def html(self) -> str:
        return str(_to_html(self.markdown))


def plans(text: str) -> list[Plan]:
    """Each "## Plan X: title" section of a run of show, in the file's order."""
    found: list[Plan] = []
    heading: re.Match[str] | None = None
    body: list[str] = []
    for line in [*text.splitlines(), "## end"]:
        if SECTION_HEADING.match(line):
            if heading:
                found.append(Plan(heading.group(1), heading.group(2).strip(), "\n".join(body).strip() + "\n"))
            heading, body = PLAN_HEADING.match(line), []
        else:
            body.append(line)
    return found


def workshop_plans(path: Path | None = None) -> list[Plan]:
    """The plans of the workshop's run of show (read each time: a facilitator may edit it during the day)."""
    return plans((path or workshop_dir() / "run-of-show.md").read_text(encoding="utf-8"))
