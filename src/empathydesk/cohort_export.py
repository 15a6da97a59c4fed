"""The facilitator's export of a cohort, with the privacy rules applied.

- Progress (which pages are done, last activity) for everyone, under their pseudonym (with a suffix, as on
  the facilitator's pages, when more than one person chose it: `joining.display_names`).
- Individual answers only for participants who agreed to share them.
- Aggregates (means, first-try counts) only for groups of at least `MIN_GROUP` people.
- Text cells that begin with = + - @ (or a tab or carriage return) get a leading apostrophe,
  so a spreadsheet shows them instead of running them as formulas.
- Text cells lose control and bidirectional characters (`empathydesk.text.clean`), in case data stored
  before the store cleaned its input has them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from typing import Any

from empathydesk.storage import Answers, Store
from empathydesk.text import clean

MIN_GROUP = 5
COLUMNS = ["kind", "participant", "topic", "item", "value", "n", "when"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A text cell made safe for spreadsheets (and cleaned); other values unchanged."""
    if not isinstance(cell, str):
        return cell
    cell = clean(cell)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _row(
    kind: str, participant: str = "", topic: str = "", item: str = "", value: Any = "", **rest: Any
) -> dict[str, Any]:
    cells = {"kind": kind, "participant": participant, "topic": topic, "item": item, "value": value, **rest}
    return {column: neutralise(cells.get(column, "")) for column in COLUMNS}


def cohort_rows(store: Store, cohort_name: str) -> list[dict[str, Any]]:
    """Every row of the export, in a stable order."""
    from empathydesk import scoring
    from empathydesk.content import load
    from empathydesk.joining import display_names

    content = load()
    people = store.participants(cohort_name)
    names = display_names(people)
    last_seen = store.activity(cohort_name)
    everyone = store.cohort_answers(cohort_name)
    rows: list[dict[str, Any]] = []
    rating_groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    first_tries: dict[str, list[int]] = defaultdict(list)
    for person in people:
        answers = everyone.get(person.id, Answers())
        done = [page for page, ok in scoring.progress(content, answers)["pages"].items() if ok]
        when = last_seen[person.id].isoformat() if person.id in last_seen else ""
        rows.append(_row("progress", names[person.id], "pages done", value="; ".join(done), n=len(done), when=when))
        for checkpoint, given in answers.ratings.items():
            for item, value in given.items():
                rating_groups[(checkpoint, item)].append(value)
        for scenario, option in scoring.first_tries(answers.scenario_attempts).items():
            first_tries[scenario].append(option)
        if not person.consent:
            continue
        rows += _individual_rows(names[person.id], answers)
    for (checkpoint, item), values in sorted(rating_groups.items()):
        if len(values) >= MIN_GROUP:
            mean = round(sum(values) / len(values), 2)
            rows.append(_row("rating mean", topic=checkpoint, item=item, value=mean, n=len(values)))
    for scenario, options in sorted(first_tries.items()):
        if len(options) >= MIN_GROUP:
            for option in sorted(set(options)):
                count = options.count(option)
                rows.append(_row("first try", topic=scenario, item=f"option {option}", value=count, n=len(options)))
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
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
