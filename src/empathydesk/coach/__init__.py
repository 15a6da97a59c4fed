"""The reply coach: kind, specific feedback on a support reply, tied to the lessons.

    >>> from empathydesk.coach import review
    >>> r = review("You need to clear your cache.")
    >>> r.verdict, [f.code for f in r.findings], r.decided_by
    ('needs-work', ['order', 'jargon'], ('order', 'jargon'))
    >>> r.to_dict()["findings"][0]["lesson"]
    'offer-suggestions'

The verdict comes from the whole reply, not from adding points: a reply is "relational" when nothing
in it blocks (sarcasm, blame, a brush-off, a non-apology, a script, sympathy with nothing next, too
much at once, a bare order, an unexplained term) *and* it moves the person forward (an
offer, an open door, a question, a step, or what happens next and when). `decided_by` names the
findings that decided it. `review(text, exercise)` also runs the exercise's own checks (checks.py).

The phrase lists live in `phrases/*.yaml` (data, not code). vaderSentiment's word list helps spot
feelings ("that sounds stressful") and textstat gives the reading grade; both are imported the first
time a reply is reviewed, not when this module is imported.

Spans are [start, end) offsets into the text as given, counted in Python characters (code points).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Finding", "Review", "review", "codes", "warm_up", "MAX_CHARS", "RELATIONAL_AT"]

MAX_CHARS = 20_000
"""Longer replies are cut to this many characters (with a note saying so)."""

RELATIONAL_AT = 60
"""A reply scoring this much or more is "relational"."""

_SHOWN_PER_CODE = 3
_QUOTE_CHARS = 48


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    span: tuple[int, int]
    lesson: str | None
    kind: Literal["change", "works", "note"]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "span": [self.span[0], self.span[1]], "lesson": self.lesson}

    def to_record(self) -> dict[str, Any]:
        """`to_dict` and the finding's kind ("works", "change" or "note")."""
        return {**self.to_dict(), "kind": self.kind}


