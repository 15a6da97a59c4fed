"""Cohort statistics for the facilitator: change per competency, its confidence interval and effect size,
Cronbach's alpha, and the counts behind the Likert and scenario charts.

Input is a cohort's answers, either per person (participant id -> ratings, or -> scenario attempts, as in
``store.cohort_answers``) or as long rows (lists of plain dicts, as ``store.cohort_ratings`` returns); output
is pandas data frames. ``cohort_tables`` builds every table of the cohort's results; `empathydesk.privacy`
decides which of their figures any output may show, and `empathydesk.charts` only draws them. Import this
module only where results are built: it imports pandas and numpy.

Rules kept here, so that every view shares them:

* Start and end are paired only when both were answered under the same instrument version (the
  ``version`` each rating keeps), so that answers to different statements are never compared.
* The change is measured from the **real start** (the check-in with role ``start``) to the ``end``. The
  retrospective "before" (role ``looking-back``: rated at the end) is compared with the end in a separate
  table, labelled as retrospective; the two are never pooled, because looking back tends to inflate change.
* Every figure is worked out whenever the arithmetic allows (a mean from one person, an interval from two),
  and every row says whose answers it sums up (``people``: participant ids). Whether it may be shown is
  not decided here but in `empathydesk.privacy`, for all outputs at once.
* A change table's ``note`` says in words what a reader needs next to the figure: one person (no interval),
  everyone changed by the same amount (an interval of no width, no d_z), fewer than ``SMALL_N`` people.
* Only the first try at a scenario counts (``scoring.first_tries``).
* Cronbach's alpha is computed per competency from people who answered all its items; it carries a
  warning below 0.7, or when fewer than ``ALPHA_MIN_N`` people answered.

The t quantile for the confidence interval is computed here from the exact Student t distribution for
whole-number degrees of freedom (Abramowitz & Stegun 26.7.3-4), so that scipy stays a test-only
dependency; the tests check it against ``scipy.stats.t``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from empathydesk import scoring
from empathydesk.content import Content

RatingsIn = Iterable[Mapping[str, Any]] | Mapping[int, scoring.Ratings]  # rows, or participant id -> ratings
AttemptsIn = Iterable[Mapping[str, Any]] | Mapping[int, scoring.ScenarioAttempts]  # rows, or id -> attempts
VersionsIn = Mapping[int, Mapping[str, int]]  # participant id -> checkpoint -> instrument version

SMALL_N = 10  # below this many people, a change is read as a rough guide
ALPHA_MIN_N = 20
ALPHA_OK = 0.7
CONFIDENCE = 0.95


# --- Student's t, for whole-number degrees of freedom ---------------------------------------------


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` (a whole number >= 1) degrees of freedom, exact to rounding."""
    if df < 1 or int(df) != df:
        raise ValueError("degrees of freedom must be a whole number of at least 1")
    df = int(df)
    if t == 0:
        return 0.5
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 1:  # A = 2/pi * (theta + sin * (cos + 2/3 cos^3 + 2*4/(3*5) cos^5 + ...))
        m = (df - 1) // 2  # number of terms
        if m == 0:
            inside = 0.0
        else:
            k = np.arange(1, m)
            ratios = np.concatenate(([1.0], (2 * k) / (2 * k + 1) * c2))
            inside = math.cos(theta) * float(np.cumprod(ratios).sum())
        a = 2 / math.pi * (theta + s * inside)
    else:  # A = sin * (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...)
        m = df // 2
        k = np.arange(1, m)
        ratios = np.concatenate(([1.0], (2 * k - 1) / (2 * k) * c2))
        a = s * float(np.cumprod(ratios).sum())
    a = min(max(a, 0.0), 1.0)
    return 0.5 + a / 2 if t > 0 else 0.5 - a / 2


def t_quantile(p: float, df: int) -> float:
    """The t value below which a share `p` of Student's t (`df` degrees of freedom) lies."""
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2


# --- from the cohort's answers to scores ------------------------------------------------------------


