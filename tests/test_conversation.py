"""Practice conversations (a kind of piece in `empathydesk.pieces`): each broken graph or reply is named with
its file:line, the piece plays turn by turn and saves each turn as it is taken (a reload goes on where it
was, with the same trust), a written reply is taken as the nearest reply with a reason, the ending shows a
debrief, every run is kept, and a progress file carries the runs (refused when they don't fit)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import ipywidgets as w
import pytest

from empathydesk.content import check
from empathydesk.paths import content_root
from empathydesk.pieces import conversation as conv
from empathydesk.pieces.conversation import NAME, Run, runs
from empathydesk.progress_file import ProgressFileError
from empathydesk.storage import Store
from empathydesk.storage.records import Answers
from empathydesk.widgets import Session, build
from empathydesk.widgets.choice import Choice
from empathydesk.widgets.live import Live
from widget_tree import find
from widget_tree import text_of as markup_text


def text_of(widget) -> str:
    return html.unescape(markup_text(widget))

HERE = Path(__file__).resolve().parent
FIXTURE = (HERE / "conversations" / "module-5.yaml").read_text()
README = HERE.parent / "assessments" / "README.md"
PIECE = "module-5/conversation"


def _course_dir(tmp_path: Path, text: str = FIXTURE, name: str = "module-5.yaml") -> Path:
    """The course's instrument, modules and coverage, with our own conversation (the shipped ones are
    being written; the engine is tested on a file of its own)."""
    root = tmp_path / "assessments"
    shutil.copytree(content_root(), root, ignore=shutil.ignore_patterns("conversations", "README.md"))
    (root / "conversations").mkdir()
    (root / "conversations" / name).write_text(text)
    return root


def _problems(tmp_path: Path, text: str) -> list[str]:
    content, problems = check([_course_dir(tmp_path, text)])
    assert content is None and problems
    return [re.sub(r"^.*/conversations/", "", str(p)) for p in problems]


def _line(text: str, marker: str, after: str = "") -> int:
    """The 1-based line of the first `marker` (after the first `after`, when given)."""
    start = text.index(after) if after else 0
    return text[: text.index(marker, start)].count("\n") + 1


def _swap(old: str, new: str, text: str = FIXTURE, count: int = 1) -> str:
    assert old in text
    return text.replace(old, new, count)


NODE = """\
  - id: {id}
    client: "\\"Hello?\\""
    mood: unsure
    choices:
""" + "".join(
    f"""\
      - text: "Reply {k} to {{id}}, said with care."
        to: {{to}}
        trust: 0
        why: "Why it helps or not."
        lesson: shift-the-focus
