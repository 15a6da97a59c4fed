"""Rewrite exercises: a curt reply, the participant's kinder version, and the coach's findings.

On "Check my reply" the text goes to `empathydesk.coach.review`; every attempt is saved with its
review, and the participant can edit and check again. What they type is kept as a draft until they
check it (`drafts`). The spans the coach points at are highlighted
in an escaped copy of the reply, each mark numbered like its finding.
"""

from __future__ import annotations

import functools
from typing import Any

import ipywidgets as w

from empathydesk.content import Content, Exercise
from empathydesk.limits import MAX_REPLY_CHARS
from empathydesk.widgets import drafts, ui
from empathydesk.widgets.session import Session

CHECK = "Check my reply"


def review_reply(text: str, exercise: Exercise | None = None) -> dict[str, Any]:
    """The coach's review as saved with an attempt: findings with their kind, and the headline.

    With an exercise, the coach also runs that exercise's own checks (its "what a good reply does").
    """
    from empathydesk.coach import review

    return review(text, exercise).to_record()


@functools.cache
def warm_up_coach() -> None:
    """Load the coach's phrase lists in the background, once per kernel, so the first "Check my reply" is quick.

    Called when the participant starts typing a reply, not when the page opens: a page that is only read
    never pays for the coach (about 12 MiB and a few hundred milliseconds of CPU).
    """
    import threading

    def run() -> None:
        try:
            from empathydesk.coach import warm_up

            warm_up()
        except Exception:  # noqa: BLE001 - only a speed-up; the check itself reports problems
            pass

    threading.Thread(target=run, name="coach-warm-up", daemon=True).start()


@functools.cache
def finding_kinds() -> dict[str, str]:
    """code -> "works" or "change", from the coach's own rules (for reviews saved without kinds)."""
    from empathydesk.coach import codes

    return {code: str(info.get("kind", "change")) for code, info in codes().items()}


def kind_of(finding: dict[str, Any]) -> str:
    """ "works", "change" or "note": the coach's own, or for a review saved before it gave one, its rules'."""
    if finding.get("kind") in ("works", "change", "note"):
        return str(finding["kind"])
    code = str(finding.get("code", ""))
    kinds = finding_kinds()
    if code in kinds:
        return kinds[code]
    if not finding.get("lesson"):
        return "note"
    return "works" if str(finding.get("message", "")).startswith("Nice") else "change"


def _spans(text: str, findings: list[dict[str, Any]]) -> list[tuple[int, int, int]]:
    out = []
    for n, finding in enumerate(findings, start=1):
        span = finding.get("span")
        if not span or len(span) != 2:
            continue
        try:
            start, end = max(0, int(span[0])), min(len(text), int(span[1]))
        except (TypeError, ValueError):
            continue
        if start < end:
            out.append((start, end, n))
    return out


def highlight(text: str, findings: list[dict[str, Any]], kinds: list[str] | None = None) -> str:
    """The reply as escaped text, with each span a finding points at in <mark>, numbered like the finding.

    Overlapping spans become one mark carrying every number. A mark is styled as "works" only when
    every finding under it is one. Text is escaped piece by piece, so nothing the participant typed can
    ever become markup.
    """
    kinds = kinds or ["change"] * len(findings)
    spans = _spans(text, findings)
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    run: list[str] = []
    run_numbers: list[int] = []

    def close_run() -> None:
        if run:
            numbers = sorted(set(run_numbers))
            works = all(kinds[n - 1] == "works" for n in numbers)
            cls = "ed-mark ed-mark-works" if works else "ed-mark"
            refs = ",".join(str(n) for n in numbers)
            out.append(f'<mark class="{cls}">{"".join(run)}</mark><sup class="ed-ref">[{refs}]</sup>')
            run.clear()
            run_numbers.clear()

    for a, b in zip(cuts, cuts[1:]):
        covering = [n for s, e, n in spans if s <= a and b <= e]
        piece = ui.esc(text[a:b])
        if covering:
            run.append(piece)
            run_numbers.extend(covering)
        else:
            close_run()
            out.append(piece)
    close_run()
    return "".join(out)


