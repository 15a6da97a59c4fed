"""Charts (empathydesk.charts): titles, labelled axes, text alternatives, safe colours, the PDF and "My progress"."""

from __future__ import annotations

import subprocess
import sys

import ipywidgets as w
import pytest
from matplotlib.colors import to_hex

from course_fixture import course
from empathydesk import charts, demo, privacy
from empathydesk.storage.records import Answers
from empathydesk.widgets.page import progress_view
from widget_tree import all_html

PNG = b"\x89PNG\r\n\x1a\n"
ALLOWED = {c.lower() for c in charts.OKABE_ITO.values()} | {c.lower() for c in charts.LIKERT_COLOURS}


@pytest.fixture(scope="module")
def content():
    return course()


@pytest.fixture(scope="module")
def room(content):
    people = demo.people(content, 30, seed=3)
    return people, *demo.cohort_rows(people)


def finished(people):
    return next(p for p in people if "follow-up" in p.ratings and "retro-before" in p.ratings)


def texts(chart):
    found = [t.get_text() for t in chart.figure.texts]
    for ax in chart.figure.axes:
        found += [t.get_text() for t in ax.texts]
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
    if chart.figure._suptitle is not None:
        found.append(chart.figure._suptitle.get_text())
    return " ".join(found)


def check_accessible(chart):
    assert chart.title and chart.alt.endswith(".") and len(chart.alt.split()) >= 8
    assert chart.png().startswith(PNG)
    for ax in chart.figure.axes:
        if ax.name == "polar":
            assert [t.get_text() for t in ax.get_xticklabels()]  # spokes named
            continue
        if ax.get_visible() and ax.axison:
            assert ax.get_xlabel() and (ax.get_ylabel() or ax.get_shared_y_axes().get_siblings(ax) != [ax])
    html = chart.html()
    assert 'alt="' in html and "<figcaption" in html


def test_participant_charts_are_accessible(content, room):
    person = finished(room[0])
    made = charts.participant_charts(content, person.ratings, person.scenario_attempts)
    assert [c.name for c in made] == ["scores", "radar", "scenarios"]
    for chart in made:
        check_accessible(chart)
    assert "went from" in made[0].alt and "looking back" in made[0].alt
    assert "then" in made[1].alt


def test_lines_differ_by_marker_and_style_not_only_colour(content, room):
    person = finished(room[0])
    chart = charts.scores_chart(content, person.ratings)
    lines = [ln for ln in chart.figure.axes[0].lines if ln.get_label() and not ln.get_label().startswith("_")
             and ln.get_linestyle() != "None"]
    assert len(lines) == 5
    assert len({ln.get_marker() for ln in lines}) == 5
    assert len({str(ln.get_linestyle()) for ln in lines}) >= 4  # a custom dash pattern reports as "-"
    assert len({to_hex(ln.get_color()) for ln in lines}) == 5
    assert {to_hex(ln.get_color()) for ln in lines} <= ALLOWED


def test_retrospective_points_are_hollow_and_apart(content, room):
    person = finished(room[0])
    chart = charts.scores_chart(content, person.ratings)
    labels = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    assert labels[0].startswith("Start,") and "looking" in labels[0]
    hollow = [ln for ln in chart.figure.axes[0].lines if ln.get_markerfacecolor() == "white"]
    assert hollow and all(ln.get_linestyle() == "None" for ln in hollow)


def test_empty_states_say_what_to_do(content):
    for chart in charts.participant_charts(content, {}, {}):
        assert chart.extra.get("empty")
        assert "appear" in chart.alt
        assert chart.png().startswith(PNG)


def test_scenario_chart_uses_hatching_as_well_as_colour(content, room):
    person = room[0][0]
    chart = charts.scenario_chart(content, person.scenario_attempts)
    hatches = {p.get_hatch() for p in chart.figure.axes[0].patches}
    assert {"//", ".."} & hatches


def test_cohort_charts(content, room):
    _, ratings, attempts = room
    tables = privacy.cohort_view(content, ratings, attempts, sharers=range(1, 31))
    made = charts.cohort_charts(content, tables)
    assert [c.name for c in made] == ["change", "likert-baseline-wrap-up", "scenario-shares"]
    for chart in made:
        check_accessible(chart)
    change = made[0]
    titles = [ax.get_title(loc="left") for ax in change.figure.axes]
    assert titles[0].startswith("Real change") and titles[1].startswith("Retrospective")
    assert "not mixed" in change.alt
    assert "✓" in texts(made[2])
    assert set(tables) == {"change", "reliability", "scores", "likert", "shares", "best_first", "quiz", "quiz_scores",
                           "conversations"}


def test_hidden_figures_say_so(content, room):
    people, ratings, attempts = room
    four = {1, 2, 3, 4}
    few_ratings = [r for r in ratings if r["participant_id"] in four]
    few_attempts = [a for a in attempts if a["participant_id"] in four]
    tables = privacy.cohort_view(content, few_ratings, few_attempts, sharers={1})
    made = charts.cohort_charts(content, tables)
    assert "Nothing to show yet" in made[0].alt
    assert "hidden" in texts(made[1]) and "hidden to protect" in made[1].alt
    assert "hidden (n=" in texts(made[2]) or "Nobody" in made[2].alt
    assert not tables["change"]["real"]["shown"].any()


