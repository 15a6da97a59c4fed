"""The facilitator's live dashboard (`workshop/dashboard.ipynb` calls `dashboard()` and nothing else).

What it shows, and the privacy rules it keeps:

* **Who is here**: everyone who joined, under their pseudonym (with a suffix when others chose it too), with
  their progress per page (done, in progress, not started) and when they last answered. Progress is shown
  for everyone.
* **Statistics and charts** for the whole cohort: change per skill from the real start to the end (mean,
  95% confidence interval, Cohen's d_z, n), the retrospective comparison beside it and labelled as such,
  Cronbach's alpha, Likert bars and scenario choices, with notes in words (small n, no spread).
* **Individual scores** for the people who chose to share their answers, in a room of any size.

What is shown is decided by `empathydesk.privacy` (the same rule as the export): a group figure appears only
when no answer of someone who doesn't share can be worked out from it; a hidden one says why.

Live refresh: an asyncio task on the kernel's own event loop checks the store every few seconds (cheap
queries for who joined and the latest activity) and re-reads, in one read (``store.cohort_answers``: the
same few queries for any number of people), only the people who answered something new. Their progress
comes from ``scoring.progress``; the statistics are built by ``stats.cohort_tables`` from the answers
already read and drawn by ``charts.cohort_charts``. Widget values are replaced in place and only when their
text changed, so the page does not flicker or jump. Charts are redrawn (in a worker thread) only when
answers changed, at most every ``CHART_INTERVAL``.

The cohort and database come from ``EMPATHYDESK_COHORT`` and ``EMPATHYDESK_DB_URL`` (set by
``empathydesk workshop``), so the notebook also runs headless with nbconvert.
"""

from __future__ import annotations

import asyncio
import functools
import html
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from empathydesk import scoring
from empathydesk.content import Content, load
from empathydesk.joining import WELCOME, WRAP_UP, display_names
from empathydesk.storage.records import Answers

if TYPE_CHECKING:  # pandas and numpy are imported only when the results are built
    from empathydesk.stats import AttemptsIn, ConversationsIn, QuizIn, RatingsIn

LIVE_INTERVAL = 5.0  # seconds between checks for new answers
CHART_INTERVAL = 20.0  # at most this often are charts and statistics redrawn
MAX_ROWS = 200  # progress rows shown at once (a filter finds anyone else)

STYLE = """
<style>
/* on the design tokens (share/STYLE.md), so the page follows dark mode */
.ed-dash { font-size: 14px; line-height: 1.45; color: var(--ed-color-text); max-width: 78rem; }
.ed-dash h2 { font-size: 1.35rem; margin: 0.6rem 0 0.3rem 0; }
.ed-dash h3 { font-size: 1.1rem; margin: 1rem 0 0.3rem 0; }
.ed-dash table { border-collapse: collapse; margin: 0.3rem 0 0.8rem 0; }
.ed-dash th, .ed-dash td { border-bottom: 1px solid var(--ed-color-border); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
.ed-dash th { background: var(--ed-color-sunken); font-weight: 600; }
.ed-dash td.ed-num, .ed-dash th.ed-num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.ed-dash .ed-grid td.ed-cell { text-align: center; white-space: nowrap; min-width: 4.2rem; }
.ed-dash .ed-done { background: var(--ed-color-accent-soft); color: var(--ed-color-accent-strong); font-weight: 600; }
.ed-dash .ed-part { background: var(--ed-color-warn-soft); color: var(--ed-color-text); }
.ed-dash .ed-none { color: var(--ed-color-text-muted); }
.ed-dash .ed-muted { color: var(--ed-color-text-muted); font-size: 0.92em; }
.ed-dash .ed-warn { border-left: 5px solid var(--ed-color-warn); background: var(--ed-color-warn-soft); padding: 0.3rem 0.6rem; margin: 0.3rem 0; }
.ed-dash .ed-info { border-left: 5px solid var(--ed-color-accent); background: var(--ed-color-accent-soft); padding: 0.3rem 0.6rem; margin: 0.3rem 0; }
.ed-dash .ed-retro { background: var(--ed-color-warn-soft); }
/* a button as wide as its label (ipywidgets' fixed width cut "Refresh now" off) */
.ed-dash .jupyter-widgets.jupyter-button { width: auto; max-width: 100%; }
/* long tables scroll inside a widget box that is never replaced, so updates keep its scroll position */
.ed-dash .ed-scroll { max-height: 34rem; overflow: auto; border: 1px solid var(--ed-color-border); }
.ed-dash .ed-scroll thead th { position: sticky; top: 0; z-index: 1; }
</style>
"""