@dataclass(frozen=True)
class Review:
    verdict: Literal["relational", "needs-work"]
    score: int
    findings: tuple[Finding, ...] = ()
    grade: float | None = field(default=None, compare=False)
    """Flesch-Kincaid reading grade of the reply (textstat), when there was text to read."""
    decided_by: tuple[str, ...] = ()
    """The codes of the findings that decided the verdict (what blocks it, or what makes it work)."""

    @property
    def works(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "works"]

    @property
    def changes(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "change"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "note"]

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings if f.kind != "note"}

    @property
    def headline(self) -> str:
        if self.notes and not (self.works or self.changes) and self.notes[0].code != "tips":
            return self.notes[0].message
        if self.verdict == "relational":
            return "This reads like a reply to a person. Nice work."
        if "exercise-missed" in self.decided_by and set(self.decided_by) == {"exercise-missed"}:
            return "A kind reply. This exercise also asks for something more, below."
        if not self.changes:
            return "Nothing here is wrong, but it could feel warmer."
        if self.works:
            return "A good start. A few changes would make it warmer."
        return "A few changes would make this reply warmer and clearer."

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: {"verdict", "score", "decided_by", "findings": [{"code", "message", "span", "lesson"}]}."""
        return {"verdict": self.verdict, "score": self.score, "decided_by": list(self.decided_by),
                "findings": [f.to_dict() for f in self.findings]}

    def to_record(self) -> dict[str, Any]:
        """`to_dict` with the headline and each finding's kind: what a rewrite attempt saves, so the page
        shows it again as the coach gave it."""
        return {**self.to_dict(), "headline": self.headline, "findings": [f.to_record() for f in self.findings]}

    def to_text(self) -> str:
        lines = [f"{self.headline} (score {self.score}/100)"]
        if self.decided_by:
            lines.append("Decided by: " + ", ".join(self.decided_by))
        for title, items, mark in (("", self.notes, "!"), ("What works", self.works, "+"), ("What to change", self.changes, "-")):
            if not items:
                continue
            lines.append("")
            if title:
                lines.append(title + ":")
            for f in items:
                lesson = f"  (lesson: {f.lesson})" if f.lesson else ""
                lines.append(f"  {mark} {f.message}{lesson}")
        return "\n".join(lines)


def codes() -> dict[str, dict[str, Any]]:
    """Every code the coach can give: {code: {"kind", "lesson", "weight", "message", "blocks", "scored"}}."""
    from empathydesk.coach.data import rules

    return {c: {"kind": i.kind, "lesson": i.lesson, "weight": i.weight, "message": i.message, "blocks": i.blocks,
                "scored": i.scored} for c, i in rules().codes.items()}


def _quote(text: str, start: int, end: int) -> str:
    words = " ".join(text[start:end].split())
    if len(words) > _QUOTE_CHARS:
        words = words[: _QUOTE_CHARS - 1].rstrip() + "\u2026"
    return words.replace('"', "'")


def warm_up() -> None:
    """Load the phrase lists and libraries now (about a second), so that the first review is quick.

    A page can call this in a background thread when it opens.
    """
    review("Sorry about that, it sounds stressful. Would you like me to come by and take a look with you today?")


def _grade(text: str) -> float | None:
    try:
        import textstat  # lazy: ~0.15 s to import

        return float(textstat.flesch_kincaid_grade(text))
    except Exception:  # textstat can fail on odd input; the grade is a nice-to-have
        return None


def review(text: str | None, exercise: Any = None) -> Review:
    """Read a support reply and say what works and what to change.

    `exercise`: a rewrite exercise (empathydesk.content.Exercise, or a dict with "lesson" and
    "checks"): its own checks are run too, so the same reply gets feedback on what that exercise asks.
    """
    from empathydesk.coach.data import rules
    from empathydesk.coach.engine import WORKS_FIRST, find

    r = rules()
    text = "" if text is None else str(text)
    if not text.strip():
        note = Finding("empty", r.notes["empty"], (0, len(text)), None, "note")
        return Review("needs-work", 0, (note,), decided_by=("empty",))
    notes: list[Finding] = []
    if len(text) > MAX_CHARS:
        message = r.notes["cut-short"].format(limit=f"{MAX_CHARS:,}")
        notes.append(Finding("cut-short", message, (MAX_CHARS, len(text)), None, "note"))
        text = text[:MAX_CHARS]

    reply, found = find(text)
    grade = _grade(text) if reply.words >= 20 else None  # the grade matters only for longer replies

    checks: list[Finding] = []
    if exercise is not None:
        from empathydesk.coach.checks import run_checks

        checks = run_checks(exercise, reply, found)

    # The verdict: nothing blocks, and the reply moves them forward.
    blocking = [code for code in found if r.codes[code].kind == "change" and r.codes[code].blocks == "always"]
    blocking += [c.code for c in checks if c.kind == "change" and c.code not in blocking]
    relational = not blocking and reply.forward

    score = 50.0
    for code, matches in found.items():
        info = r.codes[code]
        if info.kind == "works":
            score += info.weight
        else:
            score -= info.weight * (1 + 0.25 * min(len(matches) - 1, 2))
    if reply.words < 8:
        score -= 8
    elif reply.words >= 25:
        score += 4
    if grade is not None and grade > 12:
        score -= 5
    score = min(score, RELATIONAL_AT - 1) if not relational else max(score, RELATIONAL_AT)
    score_int = int(round(max(0.0, min(100.0, score))))

    findings: list[Finding] = list(notes)
    for kind in ("works", "change"):
        for code, info in r.codes.items():
            if info.kind != kind or code not in found:
                continue
            for m in found[code][:_SHOWN_PER_CODE]:
                message = (m.message or info.message).format(quote=_quote(text, m.start, m.end))
                findings.append(Finding(code, message, (m.start, m.end), m.lesson or info.lesson, kind))
    findings += checks
    findings[len(notes):] = sorted(findings[len(notes):], key=lambda f: (f.kind != "works", f.span[0]))
    verdict = "relational" if relational else "needs-work"
    if relational:
        decided = tuple(c for c in (*WORKS_FIRST, "next-step", "exercise-met") if c in found or any(f.code == c for f in checks))
        decided = decided or ("next-step",)
    else:
        decided = tuple(dict.fromkeys(blocking))
    if verdict == "needs-work" and not any(f.kind == "change" for f in findings):
        # Always leave them something to try.
        findings.append(Finding("tips", r.notes["tips"], (0, len(text.rstrip())), None, "note"))
        decided = decided or ("tips",)
    return Review(verdict, score_int, tuple(findings), grade, decided)
