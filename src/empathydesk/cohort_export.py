"""The facilitator's export of a cohort (CSV or JSON; its columns are described in workshop/README.md).

- Progress (which pages are done, last activity) for everyone, under their pseudonym (with a suffix, as on
  the facilitator's pages, when more than one person chose it: `joining.display_names`).
- Everything a person answered, for the people who agreed to share (`privacy.sharing`).
- Group figures (each statement's mean per check-in, first-try counts per scenario, the quiz's change from
  start to end) as
  `privacy.cohort_view` lets them be shown: the same rule as the dashboard's.
- Spreadsheet safety: every text cell of the CSV is quoted, and a text cell whose first non-blank
  character is = + - @ or that starts with a control character (tab, line break, ...) gets a leading
  apostrophe, so a spreadsheet shows it instead of running it as a formula. Text cells lose control and
  bidirectional characters (`empathydesk.text.clean`), in case data stored before the store cleaned its
  input has them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from empathydesk.storage import Answers, Participant, Store
from empathydesk.text import clean

if TYPE_CHECKING:
    from empathydesk.content import Content

COLUMNS = ["kind", "participant", "topic", "item", "value", "n", "when"]
FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(cell: Any) -> Any:
    """A text cell made safe for spreadsheets (and cleaned); other values unchanged."""
    if not isinstance(cell, str):
        return cell
    cell = clean(cell)
    control = cell[:1] != "" and unicodedata.category(cell[0]) == "Cc"
    return "'" + cell if control or cell.lstrip().startswith(FORMULA_STARTS) else cell


def _row(
    kind: str, participant: str = "", topic: str = "", item: str = "", value: Any = "", **rest: Any
) -> dict[str, Any]:
    cells = {"kind": kind, "participant": participant, "topic": topic, "item": item, "value": value, **rest}
    return {column: neutralise(cells.get(column, "")) for column in COLUMNS}


def cohort_answers(store: Store, cohort_name: str) -> tuple[list[Participant], dict[int, Answers]]:
    """The cohort's people, and everyone's answers (empty for someone who has answered nothing yet)."""
    people = store.participants(cohort_name)
    stored = store.cohort_answers(cohort_name)
    return people, {person.id: stored.get(person.id, Answers()) for person in people}


def results_input(content: Content, answers: Mapping[int, Answers]) -> dict[str, Any]:
    """The cohort's answers as the results take them: the keyword arguments `ratings`, `attempts`,
    `versions`, `quiz` and `conversations` of `privacy.cohort_view` and `dashboard.build_results`."""
    from empathydesk.pieces import conversation, knowledge

    return {
        "ratings": {pid: a.ratings for pid, a in answers.items()},
        "attempts": {pid: a.scenario_attempts for pid, a in answers.items()},
        "versions": {pid: a.versions for pid, a in answers.items()},
        "quiz": knowledge.cohort_scores(content, answers),
        "conversations": conversation.cohort_runs(content, answers),
    }


def cohort_rows(store: Store, cohort_name: str) -> list[dict[str, Any]]:
    """Every row of the export, in a stable order."""
    from empathydesk import privacy, scoring
    from empathydesk.content import load
    from empathydesk.joining import display_names

    content = load()
    people, everyone = cohort_answers(store, cohort_name)
    names = display_names(people)
    last_seen = store.activity(cohort_name)
    sharers = {person.id for person in privacy.sharing(people)}
    rows: list[dict[str, Any]] = []
    for person in people:
        answers = everyone[person.id]
        done = [page for page, ok in scoring.progress(content, answers)["pages"].items() if ok]
        when = last_seen[person.id].isoformat() if person.id in last_seen else ""
        rows.append(_row("progress", names[person.id], "pages done", value="; ".join(done), n=len(done), when=when))
        if person.id in sharers:
            rows += _individual_rows(names[person.id], answers)
    view = privacy.cohort_view(content, sharers=sharers, **results_input(content, everyone))
    quiz = view["quiz"].iloc[0]
    if quiz["shown"] and quiz["n"]:
        for item in ("mean_before", "mean_after", "mean_change", "ci_low", "ci_high", "d_z"):
            value = quiz[item]
            rows.append(_row("quiz change", topic="percent right", item=item,
                             value="" if math.isnan(value) else round(float(value), 2), n=int(quiz["n"])))
    for checkpoint, counts in view["likert"].items():
        for item, row in counts[counts["shown"]].iterrows():
            mean = sum(v * row[v] for v in range(1, scoring.scale_max(content) + 1)) / row["n"]
            rows.append(_row("rating mean", topic=checkpoint, item=item, value=round(float(mean), 2), n=int(row["n"])))
    shares = view["shares"]
    for row in shares[shares["shown"]].itertuples():
        rows.append(_row("first try", topic=row.scenario, item=f"option {row.option}", value=int(row.count), n=int(row.n)))
    return rows


def _individual_rows(who: str, answers: Answers) -> list[dict[str, Any]]:
    """Everything one person answered, as each kind gives its rows (`empathydesk.kinds`)."""
    from empathydesk.kinds import kinds

    return [
        _row(kind.result, who, topic, item, value, when=when)
        for kind in kinds()
        if kind.rows is not None
        for topic, item, value, when in kind.rows(kind.saved(answers))
    ]


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    """The rows as CSV (with a header) or as a JSON list of objects."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
