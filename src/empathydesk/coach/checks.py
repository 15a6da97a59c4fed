"""A rewrite exercise's own checks: what that exercise asks a good reply to do.

Each exercise in assessments/modules/*.yaml may list `checks:`, each tied to one point of its
"what a good reply does" list:

    checks:
      - point: "Asks which device, system or browser they are using."
        wants: [asks-setup]          # any one of these concepts (phrases/checks.yaml)
        avoids: [admonishing]        # none of these coach codes
        mentions: [calendar]         # at least one of these words (the reply is about the situation)

A met check is a "works" finding (exercise-met); a missed one is a "change" finding
(exercise-missed) that keeps the verdict at "needs-work". Both name the exercise's lesson.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from empathydesk.coach.data import _read

MET = 'Nice: your reply does what this exercise asks: "{point}"'
MISSED = 'This exercise asks for one more thing: "{point}" Your reply does not do this yet.'
OFF_TOPIC = "Your reply does not seem to be about their problem yet. Name it, so they know you read their message."


@functools.cache
def concepts() -> dict[str, dict[str, Any]]:
    out = {}
    for name, info in _read("checks.yaml")["concepts"].items():
        out[name] = {
            "codes": tuple(info.get("codes", ())),
            "avoid_codes": tuple(info.get("avoid_codes", ())),
            "patterns": tuple(re.compile(p, re.IGNORECASE) for p in info.get("patterns", ())),
        }
    return out


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def _concept_span(name: str, text: str, found: dict[str, list[Any]]) -> tuple[int, int] | None | bool:
    c = concepts().get(name)
    if c is None:  # a coach code named directly
        return (found[name][0].start, found[name][0].end) if found.get(name) else None
    for code in c["codes"]:
        if found.get(code):
            return (found[code][0].start, found[code][0].end)
    for p in c["patterns"]:
        m = p.search(text)
        if m:
            return (m.start(), m.end())
    if c["avoid_codes"] and not any(found.get(code) for code in c["avoid_codes"]):
        return True
    return None


def run_checks(exercise: Any, reply: Any, found: dict[str, list[Any]]) -> list[Any]:
    """The exercise's checks on one reply, as findings."""
    from empathydesk.coach import Finding

    text = reply.text
    end = len(text.rstrip())
    lesson = _get(exercise, "lesson")
    out = []
    for check in _get(exercise, "checks", None) or []:
        point = str(_get(check, "point", "")).strip()
        wants = list(_get(check, "wants", None) or [])
        avoids = list(_get(check, "avoids", None) or [])
        mentions = list(_get(check, "mentions", None) or [])
        span: tuple[int, int] | None = None
        ok = True
        if wants:
            hits = [_concept_span(w, text, found) for w in wants]
            hit = next((h for h in hits if h), None)
            ok = hit is not None
            if isinstance(hit, tuple):
                span = hit
        if ok and avoids and any(found.get(a) for a in avoids):
            ok = False
        if ok and mentions:
            m = re.search(r"\b(?:" + "|".join(mentions) + r")", text, re.IGNORECASE)
            ok = m is not None
            if m and span is None:
                span = (m.start(), m.end())
            if not ok:
                message = str(_get(check, "message", None) or OFF_TOPIC)
                out.append(Finding("exercise-missed", message, (0, end), lesson, "change"))
                continue
        if ok:
            out.append(Finding("exercise-met", MET.format(point=point), span or (0, end), lesson, "works"))
        else:
            message = str(_get(check, "message", None) or MISSED.format(point=point))
            out.append(Finding("exercise-missed", message, (0, end), lesson, "change"))
    return out