def page_style() -> str:
    """The dashboard's styles, with the design tokens they use when the page does not carry them in its head
    (the dashboard notebook opened in JupyterLab)."""
    from empathydesk.widgets.ui import TOKENS, page_has_stylesheet

    return STYLE if page_has_stylesheet() else f"<style>{TOKENS.read_text(encoding='utf-8')}</style>{STYLE}"



def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(x: float, fmt: str = "{:.2f}") -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "not yet"
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return when.strftime("%Y-%m-%d")


# --- progress of everyone -------------------------------------------------------------------------


def page_short(content: Content, page_id: str) -> str:
    if page_id == WELCOME:
        return "Welcome"
    if page_id == WRAP_UP:
        return "Wrap-up"
    return f"M{content.module(page_id).number}"


def progress_grid_html(
    content: Content,
    participants: list[Any],
    progress: Mapping[int, Mapping[str, Any]],
    activity: Mapping[int, datetime],
    now: datetime | None = None,
    name_filter: str = "",
    max_rows: int = MAX_ROWS,
) -> str:
    """Everyone's progress: one row per participant (pseudonym, with a suffix when others chose it too), one
    column per page, a count row on top."""
    now = now or datetime.now(timezone.utc)
    pages = scoring.page_ids(content)
    parts = len(scoring.module_part_names())
    if not participants:
        return '<p class="ed-info">Nobody has joined yet. Share the join code; people appear here as they join.</p>'
    head = "".join(f'<th class="ed-num" scope="col">{esc(page_short(content, p))}</th>' for p in pages)
    done_counts = [sum(1 for p in participants if progress.get(p.id, {}).get("pages", {}).get(page)) for page in pages]
    total = len(participants)
    count_row = "".join(f'<td class="ed-num"><strong>{c}</strong>/{total}</td>' for c in done_counts)
    names = display_names(participants)
    wanted = name_filter.strip().lower()
    shown = [p for p in participants if wanted in names[p.id].lower()] if wanted else list(participants)
    rows = []
    for person in shown[:max_rows]:
        info = progress.get(person.id, {})
        cells = []
        for page in pages:
            if info.get("pages", {}).get(page):
                cells.append('<td class="ed-cell ed-done">✓ done</td>')
                continue
            got, of = info.get("parts", {}).get(page, (0, 0))
            if got or info.get("started", {}).get(page):
                cells.append(f'<td class="ed-cell ed-part">◐ {got} of {of}</td>')
            else:
                cells.append('<td class="ed-cell ed-none">· not started</td>')
        shared = "yes" if person.consent else "no"
        rows.append(
            f'<tr><th scope="row">{esc(names[person.id])}</th>{"".join(cells)}'
            f'<td class="ed-num">{esc(_ago(activity.get(person.id), now))}</td><td>{shared}</td></tr>'
        )
    more = ""
    if len(shown) > max_rows:
        more = f'<p class="ed-muted">Showing {max_rows} of {len(shown)} people. Type part of a name above to find someone.</p>'
    elif wanted and not shown:
        more = f'<p class="ed-muted">Nobody here has a name containing “{esc(name_filter)}”.</p>'
    return (
        f'<table class="ed-grid" aria-label="Progress per participant" tabindex="0">'  # focusable: a keyboard scrolls it
        f'<thead><tr><th scope="col">Name</th>{head}<th scope="col" class="ed-num">Last answer</th>'
        f'<th scope="col">Shares answers</th></tr></thead>'
        f'<tbody><tr class="ed-muted"><th scope="row">Done (all {total})</th>{count_row}<td></td><td></td></tr>'
        f'{"".join(rows)}</tbody></table>{more}'
        '<p class="ed-muted">✓ done: every part of the page is finished. ◐ in progress: started, with how many of '
        f'its parts are finished (“0 of {parts}”: begun, no part finished yet). · not started: nothing answered on it '
        f'yet. A module has {parts} parts, one for each kind of task on its page.</p>'
    )


