"""The run of show gives each page at least the time it measurably takes (empathydesk.reading).

Each page's time is its words at 200 words a minute (a native reader) plus the time of its tasks. Every
plan in workshop/run-of-show.md must give each page at least that, the measured table there must match
what the code counts, and each plan's clock must add up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from empathydesk import reading
from empathydesk.content import load

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "workshop" / "run-of-show.md"
ROW = re.compile(r"^\| (\d{1,2}):(\d\d) \| (\d+) \| (.*?) \|", re.M)


@pytest.fixture(scope="module")
def times() -> dict[str, reading.PageTime]:
    return {t.page: t for t in reading.page_times(REPO / "notebooks")}


def page_of(what: str) -> str | None:
    """The notebook a plan row is about, or None for a row that is not a page (join, break, talk)."""
    content = load()
    if "**Welcome**" in what:
        return "00-welcome.ipynb"
    if "**Wrap-up**" in what:
        return "06-wrap-up.ipynb"
    found = re.search(r"\*\*Module (\d)", what)
    if found:
        return next(m.notebook for m in content.modules if m.number == int(found.group(1)))
    return None


def plans() -> dict[str, str]:
    guide = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"^## Plan ", guide, flags=re.M)[1:]
    return {part.splitlines()[0]: part.split("\n## ")[0] for part in parts}


def test_the_words_are_counted_without_markup() -> None:
    assert reading.words('<a id="x"></a>\n### It\'s **new** to [them](https://example.org)') == 4


def test_every_page_is_measured(times) -> None:
    pages = {m.notebook for m in load().modules} | {"00-welcome.ipynb", "06-wrap-up.ipynb"}
    assert set(times) == pages
    for t in times.values():
        assert t.words > 100 and t.native <= t.non_native


def test_the_run_of_show_table_is_what_the_code_measures(times) -> None:
    """The table never promises less time than the code measures, and its word counts are close (within 5%,
    so that a reworded option does not need a new table; a new scenario or lesson section does)."""
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"{reading.NATIVE_WPM} words a minute" in guide and f"{reading.NON_NATIVE_WPM} words a minute" in guide
    for t in times.values():
        row = re.search(rf"^\| `{re.escape(t.page)}` \| (\d+) \| ([\d.]+) min \| (\d+) min \| (\d+) min \|", guide, re.M)
        assert row, f"the measured table in run-of-show.md has no row for {t.page}"
        hint = f"{t.page}: run `python -m empathydesk.reading` and copy its figures"
        assert abs(int(row[1]) - t.words) <= 0.05 * t.words, hint
        assert float(row[2]) == round(t.task_minutes, 1), hint
        assert int(row[3]) >= t.native and int(row[4]) >= t.non_native, hint


def test_the_solo_times_of_the_modules_fit(times) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for module in load().modules:
        row = re.search(rf"^\| {module.number} \| [^|]+ \| \d+ \| \d+ \| (\d+)[–-]?(\d+)? min \|", guide, re.M)
        assert row, f"no solo time for module {module.number}"
        assert int(row[1]) >= times[module.notebook].native, module.id


@pytest.mark.parametrize("plan", list(plans()), ids=lambda p: p.split(":")[0])
def test_each_plan_gives_every_page_its_measured_time(plan: str, times) -> None:
    rows = ROW.findall(plans()[plan])
    assert rows, plan
    clock = int(rows[0][0]) * 60 + int(rows[0][1])
    pages = []
    for hours, minutes, length, what in rows:
        start = int(hours) * 60 + int(minutes)
        assert start == clock, f"{plan}: {hours}:{minutes} should start at {clock // 60}:{clock % 60:02d}"
        clock = start + int(length)
        page = page_of(what)
        if page is None:
            continue
        solo = re.search(r"\((\d+) solo", what)
        given = int(solo[1]) if solo else int(length)
        assert given <= int(length), what
        assert given >= times[page].native, f"{plan}: {page} gets {given} min, needs {times[page].native}"
        pages.append(page)
    assert "00-welcome.ipynb" in pages and "06-wrap-up.ipynb" in pages
    if plan.startswith("A"):
        in_room = sum(int(length) for _, _, length, what in rows if "before the session" not in what.lower())
        assert in_room <= 60, "the onboarding session in the room is 60 minutes (pre-work aside)"
