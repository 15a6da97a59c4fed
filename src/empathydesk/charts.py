"""Charts for the participant ("My progress") and for the facilitator's dashboard. They only draw: a
participant's scores come from `empathydesk.scoring`, the cohort's tables from `empathydesk.stats`.

Every chart comes back as a :class:`Chart`: a matplotlib ``Figure`` (drawn with the Agg canvas, no
pyplot state), a title and a one-sentence text alternative saying what it shows. Colours come from the
Okabe-Ito palette, which people with the common colour-vision differences can tell apart, and colour
never carries meaning alone: lines also differ by marker, bars by hatching, outline or position, and values are
written on the chart.

matplotlib is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from empathydesk import scoring
from empathydesk.content import Content

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
GREY = "#BBBBBB"
LIGHT = "#EEEEEE"
COMPETENCY_STYLE = [  # colour, marker, line style: each competency differs in all three
    (OKABE_ITO["blue"], "o", "-"),
    (OKABE_ITO["orange"], "s", "--"),
    (OKABE_ITO["green"], "^", "-."),
    (OKABE_ITO["purple"], "D", ":"),
    (OKABE_ITO["vermillion"], "v", (0, (5, 1, 1, 1))),
]
# Diverging colours for a 5-point agreement scale (ColorBrewer PuOr, colour-blind safe), neutral in grey.
LIKERT_COLOURS = ["#B35806", "#F1A340", "#D9D9D9", "#998EC3", "#542788"]
LIKERT_TEXT = ["white", "black", "black", "black", "white"]

CHECKPOINT_LABELS = {  # by role; a pulse is labelled with its module's number
    "start": "Start", "end": "End", "later": "A month\non", "looking-back": "Start,\nlooking\nback",
}
DPI = 100
PARTICIPANT_WIDTH = 6.4  # inches: at DPI 100 the participant's charts fit the 40rem lesson column unscaled
PHONE_WIDTH = 3.35  # inches: the same charts drawn again for the column of a 375 px phone (335 px), unscaled
PHONE_SCREEN = "(max-width: 30rem)"  # the screens that get the phone's drawing (Chart.html)


@dataclass
class Chart:
    """A figure with its title and a sentence saying what it shows (for screen readers and the PDF)."""

    figure: Figure
    title: str
    alt: str
    name: str = "chart"
    extra: dict[str, Any] = field(default_factory=dict)
    phone: Figure | None = None  # the same chart drawn for a phone's width (its text as big as on a wide screen)

    def png(self, dpi: int = DPI) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def html(self, dpi: int = DPI) -> str:
        """An accessible ``<figure>``: the PNG with alt text (the phone's drawing on a phone, when there is
        one), and the text alternative as a visible caption. Drawn at the size it is shown, so its text is
        never shrunk (the stylesheet's `.ed-chart` lets it shrink only on a column narrower still)."""
        alt = html.escape(self.alt, quote=True)
        phone = ""
        if self.phone is not None:
            phone = f'<source media="{PHONE_SCREEN}" srcset="{_png_address(self.phone, dpi)}">'
        width, height = (round(v * dpi) for v in self.figure.get_size_inches())
        return (
            f'<figure class="ed-chart"><picture>{phone}'
            f'<img src="{_png_address(self.figure, dpi)}" alt="{alt}" width="{width}" height="{height}"></picture>'
            f"<figcaption>{html.escape(self.alt)}</figcaption></figure>"
        )


def _png_address(figure: Figure, dpi: int) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- helpers --------------------------------------------------------------------------------------


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _message_chart(title: str, message: str, name: str, width: float = 7, height: float = 1.6) -> Chart:
    """A chart with nothing to draw yet: says so kindly, in the figure and in the text alternative."""
    fig = _figure(width, height)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.text(0.5, 0.45, message, ha="center", va="center", fontsize=11, wrap=True, transform=ax.transAxes)
    return Chart(fig, title, f"{title}: {message}", name=name, extra={"empty": True})


def _plain(text: str) -> str:
    """Text shown as typed: a dollar sign would otherwise start matplotlib's maths notation."""
    return str(text).replace("$", r"\$")


def _short(text: str, width: int = 48, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width, max_lines=lines, placeholder="…", break_long_words=False)
    return _plain("\n".join(wrapped))


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _competency_names(content: Content) -> dict[str, str]:
    return {c.id: c.name for c in content.instrument.competencies}


def checkpoint_label(content: Content, cp_id: str) -> str:
    cp = content.checkpoint(cp_id)
    if cp.module:
        return f"After\nmodule {content.module(cp.module).number}"
    return CHECKPOINT_LABELS[cp.role]


def _join(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- participant charts ---------------------------------------------------------------------------


def scores_chart(content: Content, ratings: scoring.Ratings, width: float = PARTICIPANT_WIDTH) -> Chart:
    """Line and dot chart: each competency's score (1-5) at every checkpoint taken, in the order taken.

    A retrospective "before" is drawn as hollow markers in its own column on the left, not joined to the lines.
    Drawn `width` inches wide; a phone's (`PHONE_WIDTH`) names the modules' check-ins "M1", "M2", ... and
    lists the skills one a line.
    """
    title = "My scores at each check-in"
    scores = scoring.checkpoint_scores(content, ratings)
    series = scoring.checkpoint_series(content, ratings)
    if not series:
        return _message_chart(title, "Your chart will appear once you have answered a self-check.", "scores")
    retro = {cp.id for cp in content.instrument.checkpoints if cp.retrospective}
    retro_taken = [cp for cp in scores if cp in retro]
    columns = retro_taken + [cp for cp in scoring.timeline(content) if cp in scores]
    x_of = {cp: i for i, cp in enumerate(columns)}
    names = _competency_names(content)
    top = scoring.scale_max(content)

    narrow = width < PARTICIPANT_WIDTH / 1.5
    fig = _figure(width, 6.6 if narrow else 5.4)
    ax = fig.add_subplot()
    n_comp = len(content.instrument.competencies)
    for k, comp in enumerate(content.instrument.competencies):
        colour, marker, style = COMPETENCY_STYLE[k % len(COMPETENCY_STYLE)]
        offset = (k - (n_comp - 1) / 2) * 0.06  # keep equal scores from hiding each other
        points = series.get(comp.id, [])
        if points:
            xs = [x_of[cp] + offset for cp, _ in points]
            ys = [s for _, s in points]
            ax.plot(xs, ys, color=colour, marker=marker, linestyle=style, linewidth=2, markersize=8, label=_plain(comp.name))
        for cp in retro_taken:
            if comp.id in scores[cp]:
                ax.plot([x_of[cp] + offset], [scores[cp][comp.id]], linestyle="none", marker=marker, markersize=8,
                        markerfacecolor="white", markeredgecolor=colour, markeredgewidth=2)
    if retro_taken:
        ax.axvline(len(retro_taken) - 0.5, color=GREY, linewidth=1)
        ax.plot([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="black",
                label="Hollow: looking back at the start\n(answered at the end)")
    labels = [checkpoint_label(content, cp) for cp in columns]
    if narrow:
        labels = [label.replace("After\nmodule ", "M").replace(",\nlooking\nback", "\nlooking\nback") for label in labels]
    ax.set_xticks(range(len(columns)), labels, fontsize=9 if narrow or len(columns) > 6 else 9.5)
    ax.set_xlim(-0.5, len(columns) - 0.5)
    ax.set_ylim(0.8, top + 0.2)
    ax.set_yticks(range(1, top + 1))
    ax.tick_params(axis="y", labelsize=9)
    ax.set_ylabel(f"Score (1 = low, {top} = high)", fontsize=9)
    ax.set_xlabel("Check-in (M1: after module 1)" if narrow else "Check-in", fontsize=9)
    ax.grid(axis="y", color=LIGHT)
    ax.set_title(title, loc="left", fontsize=11 if narrow else 12, fontweight="bold")
    fig.legend(loc="outside lower center", ncols=1 if narrow else 2, frameon=False, fontsize=9)

    changes = []
    for comp, points in series.items():
        if len(points) >= 2:
            changes.append(f"{names[comp]} went from {_fmt(points[0][1])} to {_fmt(points[-1][1])}")
        else:
            changes.append(f"{names[comp]} is {_fmt(points[0][1])}")
    taken = len([c for c in columns if c not in retro])
    alt = (f"Line chart of your scores from 1 to {top} for {len(series)} skills over {taken} check-in"
           f"{'s' if taken != 1 else ''}. " + "; ".join(changes) + ".")
    if retro_taken:
        alt += " Hollow markers on the left show how you rated your start when looking back at the end."
    return Chart(fig, title, alt, name="scores")


def radar_chart(content: Content, ratings: scoring.Ratings, width: float = PARTICIPANT_WIDTH) -> Chart:
    """Radar chart of the real start against each competency's latest score (`width` inches wide; on a
    phone's width the legend goes under the chart)."""
    title = "Where I started and where I am now"
    before, now = scoring.before_and_now(content, ratings)
    if not before or not now:
        need = "the first self-check" if not before else "a self-check after a module"
        return _message_chart(title, f"This chart appears once you have answered {need}.", "radar")
    import numpy as np

    comps = [c for c in content.instrument.competencies if c.id in before or c.id in now]
    top = scoring.scale_max(content)
    angles = np.linspace(0, 2 * np.pi, len(comps), endpoint=False).tolist()
    narrow = width < PARTICIPANT_WIDTH / 1.5
    height = 4.4 if narrow else 5.4
    fig = _figure(width, height)
    fig.set_layout_engine("none")  # polar tick labels and an outside legend: place the axes by hand
    # the circle's size in inches, whatever the figure's: room around it for the skills' names
    across = width - 1.45 if narrow else 3.4
    left = (width - across) / 2 if narrow else 0.8
    bottom = 1.4 if narrow else 0.6
    ax = fig.add_axes((left / width, bottom / height, across / width, across / height), projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    for values, label, colour, marker, style, fill in (
        (before, "Start", OKABE_ITO["orange"], "s", "--", 0.10),
        (now, "Now (latest check-in)", OKABE_ITO["blue"], "o", "-", 0.18),
    ):
        pts = [(a, values[c.id]) for a, c in zip(angles, comps) if c.id in values]
        if not pts:
            continue
        xs, ys = zip(*pts)
        closed = len(pts) == len(comps)
        xs_line, ys_line = (list(xs) + [xs[0]], list(ys) + [ys[0]]) if closed else (xs, ys)
        ax.plot(xs_line, ys_line, color=colour, linestyle=style, linewidth=2.2, marker=marker, markersize=8, label=label)
        if closed:
            ax.fill(xs_line, ys_line, color=colour, alpha=fill)
    ax.set_xticks(angles, [_short(c.name, 10, lines=3) if narrow else _short(c.name, 16) for c in comps], fontsize=9)
    ax.set_ylim(0, top)
    ax.set_yticks(range(1, top + 1), [str(v) for v in range(1, top + 1)], fontsize=8.5, color="#444444")
    ax.set_rlabel_position(180 / len(comps))
    ax.tick_params(axis="x", pad=8 if narrow else 12)
    fig.text(0.02, 0.98, title, ha="left", va="top", fontsize=11 if narrow else 12, fontweight="bold")
    scale_note = f"Distance from the centre: score from 1 to {top}"
    if narrow:
        fig.text(0.02, 0.02, scale_note, ha="left", va="bottom", fontsize=8.5, color="#333333")
        fig.legend(*ax.get_legend_handles_labels(), loc="lower left", bbox_to_anchor=(0.0, 0.07), ncols=1,
                   frameon=False, fontsize=9)
    else:
        ax.text(1.1, 0.0, scale_note.replace(": ", ":\n"), transform=ax.transAxes, fontsize=8.5,
                color="#333333", va="bottom")
        ax.legend(loc="upper left", bbox_to_anchor=(1.1, 1.0), frameon=False, fontsize=9)
    parts = [f"{c.name} {_fmt(before[c.id])} then {_fmt(now[c.id])}" for c in comps if c.id in before and c.id in now]
    alt = (f"Radar chart comparing your scores at the start with your latest scores, from 1 to {top}: "
           + "; ".join(parts) + ".")
    return Chart(fig, title, alt, name="radar")


def scenario_chart(content: Content, attempts: scoring.ScenarioAttempts, width: float = PARTICIPANT_WIDTH) -> Chart:
    """Stacked bars per module: scenarios answered with the best choice on the first try, other first tries,
    not tried (`width` inches wide; on a phone's width the modules are named by number)."""
    title = "My first tries at the scenarios"
    summary = {m: s for m, s in scoring.scenario_summary(content, attempts).items() if sum(s.values())}
    if not summary:
        return _message_chart(title, "There are no scenarios to show yet.", "scenarios")
    if not any(s["best"] + s["other"] for s in summary.values()):
        return _message_chart(title, "This chart appears once you have tried a scenario.", "scenarios")
    modules = [m for m in content.modules if m.id in summary]
    narrow = width < PARTICIPANT_WIDTH / 1.5
    fig = _figure(width, (2.5 if narrow else 1.7) + 0.55 * len(modules))
    ax = fig.add_subplot()
    kinds = [
        ("best", "Best choice on the first try", OKABE_ITO["blue"], "", "white"),
        ("other", "Another choice first", OKABE_ITO["orange"], "//", "black"),
        ("not_tried", "Not tried yet", LIGHT, "..", "black"),
    ]
    y = list(range(len(modules)))[::-1]
    left = [0] * len(modules)
    for key, label, colour, hatch, text_colour in kinds:
        widths = [summary[m.id][key] for m in modules]
        bars = ax.barh(y, widths, left=left, color=colour, hatch=hatch, edgecolor="#333333", linewidth=0.6, label=label)
        for bar, w in zip(bars, widths):
            if w:
                ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, str(w), ha="center", va="center",
                        fontsize=9, color=text_colour, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": colour, "edgecolor": "none"}, in_layout=False)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(y, [f"Module {m.number}" if narrow else _short(f"{m.number}. {m.title}", 30) for m in modules], fontsize=9)
    most = max(left)
    ax.set_xticks(range(0, most + 1))
    ax.set_xlim(0, most)
    ax.set_xlabel("Number of scenarios")
    ax.set_ylabel("Module")
    ax.tick_params(axis="x", labelsize=9)
    ax.xaxis.label.set_size(9)
    ax.yaxis.label.set_size(9)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11 if narrow else 12, fontweight="bold")
    fig.legend(loc="outside lower center", ncols=1 if narrow else 3, frameon=False, fontsize=9)
    total_best = sum(s["best"] for s in summary.values())
    tried = sum(s["best"] + s["other"] for s in summary.values())
    per = [f"module {m.number}: {summary[m.id]['best']} of {summary[m.id]['best'] + summary[m.id]['other']}"
           for m in modules if summary[m.id]["best"] + summary[m.id]["other"]]
    untried = sum(s["not_tried"] for s in summary.values())
    alt = (f"Bar chart of your scenario answers by module. You chose the best answer first in {total_best} of the "
           f"{tried} scenarios you tried ({'; '.join(per)}).")
    if untried:
        alt += f" {untried} scenario{'s are' if untried != 1 else ' is'} not tried yet."
    return Chart(fig, title, alt, name="scenarios")


def participant_charts(content: Content, ratings: scoring.Ratings, attempts: scoring.ScenarioAttempts) -> list[Chart]:
    """The three charts of "My progress", each also drawn for a phone's width (`Chart.phone`)."""
    made = []
    for draw in (lambda w: scores_chart(content, ratings, w), lambda w: radar_chart(content, ratings, w),
                 lambda w: scenario_chart(content, attempts, w)):
        chart = draw(PARTICIPANT_WIDTH)
        if not chart.extra.get("empty"):
            chart.phone = draw(PHONE_WIDTH).figure
        made.append(chart)
    return made


# --- cohort charts --------------------------------------------------------------------------------


def _likert_colours(top: int) -> tuple[list[Any], list[str]]:
    """Diverging colours for a `top`-point scale (ColorBrewer PuOr: orange = disagree, purple = agree)."""
    if top == 5:
        return LIKERT_COLOURS, LIKERT_TEXT
    from matplotlib import colormaps

    cmap = colormaps["PuOr"]
    colours = [cmap(0.1 + 0.8 * v / max(1, top - 1)) for v in range(top)]
    text = ["white" if (0.2126 * r + 0.7152 * g + 0.0722 * b) < 0.45 else "black" for r, g, b, _ in colours]
    return colours, text


def likert_chart(content: Content, counts: pd.DataFrame | Sequence[pd.DataFrame], max_label: int = 46) -> Chart:
    """Diverging stacked bars, one per statement: disagreement to the left of the centre line, agreement to
    the right, the neutral answer split across it. One panel per check-in (e.g. start and end, side by side,
    sharing the statements). Statements whose bar `empathydesk.privacy` hides say "hidden" instead.

    `counts` is one or more :func:`empathydesk.stats.likert_counts` frames as `privacy.cohort_view` screens
    them. Answers are shown as given (not reverse-keyed); reverse-worded statements are marked "(R)".
    """
    frames = [counts] if hasattr(counts, "attrs") else list(counts)
    checkpoints = [f.attrs.get("checkpoint", "") for f in frames]
    whens = [checkpoint_label(content, cp).replace("\n", " ") if cp else "" for cp in checkpoints]
    title = "Answers to each statement" + (f": {_join([w.lower() for w in whens])}" if any(whens) else "")
    name = "likert-" + "-".join(checkpoints)
    scale = content.instrument.scale
    top = len(scale)
    frames_with_answers = [f for f in frames if not f.empty and f["n"].any()]
    if not frames_with_answers:
        return _message_chart(title, "Nobody has answered these check-ins yet.", name)
    items = {i.id: i for i in content.instrument.items}
    wanted = {i for f in frames for i in f.index}
    rows = [i.id for i in content.instrument.items if i.id in wanted]
    mid = (top + 1) / 2
    y_of = {item_id: y for item_id, y in zip(rows, range(len(rows))[::-1])}
    colours, text_colours = _likert_colours(top)
    fig = _figure(4.4 + 4.1 * len(frames), 1.9 + 0.44 * len(rows))
    axes = fig.subplots(1, len(frames), sharey=True, squeeze=False)[0]
    extent = 25.0
    alt_parts, hidden_total = [], 0
    for ax, frame, cp, when in zip(axes, frames, checkpoints, whens):
        segments: list[tuple[list[float], list[float], list[float]]] = [([], [], []) for _ in range(top)]
        ns = []
        for item_id in rows:
            y = y_of[item_id]
            if item_id not in frame.index or not frame.loc[item_id, "shown"]:
                hidden_total += item_id in frame.index
                ax.text(0, y, "hidden" if item_id in frame.index else "not asked", ha="center", va="center",
                        fontsize=8.5, style="italic", color="#333333", in_layout=False)
                continue
            row = frame.loc[item_id]
            n = int(row["n"])
            ns.append(n)
            shares = [100 * row[v] / n for v in range(1, top + 1)]
            # start the bar so that the neutral point (or the gap between the two middle points) sits at zero
            left = start = -sum(shares[: int(mid) - 1]) - (shares[int(mid) - 1] / 2 if mid == int(mid) else 0)
            for v, share in enumerate(shares):
                segments[v][0].append(y)
                segments[v][1].append(left)
                segments[v][2].append(share)
                if share >= 8:
                    ax.text(left + share / 2, y, f"{share:.0f}", ha="center", va="center", fontsize=7.5,
                            color=text_colours[v], in_layout=False)
                left += share
            extent = max(extent, -start, left)
        for v, (ys, lefts, widths) in enumerate(segments):  # one call per answer: fast for many statements
            if ys:
                ax.barh(ys, widths, left=lefts, color=colours[v], edgecolor="white", linewidth=0.5, height=0.72)
        cp_title = content.checkpoint(cp).title if cp else ""
        people = "" if not ns else (f"n = {ns[0]}" if min(ns) == max(ns) else f"n = {min(ns)}–{max(ns)}")
        ax.set_title(f"{when} (“{_plain(cp_title)}”)\n{people}" if cp_title else people, fontsize=10, loc="left")
        ax.axvline(0, color="#333333", linewidth=1)
        ax.grid(axis="x", color=LIGHT)
        ax.set_axisbelow(True)
        ax.set_xlabel("Share of people (%)\n← disagree · agree →")
        shown = frame[frame["shown"].astype(bool)] if len(frame) else frame
        if len(shown):
            agree = shown[[v for v in range(int(math.ceil(mid + 0.01)), top + 1)]].sum(axis=1) / shown["n"] * 100
            hi, lo = agree.idxmax(), agree.idxmin()
            alt_parts.append(
                f"At the {when.lower()}, most agreement: '{textwrap.shorten(items[hi].text, 90, placeholder='…')}' "
                f"({agree[hi]:.0f}% agree); least: '{textwrap.shorten(items[lo].text, 90, placeholder='…')}' "
                f"({agree[lo]:.0f}%).")
    limit = min(100, 25 * math.ceil(extent / 25 + 0.02))
    for ax in axes:
        ax.set_xlim(-limit, limit)
        ax.set_xticks(range(-limit, limit + 1, 25), [f"{abs(v)}%" for v in range(-limit, limit + 1, 25)])
    labels = [f"{_short(items[i].text, max_label, 2)}{' (R)' if items[i].reverse else ''}" for i in rows]
    axes[0].set_yticks([y_of[i] for i in rows], labels, fontsize=8.5)
    axes[0].set_ylim(-0.6, len(rows) - 0.4)
    axes[0].set_ylabel("Statement   ·   (R): agreeing means less of the skill")
    fig.suptitle(title[0].upper() + title[1:], x=0.01, ha="left", fontsize=12, fontweight="bold")
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=colours[v], edgecolor="#333333", label=_plain(p.label)) for v, p in enumerate(scale)]
    fig.legend(handles=handles, loc="outside lower center", ncols=top, frameon=False, fontsize=8.5)
    alt = (f"Diverging bar chart of how people answered {len(rows)} statements"
           f"{' at the ' + _join([w.lower() for w in whens]) if any(whens) else ''}, "
           f"side by side; (R) marks statements where agreeing means less of the skill. " + " ".join(alt_parts))
    if hidden_total:
        alt += (f" {hidden_total} bar{'s are' if hidden_total != 1 else ' is'} hidden to protect people who don't "
                "share their answers.")
    return Chart(fig, title, alt, name=name)


def scenario_shares_chart(content: Content, shares: pd.DataFrame) -> Chart:
    """One 100% bar per scenario: the share choosing each option on the first try; the best option has a
    thick outline and a tick. Scenarios whose bar `empathydesk.privacy` hides say so instead."""
    title = "Scenarios: which option people chose first"
    if shares.empty:
        return _message_chart(title, "There are no scenarios in this course yet.", "scenario-shares")
    if not shares["n"].any():
        return _message_chart(title, "Nobody has tried a scenario yet.", "scenario-shares")
    numbers = {m.id: m.number for m in content.modules}
    scenarios = list(dict.fromkeys(shares["scenario"]))
    fig = _figure(11, 1.5 + 0.36 * len(scenarios))
    ax = fig.add_subplot()
    palette = [OKABE_ITO[c] for c in ("sky", "orange", "green", "purple", "yellow", "vermillion")]
    letters = "ABCDEF"
    y_positions = list(range(len(scenarios)))[::-1]
    labels, best_shares, hidden = [], [], 0
    best_bars: dict[str, list[Any]] = {"y": [], "left": [], "width": [], "colour": []}
    other_bars: dict[str, list[Any]] = {"y": [], "left": [], "width": [], "colour": []}
    by_scenario = {sid: part for sid, part in shares.groupby("scenario", sort=False)}
    for y, sid in zip(y_positions, scenarios):
        part = by_scenario[sid].sort_values("option")
        module = part["module"].iloc[0]
        sc = content.scenario(sid)
        index = [s.id for s in content.module(module).scenarios].index(sid) + 1
        labels.append(f"M{numbers[module]}.{index} " + _short(sc.prompt, 52, 1))
        n = int(part["n"].iloc[0])
        if not bool(part["shown"].iloc[0]):
            hidden += 1
            ax.text(50, y, f"hidden (n={n})" if n else "not tried yet", ha="center", va="center",
                    fontsize=9, style="italic", color="#333333")
            continue
        left = 0.0
        for opt, share, is_best in zip(part["option"], part["share"] * 100, part["best"]):
            opt = int(opt)
            group = best_bars if is_best else other_bars
            group["y"].append(y)
            group["left"].append(left)
            group["width"].append(share)
            group["colour"].append(palette[opt % len(palette)])
            if share >= 6:
                mark = " ✓" if is_best else ""
                ax.text(left + share / 2, y, f"{letters[opt]}{mark} {share:.0f}%", ha="center", va="center", fontsize=8,
                        fontweight="bold" if is_best else "normal", in_layout=False)
            left += share
            if is_best:
                best_shares.append(share)
        ax.text(101, y, f"n={n}", va="center", fontsize=8, color="#333333")
    for group, edge, width in ((other_bars, "white", 0.5), (best_bars, "#111111", 2.0)):  # one call each: fast
        if group["y"]:
            ax.barh(group["y"], group["width"], left=group["left"], color=group["colour"], edgecolor=edge,
                    linewidth=width, height=0.68)
    ax.set_yticks(y_positions, labels, fontsize=8.5)
    ax.set_ylim(-0.6, len(scenarios) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 25), [f"{v}%" for v in range(0, 101, 25)])
    ax.set_xlabel("Share of people choosing each option (A, B, C …) on their first try\n"
                  "✓ and a thick outline mark the best option")
    ax.set_ylabel("Scenario (module.number)")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    shown_n = len(scenarios) - hidden
    alt = f"Stacked bar chart of first-try choices for {len(scenarios)} scenarios."
    if best_shares:
        alt += (f" Across the {shown_n} scenarios shown, between {min(best_shares):.0f}% and "
                f"{max(best_shares):.0f}% chose the best option first.")
    if hidden:
        alt += f" {hidden} scenario{'s are' if hidden != 1 else ' is'} not tried yet or hidden."
    return Chart(fig, title, alt, name="scenario-shares")


