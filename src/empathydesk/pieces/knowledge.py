"""The knowledge check: a short scored quiz at the start and at the end, in two parallel forms.

Its content is `assessments/knowledge.yaml` (``kind: knowledge-check``): two forms of the same number of
questions, question for question on the same key points of `coverage.yaml`. Half the participants take the
first form at the start and the second at the end, the other half the reverse (by their id in the
database), so that the gain is not one form being easier than the other. The pieces are
``knowledge-check/start`` and ``knowledge-check/end``.

A participant's picks are saved as they go (one answer per moment, replaced on each pick): which form,
the option picked for each question (its index in the file), and whether they have finished. Once
finished, the picks are fixed and the score shows; after the end form, every option of every question is
explained, with the score before and after.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from empathydesk.content import Content, Id, Scenario, Strict, Text
from empathydesk.kinds import Kind, Loc, Row

if TYPE_CHECKING:
    import ipywidgets as w

    from empathydesk.storage.records import Answers
    from empathydesk.widgets.session import Session

NAME = "knowledge-check"
MOMENTS = ("start", "end")
MIN_QUESTIONS = 8


class Form(Strict):
    id: Id
    items: list[Scenario] = Field(min_length=MIN_QUESTIONS)


class KnowledgeCheck(Strict):
    kind: Literal["knowledge-check"]
    title: Text
    start: Text  # said before the start form
    end: Text  # said before the end form
    forms: list[Form] = Field(min_length=2, max_length=2)

    def form(self, form_id: str) -> Form:
        return next(f for f in self.forms if f.id == form_id)


class Taken(BaseModel):
    """One moment's answer: the form taken, the option picked per question, and whether it is finished."""

    model_config = ConfigDict(extra="forbid", strict=True)
    form: str
    picks: dict[str, int] = {}
    finished: bool = False


# --- the course ----------------------------------------------------------------------------------


def _ids(check: KnowledgeCheck) -> Iterable[tuple[Loc, str]]:
    for i, form in enumerate(check.forms):
        for j, item in enumerate(form.items):
            yield ("forms", i, "items", j, "id"), item.id


def _points(content: Content) -> dict[str, str]:
    """question id -> the key point it is tied to in coverage.yaml."""
    if content.coverage is None:
        return {}
    return {q: p.point for p in content.coverage.points for q in p.questions}


def _content_problems(content: Content, check: KnowledgeCheck) -> Iterable[tuple[Loc, str]]:
    """Every question tied to a key point and a known lesson; two forms that are parallel."""
    points = _points(content)
    a, b = check.forms
    if a.id == b.id:
        yield ("forms", 1, "id"), f"both forms are called {a.id!r}; give each its own id"
    for i, form in enumerate(check.forms):
        for j, item in enumerate(form.items):
            if item.lesson not in content.lesson_ids:
                yield ("forms", i, "items", j, "lesson"), f"unknown lesson {item.lesson!r}"
            if item.id not in points:
                yield ("forms", i, "items", j, "id"), (
                    f"{item.id!r} is tied to no key point: add it to a point's questions in coverage.yaml"
                )
    if len(a.items) != len(b.items):
        yield ("forms", 1, "items"), (
            f"the forms are not parallel: {a.id!r} has {len(a.items)} questions and {b.id!r} has {len(b.items)}"
        )
    covered = [Counter(points.get(item.id) for item in form.items) for form in check.forms]
    if covered[0] != covered[1] and all(item.id in points for f in check.forms for item in f.items):
        differ = sorted(str(p) for p in (covered[0] - covered[1]) + (covered[1] - covered[0]))
        yield ("forms", 1, "items"), (
            f"the forms are not parallel: they test different key points ({'; '.join(differ)})"
        )


def _answer_check(content: Content, key: str, taken: Taken) -> str | None:
    check: KnowledgeCheck | None = content.part(NAME)
    if check is None:
        return "this course has no knowledge check."
    if key not in MOMENTS:
        return f"{key!r} is not a moment of the knowledge check (start or end)."
    forms = {f.id: f for f in check.forms}
    if taken.form not in forms:
        return f"{taken.form!r} is not a form of the knowledge check."
    questions = {q.id: q for q in forms[taken.form].items}
    for question_id, option in taken.picks.items():
        if question_id not in questions:
            return f"{question_id!r} is not a question of form {taken.form!r}."
        if not 0 <= option < len(questions[question_id].options):
            return f"{option} is not one of the options of {question_id!r}."
    return None