def lesson_name(content: Content, lesson: Any) -> str:
    """A finding's lesson as words: a lesson id becomes "Module 2: its title"; anything else is shown as given."""
    if not lesson:
        return ""
    for module in content.modules:
        for entry in module.lessons:
            if entry.id == lesson:
                return f"Module {module.number}: {entry.title}"
    return str(lesson)


def headline(review: dict[str, Any], kinds: list[str]) -> str:
    """One kind sentence about the whole reply: the coach's own, or for a review saved before it gave one,
    one in its words."""
    if isinstance(review.get("headline"), str) and review["headline"].strip():
        return review["headline"]
    if kinds and all(k == "note" for k in kinds):
        return str(review["findings"][0].get("message", ""))
    if review.get("verdict") == "relational":
        return "This reads like a reply to a person. Nice work."
    if "works" in kinds:
        return "A good start. A few changes would make it warmer."
    return "A few changes would make this reply warmer and clearer."


SECTIONS = (("note", "ℹ", "Please note"), ("works", "✓", "What works"), ("change", "✎", "What to change"))


def review_html(content: Content, text: str, review: dict[str, Any] | None, attempt: int) -> str:
    """The coach's findings on one attempt (pure: attempt in, markup out).

    Findings are listed under "What works" and "What to change", numbered like their marks in the
    reply, each with the lesson it comes from.
    """
    if review is None or review.get("findings") is None:
        return ui.note_html(
            "info",
            f"Attempt {attempt} is saved. The coach could not look at it this time, so compare it with the example below.",
            word="",
        )
    found = [f for f in review.get("findings") or [] if isinstance(f, dict)]
    order = {kind: i for i, (kind, _, _) in enumerate(SECTIONS)}
    findings = sorted(found, key=lambda f: order.get(kind_of(f), 9))  # stable: the coach's order within a kind
    kinds = [kind_of(f) for f in findings]
    notes = [f for f, k in zip(findings, kinds) if k == "note"]
    marked = [f for f, k in zip(findings, kinds) if k != "note"]  # notes are about the whole reply: no marks
    marked_kinds = [k for k in kinds if k != "note"]
    saved = f"Attempt {attempt} is saved."
    lead = headline(review, kinds) if findings else "The coach found nothing to point out."
    good = review.get("verdict") == "relational"
    verdict = ui.note_html("ok" if good else "info", f"{saved} {lead}", word="")
    sections = []
    rows = [
        f'<li><span aria-hidden="true">ℹ</span> {ui.esc(f.get("message", ""))}</li>'
        for f in notes
        if str(f.get("message", "")).strip() != lead.strip()
    ]
    if rows:
        sections.append(f'<h5 class="ed-findings-title">Please note</h5><ul class="ed-findings ed-note-list">{"".join(rows)}</ul>')
    for kind, icon, title in SECTIONS[1:]:
        rows = []
        for n, (finding, k) in enumerate(zip(marked, marked_kinds), start=1):
            if k != kind:
                continue
            lesson = lesson_name(content, finding.get("lesson"))
            lesson_html = f' <span class="ed-muted">(From {ui.esc(lesson)})</span>' if lesson else ""
            rows.append(
                f'<li><span aria-hidden="true">{icon}</span> <strong>[{n}]</strong> '
                f"{ui.esc(finding.get('message', ''))}{lesson_html}</li>"
            )
        if rows:
            sections.append(f'<h5 class="ed-findings-title">{ui.esc(title)}</h5><ul class="ed-findings ed-{kind}">{"".join(rows)}</ul>')
    decided = [str(c) for c in review.get("decided_by") or []]
    numbers = [str(n) for n, f in enumerate(marked, start=1) if f.get("code") in decided]
    if numbers:
        word = "This is" if good else "This needs work"
        sections.append(f'<p class="ed-decided ed-muted">{ui.esc(word)} mostly because of {ui.esc(", ".join("[" + n + "]" for n in numbers))}.</p>')
    note = " (marked parts are numbered like the notes below)" if marked else ""
    shown = (
        f"<p><strong>Your reply</strong>{note}:</p>"
        f'<div class="ed-quote ed-your-reply">{highlight(text, marked, marked_kinds)}</div>'
    )
    return verdict + shown + "".join(sections)