# --- statistics tables ----------------------------------------------------------------------------


def _ci(row: Mapping[str, Any]) -> str:
    if not row["shown"]:
        return f'<td class="ed-num" colspan="3"><em>hidden</em> (n={row["n"]})</td>'
    return (
        f'<td class="ed-num">{row["mean_change"]:+.2f}</td>'
        f'<td class="ed-num">{_interval(row)}</td>'
        f'<td class="ed-num">{_num(row["d_z"])} (n={row["n"]})</td>'
    )


def _interval(row: Mapping[str, Any], fmt: str = "{:+.2f}") -> str:
    return "–" if math.isnan(row["ci_low"]) else f'[{fmt.format(row["ci_low"])}, {fmt.format(row["ci_high"])}]'


def _notes(parts: list[tuple[str, str]]) -> str:
    """Notes for one row, each with what it is about ("real: …; retrospective: …"); one note said once."""
    said = [(about, note) for about, note in parts if note]
    if len(said) == len(parts) and len({note for _, note in said}) == 1:
        return esc(said[0][1])
    return esc("; ".join(f"{about}: {note}" for about, note in said))


def stats_html(tables: Mapping[str, Any]) -> str:
    """The change table (real change and, beside it, the retrospective comparison) and the reliability table
    (keyed by role: start, end), each with its notes in words. `tables`: as `privacy.cohort_view` gives them."""
    real = tables["change"]["real"]
    retro = tables["change"]["retrospective"]
    rel = tables["reliability"]
    rows = []
    for (_, r), (_, b) in zip(real.iterrows(), retro.iterrows()):
        means = (f'<td class="ed-num">{_num(r["mean_before"])}</td><td class="ed-num">{_num(r["mean_after"])}</td>'
                 if r["shown"] else '<td class="ed-num">–</td><td class="ed-num">–</td>')
        retro_cells = _ci(b).replace('<td class="ed-num"', '<td class="ed-num ed-retro"')
        notes = _notes([("real", r["note"]), ("retrospective", b["note"])])
        rows.append(f'<tr><th scope="row">{esc(r["name"])}</th>{means}{_ci(r)}{retro_cells}'
                    f'<td class="ed-muted">{notes}</td></tr>')
    change = (
        '<table aria-label="Change per skill"><thead>'
        '<tr><th rowspan="2" scope="col">Skill</th><th colspan="5" scope="colgroup">Real change: start → end</th>'
        '<th colspan="3" scope="colgroup" class="ed-retro">Retrospective: looking back → end</th>'
        '<th rowspan="2" scope="col">Notes</th></tr>'
        '<tr><th class="ed-num">Start</th><th class="ed-num">End</th><th class="ed-num">Change</th>'
        '<th class="ed-num">95% CI</th><th class="ed-num">d_z</th>'
        '<th class="ed-num ed-retro">Change</th><th class="ed-num ed-retro">95% CI</th><th class="ed-num ed-retro">d_z</th></tr>'
        f'</thead><tbody>{"".join(rows)}</tbody></table>'
        '<p class="ed-muted">Scores run from 1 to 5 (reverse-worded statements flipped). The real change compares the '
        'check-in people took at the start with the one at the end, for people who took both. The retrospective '
        'columns compare the end with how people, at the end, rated their start; looking back tends to make change '
        'look bigger, so the two are never combined. 95% CI: t-based confidence interval of the mean change. '
        'd_z: mean change divided by the standard deviation of the changes. “–”: can’t be worked out (the note '
        'on its row says why). Hidden: a group figure is shown only when it can’t give away the answers of '
        'anyone who doesn’t share theirs.</p>'
    )
    rel_rows = []
    for comp_index in range(len(rel["start"])):
        cells, notes = [], []
        for role in ("start", "end"):
            row = rel[role].iloc[comp_index]
            cells.append(f'<td class="ed-num">{_num(row["alpha"]) if row["shown"] else "<em>hidden</em>"}'
                         f' (n={row["n"]})</td>')
            notes.append((role, row["warning"]))
        name = rel["start"].iloc[comp_index]["name"]
        warn = _notes(notes)
        rel_rows.append(f'<tr><th scope="row">{esc(name)}</th>{"".join(cells)}<td>{warn}</td></tr>')
    reliability = (
        '<table aria-label="Reliability per skill"><thead><tr><th scope="col">Skill</th>'
        '<th class="ed-num" scope="col">Alpha at the start</th><th class="ed-num" scope="col">Alpha at the end</th>'
        f'<th scope="col">Notes</th></tr></thead><tbody>{"".join(rel_rows)}</tbody></table>'
        '<p class="ed-muted">Cronbach’s alpha: how well a skill’s four statements agree with each other, from people '
        'who answered all four. Below 0.7 the statements may not measure one thing; with fewer than 20 people it is '
        'only a rough guide.</p>'
    )
    return (f"<h3>Change per skill</h3>{change}{quiz_html(tables)}{conversations_html(tables)}"
            f"<h3>Reliability of the self-check</h3>{reliability}")