def ratings_frame(ratings: RatingsIn, versions: VersionsIn | None = None) -> pd.DataFrame:
    """The cohort's ratings as a frame with columns participant_id, checkpoint, item, value and version.

    `version` is the instrument version each answer was given under: from the rows (``store.cohort_ratings``
    gives it) or from `versions` (participant id -> checkpoint -> version, as ``Answers.versions``); missing
    (NaN) when neither says.
    """
    columns = ["participant_id", "checkpoint", "item", "value"]
    if isinstance(ratings, Mapping):
        records: Iterable[Any] = (
            (pid, cp, item, value)
            for pid, mine in ratings.items()
            for cp, answers in mine.items()
            for item, value in answers.items()
        )
        frame = pd.DataFrame.from_records(list(records), columns=columns)
    else:
        rows = list(ratings)
        if rows and isinstance(rows[0], Mapping):
            frame = pd.DataFrame([dict(r) for r in rows]).reindex(columns=columns + ["version"])
        else:
            frame = pd.DataFrame.from_records(rows, columns=(columns + ["version"])[: len(rows[0]) if rows else 4])
    if "version" not in frame.columns:
        frame["version"] = np.nan
    known = [(pid, cp, v) for pid, mine in (versions or {}).items() for cp, v in mine.items()]
    if known and len(frame):
        given = pd.DataFrame.from_records(known, columns=["participant_id", "checkpoint", "given"])
        frame = frame.merge(given, how="left", on=["participant_id", "checkpoint"])
        frame["version"] = frame["version"].astype("float64").fillna(frame.pop("given").astype("float64"))
    return frame.astype({"value": "float64", "version": "float64"}) if len(frame) else frame


def checkpoint_versions(frame: pd.DataFrame) -> pd.DataFrame:
    """participant x checkpoint: the instrument version each check-in was answered under (the newest, if mixed)."""
    if "version" not in frame.columns or frame.empty:
        return pd.DataFrame()
    return frame.groupby(["participant_id", "checkpoint"])["version"].max().unstack("checkpoint")


def attempts_by_person(attempts: AttemptsIn) -> Mapping[int, scoring.ScenarioAttempts]:
    """participant id -> scenario -> chosen options in order, from rows (participant_id, scenario, attempt,
    option) or as given."""
    if isinstance(attempts, Mapping):
        return attempts
    people: dict[int, dict[str, list[int]]] = {}
    for row in sorted(attempts, key=lambda r: (r["participant_id"], r["scenario"], r["attempt"])):
        people.setdefault(row["participant_id"], {}).setdefault(row["scenario"], []).append(row["option"])
    return people