def change_chart(content: Content, change: Mapping[str, pd.DataFrame]) -> Chart:
    """Mean change per competency with its 95% confidence interval: the real change (start to end) on the
    left; the retrospective comparison (looking back to end) on the right, in its own panel, labelled. Each
    point carries its note in words (one person, no spread, few people)."""
    title = "Change per skill, with 95% confidence intervals"
    real, retro = change["real"], change.get("retrospective")
    if not real["shown"].any() and (retro is None or not retro["shown"].any()):
        return _message_chart(title, "Nothing to show yet: this needs people who answered both check-ins, and it "
                              "stays hidden while it could give away the answers of people who don't share.",
                              "change", width=9)
    panels = [("real", real, "Real change: start → end", "o", OKABE_ITO["blue"], "white")]
    if retro is not None:
        panels.append(("retrospective", retro, "Retrospective: looking back → end\n(looking back tends to overstate change)",
                       "s", OKABE_ITO["vermillion"], "white"))
    comps = list(real["name"])
    y = list(range(len(comps)))[::-1]
    fig = _figure(11, 1.8 + 0.55 * len(comps))
    axes = fig.subplots(1, len(panels), sharey=True, sharex=True, squeeze=False)[0]
    finite = [v for _, t, *_ in panels for v in list(t["ci_low"]) + list(t["ci_high"]) if isinstance(v, float) and not math.isnan(v)]
    span = max([1.0] + [abs(v) for v in finite]) * 1.15
    for ax, (key, table, label, marker, colour, face) in zip(axes, panels):
        ax.axvline(0, color="#333333", linewidth=1)
        for yy, (_, row) in zip(y, table.iterrows()):
            if not row["shown"]:
                ax.text(0, yy, "hidden" if row["n"] else "no answers yet", ha="center", va="center", fontsize=9,
                        style="italic", bbox={"facecolor": "white", "edgecolor": "none"})
                continue
            has_ci = not math.isnan(row["ci_low"])
            xerr = [[row["mean_change"] - row["ci_low"]], [row["ci_high"] - row["mean_change"]]] if has_ci else None
            ax.errorbar(row["mean_change"], yy, xerr=xerr, fmt=marker, color=colour, markersize=8, capsize=4,
                        linewidth=2, markerfacecolor=colour if key == "real" else face, markeredgewidth=2)
            dz = "" if math.isnan(row["d_z"]) else f", d_z {row['d_z']:.2f}"
            ci = f" [{row['ci_low']:+.2f}, {row['ci_high']:+.2f}]" if has_ci else ""
            note = "\n" + textwrap.fill(row["note"], 44) if row["note"] else ""
            ax.annotate(f"{row['mean_change']:+.2f}{ci}\nn={row['n']}{dz}{_plain(note)}",
                        (row["mean_change"], yy), xytext=(0, 9), textcoords="offset points", ha="center",
                        va="bottom", fontsize=7.5, in_layout=False)
        ax.set_title(label, fontsize=10, loc="left")
        ax.set_xlim(-span, span)
        ax.set_xlabel("Mean change in score (points on the 1–5 scale)")
        ax.grid(axis="x", color=LIGHT)
        ax.set_axisbelow(True)
    axes[0].set_yticks(y, [_short(c, 22) for c in comps])
    axes[0].set_ylim(-0.7, len(comps) - 0.2)
    axes[0].set_ylabel("Skill")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    parts = []
    for _, row in real.iterrows():
        if not row["shown"]:
            parts.append(f"{row['name']} hidden" if row["n"] else f"{row['name']} no answers yet")
            continue
        ci = "" if math.isnan(row["ci_low"]) else f"95% CI {row['ci_low']:+.2f} to {row['ci_high']:+.2f}, "
        note = f"; {row['note']}" if row["note"] else ""
        parts.append(f"{row['name']} {row['mean_change']:+.2f} ({ci}n={row['n']}{note})")
    alt = "Dot-and-whisker chart of the mean change per skill from the start to the end: " + "; ".join(parts) + "."
    if retro is not None and retro["shown"].any():
        alt += (" A separate panel shows the retrospective comparison (looking back, answered at the end), "
                f"which averages {retro.loc[retro['shown'].astype(bool), 'mean_change'].mean():+.2f}; "
                "it is not mixed with the real change.")
    return Chart(fig, title, alt, name="change")


