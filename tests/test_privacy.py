"""The one suppression rule (empathydesk.privacy), attacked through every facilitator output.

Rooms of 1 to 12 people and one of 40, with different mixes of people who share their answers and people who
don't, are built in a real store. From each room we take what the facilitator can see: the export as CSV and
as JSON, the dashboard's tables as rendered HTML, and the data its charts are drawn from. The attacker then
knows, as the worst case allows:

- every answer of everyone who shares (exactly, not rounded),
- who answered what (progress is shown for everyone),
- every group figure of every output: totals (mean x n), counts per answer, a change's spread (from its interval).

Two attacks try to recompute an answer of someone who doesn't share (a statement's rating, a skill's score at
any check-in, a change, a scenario pick, a quiz score or its change):

1. Sums and subtractions of any kind: every figure is a sum over its people; after the known answers are taken
   away, the answer is recomputable exactly when it is a linear combination of those sums (checked with linear
   algebra, which covers subtracting every subset of shown values, from any number of figures and outputs).
2. Bounds: what is left of one figure, once the known answers are taken away, is recomputable when it can only
   be one way: all the lowest or the highest answer, all one answer, or changes that don't vary.

The first tests show that both attacks find the leaks the old rules had.

The participant's PDF report is theirs: a test checks it holds nothing of anyone else.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

from empathydesk import cohort_export, dashboard, demo, privacy, scoring, stats
from empathydesk.pieces import knowledge
from empathydesk.content import Content, load
from empathydesk.joining import display_names
from empathydesk.storage import Answers, Store

TOP = 5


@pytest.fixture(scope="module")
def content() -> Content:
    return load()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('privacy')}/rooms.sqlite")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def one_content(monkeypatch: pytest.MonkeyPatch, content: Content) -> None:
    monkeypatch.setattr("empathydesk.content.load", lambda *a, **k: content)  # the export loads it each time


def fill(store: Store, content: Content, cohort: str, people: list[demo.Person]) -> list[int]:
    """A room of these demo people (through the store's import, as `empathydesk demo-data` does); their ids."""
    store.create_cohort(cohort)
    for person in people:
        store.import_participant(demo.export_data(content, person, cohort), cohort=cohort, content=content)
    return [p.id for p in store.participants(cohort)]


def lean(content: Content, people: list[demo.Person], skills: int = 2, scenarios: int = 3) -> list[demo.Person]:
    """The same people with only what group figures are made of, from a part of the course (quicker to store):
    the start, the first module's check-in, the end and the look back, for the first `skills` skills; the
    first module's first `scenarios` scenarios; the quiz."""
    first = content.modules[0]
    keep = {content.checkpoint_for(role).id for role in ("start", "end", "looking-back")}
    keep.add(content.checkpoint_after(first.id).id)
    comps = {c.id for c in content.instrument.competencies[:skills]}
    items = {i.id for i in content.instrument.items if i.competency in comps}
    mine = {sc.id for sc in first.scenarios[:scenarios]}
    for person in people:
        person.ratings = {cp: {i: v for i, v in given.items() if i in items}
                          for cp, given in person.ratings.items() if cp in keep}
        person.scenario_attempts = {sc: tries for sc, tries in person.scenario_attempts.items() if sc in mine}
        person.exercise_attempts, person.reflections = {}, {}
    return people


def leave_early(person: demo.Person, content: Content) -> demo.Person:
    """The same person, gone before the end (no end, looking-back or later check-in)."""
    for cp in content.instrument.checkpoints:
        if cp.role in ("end", "looking-back", "later"):
            person.ratings.pop(cp.id, None)
    return person


def share(store: Store, ids: list[int], sharing: Iterable[int]) -> None:
    wanted = set(sharing)
    for pid in ids:
        store.set_consent(pid, pid in wanted)


# --- what the facilitator sees ----------------------------------------------------------------------


@dataclass
class Seen:
    """Everything an output shows: group figures as totals, and the names shown one by one."""

    totals: list[tuple[tuple[Any, ...], int, Any, float]] = field(default_factory=list)  # (figure, n, quantity, total)
    names: set[str] = field(default_factory=set)

    def add(self, figure: tuple[Any, ...], n: int, quantity: Any, total: float | None) -> None:
        if total is not None:
            self.totals.append((figure, n, quantity, total))


def from_rows(rows: Iterable[Mapping[str, Any]], seen: Seen) -> None:
    """The export's rows (read back from its CSV or JSON)."""
    quiz: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["kind"] == "rating mean":
            seen.add(("item", row["topic"], row["item"]), int(row["n"]), "r", float(row["value"]) * int(row["n"]))
        elif row["kind"] == "first try":
            option = int(row["item"].removeprefix("option "))
            seen.add(("scenario", row["topic"]), int(row["n"]), ("x", option), float(row["value"]))
        elif row["kind"] == "quiz change":
            quiz.setdefault(int(row["n"]), {})[row["item"]] = row["value"]
        elif row["kind"] != "progress":
            seen.names.add(row["participant"].removeprefix("'"))
    for n, got in quiz.items():
        change(seen, ("quiz",), n, got["mean_before"], got["mean_after"], got["mean_change"], got["ci_low"],
               got["ci_high"])


def change(seen: Seen, figure: tuple[Any, ...], n: int, before: Any, after: Any, mean: Any, low: Any = "",
           high: Any = "") -> None:
    """A change's totals: the means before and after (when shown), the change and, from its 95% interval, the sum
    of squared changes."""
    for quantity, value in (("s_before", before), ("s_after", after), ("d", mean)):  # None: not shown here
        if value not in ("", "–", None):
            seen.add(figure, n, quantity, float(value) * n)
    if low not in ("", "–", None):
        seen.add(figure, n, "d2", spread(n, float(mean), float(low), float(high)))


class Tables(HTMLParser):
    """The text of every table cell, by table (aria-label) and row."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = self.tables.setdefault(dict(attrs).get("aria-label") or "", [])
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.table is not None:
            self.table[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def spread(n: int, mean: float, low: float, high: float) -> float:
    """The sum of squared changes, from a 95% interval (what a reader can work out from it)."""
    sd = (high - low) / 2 * math.sqrt(n) / sps.t.ppf(0.975, n - 1)
    return (n - 1) * sd**2 + n * mean**2


def from_stats_html(content: Content, markup: str, seen: Seen) -> None:
    """The dashboard's change table, as rendered."""
    comp_of = {c.name: c.id for c in content.instrument.competencies}
    number = re.compile(r"[+-]?\d+\.\d+")
    for cells in Tables(markup).tables["Change per skill"][2:]:
        comp, cells = comp_of[cells[0]], cells[3:]
        for name in ("real", "retrospective"):
            if "hidden" in cells[0] or "no answers" in cells[0]:
                cells = cells[1:]
                continue
            mean, interval, dz = cells[:3]
            cells = cells[3:]
            n = int(re.search(r"n=(\d+)", dz).group(1))
            change(seen, ("change", name, comp), n, None, None, mean, *(number.findall(interval) or ["", ""]))
    for cells in Tables(markup).tables["Change per skill"][2:]:
        n = next((int(m) for m in re.findall(r"n=(\d+)", " ".join(cells[3:6]))), None)
        if n:
            change(seen, ("change", "real", comp_of[cells[0]]), n, cells[1], cells[2], None)
    for cells in Tables(markup).tables.get("Change in quiz score", [])[1:]:
        if "hidden" not in cells[2]:
            percent = [c.rstrip("%") for c in cells[:3]]
            change(seen, ("quiz",), int(cells[5]), *percent, *(re.findall(r"[+-]?\d+", cells[3]) or ["", ""]))


def from_view(view: Mapping[str, Any], seen: Seen) -> None:
    """The data the dashboard's charts and tables are drawn from (exact, before rounding)."""
    for cp, counts in view["likert"].items():
        for item, row in counts[counts["shown"]].iterrows():
            n = int(row["n"])
            for v in range(1, TOP + 1):
                seen.add(("item", cp, item), n, ("y", v), float(row[v]))
            seen.add(("item", cp, item), n, "r", float(sum(v * row[v] for v in range(1, TOP + 1))))
    for name, table in view["change"].items():
        for row in table[table["shown"]].itertuples():
            key = ("change", name, row.competency)
            change(seen, key, row.n, row.mean_before, row.mean_after, row.mean_change)
            if row.n > 1:
                seen.add(key, row.n, "d2", (row.n - 1) * row.sd_change**2 + row.n * row.mean_change**2)
    shares = view["shares"]
    for row in shares[shares["shown"]].itertuples():
        seen.add(("scenario", row.scenario), row.n, ("x", row.option), float(row.count))
    for row in view["quiz"][view["quiz"]["shown"]].itertuples():
        change(seen, ("quiz",), row.n, row.mean_before, row.mean_after, row.mean_change)
        if row.n > 1:
            seen.add(("quiz",), row.n, "d2", (row.n - 1) * row.sd_change**2 + row.n * row.mean_change**2)


def results_input(content: Content, store: Store, cohort: str) -> dict[str, Any]:
    """What the dashboard builds its results from, as it reads them (`dashboard.results_view` takes them)."""
    board = dashboard.Dashboard(store, cohort, content)
    board.read_live()
    return board.results_input()


def outputs(content: Content, store: Store, cohort: str) -> dict[str, Seen]:
    """What each output shows of `cohort`: the export (CSV, JSON) and the dashboard (HTML, chart data)."""
    rows = cohort_export.cohort_rows(store, cohort)
    as_csv, as_json = Seen(), Seen()
    from_rows(csv.DictReader(io.StringIO(cohort_export.render(rows, "csv")), quoting=csv.QUOTE_NONNUMERIC), as_csv)
    from_rows(json.loads(cohort_export.render(rows, "json")), as_json)
    given = results_input(content, store, cohort)
    people, view = given["participants"], dashboard.results_view(content, **given)
    html, data = Seen(), Seen()
    from_stats_html(content, dashboard.stats_html(view), html)
    for cells in Tables(dashboard.individuals_html(content, people, view)).tables.get(
            "Scores of people who share their answers", [])[1:]:
        html.names.add(cells[0])
    from_view(view, data)
    data.names |= {f"id {pid}" for pid in [*view["scores"].index, *view["best_first"], *view["quiz_scores"]]}
    return {"export CSV": as_csv, "export JSON": as_json, "dashboard HTML": html, "dashboard data": data}


# --- the truth, and the attacks -----------------------------------------------------------------------


@dataclass
class Room:
    content: Content
    answers: dict[int, Answers]
    sharers: set[int]
    names: dict[int, str]
    quiz: dict[int, dict[str, float]]  # id -> "start"/"end" -> percent right (the quiz's own scoring)
    counted: dict[tuple[Any, ...], set[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, content: Content, store: Store, cohort: str) -> Room:
        people = store.participants(cohort)
        stored = store.cohort_answers(cohort)
        answers = {p.id: stored.get(p.id, Answers()) for p in people}
        return cls(content, answers, {p.id for p in people if p.consent}, display_names(people),
                   knowledge.cohort_scores(content, answers))

    def ratings(self, pid: int, cp: str) -> dict[str, int]:
        asked = {i.id for i in self.content.instrument.items}
        return {i: v for i, v in self.answers[pid].ratings.get(cp, {}).items() if i in asked and 1 <= v <= TOP}

    def part(self, p: int, figure: tuple[Any, ...], quantity: Any) -> float:
        """Someone's exact part of a figure's total."""
        kind, *rest = figure
        if kind == "item":
            value = self.ratings(p, rest[0])[rest[1]]
            return float(value) if quantity == "r" else float(value == quantity[1])
        if kind == "scenario":
            return float(scoring.first_tries(self.answers[p].scenario_attempts)[rest[0]] == quantity[1])
        if kind == "quiz":
            b, a = self.quiz[p]["start"], self.quiz[p]["end"]
        else:
            before, after = stats.comparisons(self.content)[rest[0]]
            b, a = (scoring.competency_scores(self.content, self.ratings(p, cp))[rest[1]] for cp in (before, after))
        return {"s_before": b, "s_after": a, "d": a - b}[quantity]

    def members(self, figure: tuple[Any, ...]) -> set[int]:
        """Who a figure counts, by its own definition (independent of the code under test)."""
        if figure not in self.counted:
            self.counted[figure] = self._members(figure)
        return self.counted[figure]

    def _members(self, figure: tuple[Any, ...]) -> set[int]:
        kind, *rest = figure
        if kind == "item":
            cp, item = rest
            asked = {i.id for i in self.content.items_for(cp)}
            return {p for p in self.answers if item in asked and item in self.ratings(p, cp)}
        if kind == "scenario":
            return {p for p, a in self.answers.items() if a.scenario_attempts.get(rest[0])}
        if kind == "quiz":
            return {p for p, got in self.quiz.items() if {"start", "end"} <= set(got)}
        before, after = stats.comparisons(self.content)[rest[0]]
        comp = rest[1]
        out = set()
        for p, a in self.answers.items():
            b, e = a.versions.get(before), a.versions.get(after)
            if (b is None or e is None or b == e) and all(
                    comp in scoring.competency_scores(self.content, self.ratings(p, cp)) for cp in (before, after)):
                out.add(p)
        return out


class Unknowns:
    """The answers of people who don't share, as variables. Only whether some combination of the shown totals
    gives an answer matters, not its value, so constants are dropped: a rating is y[p, cp, item, v] for v below
    the top of the scale (1 if p answered v; answering the top is 1 minus the others), a first pick
    x[p, scenario, option] for every option but the last."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.index: dict[tuple[Any, ...], int] = {}
        self.items = {i.id: i for i in room.content.instrument.items}

    def hidden(self) -> list[int]:
        return sorted(p for p in self.room.answers if p not in self.room.sharers)

    def var(self, *key: Any) -> int:
        return self.index.setdefault(key, len(self.index))

    def chose(self, p: int, where: tuple[str, ...], choice: int, choices: range) -> dict[int, float]:
        """1 if p's answer at `where` is `choice`, as variables."""
        if choice != choices[-1]:
            return {self.var(p, *where, choice): 1.0}
        return {self.var(p, *where, c): -1.0 for c in choices[:-1]}

    def rating(self, p: int, cp: str, item: str, keyed: bool = False) -> dict[int, float]:
        flip = keyed and self.items[item].reverse
        scale = range(1, TOP + 1)
        return _sum((TOP + 1 - v if flip else v, self.chose(p, (cp, item), v, scale)) for v in scale)

    def score(self, p: int, cp: str, comp: str) -> dict[int, float]:
        mine = [i for i in self.room.ratings(p, cp) if self.items[i].competency == comp]
        return _sum((1 / len(mine), self.rating(p, cp, item, keyed=True)) for item in mine)

    def quantity(self, p: int, figure: tuple[Any, ...], quantity: Any) -> dict[int, float]:
        """One person's part of a figure's total, as a combination of the variables."""
        kind, *rest = figure
        if kind == "item":
            cp, item = rest
            if quantity == "r":
                return self.rating(p, cp, item)
            return self.chose(p, (cp, item), quantity[1], range(1, TOP + 1))
        if kind == "scenario":
            return self.chose(p, (rest[0],), quantity[1], range(len(self.room.content.scenario(rest[0]).options)))
        if kind == "quiz":
            b, a = {self.var(p, "quiz", "start"): 1.0}, {self.var(p, "quiz", "end"): 1.0}
        else:
            before, after = stats.comparisons(self.room.content)[rest[0]]
            b, a = self.score(p, before, rest[1]), self.score(p, after, rest[1])
        return b if quantity == "s_before" else a if quantity == "s_after" else _sum([(1, a), (-1, b)])

    def targets(self) -> Iterable[tuple[str, dict[int, float]]]:
        """Every answer of every person who doesn't share, as a combination of the variables."""
        content = self.room.content
        for p in self.hidden():
            for cp in self.room.answers[p].ratings:
                for item, value in self.room.ratings(p, cp).items():
                    yield f"person {p}: {cp} {item}", self.rating(p, cp, item)
                    yield f"person {p}: {cp} {item} = {value}", self.quantity(p, ("item", cp, item), ("y", value))
                for comp in scoring.competency_scores(content, self.room.ratings(p, cp)):
                    yield f"person {p}: {cp} score for {comp}", self.score(p, cp, comp)
            for name in ("real", "retrospective"):
                for comp in (c.id for c in content.instrument.competencies):
                    if p in self.room.members(("change", name, comp)):
                        yield f"person {p}: {name} change in {comp}", self.quantity(p, ("change", name, comp), "d")
            for sc, first in scoring.first_tries(self.room.answers[p].scenario_attempts).items():
                yield f"person {p}: first pick in {sc}", self.quantity(p, ("scenario", sc), ("x", first))
            for moment in self.room.quiz.get(p, {}):
                yield f"person {p}: quiz at the {moment}", {self.var(p, "quiz", moment): 1.0}
            if p in self.room.members(("quiz",)):
                yield f"person {p}: quiz change", self.quantity(p, ("quiz",), "d")


def _sum(parts: Iterable[tuple[float, Mapping[int, float]]]) -> dict[int, float]:
    out: dict[int, float] = {}
    for weight, part in parts:
        for k, v in part.items():
            out[k] = out.get(k, 0.0) + weight * v
    return out


def linear_leaks(room: Room, seen: Seen) -> list[str]:
    """Answers of people who don't share that some sum and difference of the shown totals gives exactly."""
    unknowns = Unknowns(room)
    hidden = set(unknowns.hidden())
    sums = {(figure, quantity) for figure, _, quantity, _ in seen.totals if quantity != "d2"}  # d2: not a sum
    rows = [row for figure, quantity in sums
            if (row := _sum((1, unknowns.quantity(p, figure, quantity)) for p in room.members(figure) & hidden))]
    targets = list(unknowns.targets())
    # variables that appear together in a row belong together: check each group on its own (small matrices)
    parent = list(range(len(unknowns.index)))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for row in rows:
        first, *rest = row
        for v in rest:
            parent[root(v)] = root(first)
    groups: dict[int, list[int]] = {}
    for v in range(len(unknowns.index)):
        groups.setdefault(root(v), []).append(v)
    place = {v: (g, k) for g, vs in groups.items() for k, v in enumerate(vs)}
    by_group: dict[int, list[dict[int, float]]] = {}
    for row in rows:
        by_group.setdefault(root(next(iter(row))), []).append(row)
    basis = {}
    for g, rows in by_group.items():
        basis[g] = _row_space(_dense(rows, place, len(groups[g])))
    found = np.ones(len(targets), dtype=bool)
    touching: dict[int, dict[int, dict[int, float]]] = {}  # group -> target -> its part there
    for j, (_, target) in enumerate(targets):
        for v, coef in target.items():
            g, _ = place[v]
            touching.setdefault(g, {}).setdefault(j, {})[v] = coef
    for g, parts in touching.items():
        which = list(parts)
        wanted = _dense([parts[j] for j in which], place, len(groups[g]))
        left = wanted - (wanted @ basis[g].T) @ basis[g] if g in basis else wanted
        missed = (np.linalg.norm(left, axis=1) > 1e-7) & (np.linalg.norm(wanted, axis=1) > 1e-12)
        found[np.asarray(which)[missed]] = False
    return [label for (label, _), hit in zip(targets, found) if hit]


def _dense(rows: list[dict[int, float]], place: Mapping[int, tuple[int, int]], width: int) -> np.ndarray:
    matrix = np.zeros((len(rows), width))
    for r, row in enumerate(rows):
        for v, coef in row.items():
            matrix[r, place[v][1]] += coef
    return matrix


def _row_space(matrix: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the rows' span."""
    _, sv, vt = np.linalg.svd(matrix, full_matrices=False)
    return vt[: int((sv > 1e-9 * max(sv.max(initial=0), 1)).sum())]


def bound_leaks(room: Room, seen: Seen) -> list[str]:
    """Figures whose rest, once the known answers are taken away, can only be one way."""
    known = room.sharers
    leaks = []
    by_figure: dict[tuple[Any, ...], dict[Any, float]] = {}
    for figure, n, quantity, total in seen.totals:
        by_figure.setdefault(figure, {})[quantity] = total
    for figure, totals in by_figure.items():
        members = room.members(figure)
        rest = members - known
        if not rest:
            continue
        k = len(rest)
        left = {q: t - sum(room.part(p, figure, q) for p in members & known) for q, t in totals.items() if q != "d2"}
        tol = 0.005 * len(members) + 1e-6  # means are shown to two decimals
        counts = {q: c for q, c in left.items() if isinstance(q, tuple)}
        if counts and max(counts.values()) > k - 0.5:
            leaks.append(f"{figure}: everyone left gave the same answer")
        low, high = (0, 100) if figure[0] == "quiz" else (1, TOP)
        for q in ("r", "s_before", "s_after"):
            if q in left and (abs(left[q] - low * k) < tol or abs(left[q] - high * k) < tol):
                leaks.append(f"{figure}: everyone left gave the lowest or highest {q}")
        if "d2" in totals and "d" in left:
            squares = totals["d2"] - sum(room.part(p, figure, "d") ** 2 for p in members & known)
            if abs(squares / k - (left["d"] / k) ** 2) < 1e-6:
                leaks.append(f"{figure}: everyone left changed by the same amount")
    return leaks


def attack(content: Content, store: Store, cohort: str) -> dict[str, list[str]]:
    """Every leak found, per output and for all outputs together (n checked against who answered)."""
    room = Room.of(content, store, cohort)
    seen = outputs(content, store, cohort)
    shared_names = {room.names[p] for p in room.sharers} | {f"id {p}" for p in room.sharers}
    found: dict[str, list[str]] = {}
    everything = Seen()
    for name, output in seen.items():
        for figure, n, _, _ in output.totals:
            assert n == len(room.members(figure)), (name, figure)
        found[name] = [f"{who} shown one by one" for who in output.names - shared_names]
        everything.totals += output.totals
    found["all outputs together"] = linear_leaks(room, everything) + bound_leaks(room, everything)
    return {name: leaks for name, leaks in found.items() if leaks}


# --- the attacks find the old rules' leaks ---------------------------------------------------------------


def everything_shown(content: Content, store: Store, cohort: str) -> Seen:
    """What the outputs would show if every group figure over five or more people were shown (the old rule)."""
    given = results_input(content, store, cohort)
    tables = stats.cohort_tables(content, *(given[k] for k in ("ratings", "attempts", "versions", "quiz", "conversations")))
    figures, _, _ = privacy.cohort_figures(content, tables)
    old = privacy.Decision(frozenset(f.key for f in figures if len(f.people) >= 5), {})
    seen = Seen()
    from_view(privacy.screen(tables, old, {p.id for p in privacy.sharing(given["participants"])}), seen)
    return seen


def test_the_attacks_find_what_the_old_rules_let_through(content: Content, store: Store) -> None:
    """The issue's room (5 share, 6 don't, one of whom took the wrap-up), and a room where 7 don't share and
    one of them left after the start: the start's figures over 7, minus the change over 6, is that person."""
    people = demo.people(content, 11, seed=11, finish_share=1.0)
    people = people[:6] + [leave_early(p, content) for p in people[6:]]
    ids = fill(store, content, "issue", lean(content, people))
    share(store, ids, ids[:5])
    leaks = linear_leaks(Room.of(content, store, "issue"), everything_shown(content, store, "issue"))
    assert any(leak.startswith(f"person {ids[5]}: wrap-up score") for leak in leaks)
    assert any(leak.startswith(f"person {ids[5]}: real change") for leak in leaks)
    assert not attack(content, store, "issue")

    people = demo.people(content, 10, seed=12, finish_share=1.0)
    ids = fill(store, content, "one-left", lean(content, people[:9] + [leave_early(people[9], content)]))
    share(store, ids, ids[:3])
    leaks = linear_leaks(Room.of(content, store, "one-left"), everything_shown(content, store, "one-left"))
    assert any(leak.startswith(f"person {ids[9]}: baseline score") for leak in leaks)
    assert not [leak for leak in leaks if not leak.startswith(f"person {ids[9]}")]
    assert not attack(content, store, "one-left")


def test_a_group_that_answered_alike_is_not_shown(content: Content, store: Store) -> None:
    """Six who don't share all changed by the same amount and all chose the same option: the bounds attack
    reads that off the old rule's figures; the rule hides those figures."""
    cohort = store.create_cohort("alike", ["module-1"])
    sc = content.modules[0].scenarios[0]
    start, end = stats.comparisons(content)["real"]
    for n in range(9):
        person = store.join(cohort.join_code, f"Person {n}")
        store.set_consent(person.id, n < 3)
        lift = 1 if n >= 3 else n % 2  # the six who don't share all gain exactly one point
        for item in content.items_for(start)[:4]:  # one skill's statements
            low = 2 + (n % 3)
            for cp, value in ((start, low), (end, low + lift)):
                if item in content.items_for(cp):
                    store.save_rating(person.id, cp, item.id, TOP + 1 - value if item.reverse else value)
        store.add_scenario_attempt(person.id, sc.id, sc.best_index if n >= 3 else n % len(sc.options))
    leaks = bound_leaks(Room.of(content, store, "alike"), everything_shown(content, store, "alike"))
    assert any("changed by the same amount" in leak for leak in leaks)
    assert any(f"('scenario', '{sc.id}'): everyone left gave the same answer" in leak for leak in leaks)
    assert not attack(content, store, "alike")


# --- every output, in rooms of every size -----------------------------------------------------------------


MIXES = {  # which people share, by their place in the room
    "a third don't share": lambda k: k % 3 != 0,
    "one doesn't share": lambda k: k != 1,
    "one shares": lambda k: k == 0,
    "nobody shares": lambda k: False,
}


@pytest.mark.parametrize(("size", "mix"), [(size, list(MIXES)[size % 4]) for size in range(1, 13)])
def test_no_answer_of_someone_who_doesnt_share_can_be_recomputed(content: Content, store: Store, size: int,
                                                                 mix: str) -> None:
    cohort = f"room-{size}"
    ids = fill(store, content, cohort, lean(content, demo.people(content, size, seed=100 + size)))
    share(store, ids, [pid for k, pid in enumerate(ids) if MIXES[mix](k)])
    assert attack(content, store, cohort) == {}


def test_a_room_of_forty(content: Content, store: Store) -> None:
    ids = fill(store, content, "forty", lean(content, demo.people(content, 40, seed=40), skills=2, scenarios=4))
    for shares in (lambda k: k % 3 != 0, lambda k: False):
        share(store, ids, [pid for k, pid in enumerate(ids) if shares(k)])
        assert attack(content, store, "forty") == {}
    seen = outputs(content, store, "forty")  # nobody shares: the room still sees its group figures
    assert {f[0] for f, *_ in seen["export CSV"].totals} == {"item", "scenario", "quiz"}
    assert {f[0] for f, *_ in seen["dashboard HTML"].totals} == {"change", "quiz"}


# --- a small room ---------------------------------------------------------------------------------------


def test_a_room_of_three_where_two_share_shows_both_and_no_group_figure(content: Content, store: Store) -> None:
    ids = fill(store, content, "three", lean(content, demo.people(content, 3, seed=3, finish_share=1.0), skills=5))
    share(store, ids, ids[:2])
    names = display_names(store.participants("three"))
    board = dashboard.Dashboard(store, "three", content)
    board.refresh(force=True)  # the dashboard as the facilitator opens it, charts and all
    assert names[ids[0]] in board.individuals.value and names[ids[1]] in board.individuals.value
    assert names[ids[2]] not in board.individuals.value
    for cells in Tables(board.stats.value).tables["Change per skill"][2:]:
        assert re.findall(r"\d+\.\d+", " ".join(cells[1:-1])) == []  # only "hidden (n=3)" and "–"
        assert "hidden: 1 person in it does not share their answers (a group figure needs none, or 5 or more)" in cells[-1]
    charts = re.sub(r'src="data:[^"]*"', "", board.charts.value)
    assert "Nothing to show yet" in charts and "hidden to protect" in charts
    assert "agree)" not in charts and "chose the best option first" not in charts
    assert not {r["kind"] for r in cohort_export.cohort_rows(store, "three")} & {"rating mean", "first try"}
    share(store, ids, ids)  # all three share: the room sees its group figures
    shown = dashboard.stats_html(dashboard.results_view(content, **results_input(content, store, "three")))
    assert "n=3" in shown and "only 3 people: a rough guide" in shown and "hidden" not in shown.split("Notes")[1]


# --- the participant's own report ---------------------------------------------------------------------------


def test_a_report_holds_only_its_owners_answers(content: Content, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same person in two rooms with different people and choices about sharing: the same PDF."""
    from empathydesk.widgets.my_progress import progress_parts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the PDF's creation date
    me = demo.people(content, 1, seed=7, finish_share=1.0)[0]
    reports = []
    for cohort, others, shares in (("mine-a", 2, True), ("mine-b", 5, False)):
        ids = fill(store, content, cohort, [me] + lean(content, demo.people(content, others, seed=others, start=1)))
        share(store, ids, ids if shares else ids[:1])
        person = store.participants(cohort)[0]
        download = progress_parts(content, store, person)["download"]
        reports.append(base64.b64decode(re.search(r"base64,([^\"]+)", download).group(1)))
    assert reports[0].startswith(b"%PDF") and reports[0] == reports[1]
