"""The knowledge check (a kind of piece in `empathydesk.pieces`): its content is checked with file:line,
half the people take each form first, picks are kept as they are made, the score and the explanations show
when finished, and a progress file carries the answers (and is refused when they don't fit the course)."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipywidgets as w
import pytest
import yaml

from empathydesk.content import check, load
from empathydesk.paths import content_root
from empathydesk.pieces import knowledge
from empathydesk.pieces.knowledge import NAME, Taken, form_for, scores
from empathydesk.progress_file import ProgressFileError
from empathydesk.storage import Store
from empathydesk.widgets import Session, build
from empathydesk.widgets.choice import Choice
from widget_tree import find, text_of

QUESTIONS = 8


def _question(form: str, n: int, lesson: str, best: int) -> dict:
    return {
        "id": f"knowledge-{form}-{n}",
        "lesson": lesson,
        "prompt": f"Form {form}, question {n}: what do you say?",
        "options": [
            {"text": f"Answer {i} to {form}{n}.", "feedback": f"Why answer {i} helps or not.", **({"best": True} if i == best else {})}
            for i in range(4)
        ],
    }


def _course_dir(tmp_path: Path, **changes) -> Path:
    """A copy of the course's instrument and modules, with a knowledge check of our own tied to its key points."""
    root = tmp_path / "assessments"
    (root / "modules").mkdir(parents=True)
    shutil.copy(content_root() / "instrument.yaml", root)
    for module in (content_root() / "modules").glob("*.yaml"):
        shutil.copy(module, root / "modules")
    coverage = yaml.safe_load((content_root() / "coverage.yaml").read_text())
    points = coverage["points"]
    for point in points:
        point["questions"] = [q for q in point["questions"] if not q.startswith("knowledge-")]
    for n in range(1, QUESTIONS + 1):
        points[n - 1]["questions"] += [f"knowledge-a-{n}", f"knowledge-b-{n}"]
    forms = [
        {"id": form, "items": [_question(form, n, points[n - 1]["lesson"], (n + k) % 4) for n in range(1, QUESTIONS + 1)]}
        for k, form in enumerate("ab")
    ]
    data = {"kind": NAME, "title": "Quick quiz", "start": "Before we start.", "end": "Now again.", "forms": forms}
    for change in changes.values():
        change(data, coverage)
    (root / "coverage.yaml").write_text(yaml.safe_dump(coverage, sort_keys=False))
    (root / "knowledge.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root


@pytest.fixture
def course(tmp_path):
    content, problems = check([_course_dir(tmp_path)])
    assert problems == [] and content is not None
    return content


def _problems(tmp_path, **changes) -> list[str]:
    content, problems = check([_course_dir(tmp_path, **changes)])
    assert content is None
    return [str(p) for p in problems]


# --- content -------------------------------------------------------------------------------------


def test_the_course_reads_its_knowledge_check(course):
    part = course.part(NAME)
    assert [f.id for f in part.forms] == ["a", "b"] and len(part.forms[0].items) == QUESTIONS
    assert load().part(NAME) is None or len(load().part(NAME).forms) == 2  # the shipped course, if it has one


def test_a_question_tied_to_no_key_point_is_named_with_its_line(tmp_path):
    def untie(data, coverage):
        for point in coverage["points"]:
            point["questions"] = [q for q in point["questions"] if q != "knowledge-b-3"]

    found = _problems(tmp_path, untie=untie)
    assert any("knowledge.yaml:" in p and "forms[1].items[2].id" in p and "tied to no key point" in p for p in found), found
    line = int(next(p for p in found if "tied to no key point" in p).split("knowledge.yaml:")[1].split(":")[0])
    text = (tmp_path / "assessments" / "knowledge.yaml").read_text().splitlines()
    assert "knowledge-b-3" in text[line - 1]


def test_forms_of_different_lengths_are_not_parallel(tmp_path):
    found = _problems(tmp_path, shorten=lambda data, cov: data["forms"][1]["items"].append(_question("b", 9, "few-minutes-a-week", 0)))
    assert any("not parallel" in p and "'a' has 8 questions and 'b' has 9" in p for p in found), found


def test_forms_on_different_key_points_are_not_parallel(tmp_path):
    def swap(data, coverage):
        points = coverage["points"]
        points[0]["questions"].remove("knowledge-b-1")
        points[10]["questions"].append("knowledge-b-1")

    found = _problems(tmp_path, swap=swap)
    assert any("not parallel" in p and "different key points" in p for p in found), found


def test_a_question_needs_exactly_one_best_option(tmp_path):
    def two_best(data, coverage):
        data["forms"][0]["items"][4]["options"][1]["best"] = True
        data["forms"][0]["items"][4]["options"][2]["best"] = True

    found = _problems(tmp_path, two_best=two_best)
    assert any("knowledge.yaml:" in p and "exactly one option marked best" in p for p in found), found


def test_an_unknown_lesson_is_found(tmp_path):
    found = _problems(tmp_path, spoil=lambda data, cov: data["forms"][0]["items"][0].update(lesson="no-such-lesson"))
    assert any("forms[0].items[0].lesson: unknown lesson 'no-such-lesson'" in p for p in found), found


def test_a_repeated_id_is_found(tmp_path):
    found = _problems(tmp_path, spoil=lambda data, cov: data["forms"][1]["items"][1].update(id="module-1-scenario-1"))
    assert any("forms[1].items[1].id: duplicate id 'module-1-scenario-1'" in p for p in found), found


# --- who takes which form ------------------------------------------------------------------------


def test_half_take_each_form_first_and_the_other_at_the_end(course):
    check_ = course.part(NAME)
    starts = [form_for(check_, pid, "start", {}) for pid in range(1, 101)]
    assert starts.count("a") == starts.count("b") == 50
    for pid in range(1, 21):
        begun = {"start": Taken(form=form_for(check_, pid, "start", {}))}
        assert form_for(check_, pid, "end", begun) != begun["start"].form
        assert form_for(check_, pid, "end", {}) != form_for(check_, pid, "start", {})
    # a form already begun is kept, even when the id would say otherwise (an imported person)
    assert form_for(check_, 2, "start", {"start": Taken(form="b")}) == "b"
    assert form_for(check_, 2, "end", {"start": Taken(form="b")}) == "a"


# --- the page --------------------------------------------------------------------------------------


def _page(store, course, person):
    return Session(store=store, participant=person, query="", content=course)


def _choices(widget):
    return find(widget, Choice)


def _finish(widget):
    return next(b for b in find(widget, w.Button) if b.description in (knowledge.FINISH, "Done"))


def test_picks_are_saved_as_made_and_come_back_on_a_reload(store, course):
    person = store.local_participant()
    page = build(f"{NAME}/start", _page(store, course, person))
    choices = _choices(page)
    assert len(choices) == QUESTIONS
    choices[0].value = choices[0].options[2][1]
    choices[3].value = choices[3].options[0][1]
    again = build(f"{NAME}/start", _page(store, course, person))  # a reload
    assert _choices(again)[0].value == choices[0].value and _choices(again)[3].value == choices[3].value
    assert _choices(again)[1].value is None

    _finish(again).click()  # not every question answered
    assert "6 still to go" in text_of(again)
    assert not scores(course, store.answers(person.id))


def test_finishing_shows_the_score_and_fixes_the_picks(store, course):
    person = store.local_participant()
    page = build(f"{NAME}/start", _page(store, course, person))
    form = course.part(NAME).form(form_for(course.part(NAME), person.id, "start", {}))
    for question, choice in zip(form.items, _choices(page)):
        choice.value = question.best_index if question.id.endswith(("-1", "-2", "-3")) else (question.best_index + 1) % 4
    _finish(page).click()
    assert "3 of 8 questions" in text_of(page)
    assert all(c.disabled for c in _choices(page))
    assert "Feedback on every answer" not in text_of(page)  # the right answers wait for the end
    assert scores(course, store.answers(person.id)) == {"start": (3, 8)}

    end = build(f"{NAME}/end", _page(store, course, person))
    end_form = course.part(NAME).form(form_for(course.part(NAME), person.id, "end", knowledge.taken(knowledge.KIND.saved(store.answers(person.id)))))
    assert end_form.id != form.id
    for question, choice in zip(end_form.items, _choices(end)):
        choice.value = question.best_index if not question.id.endswith("-8") else (question.best_index + 1) % 4
    _finish(end).click()
    text = text_of(end)
    assert "At the start you had 3 of 8 right. Now you have 7 of 8 right." in text
    assert text.count("Feedback on every answer") == QUESTIONS
    assert all(q.options[q.best_index].feedback in text for q in end_form.items)


def test_the_options_come_in_an_order_of_each_persons_own(store, course):
    orders = set()
    for name in ("Ana", "Ben", "Cal", "Dee"):
        cohort = store.cohort("quiz") or store.create_cohort("quiz")
        person = store.join(cohort.join_code, name)
        page = build(f"{NAME}/start", _page(store, course, person))
        orders.add(tuple(v for _, v in _choices(page)[0].options))
    assert len(orders) > 1


# --- the progress file -----------------------------------------------------------------------------


def test_the_progress_file_carries_the_answers(store, course, tmp_path):
    person = store.local_participant()
    store.add_piece_answer(person.id, NAME, "start", Taken(form="a", picks={"knowledge-a-1": 2}, finished=False).model_dump(), replace=True)
    store.add_piece_answer(person.id, NAME, "start", Taken(form="a", picks={"knowledge-a-1": 1}, finished=True).model_dump(), replace=True)
    data = store.export_participant(person.id, course)
    assert [(p["kind"], p["key"], p["value"]["picks"]) for p in data["pieces"]] == [(NAME, "start", {"knowledge-a-1": 1})]

    other = Store.open(f"sqlite:///{tmp_path}/other.sqlite")
    try:
        other.create_cohort("elsewhere")
        moved = other.import_participant(data, cohort="elsewhere", content=course)
        assert knowledge.taken(knowledge.KIND.saved(other.answers(moved.id)))["start"].picks == {"knowledge-a-1": 1}
        other.import_participant(data, cohort=None, content=course)  # into the local participant, twice: no repeats
        other.import_participant(data, cohort=None, content=course)
        local = other.local_participant()
        assert other.answers(local.id).pieces[NAME]["start"] == [data["pieces"][0]["value"]]
    finally:
        other.close()


@pytest.mark.parametrize(
    "value, key, words",
    [
        ({"form": "a", "picks": {"knowledge-a-1": 7}}, "start", "7 is not one of the options"),
        ({"form": "a", "picks": {"knowledge-b-1": 0}}, "start", "not a question of form 'a'"),
        ({"form": "z", "picks": {}}, "start", "'z' is not a form"),
        ({"form": "a", "picks": {}}, "middle", "not a moment of the knowledge check"),
        ({"form": "a", "picks": {"knowledge-a-1": "abc"}}, "start", "picks.knowledge-a-1"),
        ({"form": "a", "picks": {}, "finished": "yes"}, "start", "finished"),
    ],
)
def test_answers_that_do_not_fit_are_refused_and_nothing_is_stored(store, course, value, key, words):
    person = store.local_participant()
    data = store.export_participant(person.id, course)
    data["pieces"] = [{"kind": NAME, "key": key, "attempt": 1, "value": value, "created_at": "2026-01-01T10:00:00+00:00"}]
    store.create_cohort("checked")
    with pytest.raises(ProgressFileError) as refused:
        store.import_participant(data, cohort="checked", content=course)
    assert words in refused.value.message and "answers" in refused.value.message
    assert store.participants("checked") == []


def test_an_unknown_kind_of_answer_is_refused(store, course):
    data = store.export_participant(store.local_participant().id, course)
    data["pieces"] = [{"kind": "mystery", "key": "x", "attempt": 1, "value": {}, "created_at": "2026-01-01T10:00:00+00:00"}]
    with pytest.raises(ProgressFileError) as refused:
        store.import_participant(data, cohort=None, content=course)
    assert "keeps no answers of that kind" in refused.value.message


# --- the cohort's gain -----------------------------------------------------------------------------


def test_demo_data_gives_plausible_quizzes_and_the_dashboard_shows_the_gain(tmp_path):
    """Made-up people take the forms half and half, know more at the end, and the dashboard's quiz row
    matches an independent computation (scipy) of the mean change, its 95% interval and d_z."""
    from scipy import stats as sps

    from empathydesk import dashboard, demo
    from empathydesk.cohort_export import cohort_rows

    content = load()
    store = Store.open(f"sqlite:///{tmp_path}/demo.sqlite")
    try:
        demo.fill_cohort(store, content, "demo", 30)
        people = store.participants("demo")
        answers = store.cohort_answers("demo")
        taken_ = {pid: knowledge.taken(knowledge.KIND.saved(a)) for pid, a in answers.items()}
        starts = [t["start"].form for t in taken_.values() if "start" in t]
        assert len(starts) == 30 and abs(starts.count("a") - starts.count("b")) <= 2
        assert all(t["end"].form != t["start"].form for t in taken_.values() if "end" in t)
        quiz = knowledge.cohort_scores(content, answers)
        both = sorted(pid for pid, s in quiz.items() if "end" in s)
        before = [quiz[p]["start"] for p in both]
        after = [quiz[p]["end"] for p in both]
        diff = [a - b for a, b in zip(after, before)]
        assert len(both) >= 10 and sum(diff) / len(diff) > 5  # they know more at the end

        everyone = [type(p)(**{**p.__dict__, "consent": False}) for p in people]  # nobody shares
        shared = [type(p)(**{**p.__dict__, "consent": True}) for p in people]  # everybody shares
        ratings = {pid: a.ratings for pid, a in answers.items()}
        attempts = {pid: a.scenario_attempts for pid, a in answers.items()}
        html = dashboard.build_results(content, ratings, attempts, shared, quiz=quiz)
        mean = sum(diff) / len(diff)
        low, high = sps.t.interval(0.95, len(diff) - 1, loc=mean, scale=sps.sem(diff))
        d_z = mean / sps.tstd(diff)
        assert f"{mean:+.0f}" in html["stats"] and f"[{low:+.0f}, {high:+.0f}]" in html["stats"]
        assert f"{d_z:.2f}" in html["stats"]
        assert "Quiz" in html["individuals"] and "%" in html["individuals"]

        hidden = dashboard.build_results(content, ratings, attempts, everyone[:3] + shared[3:], quiz=quiz)
        assert "Quiz: what people know" in hidden["stats"]  # three who don't share: the change is hidden
        assert f"[{low:+.0f}, {high:+.0f}]" not in hidden["stats"]

        for person in people:
            store.set_consent(person.id, True)
        shown = {r["item"]: r["value"] for r in cohort_rows(store, "demo") if r["kind"] == "quiz change"}
        assert shown["mean_change"] == round(mean, 2) and shown["ci_low"] == round(low, 2)
        store.set_consent(both[0], False)  # one in it who doesn't share: the export hides it too
        assert not [r for r in cohort_rows(store, "demo") if r["kind"] == "quiz change"]
    finally:
        store.close()