def cohort_charts(content: Content, tables: Mapping[str, Any]) -> list[Chart]:
    """Every dashboard chart, drawn from the tables as :func:`empathydesk.privacy.cohort_view` screens them:
    change, Likert bars (start and end), scenario choices."""
    from empathydesk.stats import comparisons

    return [
        change_chart(content, tables["change"]),
        likert_chart(content, [tables["likert"][cp] for cp in comparisons(content)["real"]]),
        scenario_shares_chart(content, tables["shares"]),
    ]


# --- the participant's PDF report -----------------------------------------------------------------

A4 = (8.27, 11.69)  # inches, portrait: every page of the participant's PDF report
A4_MARGIN = 0.6  # inches, around a chart on its page
PRINT_DPI = 200  # a chart's resolution in the report


def summary_pages(
    content: Content,
    pseudonym: str,
    charts: Sequence[Chart],
    reflections: Mapping[str, str],
    when: str | None = None,
    results: Sequence[str] = (),
) -> list[Figure]:
    """The report's first page(s), A4: other results in words (the quiz), each chart's text alternative,
    then the reflections."""
    from datetime import date

    when = when or date.today().isoformat()
    lines: list[tuple[str, str]] = [("title", "My EmpathyDesk progress"), ("small", f"{pseudonym} · {when}"), ("gap", "")]
    if results:
        lines.append(("head", "My results"))
        lines += [("body", line) for result in results for line in textwrap.wrap(result, 88)]
        lines.append(("gap", ""))
    lines.append(("head", "What my charts show"))
    for chart in charts:
        lines += [("body", line) for line in textwrap.wrap(f"• {chart.alt}", 88, subsequent_indent="  ")]
        lines.append(("gap", ""))
    lines.append(("head", "My reflections"))
    written = [(rid, text) for rid, text in reflections.items() if (text or "").strip()]
    if not written:
        lines.append(("body", "No reflections written yet."))
    for rid, text in ordered_reflections(content, written):
        lines += [("bold", line) for line in textwrap.wrap(rid_prompt(content, rid), 80)]
        for para in text.strip().splitlines() or [""]:
            lines += [("body", line) for line in textwrap.wrap(para, 88) or [""]]
        lines.append(("gap", ""))
    pages = []
    for page in _paginate(lines, 48):
        fig = _figure(*A4)
        fig.set_layout_engine("none")
        y = 0.95
        for kind, text in page:
            size, weight = {"title": (18, "bold"), "head": (13, "bold"), "bold": (10, "bold")}.get(kind, (10, "normal"))
            if kind == "head":
                y -= 0.008
            fig.text(0.08, y, _plain(text), fontsize=size, fontweight=weight, va="top")
            y -= {"title": 0.035, "head": 0.026, "gap": 0.008}.get(kind, 0.0175)
        pages.append(fig)
    return pages