def keyed_frame(content: Content, rows: RatingsIn | pd.DataFrame) -> pd.DataFrame:
    """The ratings with each item's competency and its keyed score (reverse-keyed items flipped).

    A frame that is already keyed (has a "score" column) comes back as it is, so callers can key once.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else ratings_frame(rows)
    if "score" in frame.columns:
        return frame
    top = max(p.value for p in content.instrument.scale)
    items = content.instrument.items
    competency = {i.id: i.competency for i in items}
    reverse = {i.id: i.reverse for i in items}
    frame = frame[frame["item"].isin(competency.keys()) & frame["value"].between(1, top)].copy()
    frame["competency"] = frame["item"].map(competency)
    flip = frame["item"].map(reverse).astype(bool)
    frame["score"] = np.where(flip, top + 1 - frame["value"], frame["value"])
    return frame


def competency_scores(content: Content, rows: RatingsIn | pd.DataFrame) -> pd.DataFrame:
    """One row per participant; columns (checkpoint, competency) holding the mean keyed score (answered items only)."""
    keyed = keyed_frame(content, rows)
    if keyed.empty:
        return pd.DataFrame(columns=pd.MultiIndex.from_tuples([], names=["checkpoint", "competency"]))
    means = keyed.groupby(["participant_id", "checkpoint", "competency"], sort=False)["score"].mean()
    return means.unstack(["checkpoint", "competency"])


# --- paired change --------------------------------------------------------------------------------


def paired_change(before: Iterable[float], after: Iterable[float], confidence: float = CONFIDENCE) -> dict[str, Any]:
    """Mean change (after - before) with a t-based confidence interval and Cohen's d_z, for paired values.

    Pairs with a missing value on either side are dropped. The means need one pair, the interval two, d_z
    changes that differ; ``note`` says in words why a figure is missing, or that n is small.
    """
    b = np.asarray(list(before), dtype=float)
    a = np.asarray(list(after), dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    diff = a[keep] - b[keep]
    n = int(diff.size)
    out: dict[str, Any] = {
        "n": n, "mean_before": math.nan, "mean_after": math.nan, "mean_change": math.nan,
        "sd_change": math.nan, "ci_low": math.nan, "ci_high": math.nan, "d_z": math.nan, "note": change_note(n, 1.0),
    }
    if n == 0:
        return out
    mean = float(diff.mean())
    out.update(mean_before=float(b[keep].mean()), mean_after=float(a[keep].mean()), mean_change=mean)
    if n == 1:
        return out
    sd = float(diff.std(ddof=1))
    half = t_quantile(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    out.update(sd_change=sd, ci_low=mean - half, ci_high=mean + half, d_z=mean / sd if sd > 0 else math.nan,
               note=change_note(n, sd))
    return out


def change_note(n: int, sd: float) -> str:
    """What a reader needs to know next to a change over `n` people whose changes have spread `sd`, in words."""
    if n == 0:
        return ""
    if n == 1:
        return "only one person: no interval or d_z"
    notes = []
    if sd == 0:
        notes.append("everyone changed by the same amount, so the interval has no width and d_z (–) can't be worked out")
    if n < SMALL_N:
        notes.append(f"only {n} people: a rough guide")
    return "; ".join(notes)


def comparisons(content: Content) -> dict[str, tuple[str, str]]:
    """The (before, after) check-in ids of each change: real (start -> end) and retrospective (looking back -> end)."""
    start, end, looking_back = (content.checkpoint_for(role).id for role in ("start", "end", "looking-back"))
    return {"real": (start, end), "retrospective": (looking_back, end)}


def change_table(
    content: Content,
    scores: pd.DataFrame,
    before: str | None = None,
    after: str | None = None,
    confidence: float = CONFIDENCE,
    versions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Change per competency from checkpoint `before` to `after` (default: the real change), one row per competency.

    With `versions` (``checkpoint_versions``), a person counts only when both check-ins were answered under
    the same instrument version: answers to different items are never compared. Unknown versions are kept.
    """
    real_before, real_after = comparisons(content)["real"]
    before, after = before or real_before, after or real_after
    mismatched = _mismatched(versions, before, after)
    records = []
    for comp in content.instrument.competencies:
        b = scores[(before, comp.id)] if (before, comp.id) in scores.columns else pd.Series(dtype=float)
        a = scores[(after, comp.id)] if (after, comp.id) in scores.columns else pd.Series(dtype=float)
        b, a = b.align(a, join="inner")
        if len(mismatched):
            b, a = b.drop(mismatched, errors="ignore"), a.drop(mismatched, errors="ignore")
        both = b.notna() & a.notna()
        records.append({"competency": comp.id, "name": comp.name, **paired_change(b, a, confidence),
                        "people": frozenset(b.index[both])})
    table = pd.DataFrame.from_records(records)
    table.attrs.update(before=before, after=after, confidence=confidence,
                       retrospective=content.checkpoint(before).retrospective if _has_cp(content, before) else False)
    return table


def _mismatched(versions: pd.DataFrame | None, before: str, after: str) -> pd.Index:
    """The people whose `before` and `after` check-ins were answered under different known versions."""
    if versions is None or before not in versions.columns or after not in versions.columns:
        return pd.Index([])
    b, a = versions[before], versions[after]
    return versions.index[b.notna() & a.notna() & (b != a)]


def _has_cp(content: Content, cp_id: str) -> bool:
    return any(cp.id == cp_id for cp in content.instrument.checkpoints)


def cohort_change(content: Content, scores: pd.DataFrame, versions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """``{"real": start -> end, "retrospective": looking back -> end}``; kept apart, never pooled.

    Each pairs only check-ins answered under the same instrument version (see ``change_table``)."""
    return {name: change_table(content, scores, *pair, versions=versions) for name, pair in comparisons(content).items()}


# --- reliability ----------------------------------------------------------------------------------


def cronbach_alpha(matrix: pd.DataFrame | np.ndarray) -> float:
    """Cronbach's alpha of a people x items matrix with no gaps: k/(k-1) * (1 - sum of item variances / variance of totals)."""
    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    if k < 2 or n < 2:
        return math.nan
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return math.nan
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var))


