"""The one suppression rule: what the facilitator's outputs (dashboard, charts, cohort export) may show.

People who chose to share their answers are shown one by one; nobody else is. A group figure (a mean, a
count, an interval, an alpha) is shown only when no answer of someone who doesn't share can be worked out
from it and everything else shown, by any sums and subtractions. `decide` settles this for every figure of a
cohort at once, so that every output shows the same figures, by four rules:

1. A figure whose people all share is shown: it adds nothing to their own rows.
2. Otherwise at least ``MIN_GROUP`` (5) of its people must not share: taking away the values of those who
   share then leaves a total over five or more unknown answers, never one.
3. Figures that draw on the same answers (a statement at one check-in; a skill's score, which averages its
   statements; a change, which subtracts two scores) are checked together. People who don't share are
   grouped by exactly which of these figures count them, and every group needs five or more. Otherwise one
   figure minus another singles out a few: the start's mean over everyone who took it, minus the change
   table's start mean over those who also took the end, is the answer of the one who left early.
4. Within each such group, no answer those figures let a reader total up (a statement, a skill's score, a
   change, a scenario pick, a conversation's ending or the turns where it lost trust) may be the same for everyone: "everyone changed by +1.00" or "all of them
   chose B" gives each person's answer away.

Figures are settled in order of importance (the change per skill first, then the statements at the end
and at the start, ...), so a less important figure gives way. This runs on the answers, so progress (who did
what) is known to the reader anyway: rules 1-3 depend on nothing else. Rule 4 depends on the answers, so a
reader who knows it can tell that a hidden figure's people answered alike, but not how: a figure that would
total that answer up is hidden by the same rule.

Not covered (see workshop/hosting.md): people who know others' answers (made-up participants, friends
comparing notes) and watching the figures change as one more person answers.

The participant's own PDF report (`charts.report_pdf`) shows only that participant's answers, to them, and no
group figure, so this rule has nothing to hide there.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from empathydesk.content import Content
    from empathydesk.stats import AttemptsIn, ConversationsIn, QuizIn, RatingsIn, VersionsIn

MIN_GROUP = 5
FEW = "hidden: {k} in it {do} not share their answers (a group figure needs none, or {m} or more)"
OVERLAP = "hidden: beside the other figures, it would narrow down fewer than {m} people who don't share"
ALIKE = "hidden: the people in it who don't share answered alike, so it would show their answers"
NOBODY = "no answers yet"

Answers = Mapping[Hashable, Mapping[int, Any]]  # answer name -> participant id -> that person's answer
MadeOf = Mapping[Hashable, frozenset[Hashable]]  # an answer worked out from others -> what it is made of


@dataclass(frozen=True)
class Figure:
    """A group figure: it sums up `gives` (answer names) over `people` (participant ids)."""

    key: Hashable
    people: frozenset[int]
    gives: frozenset[Hashable]


@dataclass(frozen=True)
class Decision:
    shown: frozenset[Hashable]  # keys of the figures any output may show
    hidden: Mapping[Hashable, str]  # key -> why it is hidden, in words


def sharing(people: Iterable[Any]) -> list[Any]:
    """The people shown one by one: those who chose to share their answers (``consent``)."""
    return [p for p in people if p.consent]


def decide(figures: Sequence[Figure], answers: Answers, sharers: Collection[int], made_of: MadeOf) -> Decision:
    """Which `figures` may be shown (rules 1-4 above), given everyone's `answers` and who shares."""
    shown: set[Hashable] = set()
    hidden: dict[Hashable, str] = {}
    known = frozenset(sharers)
    for family in _families(figures, made_of):
        groups: dict[frozenset[Hashable], frozenset[int]] = {}  # keys of the figures counting them -> people
        gives: dict[Hashable, frozenset[Hashable]] = {}
        for figure in family:
            private = figure.people - known
            if not private:
                shown.add(figure.key)
                continue
            if len(private) < MIN_GROUP:
                k = len(private)
                hidden[figure.key] = FEW.format(k=f"{k} {'person' if k == 1 else 'people'}", do="does" if k == 1 else "do",
                                                m=MIN_GROUP)
                continue
            after, changed = _split(groups, figure.key, private)
            if any(len(members) < MIN_GROUP for members in after.values()):
                hidden[figure.key] = OVERLAP.format(m=MIN_GROUP)
                continue
            with_it = {**gives, figure.key: figure.gives}
            if any(_alike(members, _closure(keys, with_it, made_of), answers) for keys, members in changed):
                hidden[figure.key] = ALIKE
                continue
            groups, gives = after, with_it
            shown.add(figure.key)
    return Decision(frozenset(shown), hidden)