""" + ("        best: true\n" if k == 1 else "")
    for k in (1, 2, 3)
)


def _with_nodes(text: str, *nodes: tuple[str, str]) -> str:
    """`text` with turns (id, where all their replies lead) added at the end of `nodes:`."""
    extra = "".join(NODE.format(id=i, to=to) for i, to in nodes)
    return _swap("endings:\n", extra + "endings:\n", text)


@pytest.fixture
def course(tmp_path):
    content, problems = check([_course_dir(tmp_path)])
    assert problems == [] and content is not None
    return content


# --- the graph, with file:line -----------------------------------------------------------------------


def test_the_fixture_is_a_whole_conversation(course):
    found = course.parts_of(NAME)
    assert [c.id for c in found] == ["test-conversation"]
    assert [n.id for n in found[0].best_path()] == [f"n{i}" for i in range(1, 9)]
    assert "a conversation" in course.summary


def test_an_unreachable_turn(tmp_path):
    text = _with_nodes(FIXTURE, ("n9", "reassured"))
    assert f"module-5.yaml:{_line(text, '- id: n9')}: nodes[8].id: turn 'n9' cannot be reached from the start ('n1')" in _problems(tmp_path, text)


def test_a_reply_leading_nowhere(tmp_path):
    text = _swap("        to: n3\n        trust: 0", "        to: n33\n        trust: 0")
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, 'to: n33')}: nodes[1].choices[2].to: this reply leads nowhere: 'n33' is neither a turn nor an ending"
    ]


def test_a_path_that_never_ends(tmp_path):
    text = _with_nodes(_swap("        to: gave-up\n", "        to: n9\n"), ("n9", "n10"), ("n10", "n10"))
    problems = _problems(tmp_path, text)
    assert (f"module-5.yaml:{_line(text, '- id: n9')}: nodes[8].id: a path that never ends: every reply from 'n9' "
            "goes round in circles, never to an ending") in problems


def test_a_cycle_without_an_exit(tmp_path):
    text = _with_nodes(_swap("        to: gave-up\n", "        to: n9\n"), ("n9", "n10"), ("n10", "n9"))
    problems = _problems(tmp_path, text)
    assert f"module-5.yaml:{_line(text, '- id: n9')}: nodes[8].id: a cycle without an exit: n9 → n10 never reaches an ending" in problems
    assert not any("n10" in p.split(":")[1] for p in problems)  # one message for the whole cycle


def test_an_ending_no_reply_leads_to(tmp_path):
    text = FIXTURE + '  - id: lost\n    type: gave-up\n    client: "Bye."\n    debrief: "Nobody gets here."\n'
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, '- id: lost')}: endings[4].id: ending 'lost' cannot be reached: no reply leads to it"
    ]


def test_no_best_path_to_a_reassured_ending(tmp_path):
    text = _swap("        best: true\n        to: reassured", "        best: true\n        to: bruised")
    problems = _problems(tmp_path, text)
    assert (f"module-5.yaml:{_line(text, 'start: n1')}: start: no best path: the best replies end in 'bruised' "
            "(bruised), not a reassured ending") in problems


def test_a_best_path_too_short(tmp_path):
    text = _swap("        best: true\n        to: n5", "        best: true\n        to: n8")
    problems = _problems(tmp_path, text)
    assert f"module-5.yaml:{_line(text, 'start: n1')}: start: the best path has 5 client turns; it needs at least 8" in problems


def test_a_best_path_going_round_in_a_circle(tmp_path):
    text = _swap("        best: true\n        to: n8", "        best: true\n        to: n2")
    assert (f"module-5.yaml:{_line(text, 'start: n1')}: start: no best path: the best replies go round in a circle at 'n2'"
            in _problems(tmp_path, text))


def test_a_lesson_that_does_not_exist(tmp_path):
    text = _swap("lesson: share-your-story", "lesson: no-such-lesson")
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, 'no-such-lesson')}: nodes[3].choices[2].lesson: unknown lesson 'no-such-lesson'"
    ]


def test_a_turn_with_two_best_replies(tmp_path):
    text = _swap("        to: n2\n        trust: -1", "        best: true\n        to: n2\n        trust: -1")
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, 'choices:')}: nodes[0].choices: a turn needs exactly one reply marked best: true; found 2"
    ]


def test_a_turn_with_two_replies(tmp_path):
    gone = FIXTURE.index("      - text: \"Printers are not our job")
    end = FIXTURE.index("  - id: n2")
    text = FIXTURE[:gone] + FIXTURE[end:]
    assert (f"module-5.yaml:{_line(text, 'choices:')}: nodes[0].choices: List should have at least 3 items after "
            "validation, not 2") in _problems(tmp_path, text)


def test_a_trust_change_too_big(tmp_path):
    text = _swap("        trust: -2", "        trust: -3")
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, 'trust: -3')}: nodes[0].choices[2].trust: Input should be greater than or equal to -2"
    ]


def test_a_start_trust_off_the_meter(tmp_path):
    text = _swap("trust: 2\nnodes:", "trust: 5\nnodes:")
    assert _problems(tmp_path, text) == [f"module-5.yaml:{_line(text, 'trust: 5')}: trust: Input should be less than or equal to 4"]


def test_a_start_that_is_no_turn(tmp_path):
    text = _swap("start: n1", "start: n0")
    assert _problems(tmp_path, text) == [f"module-5.yaml:{_line(text, 'start: n0')}: start: 'n0' is not a turn of this conversation"]


def test_a_reply_at_a_write_turn_without_fits(tmp_path):
    text = _swap("        fits: [brief]\n", "")
    line = _line(text, '- text: "Fine."')
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{line}: nodes[3].choices[2].fits: every reply at a write: true turn "
        "needs fits: (the coach findings it stands for)"
    ]


def test_a_fit_the_coach_does_not_know(tmp_path):
    text = _swap("fits: [brief]", "fits: [rude-words]")
    [problem] = _problems(tmp_path, text)
    assert problem.startswith(f"module-5.yaml:{_line(text, 'rude-words')}: nodes[3].choices[2].fits[0]: 'rude-words' "
                              "is not a coach finding or check (known: ")
    assert "acknowledges" in problem and "offers-help" in problem


def test_no_turn_to_write_a_reply(tmp_path):
    text = _swap("    write: true\n", "")
    problems = _problems(tmp_path, text)
    assert f"module-5.yaml:{_line(text, 'nodes:')}: nodes: no turn has write: true; at least one turn lets the participant write their own reply" in problems


def test_an_ending_type_missing(tmp_path):
    text = _swap("    type: escalated", "    type: bruised")
    assert _problems(tmp_path, text) == [
        f"module-5.yaml:{_line(text, 'endings:')}: endings: a conversation needs at least 4 endings and every type of ending; missing: escalated"
    ]


def test_an_id_used_twice(tmp_path):
    text = _swap("  - id: n8", "  - id: n7")
    second = _line(text, "- id: n7", after="mood: calm\n    choices:\n      - text: \"Great.")
    assert f"module-5.yaml:{second}: nodes[7].id: 'n7' is used twice; each turn and ending needs its own id" in _problems(tmp_path, text)


def test_an_unknown_module_and_a_second_conversation_for_a_module(tmp_path):
    text = _swap("module: module-5", "module: module-9")
    assert f"module-5.yaml:{_line(text, 'module: module-9')}: module: unknown module 'module-9'" in _problems(tmp_path, text)
    root = _course_dir(tmp_path / "two")
    (root / "conversations" / "other.yaml").write_text(_swap("id: test-conversation", "id: test-conversation-2"))
    _, problems = check([root])
    assert [re.sub(r"^.*/conversations/", "", str(p)) for p in problems] == [
        "other.yaml:3: module: module-5 has a conversation already ('test-conversation'); one per module"
    ]


def test_the_best_reply_must_not_be_given_away_by_its_length(tmp_path):
    longer = re.sub(r'(      - text: "[^"\n]*)("\n        best: true)', r"\1 I mean it, truly, and I will stay with you.\2", FIXTURE)
    problems = _problems(tmp_path, longer)
    assert f"module-5.yaml:{_line(longer, 'nodes:')}: nodes: the best reply is the longest at 8 of 8 turns, so its length gives it away; make the other replies as long" in problems


def test_every_fit_the_coach_knows_has_plain_words():
    assert conv.fit_names() <= set(conv.FIT_WORDS)


def test_the_readme_example_validates(tmp_path):
    """assessments/README.md's example conversation is a whole conversation `validate` accepts."""
    text = README.read_text()
    example = re.search(r"<!-- conversation example -->\n```yaml\n(.*?)```", text, re.S)
    assert example is not None
    content, problems = check([_course_dir(tmp_path, example.group(1), "module-1.yaml")])
    assert problems == [] and len(content.parts_of(NAME)[0].best_path()) >= conv.MIN_BEST_TURNS