def reliability_table(content: Content, rows: RatingsIn | pd.DataFrame, checkpoint: str | None = None) -> pd.DataFrame:
    """Cronbach's alpha per competency at one checkpoint (default: the start), from people who answered all its items.

    Columns: competency, name, k (items), n (people), alpha, warning, people (their ids).
    """
    keyed = keyed_frame(content, rows)
    keyed = keyed[keyed["checkpoint"] == (checkpoint or content.checkpoint_for("start").id)]
    # one answer per (person, item) at a checkpoint (the store upserts), so a plain unstack is enough
    wide = keyed.set_index(["participant_id", "item"])["score"].unstack() if len(keyed) else pd.DataFrame()
    records = []
    for comp in content.instrument.competencies:
        item_ids = [i.id for i in content.instrument.items if i.competency == comp.id]
        present = [i for i in item_ids if i in wide.columns]
        matrix = wide[present].dropna() if len(present) == len(item_ids) else pd.DataFrame()
        n = len(matrix)
        alpha = cronbach_alpha(matrix)
        notes = []
        if n < ALPHA_MIN_N:
            notes.append(f"only {n} {'person' if n == 1 else 'people'}: too few to judge reliability")
        if n >= 2 and math.isnan(alpha):
            notes.append("answers do not vary, so alpha cannot be computed")
        elif alpha < ALPHA_OK:
            notes.append(f"alpha below {ALPHA_OK}: these items may not measure one thing")
        records.append({"competency": comp.id, "name": comp.name, "k": len(item_ids), "n": n,
                        "alpha": alpha, "warning": "; ".join(notes), "people": frozenset(matrix.index)})
    table = pd.DataFrame.from_records(records)
    table.attrs["checkpoint"] = checkpoint
    return table


# --- counts behind the cohort charts --------------------------------------------------------------


def likert_counts(content: Content, rows: RatingsIn | pd.DataFrame, checkpoint: str) -> pd.DataFrame:
    """Raw answer counts per item at a checkpoint (not reverse-keyed: these are the words people agreed with).

    Index: item id (instrument order, only items the checkpoint asks). Columns: 1..top, n, people (their ids).
    """
    frame = rows if isinstance(rows, pd.DataFrame) else ratings_frame(rows)
    top = max(p.value for p in content.instrument.scale)
    frame = frame[(frame["checkpoint"] == checkpoint) & frame["value"].between(1, top)]
    item_ids = [i.id for i in content.items_for(checkpoint)] if _has_cp(content, checkpoint) else []
    counts = frame.groupby(["item", frame["value"].astype(int)]).size().unstack() if len(frame) else pd.DataFrame()
    counts = counts.reindex(index=item_ids, columns=range(1, top + 1)).fillna(0).astype(int)
    counts["n"] = counts.sum(axis=1)
    people = {item: frozenset(ids) for item, ids in frame.groupby("item")["participant_id"]} if len(frame) else {}
    counts["people"] = [people.get(item, frozenset()) for item in counts.index]
    counts.index.name = "item"
    counts.attrs["checkpoint"] = checkpoint
    return counts


def scenario_shares(content: Content, attempts: AttemptsIn) -> pd.DataFrame:
    """First-try choices per scenario: one row per (scenario, option) with count, share, best, n and people
    (the ids of everyone who tried the scenario)."""
    firsts = first_picks(attempts)
    records = []
    for module in content.modules:
        for sc in module.scenarios:
            picks = firsts.get(sc.id, {})
            per = Counter(picks.values())
            n, people = len(picks), frozenset(picks)
            for i in range(len(sc.options)):
                records.append({"module": module.id, "scenario": sc.id, "option": i, "count": per[i],
                                "share": per[i] / n if n else math.nan, "best": i == sc.best_index,
                                "n": n, "people": people})
    return pd.DataFrame.from_records(records, columns=["module", "scenario", "option", "count", "share", "best", "n", "people"])


def first_picks(attempts: AttemptsIn) -> dict[str, dict[int, int]]:
    """scenario -> participant id -> the option they chose on their first try."""
    picks: dict[str, dict[int, int]] = {}
    for pid, tried in attempts_by_person(attempts).items():
        for scenario, option in scoring.first_tries(tried).items():
            picks.setdefault(scenario, {})[pid] = option
    return picks


def first_try_scores(content: Content, attempts: AttemptsIn) -> dict[int, tuple[int, int]]:
    """participant id -> (scenarios answered best on the first try, scenarios tried), for everyone who tried one."""
    scores = {pid: scoring.first_try_score(content, tried) for pid, tried in attempts_by_person(attempts).items()}
    return {pid: score for pid, score in scores.items() if score[1]}