def quiz_html(tables: Mapping[str, Any]) -> str:
    """The change in quiz score (percent of the questions right), start → end, beside the self-ratings'."""
    row = tables["quiz"].iloc[0]
    if row["n"] == 0:
        return ('<h3>Quiz</h3><p class="ed-muted">No one has taken the quiz at both the start and the end yet.</p>')
    means = (f'<td class="ed-num">{_num(row["mean_before"], "{:.0f}%")}</td><td class="ed-num">{_num(row["mean_after"], "{:.0f}%")}</td>'
             if row["shown"] else '<td class="ed-num">–</td><td class="ed-num">–</td>')
    change = (f'<td class="ed-num">{_num(row["mean_change"], "{:+.0f}")}</td><td class="ed-num">{_interval(row, "{:+.0f}")}</td>'
              f'<td class="ed-num">{_num(row["d_z"])}</td>') if row["shown"] else '<td class="ed-num">hidden</td><td></td><td></td>'
    return (
        '<h3>Quiz: what people know</h3><table aria-label="Change in quiz score"><thead><tr>'
        '<th class="ed-num" scope="col">Start</th><th class="ed-num" scope="col">End</th>'
        '<th class="ed-num" scope="col">Change (points)</th><th class="ed-num" scope="col">95% CI</th>'
        '<th class="ed-num" scope="col">d_z</th><th class="ed-num" scope="col">People</th><th scope="col">Notes</th>'
        f'</tr></thead><tbody><tr>{means}{change}<td class="ed-num">{row["n"]}</td>'
        f'<td class="ed-muted">{esc(row["note"])}</td></tr></tbody></table>'
        '<p class="ed-muted">The share of the eight quiz questions answered with the best option, for people who took the '
        'quiz at the start and at the end. Half the room took one form first and the other form last, so the change '
        'is not one form being easier. Unlike the self-ratings, this is scored.</p>'
    )


