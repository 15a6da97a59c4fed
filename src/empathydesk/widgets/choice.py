"""One question's answer options: a radio group that is one tab stop, with arrow keys between the options.

ipywidgets' RadioButtons gives each option its own tab stop and no group name, so a screen reader hears
"radio button, Agree" without the statement it belongs to. `Choice` (an anywidget: `choice.js` beside this
file draws it) draws native radio buttons that share a name inside a `role="radiogroup"` whose name is the
question (`aria-labelledby`): the browser then gives the group one tab stop and moves between its options
with the arrow keys, and every option is a label that can be clicked or tapped.

Its style is `choice.css` in the page template's folder, beside the pieces' stylesheet, and arrives the same
way: in the workshop page's head, or with `empathydesk.show` elsewhere (`ui.stylesheet`). So each Choice
carries only its script, not a copy of its style: a page has dozens of them.

It keeps RadioButtons' Python side: `options` as (label, value) pairs (or plain labels), `value` (the
picked option's value, None when nothing is picked), `index`, `label` and `disabled`; observe `value`.

`kind`:
- "list": options one under the other (scenario cards, the quiz);
- "scale": a rating scale. On a wide page each statement is one row of a grid whose columns line up
  under the scale's words (`scale_head`); on a phone each statement is a card with the options in a row
  and their words under them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from empathydesk.widgets import ui

HERE = Path(__file__).resolve().parent
KINDS = ("list", "scale")


class Choice(anywidget.AnyWidget):
    _esm = HERE / "choice.js"

    description = traitlets.Unicode("").tag(sync=True)  # the question: the group's visible name
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    kind = traitlets.Enum(KINDS, default_value="list").tag(sync=True)

    options = traitlets.Any(())  # ((label, value), ...), kept in the kernel; the page gets `labels`
    value = traitlets.Any(None, allow_none=True)

    def __init__(self, options: Iterable[Any] = (), value: Any = None, **kwargs: Any) -> None:
        super().__init__(options=options, **kwargs)
        if value is not None:
            self.value = value

    # --- the RadioButtons side: options, value, index, label ------------------------------------------

    @traitlets.validate("options")
    def _pairs(self, proposal: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        pairs = []
        for option in proposal["value"]:
            label, value = option if isinstance(option, (tuple, list)) and len(option) == 2 else (option, option)
            pairs.append((str(label), value))
        return tuple(pairs)

    @traitlets.observe("options")
    def _options_changed(self, change: dict[str, Any]) -> None:
        self.labels = [label for label, _ in self.options]
        if self.value is not None and self.value not in self._values():
            self.value = None
        self.index = self._index_of(self.value)

    def _values(self) -> list[Any]:
        return [value for _, value in self.options]

    @traitlets.validate("value")
    def _known_value(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        if value is not None and value not in self._values():
            raise traitlets.TraitError(f"{value!r} is not one of the options")
        return value

    @traitlets.validate("index")
    def _known_index(self, proposal: dict[str, Any]) -> int | None:
        index = proposal["value"]
        if index is not None and not 0 <= index < len(self.options):
            raise traitlets.TraitError(f"no option {index}")
        return index

    def _index_of(self, value: Any) -> int | None:
        return None if value is None else self._values().index(value)

    @traitlets.observe("value")
    def _value_changed(self, change: dict[str, Any]) -> None:
        if self._index_of(change["new"]) != self.index:
            self.index = self._index_of(change["new"])

    @traitlets.observe("index")
    def _index_changed(self, change: dict[str, Any]) -> None:
        if self._index_of(self.value) != change["new"]:
            self.value = None if change["new"] is None else self.options[change["new"]][1]

    @property
    def label(self) -> str | None:
        return None if self.index is None else self.options[self.index][0]


def scale_head(labels: Sequence[str]) -> str:
    """The words of a rating scale once, above a group of "scale" Choices: their columns line up on a wide
    page (on a phone each card shows the words itself). Hidden from screen readers: each option's own label
    already says it."""
    cells = "".join(f"<span>{ui.esc(label)}</span>" for label in labels)
    return f'<div class="ed-scale-head" aria-hidden="true" style="--ed-choice-n:{len(labels)}"><span></span>{cells}</div>'
