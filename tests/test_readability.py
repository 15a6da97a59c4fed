"""Participant-facing prose reads at grade 9 or below.

The grade is the Flesch-Kincaid grade level (textstat 0.7.4, which works offline) of the joined
participant-facing text of each file:

- each notebook in notebooks/: all its markdown cells, with the Markdown and HTML markup removed;
- each module file in assessments/modules/: title, goals, lesson titles, scenario prompts, options and
  feedback, rewrite exercises, reflections and discussion questions;
- assessments/instrument.yaml: scale labels, competency names and descriptions, items, checkpoints;
- assessments/knowledge.yaml: the quiz's title, its two introductions, and both forms' questions, options
  and feedback.

Run this file as a script to print the grade of every file:
    .venv/bin/python tests/test_readability.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import textstat
import yaml

REPO = Path(__file__).resolve().parents[1]
MAX_GRADE = 9.0


# --- collecting the text ---------------------------------------------------------------------------


def as_sentence(piece: str) -> str:
    """One piece of text, ending in a full stop if it has no end mark (titles, options, list items)."""
    piece = " ".join(piece.split())
    if not piece:
        return ""
    if not re.search(r"[.!?:;][\"')\]]*$", piece):
        piece += "."
    return piece


def join_pieces(pieces: list[str]) -> str:
    return "\n".join(s for s in (as_sentence(p) for p in pieces) if s)


def markdown_pieces(markdown: str) -> list[str]:
    """The readable text of a Markdown cell: one piece per paragraph, heading, list item or table row.

    Lines wrapped inside a paragraph are joined again, so that a wrapped sentence counts as one sentence.
    """
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"```.*?```", "\n\n", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags such as <a id="..."></a>
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images: keep the alt text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the words
    text = re.sub(r"`([^`]*)`", r"\1", text)
    pieces: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            pieces.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        quoted = re.match(r"^\s{0,3}>\s?", raw)
        line = raw[quoted.end():] if quoted else raw
        starts_block = re.match(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)", line)
        is_heading = line.lstrip().startswith("#")
        is_row = line.strip().startswith("|")
        line = re.sub(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)", "", line)
        line = line.replace("**", "").replace("__", "").replace("|", " ")
        line = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", line)  # *emphasis*
        if re.fullmatch(r"[\s:\-=]*", line):  # blank line or table rule: a paragraph ends
            close()
            continue
        if starts_block or is_heading or is_row:
            close()
        current.append(line.strip())
        if is_heading or is_row:
            close()
    close()
    return pieces


def notebook_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    pieces: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            pieces += markdown_pieces("".join(source) if isinstance(source, list) else source)
    return join_pieces(pieces)


def question_pieces(scenarios: list[dict]) -> list[str]:
    pieces = []
    for scenario in scenarios:
        pieces.append(scenario["prompt"])
        for option in scenario["options"]:
            pieces += [option["text"], option["feedback"]]
    return pieces


def module_text(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pieces = [data["title"], *data.get("goals", [])]
    pieces += [lesson["title"] for lesson in data.get("lessons", [])]
    pieces += question_pieces(data.get("scenarios", []))
    for exercise in data.get("exercises", []):
        pieces += [exercise["situation"], exercise["curt_reply"], *exercise["good_rewrite"], exercise["example"]]
    pieces += [r["prompt"] for r in data.get("reflections", [])]
    pieces += data.get("discussion", [])
    return join_pieces(pieces)


def instrument_text(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pieces = [data["title"], *(p["label"] for p in data["scale"])]
    for comp in data["competencies"]:
        pieces += [comp["name"], comp["description"]]
    pieces += [item["text"] for item in data["items"]]
    for cp in data["checkpoints"]:
        pieces += [cp["title"], cp["prompt"]]
    return join_pieces(pieces)


def knowledge_text(path: Path) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pieces = [data["title"], data["start"], data["end"]]
    for form in data["forms"]:
        pieces += question_pieces(form["items"])
    return join_pieces(pieces)


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def participant_files() -> list[Path]:
    files = sorted((REPO / "notebooks").glob("*.ipynb"))
    files += sorted((REPO / "assessments" / "modules").glob("*.yaml"))
    files += [REPO / "assessments" / "instrument.yaml", REPO / "assessments" / "knowledge.yaml"]
    return files


def text_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        return notebook_text(path)
    if path.name == "instrument.yaml":
        return instrument_text(path)
    if path.name == "knowledge.yaml":
        return knowledge_text(path)
    return module_text(path)


# --- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", participant_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_reads_at_grade_nine_or_below(path: Path) -> None:
    text = text_of(path)
    assert len(text.split()) >= 20, f"{path.name}: too little text found to grade"
    found = grade(text)
    assert found <= MAX_GRADE, (
        f"{path.relative_to(REPO)} reads at grade {found:.1f}; the aim is {MAX_GRADE:.0f} or below. "
        "Use shorter sentences and everyday words."
    )


def test_there_are_pages_and_modules_to_check() -> None:
    names = {p.name for p in participant_files()}
    assert "00-welcome.ipynb" in names and "06-wrap-up.ipynb" in names
    assert {f"module-{n}.yaml" for n in range(1, 6)} <= names


def test_the_check_catches_hard_prose() -> None:
    hard = (
        "Notwithstanding the considerable organisational heterogeneity characterising contemporary "
        "information technology departments, practitioners should systematically internalise "
        "communicative methodologies prioritising interpersonal acknowledgement."
    )
    assert grade(join_pieces([hard])) > MAX_GRADE
    assert grade(join_pieces(["We can fix it together.", "Would now be a good time?"])) <= MAX_GRADE


def test_markdown_markup_is_not_counted() -> None:
    pieces = markdown_pieces('## A title\n\n<a id="x"></a>\n- **Bold** point with a [link](http://example.org/a/b)\n')
    assert pieces == ["A title", "Bold point with a link"]


def test_wrapped_lines_stay_one_sentence() -> None:
    pieces = markdown_pieces("A long sentence that\nwraps onto a second line.\n\n> A quote that\n> wraps too.\n- item one\n  goes on\n- item two\n")
    assert pieces == [
        "A long sentence that wraps onto a second line.",
        "A quote that wraps too.",
        "item one goes on",
        "item two",
    ]


if __name__ == "__main__":
    for path in participant_files():
        text = text_of(path)
        print(f"{grade(text):5.1f}  {len(text.split()):5d} words  {path.relative_to(REPO)}")