def _families(figures: Sequence[Figure], made_of: MadeOf) -> list[list[Figure]]:
    """The figures in groups that draw on shared answers (in their given order)."""
    def base(name: Hashable) -> set[Hashable]:
        parts = made_of.get(name)
        return {name} if parts is None else set().union(*(base(p) for p in parts))

    owner: dict[Hashable, int] = {}  # a base answer -> the family drawing on it
    families: list[list[Figure]] = []
    for figure in figures:
        names = set().union(*(base(g) for g in figure.gives)) if figure.gives else set()
        joined = sorted({owner[n] for n in names if n in owner})
        if not joined:
            families.append([])
            joined = [len(families) - 1]
        first = joined[0]
        for other in joined[1:]:
            families[first] += families[other]
            families[other] = []
            owner.update({n: first for n, f in owner.items() if f == other})
        families[first].append(figure)
        owner.update({n: first for n in names})
    order = {id(f): i for i, f in enumerate(figures)}
    return [sorted(f, key=lambda x: order[id(x)]) for f in families if f]


def _split(groups: Mapping[frozenset[Hashable], frozenset[int]], key: Hashable,
           private: frozenset[int]) -> tuple[dict[frozenset[Hashable], frozenset[int]], list[tuple[frozenset[Hashable], frozenset[int]]]]:
    """The groups once the figure `key` counts `private` too, and the groups that changed."""
    after: dict[frozenset[Hashable], frozenset[int]] = {}
    changed = []
    rest = private
    for keys, members in groups.items():
        inside, outside = members & private, members - private
        rest -= members
        if inside:
            after[keys | {key}] = inside
            changed.append((keys | {key}, inside))
        if outside:
            after[keys] = outside
            if inside:
                changed.append((keys, outside))
    if rest:
        after[frozenset({key})] = rest
        changed.append((frozenset({key}), rest))
    return after, changed


def _closure(keys: Iterable[Hashable], gives: Mapping[Hashable, frozenset[Hashable]], made_of: MadeOf) -> set[Hashable]:
    """Every answer whose total over a group the figures `keys` let a reader work out (generously)."""
    known: set[Hashable] = set().union(*(gives[k] for k in keys))
    grew = True
    while grew:
        grew = False
        for name, parts in made_of.items():
            missing = parts - known
            learned = ({name} if not missing and name not in known else
                       missing if name in known and len(missing) == 1 else set())
            if learned:
                known |= learned
                grew = True
    return known


def _alike(members: frozenset[int], names: Iterable[Hashable], answers: Answers) -> bool:
    """True if, for one of `names`, everyone in `members` who has that answer gave the same one."""
    for name in names:
        given = answers.get(name, {})
        values = {given[p] for p in members if p in given}
        if len(values) == 1:
            return True
    return False


# --- the cohort's figures -------------------------------------------------------------------------


def cohort_view(content: Content, ratings: RatingsIn, attempts: AttemptsIn, sharers: Collection[int],
                versions: VersionsIn | None = None, quiz: QuizIn | None = None,
                conversations: ConversationsIn | None = None) -> dict[str, Any]:
    """The cohort's results as every output may show them: `stats.cohort_tables` with each hidden figure
    blanked (``shown`` False, its numbers gone, ``note`` saying why), and the per-person tables ("scores",
    "best_first", "quiz_scores") only for the people in `sharers`; "conversations" with each hidden count
    emptied and its ``<figure>_note`` saying why. Everyone's own answers ("keyed", "picks")
    are left out."""
    from empathydesk import stats

    tables = stats.cohort_tables(content, ratings, attempts, versions, quiz, conversations)
    figures, answers, made_of = cohort_figures(content, tables)
    decision = decide(figures, answers, sharers, made_of)
    return screen(tables, decision, sharers)