def test_a_change_says_in_words_what_its_figures_mean(content):
    """Everyone changed by the same amount: the interval has no width and d_z is missing, and the chart says why."""
    rows = [{"participant_id": p, "checkpoint": cp, "item": i.id, "value": 6 - v - p % 2 if i.reverse else v + p % 2}
            for p in range(1, 5) for cp, v in (("baseline", 2), ("wrap-up", 3)) for i in content.instrument.items]
    change = privacy.cohort_view(content, rows, [], sharers={1, 2, 3, 4})["change"]
    chart = charts.change_chart(content, change)
    assert "+1.00 [+1.00, +1.00]" in texts(chart) and "everyone changed by the same amount" in texts(chart)
    assert "everyone changed by the same amount" in chart.alt and "only 4 people: a rough guide" in chart.alt


def test_likert_bars_are_centred_on_neutral(content):
    item = content.instrument.items[0]
    rows = [{"participant_id": p, "checkpoint": "baseline", "item": item.id, "value": v}
            for p, v in enumerate([1, 2, 3, 3, 4, 5, 5, 5])]
    chart = charts.likert_chart(content, privacy.cohort_view(content, rows, [], sharers=range(8))["likert"]["baseline"])
    bars = [p for p in chart.figure.axes[0].patches if p.get_width() > 0]
    lefts = sorted(b.get_x() for b in bars)
    # 12.5% strongly disagree + 12.5% disagree + half of the 25% neutral = 37.5% left of zero
    assert lefts[0] == pytest.approx(-37.5)
    assert sum(b.get_width() for b in bars) == pytest.approx(100)


def test_text_is_shown_as_typed(content):
    ratings = {"baseline": {i.id: 3 for i in content.instrument.items}}
    reflections = {"module-1-reflection": "It cost me $5 and $10, and <b>that</b> hurt."}
    made = charts.participant_charts(content, ratings, {})
    pages = charts.summary_pages(content, "Jo $x$", made, reflections)
    shown = " ".join(t.get_text() for t in pages[0].texts)
    assert r"\$5" in shown and r"Jo \$x\$" in shown
    for page in pages:
        page.canvas.draw()  # no maths parsing errors


def test_report_pdf(content, room):
    person = finished(room[0])
    made = charts.participant_charts(content, person.ratings, person.scenario_attempts)
    pdf = charts.report_pdf(content, person.pseudonym, made, person.reflections)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 4 or b"/Count 4" in pdf


class FakeStore:
    def __init__(self, person):
        self.person = person
        self.reads = 0

    def answers(self, pid):
        self.reads += 1
        return Answers(self.person.ratings, self.person.scenario_attempts, {}, self.person.reflections)


class Who:
    id = 1
    pseudonym = 'Ana <img src=x onerror="alert(1)">'




def test_progress_view(content, room):
    person = finished(room[0])
    person.reflections = {**person.reflections, "module-1-reflection": "<script>alert(1)</script> I felt lost."}
    store = FakeStore(person)
    view = progress_view(store, Who(), content=content)
    button = next(b for b in view.children if isinstance(b, w.Button))
    assert store.reads == 0 and "<figure" not in all_html(view)  # nothing drawn until asked
    assert button.description == "Show my charts"
    button.click()
    assert store.reads == 1 and button.description == "Update my charts"
    markup = all_html(view)
    assert markup.count("<figure") == 3 and markup.count('alt="') == 3
    assert 'download="empathydesk-report-Ana-img-src-x-onerror-alert-1' in markup
    assert "data:application/pdf;base64," in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "My reflections" in markup
    button.click()
    assert store.reads == 2


def test_progress_view_before_any_answers_says_so_in_words(content):
    class Empty:
        def answers(self, pid):
            return Answers()

    view = progress_view(Empty(), Who(), content=content)
    next(b for b in view.children if isinstance(b, w.Button)).click()
    markup = all_html(view)
    assert "<figure" not in markup and "appear once you have answered" in markup
    assert "data:application/pdf;base64," in markup


def test_progress_view_shows_storage_errors_kindly(content, room):
    from empathydesk.storage import StorageError

    class Broken(FakeStore):
        def answers(self, pid):
            raise StorageError("The database is busy. Please try again in a moment.")

    view = progress_view(Broken(room[0][0]), Who(), content=content)
    next(b for b in view.children if isinstance(b, w.Button)).click()
    assert "The database is busy" in all_html(view)


def test_importing_charts_stays_lean():
    code = ("import sys, empathydesk.charts, empathydesk.scoring;"
            "print(any(m in sys.modules for m in ('matplotlib', 'pandas', 'scipy', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_page_of_the_report_is_a4_portrait(content, room):
    import re

    person = finished(room[0])
    made = charts.participant_charts(content, person.ratings, person.scenario_attempts)
    pdf = charts.report_pdf(content, person.pseudonym, made, person.reflections)
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    summary = charts.summary_pages(content, person.pseudonym, made, person.reflections)
    assert len(boxes) == len(summary) + sum(not c.extra.get("empty") for c in made)  # then a chart a page
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4 in points