# --- the piece -------------------------------------------------------------------------------------


def _page(store, course, person):
    return build(PIECE, Session(store=store, participant=person, query="", content=course))


def _say(page, reply_text: str) -> None:
    """Pick the reply with these words and press "Say this"."""
    [choice] = find(page, Choice)
    choice.value = next(v for label, v in choice.options if label == reply_text)
    next(b for b in find(page, w.Button) if b.description == conv.SAY).click()


def _best(course, node_id):
    node = course.part(NAME).node(node_id)
    return next(c.text for c in node.choices if c.best)


def _meter(page) -> str:
    return next(m.value for m in find(page, Live) if "ed-trust" in m.value)


def test_a_turn_is_saved_as_it_is_taken_and_a_reload_goes_on_there(store, course):
    person = store.local_participant()
    page = _page(store, course, person)
    assert "Trust: unsure" in _meter(page) and "Just fix it" in find(page, Choice)[0].description
    _say(page, _best(course, "n1"))
    assert "Trust: good" in _meter(page) and "went up from unsure" in _meter(page)
    _say(page, "OK. What model is the printer, exactly?")  # trust +0
    assert "Trust: good" in _meter(page) and "no change" in _meter(page)
    [saved] = runs(conv.KIND.saved(store.answers(person.id)), "module-5")
    assert [(s.node, s.trust) for s in saved.steps] == [("n1", 3), ("n2", 3)] and saved.ending is None

    again = _page(store, course, person)  # a reload, or a restart of the kernel
    assert "Can I print it somewhere else?" in find(again, Choice)[0].description
    assert "Trust: good" in _meter(again)
    assert "That sounds annoying" in text_of(again)  # the turns so far