# --- a participant's answers ---------------------------------------------------------------------


def taken(saved: Mapping[str, Any]) -> dict[str, Taken]:
    """moment -> the latest answer saved for it."""
    return {moment: Taken.model_validate(values[-1]) for moment, values in saved.items() if values and moment in MOMENTS}


def form_for(check: KnowledgeCheck, pid: int, moment: str, saved: Mapping[str, Taken]) -> str:
    """The form this participant takes at `moment`: the one already begun; else, at the end, the form not
    taken at the start; else the first form for even ids at the start and odd ids at the end."""
    if moment in saved:
        return saved[moment].form
    ids = [f.id for f in check.forms]
    other = "start" if moment == "end" else "end"
    if other in saved and saved[other].form in ids:
        return next(i for i in ids if i != saved[other].form)
    first = ids[pid % 2]
    return first if moment == "start" else next(i for i in ids if i != first)


def score(check: KnowledgeCheck, answer: Taken) -> tuple[int, int]:
    """(questions answered with the best option, questions in the form)."""
    form = check.form(answer.form)
    return sum(answer.picks.get(q.id) == q.best_index for q in form.items), len(form.items)


def scores(content: Content, answers: Answers) -> dict[str, tuple[int, int]]:
    """moment -> (right, questions), for each finished moment; empty when the course has no knowledge check."""
    check: KnowledgeCheck | None = content.part(NAME)
    if check is None:
        return {}
    return {m: score(check, t) for m, t in taken(KIND.saved(answers)).items() if t.finished}


def cohort_scores(content: Content, answers: Mapping[int, Answers]) -> dict[int, dict[str, float]]:
    """participant id -> moment -> percent of the questions right, for each finished moment (the cohort's
    quiz, for `stats.cohort_tables`)."""
    out = {}
    for pid, answer in answers.items():
        done = scores(content, answer)
        if done:
            out[pid] = {moment: 100 * right / total for moment, (right, total) in done.items()}
    return out


def _rows(saved: Mapping[str, Any]) -> list[Row]:
    out: list[Row] = []
    for moment, answer in sorted(taken(saved).items()):
        out.append((f"{NAME} {moment}", "form", answer.form, ""))
        out += [(f"{NAME} {moment}", q, option, "") for q, option in sorted(answer.picks.items())]
    return out


def _demo(content: Content, rng: random.Random, index: int, before: float, after: float, finished: bool) -> dict[str, Any]:
    """A made-up person's quiz: the start form by the parity of their place, each question right with the
    chance they know it then, and the end form only if they finished."""
    check: KnowledgeCheck | None = content.part(NAME)
    if check is None:
        return {}
    out: dict[str, Any] = {}
    first = check.forms[index % 2]
    second = check.forms[1 - index % 2]
    for moment, form, knows in (("start", first, before), ("end", second, after)):
        if moment == "end" and not finished:
            break
        picks = {
            q.id: q.best_index if rng.random() < knows else rng.choice([i for i in range(len(q.options)) if i != q.best_index])
            for q in form.items
        }
        out[moment] = Taken(form=form.id, picks=picks, finished=True).model_dump()
    return out


def _reading(content: Content, moment: str) -> tuple[int, float]:
    """Words read and task minutes at `moment`: the intro and one form's questions and options, and at the
    end every option's explanation too."""
    from empathydesk.reading import TASK_MINUTES, words

    check: KnowledgeCheck | None = content.part(NAME)
    if check is None:
        return 0, 0.0
    form = check.forms[0]  # the forms are parallel; either gives the time
    read = words(check.title) + words(check.start if moment == "start" else check.end)
    for q in form.items:
        read += words(q.prompt) + sum(words(o.text) + (words(o.feedback) if moment == "end" else 0) for o in q.options)
    return read, TASK_MINUTES["quiz"] * len(form.items)


# --- the page ------------------------------------------------------------------------------------

FINISH = "See my score"
SCORE = "You answered {right} of {total} questions with the best answer."
UNANSWERED = "Please answer every question first. {left} still to go."