def report_pdf(
    content: Content,
    pseudonym: str,
    charts: Sequence[Chart],
    reflections: Mapping[str, str],
    when: str | None = None,
    results: Sequence[str] = (),
) -> bytes:
    """A PDF of A4 pages: the summary page(s) (results in words, each chart's text alternative, and the
    reflections), then one chart a page."""
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"EmpathyDesk: my progress ({pseudonym})", "Creator": "EmpathyDesk"}) as pdf:
        pages = summary_pages(content, pseudonym, charts, reflections, when, results)
        # an empty chart's message is already on the summary page
        pages += [_chart_page(chart) for chart in charts if not chart.extra.get("empty")]
        for page in pages:
            pdf.savefig(page)
            page.clear()
    return buffer.getvalue()


def _chart_page(chart: Chart) -> Figure:
    """An A4 page with the chart on it: drawn at `PRINT_DPI`, at its own size (smaller if it would not fit
    between the margins), centred across the page and at the top."""
    from matplotlib.image import imread

    width, height = chart.figure.get_size_inches()
    scale = min(1.0, (A4[0] - 2 * A4_MARGIN) / width, (A4[1] - 2 * A4_MARGIN) / height)
    width, height = width * scale, height * scale
    page = _figure(*A4)
    page.set_layout_engine("none")
    ax = page.add_axes(((A4[0] - width) / 2 / A4[0], 1 - (A4_MARGIN + height) / A4[1], width / A4[0], height / A4[1]))
    ax.imshow(imread(io.BytesIO(chart.png(PRINT_DPI)), format="png"), interpolation="none")
    ax.set_axis_off()
    return page


def rid_prompt(content: Content, reflection_id: str) -> str:
    try:
        return content.reflection(reflection_id).prompt
    except StopIteration:
        return reflection_id


def ordered_reflections(content: Content, written: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(reflection id, text) pairs in the course's order; unknown ids last."""
    order = {r.id: i for i, r in enumerate(r for m in content.modules for r in m.reflections)}
    return sorted(written, key=lambda pair: order.get(pair[0], len(order)))


def _paginate(lines: list[tuple[str, str]], per_page: int) -> list[list[tuple[str, str]]]:
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return pages or [[]]


def close(charts: Sequence[Chart]) -> None:
    """Free the figures (Figures made without pyplot are freed once unreferenced; this clears them early)."""
    for chart in charts:
        chart.figure.clear()
        if chart.phone is not None:
            chart.phone.clear()