def guidance_html(exercise: Exercise) -> str:
    points = "".join(f"<li>{ui.esc(p)}</li>" for p in exercise.good_rewrite)
    return (
        f"<h4>What a good reply does</h4><ul>{points}</ul>"
        f"<p><strong>One way to say it:</strong></p><div class=\"ed-quote\">{ui.esc(exercise.example)}</div>"
    )


def exercise_card(
    session: Session, exercise: Exercise, number: int, total: int, attempts: list[dict[str, Any]],
    kept: drafts.Kept | None = None,
) -> w.Widget:
    """One exercise; the box starts with the draft `kept` if it is newer than the last checked reply."""
    last = attempts[-1] if attempts else None
    count = [len(attempts)]
    checked = last["text"] if last else ""
    box = w.Textarea(
        value=drafts.start_text(checked, last["created_at"] if last else None, kept),
        description="Your reply",
        placeholder="Write a kinder reply here",
        rows=5,
        continuous_update=True,
        style=ui.text_style(),
        layout=ui.full_width(),
        **ui.classes(ui.STACKED),
    )
    box.observe(lambda _: warm_up_coach(), names="value")
    draft = drafts.Draft(session, drafts.key("rewrite", exercise.id), box, checked, kept, limit=MAX_REPLY_CHARS,
                         what="a reply here", nudge=f"Press “{CHECK}” when you are ready.")
    check = ui.button(f"{CHECK} again" if last else CHECK, icon="comment")
    card = ui.card(
        [
            ui.markup(
                f"<h4>{ui.esc(f'Rewrite {number} of {total}')}</h4><p>{ui.esc(exercise.situation)}</p>"
                f"<p><strong>The curt reply:</strong></p><div class=\"ed-quote\">{ui.esc(exercise.curt_reply)}</div>"
                f"<p>{ui.esc('Rewrite it so the person feels helped and respected. Then press “Check my reply”.')}</p>"
            ),
            box,
            draft.line,
            check,
        ],
        name=f"exercise-{exercise.id}",
    )
    # Under the button: a short note (if any), then the coach's review and the guidance.
    reviewed = review_html(session.content, last["text"], last.get("review"), count[0]) + guidance_html(exercise) if last else ""
    result = ui.Note(card, reviewed)

    def say(note: str = "") -> None:
        result.value = note + reviewed

    def show_error(message: str) -> None:
        say(ui.note_html("error", message))

    @ui.guard(show_error)
    def on_check(_: Any) -> None:
        nonlocal reviewed
        text = box.value or ""
        problem = drafts.not_ready(text, MAX_REPLY_CHARS, "a reply here", "Write your reply in the box first.",
                                   "Then check it again. It was not saved.")
        if problem:
            say(ui.note_html("warn", problem, word=""))
            return
        say(ui.note_html("info", "Checking…", word=""))
        review = review_reply(text, exercise)
        count[0] = session.store.add_exercise_attempt(session.pid, exercise.id, text, review)
        draft.done(text)
        reviewed = review_html(session.content, text, review, count[0]) + guidance_html(exercise)
        say()
        check.description = f"{CHECK} again"

    check.on_click(on_check)
    return card


def rewrites(session: Session, module_id: str) -> w.Widget:
    module = session.content.module(module_id)
    if not module.exercises:
        return ui.piece([ui.note("info", "This module has no rewrite exercise yet.", word="")], name="rewrite")
    saved = session.store.exercise_attempts(session.pid)
    kept = session.store.drafts(session.pid)
    cards = [
        exercise_card(session, ex, n, len(module.exercises), list(saved.get(ex.id, [])),
                      kept.get(drafts.key("rewrite", ex.id)))
        for n, ex in enumerate(module.exercises, start=1)
    ]
    return ui.piece([ui.heading("Say it kindly"), *cards], name="rewrite")