def test_the_replies_come_in_an_order_of_each_persons_own(store, course):
    orders = set()
    cohort = store.create_cohort("talk")
    for name in ("Ana", "Ben", "Cal", "Dee", "Eve"):
        page = _page(store, course, store.join(cohort.join_code, name))
        orders.add(tuple(v for _, v in find(page, Choice)[0].options))
    assert len(orders) > 1


def test_the_meter_says_it_in_words_and_an_icon_and_is_announced(store, course):
    html = conv.meter_html(1, 3)
    assert "Trust: low" in html and "went down from good" in html
    assert conv.TRUST_ICONS[1] in html and 'aria-hidden="true"' in html
    page = _page(store, course, store.local_participant())
    assert [m for m in find(page, Live) if "ed-trust" in m.value], "the meter is in a live region that stays in place"


def _play(store, course, person, path):
    page = _page(store, course, person)
    for reply in path:
        _say(page, reply)
    return page


def test_the_best_path_ends_reassured_with_a_debrief_and_try_again_keeps_every_run(store, course):
    person = store.local_participant()
    talk = course.part(NAME)
    page = _play(store, course, person, [_best(course, n.id) for n in talk.best_path()])
    text = text_of(page)
    assert "Thank you for thinking of my client first." in text
    assert "How it ended: resolved and reassured" in text and "A client is waiting at the front desk" in text
    assert "What helped" in text and "It puts Ria's real need first." in text and "(Lesson: " in text
    assert "No reply lowered the trust this time." in text and "Run 1: resolved and reassured" in text
    assert "Trust: strong" in _meter(page)

    next(b for b in find(page, w.Button) if b.description == conv.AGAIN).click()
    assert "Trust: unsure" in _meter(page) and find(page, Choice)
    _say(page, "Did you try turning it off and on again before you called us?")
    _say(page, "I will open a ticket and someone will call you back later today.")
    text = text_of(page)
    assert "How it ended: escalated" in text and "What hurt" in text
    assert "It sounds like a test Ria has to pass before you help." in text
    assert "Run 1: resolved and reassured" in text and "Run 2: escalated" in text
    saved = runs(conv.KIND.saved(store.answers(person.id)), "module-5")
    assert [r.ending for r in saved] == ["reassured", "escalated"]
    summary = conv._summary(course, store.answers(person.id))
    assert summary == ("Practice conversations: Ria's printer: played 2 times (resolved and reassured, escalated); "
                       "best: resolved and reassured, trust strong.")

    reload = _page(store, course, person)  # a finished run shows its ending until "Try again"
    assert "How it ended: escalated" in text_of(reload)