def conversations_html(tables: Mapping[str, Any]) -> str:
    """Per practice conversation: how many finished, the endings the room reached on its first run and on its
    last, and the turn where most people lost trust; each count only as `privacy` lets it be shown."""
    from empathydesk.pieces.conversation import ENDING_WORDS

    talks = tables["conversations"]
    if not len(talks):
        return ""

    def endings(got: Mapping[str, int], note: str) -> str:
        if note:
            return f'<td class="ed-muted">{esc(note)}</td>'
        return "<td>" + "<br>".join(f"{esc(ENDING_WORDS[t])}: {got[t]}" for t in ENDING_WORDS if got.get(t)) + "</td>"

    rows = []
    for row in talks.itertuples():
        if row.n == 0:
            rows.append(f'<tr><th scope="row">{esc(row.title)}</th><td class="ed-num">0</td>'
                        '<td colspan="3" class="ed-muted">No one has finished it yet.</td></tr>')
            continue
        if row.lost_note:
            lost = f'<td class="ed-muted">{esc(row.lost_note)}</td>'
        elif row.lost:
            turn, count = max(row.lost.items(), key=lambda kv: (kv[1], kv[0]))
            words = row.turns.get(turn, turn)
            words = words if len(words) <= 90 else words[:89].rstrip() + "…"
            lost = f"<td>{esc(words)} ({count} of {row.n})</td>"
        else:
            lost = "<td>Nobody lost trust on their first run.</td>"
        rows.append(f'<tr><th scope="row">{esc(row.title)}</th><td class="ed-num">{row.n}</td>'
                    f"{endings(row.first, row.first_note)}{endings(row.last, row.last_note)}{lost}</tr>")
    return (
        '<h3>Practice conversations</h3><table aria-label="Practice conversations"><thead><tr>'
        '<th scope="col">Conversation</th><th class="ed-num" scope="col">Finished</th>'
        '<th scope="col">Endings, first run</th><th scope="col">Endings, last run</th>'
        '<th scope="col">Where most lost trust (first run)</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
        '<p class="ed-muted">Finished: people who reached an ending at least once. The endings of each person’s '
        'first and last finished run; a change between them shows what trying again taught. The turn where the '
        'most people chose a reply that lowered the client’s trust, on their first run. Hidden: a group figure is '
        'shown only when it can’t give away the answers of anyone who doesn’t share theirs.</p>'
    )


def individuals_html(content: Content, participants: list[Any], view: Mapping[str, Any],
                     max_rows: int = MAX_ROWS) -> str:
    """Start and end scores of the people who chose to share their answers (`privacy.sharing`), from `view`
    (`privacy.cohort_view`: "scores" and "best_first" hold only theirs)."""
    import pandas as pd

    from empathydesk import privacy, stats

    sharing = privacy.sharing(participants)
    scores, best_first = view["scores"], view["best_first"]
    answered = set(scores.index) if len(scores) else set()
    if not sharing:
        return '<p class="ed-muted">Nobody has chosen to share their answers yet.</p>'
    comps = content.instrument.competencies
    head = "".join(f'<th class="ed-num" scope="col">{esc(c.name)}</th>' for c in comps)
    wanted = [(cp, c.id) for c in comps for cp in stats.comparisons(content)["real"]]
    table = scores.reindex(columns=pd.MultiIndex.from_tuples(wanted)) if len(scores) else None
    names = display_names(participants)
    ordered = sorted(sharing, key=lambda p: (names[p.id].lower(), p.id))
    rows = []
    for person in ordered[:max_rows]:
        values = table.loc[person.id].tolist() if table is not None and person.id in answered else [math.nan] * len(wanted)
        cells = [f'<td class="ed-num">{_num(values[2 * k], "{:.1f}")} → {_num(values[2 * k + 1], "{:.1f}")}</td>'
                 for k in range(len(comps))]
        got = best_first.get(person.id)
        first = f"{got[0]} of {got[1]}" if got else "–"
        quiz = view["quiz_scores"].get(person.id, {})
        quiz_cell = f'{_num(quiz.get("start", math.nan), "{:.0f}%")} → {_num(quiz.get("end", math.nan), "{:.0f}%")}'
        rows.append(f'<tr><th scope="row">{esc(names[person.id])}</th>{"".join(cells)}<td class="ed-num">{first}</td>'
                    f'<td class="ed-num">{quiz_cell}</td></tr>')
    more = (f'<p class="ed-muted">Showing the first {max_rows} of {len(ordered)} people who share their answers.</p>'
            if len(ordered) > max_rows else "")
    return (
        '<table aria-label="Scores of people who share their answers" tabindex="0"><thead><tr>'  # focusable: a keyboard scrolls it
        f'<th scope="col">Name</th>{head}<th class="ed-num" scope="col">Best choice first</th>'
        '<th class="ed-num" scope="col">Quiz</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>{more}'
        '<p class="ed-muted">Score at the start → at the end (1 to 5); quiz: the share of questions right at the start → '
        'at the end. Only people who chose to share their answers.</p>'
    )


