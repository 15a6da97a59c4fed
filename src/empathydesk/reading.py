"""How long each page takes: its words divided by a reading speed, plus the time its tasks take.

The facilitator's plans (workshop/run-of-show.md) use these figures; tests/test_reading_time.py checks
that every plan gives each page at least the native-speaker time measured here.

Run ``python -m empathydesk.reading`` to print the table.

What is counted as read on a page:

* the prose of its markdown cells (markup, links and anchors left out);
* each scenario's prompt and options, and the feedback of one and a half options (a first pick, and a
  second try about half the time);
* each rewrite exercise's situation, curt reply, checklist and example reply;
* the reflection prompt and the discussion questions;
* each check-in on the page that is filled in today: title, prompt and every statement (the one-month
  check-in stays closed, so only its title and prompt are read);
* for the kinds of piece in `empathydesk.pieces`, what each says of itself (`Kind.reading`).

Reading speeds, stated here and in the run of show: 200 words a minute for a native reader of English,
130 for someone reading in a second language. The tasks take time on top of reading (``TASK_MINUTES``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from empathydesk.content import Content, load
from empathydesk.kinds import of_scope

NATIVE_WPM = 200
NON_NATIVE_WPM = 130

# Minutes a task takes beyond reading it (thinking, choosing, typing).
TASK_MINUTES = {
    "scenario": 0.5,  # choose, and sometimes choose again
    "quiz": 0.25,  # choose once (a question of the knowledge check)
    "rewrite": 3.0,  # write a reply, read the coach's tips, change it once
    "reflection": 2.0,  # think, and write a few lines
    "item": 0.1,  # rate one statement (about 6 seconds)
    "consent": 0.5,  # the consent choice on the welcome page
    "progress": 2.0,  # look at "My progress" on the wrap-up page
    "export": 1.0,  # save the answers to a file
    "conversation-turn": 0.5,  # read what the client says, choose or write a reply
}

WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
SHOW = re.compile(r"""["']([a-z0-9/-]+)["']""")


def words(text: str) -> int:
    """Words in a text, with markdown markup, HTML tags and link targets left out."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(WORD.findall(text))


@dataclass(frozen=True)
class PageTime:
    page: str  # the notebook's file name
    words: int  # words read
    task_minutes: float  # time for the tasks, beyond reading

    def minutes(self, wpm: int = NATIVE_WPM) -> float:
        return self.words / wpm + self.task_minutes

    @property
    def native(self) -> int:
        """Whole minutes a native reader needs (rounded up)."""
        return math.ceil(self.minutes(NATIVE_WPM))

    @property
    def non_native(self) -> int:
        """Whole minutes someone reading in a second language needs (rounded up)."""
        return math.ceil(self.minutes(NON_NATIVE_WPM))


def _checkpoint(content: Content, checkpoint_id: str) -> tuple[int, float]:
    cp = content.checkpoint(checkpoint_id)
    read = words(cp.title) + words(cp.prompt)
    if cp.role == "later":  # closed until the participant comes back in a month
        return read, 0.0
    items = content.items_for(checkpoint_id)
    return read + sum(words(i.text) for i in items), TASK_MINUTES["item"] * len(items)


def _piece(content: Content, name: str) -> tuple[int, float]:
    """Words read and task minutes of one `ed.show` piece."""
    modules = {m.id: m for m in content.modules}
    head, _, part = name.partition("/")
    if head in modules:
        module = modules[head]
        if part == "scenarios":
            read = 0.0
            for s in module.scenarios:
                feedback = sum(words(o.feedback) for o in s.options) / len(s.options)
                read += words(s.prompt) + sum(words(o.text) for o in s.options) + 1.5 * feedback
            return round(read), TASK_MINUTES["scenario"] * len(module.scenarios)
        if part == "rewrite":
            read = sum(
                words(e.situation) + words(e.curt_reply) + sum(words(g) for g in e.good_rewrite) + words(e.example)
                for e in module.exercises
            )
            return read, TASK_MINUTES["rewrite"] * len(module.exercises)
        if part == "reflection":
            return sum(words(r.prompt) for r in module.reflections), TASK_MINUTES["reflection"] * len(module.reflections)
        if part == "discussion":
            return sum(words(q) for q in module.discussion), 0.0
        if part == "pulse":
            cp = content.checkpoint_after(module.id)
            return _checkpoint(content, cp.id) if cp else (0, 0.0)
        kind = of_scope("module").get(part)
        return kind.reading(content, module.id) if kind is not None and kind.reading is not None else (0, 0.0)
    if head == "checkpoint":
        return _checkpoint(content, part)
    kind = of_scope("own").get(head)
    if kind is not None and kind.reading is not None:
        return kind.reading(content, part)
    return 0, TASK_MINUTES.get({"my-progress": "progress"}.get(name, name), 0.0)


def page_time(path: Path, content: Content | None = None) -> PageTime:
    """The measured time of one notebook page."""
    content = content or load()
    notebook = json.loads(path.read_text(encoding="utf-8"))
    read, tasks = 0.0, 0.0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            read += words(source)
        elif cell["cell_type"] == "code" and "ed.show(" in source:
            for name in SHOW.findall(source):
                more, minutes = _piece(content, name)
                read += more
                tasks += minutes
    return PageTime(path.name, round(read), round(tasks, 2))


def page_times(notebooks: Path, content: Content | None = None) -> list[PageTime]:
    """The measured time of every page a participant works through (the join page left out)."""
    content = content or load()
    return [page_time(p, content) for p in sorted(notebooks.glob("[0-9][0-9]-*.ipynb"))]


def main() -> None:
    root = Path(__file__).resolve().parents[2] / "notebooks"
    print(f"{'page':32} {'words':>6} {'tasks':>6} {'native':>7} {'2nd lang':>8}   (minutes, rounded up; {NATIVE_WPM} / {NON_NATIVE_WPM} wpm)")
    for t in page_times(root):
        print(f"{t.page:32} {t.words:6d} {t.task_minutes:6.1f} {t.native:7d} {t.non_native:8d}")


if __name__ == "__main__":
    main()