def test_a_written_reply_is_taken_as_the_nearest_reply_and_says_why(store, course):
    person = store.local_participant()
    page = _play(store, course, person, [_best(course, n) for n in ("n1", "n2", "n3")])
    [box] = find(page, w.Textarea)
    box.value = "I'm sorry, that sounds stressful. Would you like me to look at the printer with you now?"
    next(b for b in find(page, w.Button) if b.description == conv.SAY_MINE).click()
    text = text_of(page)
    assert "We took your reply as: No need to say sorry" in text and "shows you see how they feel" in text
    [saved] = runs(conv.KIND.saved(store.answers(person.id)), "module-5")
    assert saved.steps[-1].choice == 0 and saved.steps[-1].written.startswith("I'm sorry")
    assert "I'm sorry, that sounds stressful" in text  # the transcript keeps their own words

    other = store.join(store.create_cohort("w").join_code, "Kit")
    page = _play(store, course, other, [_best(course, n) for n in ("n1", "n2", "n3")])
    find(page, w.Textarea)[0].value = "Next time you should have checked the other printer yourself."
    next(b for b in find(page, w.Button) if b.description == conv.SAY_MINE).click()
    assert "We took your reply as: Next time, please check" in text_of(page) and "telling-off" in text_of(page)


def test_an_empty_written_reply_is_not_sent(store, course):
    person = store.local_participant()
    page = _play(store, course, person, [_best(course, n) for n in ("n1", "n2", "n3")])
    find(page, w.Textarea)[0].value = "   "
    next(b for b in find(page, w.Button) if b.description == conv.SAY_MINE).click()
    assert "Write your reply in the box first." in text_of(page)
    assert len(runs(conv.KIND.saved(store.answers(person.id)), "module-5")[0].steps) == 3


def test_a_module_without_a_conversation_says_so(store, course):
    page = build("module-1/conversation", Session(store=store, participant=store.local_participant(), query="", content=course))
    assert "has no practice conversation yet" in text_of(page)


def test_the_module_is_done_only_with_a_finished_run(store, course):
    from empathydesk import scoring

    person = store.local_participant()
    module = course.module("module-5")
    _play(store, course, person, [_best(course, "n1")])
    assert scoring._parts(course, module, store.answers(person.id)) [0][NAME] is False
    assert scoring._parts(course, module, store.answers(person.id))[1] is True
    _play(store, course, person, [_best(course, n) for n in ("n2", "n3", "n4", "n5", "n6", "n7", "n8")])
    assert scoring._parts(course, module, store.answers(person.id))[0][NAME] is True


# --- the progress file -----------------------------------------------------------------------------


def test_the_progress_file_carries_the_runs(store, course, tmp_path):
    person = store.local_participant()
    _play(store, course, person, [_best(course, "n1"), "I will open a ticket and someone will call you back later today."])
    _play(store, course, person, [])  # the finished run shows; nothing more saved
    data = store.export_participant(person.id, course)
    assert [(p["kind"], p["key"]) for p in data["pieces"]] == [(NAME, "module-5-run-1")]
    other = Store.open(f"sqlite:///{tmp_path}/other.sqlite")
    try:
        other.create_cohort("elsewhere")
        moved = other.import_participant(data, cohort="elsewhere", content=course)
        [run] = runs(conv.KIND.saved(other.answers(moved.id)), "module-5")
        assert run.ending == "escalated" and [s.trust for s in run.steps] == [3, 2]
    finally:
        other.close()


GOOD = {"conversation": "test-conversation", "steps": [{"node": "n1", "choice": 0, "trust": 3}], "ending": None}