# --- building all results at once (also what the benchmark times) ----------------------------------


def results_view(content: Content, ratings: RatingsIn, attempts: AttemptsIn,
                 participants: list[Any] | None = None,
                 versions: Mapping[int, Mapping[str, int]] | None = None,
                 quiz: QuizIn | None = None, conversations: ConversationsIn | None = None) -> dict[str, Any]:
    """The tables every result of the dashboard is drawn from, as `privacy.cohort_view` lets them be shown
    (without `participants`, nobody counts as sharing).

    `versions` (participant id -> check-in -> instrument version) keeps the change to like with like; `quiz`
    (participant id -> moment -> percent right) gives the quiz's change; `conversations` (participant id ->
    conversation id -> endings, `pieces.conversation.cohort_runs`) the practice conversations' counts."""
    from empathydesk import privacy

    sharers = {p.id for p in privacy.sharing(participants or [])}
    return privacy.cohort_view(content, ratings, attempts, sharers, versions, quiz, conversations)


def build_results(content: Content, ratings: RatingsIn, attempts: AttemptsIn,
                  participants: list[Any] | None = None,
                  versions: Mapping[int, Mapping[str, int]] | None = None,
                  quiz: QuizIn | None = None, conversations: ConversationsIn | None = None) -> dict[str, str]:
    """Every statistic and chart of the dashboard as markup: {"stats", "charts", "individuals"}, drawn from
    `results_view` (same arguments)."""
    from empathydesk import charts as ch

    view = results_view(content, ratings, attempts, participants, versions, quiz, conversations)
    figures = ch.cohort_charts(content, view)
    try:
        chart_html = "".join(f.html() for f in figures)
    finally:
        ch.close(figures)
    out = {"stats": stats_html(view), "charts": chart_html, "individuals": ""}
    if participants is not None:
        out["individuals"] = individuals_html(content, participants, view)
    return out


# --- the live widget ------------------------------------------------------------------------------


@dataclass
class State:
    participants: list[Any] = field(default_factory=list)
    activity: dict[int, datetime] = field(default_factory=dict)
    answers: dict[int, Answers] = field(default_factory=dict)
    progress: dict[int, scoring.Progress] = field(default_factory=dict)
    seen: dict[int, Any] = field(default_factory=dict)  # pid -> activity time the answers were read at
    results_key: Any = None
    results_at: float = 0.0


