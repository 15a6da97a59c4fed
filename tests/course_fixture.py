"""A small, fixed course for the scoring, stats and charts tests: the real instrument plus made-up modules.

The shipped modules are still being written, so these tests build their own with known scenarios,
exercises and reflections.
"""

from __future__ import annotations

from empathydesk.content import Content, Module, load

COMPETENCIES = ["perspective", "rapport", "suggestions", "plain-language", "acknowledgement"]


def _module(n: int, scenarios: int = 2) -> Module:
    lesson = f"lesson-{n}"
    return Module(
        kind="module",
        id=f"module-{n}",
        number=n,
        title=f"Module {n}",
        notebook=f"0{n}-module.ipynb",
        article={"title": f"Article {n}"},
        competency=COMPETENCIES[n - 1],
        goals=["A goal."],
        lessons=[{"id": lesson, "title": "A lesson"}],
        scenarios=[
            {
                "id": f"module-{n}-scenario-{s}",
                "lesson": lesson,
                "prompt": f"Scenario {s} of module {n}: what do you say?",
                "options": [
                    {"text": "A kind answer.", "feedback": "Yes.", "best": s % 2 == 1},
                    {"text": "A curt answer.", "feedback": "No."},
                    {"text": "Another answer.", "feedback": "Maybe.", "best": s % 2 == 0},
                ],
            }
            for s in range(1, scenarios + 1)
        ],
        exercises=[
            {
                "id": f"module-{n}-rewrite-1",
                "lesson": lesson,
                "situation": "A client asks again.",
                "curt_reply": "Read the manual.",
                "good_rewrite": ["Is kind."],
                "example": "Happy to help.",
            }
        ],
        reflections=[{"id": f"module-{n}-reflection", "lesson": lesson, "prompt": "How did it feel?"}],
    )


def course() -> Content:
    return Content(load().instrument, tuple(_module(n) for n in range(1, 6)), None)