def _score_words(content: Content, answers: Answers) -> str:
    done = scores(content, answers)
    if "end" in done and "start" in done:
        (b, n), (a, m) = done["start"], done["end"]
        return f"At the start you had {b} of {n} right. Now you have {a} of {m} right."
    return " ".join(SCORE.format(right=r, total=t) for r, t in done.values())


def _summary(content: Content, answers: Answers) -> str | None:
    """The quiz scores before and after, for "My progress" and the PDF report."""
    done = scores(content, answers)
    if not done:
        return None
    said = {"start": "at the start", "end": "at the end"}
    return "Quiz: " + "; ".join(f"{r} of {t} right {said[m]}" for m, (r, t) in sorted(done.items(), key=lambda i: MOMENTS.index(i[0]))) + "."


def build(session: Session, moment: str) -> w.Widget:
    """The quiz for `moment` (start or end): its questions, saved as they are picked, then the score."""
    import ipywidgets as w

    from empathydesk.widgets import ui
    from empathydesk.widgets.choice import Choice
    from empathydesk.widgets.scenario import option_order, participant_key, review_html

    check: KnowledgeCheck | None = session.content.part(NAME)
    if check is None:
        return ui.piece([ui.note("info", "This course has no quiz yet.", word="")], name=NAME)
    answers = session.store.answers(session.pid)
    saved = taken(KIND.saved(answers))
    answer = saved.get(moment) or Taken(form=form_for(check, session.pid, moment, saved))
    form = check.form(answer.form)
    picks = dict(answer.picks)
    total = len(form.items)

    orders = [option_order(participant_key(session), q.id, len(q.options)) for q in form.items]
    choices: list[Choice] = []
    reviews: list[w.HTML] = []
    cards = []
    for n, (question, order) in enumerate(zip(form.items, orders), start=1):
        choice = Choice(
            options=[(question.options[i].text, i) for i in order],
            value=picks.get(question.id),
            description=question.prompt,  # the question names the group of answers
            layout=ui.full_width(),
        )
        review = ui.markup()
        choices.append(choice)
        reviews.append(review)
        cards.append(
            ui.card(
                [ui.markup(f"<h4>{ui.esc(f'Question {n} of {total}')}</h4>"), choice, review],
                name=f"knowledge-{question.id}",
            )
        )
    finish = ui.button(FINISH, icon="check")
    result = ui.markup()

    def show_finished() -> None:
        for choice in choices:
            choice.disabled = True
        finish.disabled = True
        finish.description = "Done"
        result.value = ui.note_html("info", _score_words(session.content, session.store.answers(session.pid)), word="")
        if moment == "end":
            for question, review, order in zip(form.items, reviews, orders):
                picked = [picks[question.id]] if question.id in picks else []
                review.value = review_html(question, picked, order)

    def save(finished: bool = False) -> None:
        value = Taken(form=answer.form, picks=picks, finished=finished).model_dump()
        session.store.add_piece_answer(session.pid, NAME, moment, value, replace=True)

    def show_error(message: str) -> None:
        result.value = ui.note_html("error", message)

    for question, choice in zip(form.items, choices):

        @ui.guard(show_error)
        def on_pick(change: dict[str, Any], question_id: str = question.id) -> None:
            if change["new"] is None or finish.disabled:
                return
            picks[question_id] = int(change["new"])
            save()
            result.value = ""

        choice.observe(on_pick, names="value")

    @ui.guard(show_error)
    def on_finish(_: Any) -> None:
        left = total - len(picks)
        if left:
            result.value = ui.note_html("warn", UNANSWERED.format(left=left), word="")
            return
        save(finished=True)
        show_finished()

    finish.on_click(on_finish)
    if answer.finished:
        show_finished()
    intro = check.start if moment == "start" else check.end
    return ui.piece([ui.heading(check.title, intro=intro), *cards, finish, result], name=NAME)


KIND = Kind(
    NAME,
    "own",
    "empathydesk.pieces.knowledge:build",
    targets=lambda c: list(MOMENTS) if c.part(NAME) is not None else [],
    stores=Taken,
    answer_check=_answer_check,
    content=KnowledgeCheck,
    content_ids=_ids,
    content_problems=_content_problems,
    result="knowledge",
    rows=_rows,
    summary=_summary,
    demo=_demo,
    reading=_reading,
)