class Dashboard:
    """The facilitator's dashboard for one cohort; `widget` is what the notebook shows."""

    def __init__(self, store: Any, cohort: str, content: Content | None = None,
                 live_interval: float = LIVE_INTERVAL, chart_interval: float = CHART_INTERVAL) -> None:
        import ipywidgets as w

        self.store, self.cohort, self.content = store, cohort, content or load()
        self.live_interval, self.chart_interval = live_interval, chart_interval
        self.state = State()
        self._task: asyncio.Task[Any] | None = None
        self._building = False
        self.header = w.HTML()
        self.status = w.HTML()  # not a live region: "Last checked" every few seconds would be read out each time
        self.grid = w.HTML()
        self.stats = w.HTML('<p class="ed-muted">Working out the statistics…</p>')
        self.charts = w.HTML()
        self.individuals = w.HTML()
        self.find = w.Text(placeholder="Find a name", description="Find:", layout=w.Layout(width="18rem"))
        self.refresh_button = w.Button(description="Refresh now", icon="refresh", tooltip="Read the newest answers now")
        self.live = w.Checkbox(value=True, description=f"Update on its own every {live_interval:g} s", indent=False)
        self.find.observe(lambda _: self._show_grid(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh(force=True))
        self.live.observe(self._on_live, names="value")
        section = lambda text: w.HTML(f"<h3>{esc(text)}</h3>")  # noqa: E731

        def scrolling(inner: Any) -> Any:
            box = w.Box([inner], layout=w.Layout(width="100%"))
            box.add_class("ed-scroll")
            return box

        controls = w.HBox([self.refresh_button, self.live, self.find], layout=w.Layout(flex_flow="row wrap", gap="0.8rem"))
        self.widget = w.VBox([
            w.HTML(page_style()), self.header, controls, self.status,
            section("Who is here, and where"), scrolling(self.grid),
            section("The cohort’s results"), self.stats, self.charts,
            section("People who share their answers"), scrolling(self.individuals),
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("ed-dash")

    # reading the store -----------------------------------------------------------------------------

    def read_live(self) -> bool:
        """Re-read who joined and the answers of people who answered since last time; True if anything changed."""
        state = self.state
        participants = self.store.participants(self.cohort)
        activity = self.store.activity(self.cohort)
        changed = [p.id for p in participants if state.seen.get(p.id, "never") != activity.get(p.id)]
        if changed:
            answers = self.store.cohort_answers(self.cohort, changed if state.seen else None)
            for pid in changed:
                state.answers[pid] = answers.get(pid, Answers())
                state.progress[pid] = scoring.progress(self.content, state.answers[pid])
                state.seen[pid] = activity.get(pid)
        before = [(p.id, p.pseudonym, p.consent) for p in state.participants]
        state.participants = sorted(participants, key=lambda p: (p.pseudonym.lower(), p.id))
        state.activity = activity
        return bool(changed) or before != [(p.id, p.pseudonym, p.consent) for p in state.participants]

    def results_key(self) -> Any:
        latest = max(self.state.activity.values(), default=None)
        return (latest, tuple((p.id, p.consent) for p in self.state.participants))

    def results_input(self) -> dict[str, Any]:
        """What `build_results` needs, taken from the answers already read (now: the build may run in a thread)."""
        from empathydesk.cohort_export import results_input

        people = list(self.state.participants)
        answers = {p.id: self.state.answers.get(p.id, Answers()) for p in people}
        return {"participants": people, **results_input(self.content, answers)}

    # showing ---------------------------------------------------------------------------------------

    @staticmethod
    def _set(widget: Any, value: str) -> None:
        if widget.value != value:  # unchanged text is not sent again: no flicker, no jump
            widget.value = value

    def _show_grid(self) -> None:
        s = self.state
        self._set(self.grid, progress_grid_html(self.content, s.participants, s.progress, s.activity,
                                                name_filter=self.find.value))

    def _show_header(self) -> None:
        cohort = self.store.cohort(self.cohort)
        code = f" · join code <strong>{esc(cohort.join_code)}</strong>" if cohort else ""
        people = len(self.state.participants)
        now = datetime.now(timezone.utc)
        active = sum(1 for t in self.state.activity.values()
                     if (now - (t if t.tzinfo else t.replace(tzinfo=timezone.utc))).total_seconds() < 600)
        self._set(self.header, f"<h2>Cohort: {esc(self.cohort)}</h2>"
                               f'<p>{people} joined · {active} answered in the last 10 minutes{code}</p>')

    def _stamp(self, note: str = "") -> None:
        when = datetime.now().strftime("%H:%M:%S")
        self._set(self.status, f'<p class="ed-muted">Last checked {when}. {esc(note)}</p>')

    def _show_results(self, results: Mapping[str, str]) -> None:
        self._set(self.stats, results["stats"])
        self._set(self.charts, results["charts"])
        self._set(self.individuals, results["individuals"])

    def refresh(self, force: bool = False) -> None:
        """Read the store and update every part (synchronously; the button and the first view use this)."""
        try:
            self.read_live()
            self._show_header()
            self._show_grid()
            key = self.results_key()
            if force or key != self.state.results_key:
                self._show_results(build_results(self.content, **self.results_input()))
                self.state.results_key, self.state.results_at = key, time.monotonic()
            self._stamp()
        except Exception as exc:  # noqa: BLE001 - show it, keep the dashboard alive
            self._stamp(f"Could not read the answers: {getattr(exc, 'message', None) or exc}")

    async def tick(self) -> None:
        """One automatic update: progress always, results when answers changed and enough time has passed."""
        loop = asyncio.get_running_loop()
        try:
            self.read_live()
            self._show_header()
            self._show_grid()
            key = self.results_key()
            due = time.monotonic() - self.state.results_at >= self.chart_interval
            if key != self.state.results_key and due and not self._building:
                self._building = True
                try:
                    results = await loop.run_in_executor(None, functools.partial(build_results, self.content, **self.results_input()))
                finally:
                    self._building = False
                self._show_results(results)
                self.state.results_key, self.state.results_at = key, time.monotonic()
            self._stamp()
        except Exception as exc:  # noqa: BLE001
            self._stamp(f"Could not read the answers: {getattr(exc, 'message', None) or exc}")

    async def _run(self) -> None:
        while self.live.value:
            await asyncio.sleep(self.live_interval)
            await self.tick()

    def start(self) -> None:
        """Start the automatic updates on the kernel's event loop (no-op when there is none)."""
        if self._task and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                return
        self._task = loop.create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()
            self._task = None

    def _on_live(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self.start()
        else:
            self.stop()


def choose_cohort(store: Any, name: str | None = None) -> str | None:
    """The cohort to show: `name`, else $EMPATHYDESK_COHORT, else the newest cohort (not self-study)."""
    from empathydesk.settings import settings

    name = name or settings().cohort
    if name:
        return name
    cohorts = [c for c in store.cohorts() if c.name != "self-study"]
    return max(cohorts, key=lambda c: c.created_at).name if cohorts else None


def dashboard(cohort: str | None = None, db_url: str | None = None, live: bool = True) -> Any:
    """The facilitator dashboard widget for `cohort` (default: $EMPATHYDESK_COHORT) in the store at `db_url`
    (default: $EMPATHYDESK_DB_URL or the local SQLite file). Returns the widget; updates itself when `live`."""
    import ipywidgets as w

    from empathydesk.storage import Store, StorageError

    try:
        store = Store.open(db_url)
    except StorageError as exc:
        return w.HTML(f'<p class="ed-warn">Could not open the database: {esc(exc.message)}</p>')
    name = choose_cohort(store, cohort)
    if name is None or store.cohort(name) is None:
        known = ", ".join(c.name for c in store.cohorts()) or "none yet"
        what = f"There is no cohort called “{esc(name)}”." if name else "No cohort was chosen."
        return w.HTML(f'<div class="ed-warn">{what} Set EMPATHYDESK_COHORT (the workshop command does this), or '
                      f'make one with <code>empathydesk demo-data --cohort demo --participants 30</code>. '
                      f'Cohorts in this database: {esc(known)}.</div>')
    board = Dashboard(store, name)
    board.refresh(force=True)
    board.live.value = live
    if live:
        board.start()
    board.widget._dashboard = board  # keep the controller alive as long as the widget
    return board.widget