# --- every table of the dashboard -----------------------------------------------------------------


QuizIn = Mapping[int, Mapping[str, float]]  # participant id -> "start"/"end" -> percent of the quiz right


def quiz_change(quiz: QuizIn, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """The change in quiz score (percent right) from the start to the end, over the people who took both:
    one row, as ``paired_change`` gives it, with the people it sums up."""
    people = sorted(pid for pid, got in quiz.items() if "start" in got and "end" in got)
    row = paired_change([quiz[p]["start"] for p in people], [quiz[p]["end"] for p in people], confidence)
    return pd.DataFrame.from_records([{**row, "people": frozenset(people)}])


# participant id -> conversation id -> {"first", "last": the ending types of their first and last finished
# run, "lost": the turns where their first finished run lost trust} (`pieces.conversation.cohort_runs`)
ConversationsIn = Mapping[int, Mapping[str, Mapping[str, Any]]]


def conversation_table(content: Content, runs: ConversationsIn, shown: bool = True) -> pd.DataFrame:
    """One row per practice conversation: the people who finished a run (``n``, ``people``), how many of them
    reached each type of ending on their first run and on their last (``first``, ``last``), how many lost
    trust at each turn on their first run (``lost``), and each turn's words (``turns``, for the reader).
    No rows when not `shown` (a caller that did not read the runs)."""
    rows = []
    for talk in content.parts_of("conversation") if shown else ():
        people = sorted(p for p, got in runs.items() if talk.id in got)
        mine = [runs[p][talk.id] for p in people]
        rows.append({
            "conversation": talk.id, "title": talk.title, "n": len(people), "people": frozenset(people),
            "first": dict(Counter(r["first"] for r in mine)), "last": dict(Counter(r["last"] for r in mine)),
            "lost": dict(Counter(turn for r in mine for turn in r["lost"])),
            "turns": {n.id: f"{talk.persona.name}: {n.client}" for n in talk.nodes},
        })
    return pd.DataFrame.from_records(rows, columns=["conversation", "title", "n", "people", "first", "last", "lost", "turns"])


def cohort_tables(content: Content, ratings: RatingsIn, attempts: AttemptsIn,
                  versions: VersionsIn | None = None, quiz: QuizIn | None = None,
                  conversations: ConversationsIn | None = None) -> dict[str, Any]:
    """Every table of the cohort's results, before `empathydesk.privacy` screens them:
    {"change", "reliability", "likert", "shares", "quiz", "conversations", "scores", "keyed", "picks",
    "best_first", "quiz_scores", "conversation_runs"}.

    Change is kept real and retrospective (``cohort_change``); reliability is taken at the start and at the
    end, keyed by role (``{"start": table, "end": table}``); Likert counts for every check-in, keyed by its
    id. "scores" (competency scores per person), "keyed" (``keyed_frame``), "picks" (``first_picks``) and
    "best_first" (``first_try_scores``) are everyone's own answers, for the screening and for the people who share;
    so is "quiz_scores" (`quiz`: each person's quiz scores), whose change from start to end is "quiz", and
    "conversation_runs" (`conversations`: each person's endings), whose counts are "conversations".
    """
    frame = ratings_frame(ratings, versions)
    keyed = keyed_frame(content, frame)
    scores = competency_scores(content, keyed)
    ends = dict(zip(("start", "end"), comparisons(content)["real"]))
    by_checkpoint = dict(list(frame.groupby("checkpoint"))) if len(frame) else {}
    return {
        "change": cohort_change(content, scores, checkpoint_versions(frame)),
        "reliability": {role: reliability_table(content, keyed, cp) for role, cp in ends.items()},
        "likert": {cp.id: likert_counts(content, by_checkpoint.get(cp.id, frame.iloc[:0]), cp.id)
                   for cp in content.instrument.checkpoints},
        "shares": scenario_shares(content, attempts),
        "quiz": quiz_change(quiz or {}),
        "conversations": conversation_table(content, {} if conversations is None else conversations, shown=conversations is not None),
        "scores": scores,
        "keyed": keyed,
        "picks": first_picks(attempts),
        "best_first": first_try_scores(content, attempts),
        "quiz_scores": dict(quiz or {}),
        "conversation_runs": dict(conversations or {}),
    }