def cohort_figures(content: Content, tables: Mapping[str, Any]) -> tuple[list[Figure], Answers, MadeOf]:
    """Every group figure in `tables` (most important first), everyone's answers they sum up, and how a
    skill's score and a change are made of other answers."""
    from empathydesk import stats

    pairs = stats.comparisons(content)
    start, end = pairs["real"]
    scores, keyed = tables["scores"], tables["keyed"]
    comps = [c.id for c in content.instrument.competencies]
    answers: dict[Hashable, Mapping[int, Any]] = {
        ("r", cp, item): dict(zip(part["participant_id"], part["value"]))
        for (cp, item), part in keyed.groupby(["checkpoint", "item"])
    }
    answers.update({("s", cp, comp): dict(scores[(cp, comp)].dropna().round(6)) for cp, comp in scores.columns})
    answers.update({("pick", sc): picks for sc, picks in tables["picks"].items()})
    made_of: dict[Hashable, frozenset[Hashable]] = {}
    for cp in content.instrument.checkpoints:
        for comp in comps:
            made_of[("s", cp.id, comp)] = frozenset(("r", cp.id, i.id) for i in content.items_for(cp.id)
                                                    if i.competency == comp)
    figures: list[Figure] = []

    def change(name: str) -> None:
        before, after = pairs[name]
        for row in tables["change"][name].itertuples():
            d = ("d", name, row.competency)
            made_of[d] = frozenset({("s", before, row.competency), ("s", after, row.competency)})
            if (before, row.competency) in scores.columns and (after, row.competency) in scores.columns:
                diff = scores[(after, row.competency)] - scores[(before, row.competency)]
                answers[d] = dict(diff.loc[list(row.people)].round(6))
            figures.append(Figure(("change", name, row.competency), row.people, made_of[d] | {d}))

    def items(cp: str) -> None:
        for item, row in tables["likert"][cp].iterrows():
            figures.append(Figure(("item", cp, item), row["people"], frozenset({("r", cp, item)})))

    change("real")
    quiz = tables["quiz"].iloc[0]
    scores_of = tables["quiz_scores"]
    for moment in ("start", "end"):
        answers[("q", moment)] = {p: round(scores_of[p][moment], 6) for p in quiz["people"]}
    answers[("qd",)] = {p: round(scores_of[p]["end"] - scores_of[p]["start"], 6) for p in quiz["people"]}
    made_of[("qd",)] = frozenset({("q", "start"), ("q", "end")})
    figures.append(Figure(("quiz",), quiz["people"], frozenset({("q", "start"), ("q", "end"), ("qd",)})))
    items(end)
    items(start)
    change("retrospective")
    for role, cp in (("start", start), ("end", end)):
        for row in tables["reliability"][role].itertuples():  # all answers alike: no alpha, equal scores
            figures.append(Figure(("alpha", role, row.competency), row.people, frozenset({("s", cp, row.competency)})))
    for cp in tables["likert"]:
        if cp not in (start, end):
            items(cp)
    for sc, part in tables["shares"].groupby("scenario", sort=False):
        figures.append(Figure(("scenario", sc), part["people"].iloc[0], frozenset({("pick", sc)})))
    runs = tables["conversation_runs"]
    for row in tables["conversations"].itertuples():
        for part in CONVERSATION_FIGURES:  # a conversation's endings on the first and the last run, where trust fell
            answers[("run", row.conversation, part)] = {p: runs[p][row.conversation][part] for p in row.people}
            figures.append(Figure(("conversation", row.conversation, part), row.people,
                                  frozenset({("run", row.conversation, part)})))
    return figures, answers, made_of


CONVERSATION_FIGURES = ("first", "last", "lost")


def screen(tables: Mapping[str, Any], decision: Decision, sharers: Collection[int]) -> dict[str, Any]:
    """`tables` with what `decision` hides blanked, and the per-person tables cut to `sharers`."""
    import math

    def why(key: Hashable, n: int) -> str | None:
        """None if shown, else the reason in words."""
        if n == 0:
            return NOBODY
        return None if key in decision.shown else decision.hidden.get(key, OVERLAP.format(m=MIN_GROUP))

    def rows(table: pd.DataFrame, keys: Iterable[Hashable], numbers: Sequence[str], note: str,
             blank: Any = math.nan) -> pd.DataFrame:
        reasons = [why(key, int(n)) for key, n in zip(keys, table["n"])]
        shown = [r is None for r in reasons]
        out = table.drop(columns="people")
        for column in numbers if not all(shown) else ():
            out[column] = out[column].where(shown, blank)
        out["shown"] = shown
        out[note] = [old if r is None else r for r, old in zip(reasons, out[note])]
        return out

    change_numbers = ["mean_before", "mean_after", "mean_change", "sd_change", "ci_low", "ci_high", "d_z"]
    out: dict[str, Any] = {
        "change": {name: _attrs(rows(t, [("change", name, c) for c in t["competency"]], change_numbers, "note"), t)
                   for name, t in tables["change"].items()},
        "reliability": {role: _attrs(rows(t, [("alpha", role, c) for c in t["competency"]], ["alpha"], "warning"), t)
                        for role, t in tables["reliability"].items()},
    }
    likert = {}
    for cp, counts in tables["likert"].items():
        values = [c for c in counts.columns if c not in ("n", "people")]
        counts = counts.assign(note="")
        likert[cp] = _attrs(rows(counts, [("item", cp, i) for i in counts.index], values, "note", 0), counts)
    out["likert"] = likert
    shares = tables["shares"].assign(note="")
    out["shares"] = rows(shares, [("scenario", s) for s in shares["scenario"]], ["count", "share"], "note")
    out["shares"]["count"] = out["shares"]["count"].fillna(0).astype(int)
    out["quiz"] = rows(tables["quiz"], [("quiz",)], change_numbers, "note")
    talks = tables["conversations"].drop(columns="people")
    for part in CONVERSATION_FIGURES:
        reasons = [why(("conversation", c, part), n) for c, n in zip(talks["conversation"], talks["n"])]
        talks[f"{part}_note"] = [r or "" for r in reasons]
        talks[part] = [got if r is None else {} for got, r in zip(talks[part], reasons)]
    out["conversations"] = talks
    people = set(sharers)
    scores = tables["scores"]
    out["scores"] = scores.loc[[p for p in scores.index if p in people]]
    out["best_first"] = {pid: got for pid, got in tables["best_first"].items() if pid in people}
    out["quiz_scores"] = {pid: got for pid, got in tables["quiz_scores"].items() if pid in people}
    return out


def _attrs(screened: pd.DataFrame, original: pd.DataFrame) -> pd.DataFrame:
    screened.attrs.update(original.attrs)
    return screened