@pytest.mark.parametrize(
    "change, key, words",
    [
        ({}, "module-1-run-1", "not a run of a practice conversation"),
        ({}, "module-5-run-first", "not a run of a practice conversation"),
        ({"conversation": "other"}, "module-5-run-1", "'other' is not the conversation of module-5"),
        ({"steps": [{"node": "n2", "choice": 0, "trust": 3}]}, "module-5-run-1", "turn 'n2' does not follow"),
        ({"steps": [{"node": "n1", "choice": 5, "trust": 3}]}, "module-5-run-1", "5 is not one of the replies of 'n1'"),
        ({"steps": [{"node": "n1", "choice": 0, "trust": 4}]}, "module-5-run-1", "the trust after 'n1' should be 3, not 4"),
        ({"ending": "reassured"}, "module-5-run-1", "the run should end at None, not 'reassured'"),
        ({"steps": "many"}, "module-5-run-1", "steps"),
    ],
)
def test_runs_that_do_not_fit_are_refused(store, course, change, key, words):
    data = store.export_participant(store.local_participant().id, course)
    data["pieces"] = [{"kind": NAME, "key": key, "attempt": 1, "value": {**GOOD, **change},
                       "created_at": "2026-01-01T10:00:00+00:00"}]
    store.create_cohort("checked")
    with pytest.raises(ProgressFileError) as refused:
        store.import_participant(data, cohort="checked", content=course)
    assert words in refused.value.message
    assert store.participants("checked") == []


def test_rows_and_demo_runs(course):
    import random

    runs_ = conv._demo(course, random.Random(3), 0, 1.0, 1.0, True)
    assert set(runs_) == {"module-5-run-1", "module-5-run-2"}
    assert all(Run.model_validate(r).ending == "reassured" for r in runs_.values())  # knows it all: the best path
    rows = conv._rows({k: [v] for k, v in runs_.items()})
    assert ("conversation module-5-run-1", "ending", "reassured", "") in rows
    assert ("conversation module-5-run-2", "turn 1 n1", 0, "") in rows
    assert conv._answer_check(course, "module-5-run-1", Run.model_validate(runs_["module-5-run-1"])) is None


# --- the dashboard -----------------------------------------------------------------------------------


def _ran(course, *paths: list[int]) -> Answers:
    """A person's answers: one finished run per path (the replies' indices in the file)."""
    talk = course.part(NAME)
    saved = {}
    for n, path in enumerate(paths, 1):
        run = Run(conversation=talk.id)
        for index in path:
            run = conv.take(talk, run, index)
        saved[conv.run_key("module-5", n)] = [run.model_dump()]
    return Answers(pieces={NAME: saved})


BEST = [0] * 8  # the fixture's best reply is the first at every turn
ESCALATED = [1, 1]  # n1: trust -1, n2: a ticket for later (-1)
GAVE_UP = [2]  # n1: not our job


def _room_html(course, room: dict[int, Answers], sharing: set[int]) -> str:
    from empathydesk import dashboard

    people = [P(pid, f"Person {pid}", pid in sharing) for pid in room]
    runs_ = conv.cohort_runs(course, room)
    return dashboard.build_results(course, {}, {}, people, None, None, runs_)["stats"]


class P:
    def __init__(self, id: int, pseudonym: str, consent: bool):
        self.id, self.pseudonym, self.consent = id, pseudonym, consent


def _conversation_row(html_: str) -> list[str]:
    table = html_[html_.index('aria-label="Practice conversations"'):]
    row = table[table.index("<tbody>") + 7: table.index("</tbody>")]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell.replace("<br>", "; "))) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]


def test_the_dashboard_shows_endings_first_and_last_and_where_trust_fell(course):
    room = {
        1: _ran(course, ESCALATED, BEST), 2: _ran(course, ESCALATED, BEST), 3: _ran(course, GAVE_UP, ESCALATED),
        4: _ran(course, BEST), 5: _ran(course, ESCALATED), 6: _ran(course, GAVE_UP, BEST, BEST),
        7: Answers(),  # has not played
    }
    title, finished, first, last, lost = _conversation_row(_room_html(course, room, sharing=set()))
    assert (title, finished) == ("Ria's printer", "6")
    assert first == "resolved and reassured: 1; escalated: 3; gave up: 2"
    assert last == "resolved and reassured: 4; escalated: 2"
    assert lost.startswith('Ria: "The printer is broken again. Just fix it." (5 of 6)')  # n1: everyone but person 4


def test_the_dashboard_hides_what_would_give_away_a_persons_ending(course):
    from empathydesk import privacy, stats

    alike = {pid: _ran(course, ESCALATED, BEST if pid % 2 else ESCALATED) for pid in range(1, 7)}
    _, _, first, last, lost = _conversation_row(_room_html(course, alike, sharing=set()))
    assert first == lost == privacy.ALIKE  # all six escalated first, all lost trust at n1 and n2: no count shown
    assert last == "resolved and reassured: 3; escalated: 3"
    few = {pid: _ran(course, ESCALATED if pid % 2 else BEST) for pid in range(1, 5)}
    _, finished, first, last, lost = _conversation_row(_room_html(course, few, sharing={1}))
    assert finished == "4" and "3 people in it do not share" in first and "3 people in it do not share" in lost
    every = _conversation_row(_room_html(course, few, sharing={1, 2, 3, 4}))
    assert every[2] == "resolved and reassured: 2; escalated: 2"  # all of them share: shown
    tables = stats.cohort_tables(course, {}, {}, None, None, conv.cohort_runs(course, few))
    figures, answers, _ = privacy.cohort_figures(course, tables)
    assert {f.key for f in figures if f.key[0] == "conversation"} == {
        ("conversation", "test-conversation", part) for part in ("first", "last", "lost")}
    assert answers[("run", "test-conversation", "first")] == {1: "escalated", 2: "reassured", 3: "escalated", 4: "reassured"}


def test_a_hostile_written_reply_is_shown_as_text(store, course):
    person = store.local_participant()
    page = _play(store, course, person, [_best(course, n) for n in ("n1", "n2", "n3")])
    find(page, w.Textarea)[0].value = '<script>alert("x")</script><img src=x onerror=alert(1)> =SUM(A1)'
    next(b for b in find(page, w.Button) if b.description == conv.SAY_MINE).click()
    markup = markup_text(page)
    assert "<script>" not in markup and "<img" not in markup and "&lt;script&gt;" in markup
    assert runs(conv.KIND.saved(store.answers(person.id)), "module-5")[0].steps[-1].written.startswith("<script>")


def test_the_cohort_results_carry_the_runs_of_people_who_share(store, course):
    from empathydesk.cohort_export import _individual_rows

    person = store.local_participant()
    _play(store, course, person, [_best(course, "n1"), "I will open a ticket and someone will call you back later today."])
    rows = [tuple(r[k] for k in ("kind", "topic", "item", "value")) for r in _individual_rows("Me", store.answers(person.id))]
    assert (NAME, "conversation module-5-run-1", "ending", "escalated") in rows
    assert (NAME, "conversation module-5-run-1", "turn 1 n1", 0) in rows


def test_a_draft_at_a_write_turn_comes_back_after_a_reload_and_goes_once_a_reply_is_picked(store, course):
    person = store.local_participant()
    page = _play(store, course, person, [_best(course, n) for n in ("n1", "n2", "n3")])
    find(page, w.Textarea)[0].value = "Half a reply"  # the first change is saved at once
    again = _page(store, course, person)  # a reload
    assert find(again, w.Textarea)[0].value == "Half a reply"
    _say(again, _best(course, "n4"))
    assert "conversation/module-5" not in store.drafts(person.id)


def test_only_a_kind_with_several_files_may_have_more_than_one(tmp_path):
    root = _course_dir(tmp_path)
    shutil.copy(root / "knowledge.yaml", root / "knowledge-again.yaml")
    _, problems = check([root])
    assert [str(p).rpartition("/")[2] for p in problems if "only one" in str(p)] == [
        "knowledge.yaml:1: kind: there must be only one knowledge-check file"
    ]
