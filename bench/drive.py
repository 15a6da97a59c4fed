"""What a simulated participant does on EmpathyDesk's pages, at the protocol level (see voila_client.py).

The pieces are found by the classes the widgets carry (`ed-checkpoint-<id>`, `ed-scenario-<id>`,
`ed-exercise-<id>`, `ed-reflection-<id>`, `ed-consent-box`), as a person finds them by their headings.
Every answer that the page acknowledges goes into a `Ledger`; `Ledger.compare(store)` then reads the
database back through the Store API and counts what is there.

"Acknowledged" means what a person would take as saved: the kernel finished handling the click or
change (its `status: idle` for that message came back) and the piece shows no "Not saved" note; for a
reflection (a draft as it is typed, an answer once its button is pressed) the "Saved." note appeared.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from voila_client import Page

REPLIES = [
    "Hi Sam, I'm sorry the printer let you down right before your meeting. I've reset the queue; "
    "could you try printing again and tell me if it works?",
    "Thanks for telling us, and sorry for the trouble. I can see why this is stressful. "
    "I'll look at your account now and call you back within the hour.",
    "I understand how annoying it is to lose your work. Let's get it back together: "
    "could you tell me the name of the file and when you last saved it?",
]
REFLECTIONS = [
    "I often answer too fast. Next time I'll ask one more question first.",
    "I want to explain things without jargon and check that the person is okay.",
]
NOT_SAVED = "Not saved:"


@dataclass
class Ledger:
    """Answers the pages acknowledged, per participant token, and what went wrong on screen."""

    ratings: dict[tuple[str, str, str], int] = field(default_factory=dict)
    scenarios: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    exercises: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    reflections: dict[tuple[str, str], str] = field(default_factory=dict)
    consents: dict[str, bool] = field(default_factory=dict)
    sent: int = 0            # answers given (each rating, check click, reflection, consent)
    acked: int = 0           # ... that the page acknowledged
    refused: list[str] = field(default_factory=list)     # friendly "not saved" messages shown instead
    unanswered: list[str] = field(default_factory=list)  # no acknowledgement in time (or a dead page)
    visible_errors: list[str] = field(default_factory=list)  # tracebacks / error outputs a person saw
    hidden_errors: list[str] = field(default_factory=list)   # kernel errors no widget showed

    def note_page(self, page: Page) -> None:
        self.visible_errors.extend(page.errors)
        self.visible_errors.extend(traceback_lines(page.text()))
        self.hidden_errors.extend(page.hidden_errors())

    def compare(self, store: Any) -> dict[str, Any]:
        """Read every acknowledged answer back through the Store API.

        Returns {"expected": n, "stored": n found equal, "missing": [...], "extra": n rows not expected}.
        """
        tokens = {k[0] for k in self.ratings} | {k[0] for k in self.scenarios} | {k[0] for k in self.exercises}
        tokens |= {k[0] for k in self.reflections} | set(self.consents)
        expected = stored = extra = 0
        missing: list[str] = []
        for token in sorted(tokens):
            person = store.participant_by_token(token)
            if person is None:
                missing.append(f"participant with token {token[:6]}... not found")
                continue
            ratings = store.ratings(person.id)
            attempts = store.scenario_attempts(person.id)
            exercises = store.exercise_attempts(person.id)
            reflections = store.reflections(person.id)
            for (tok, cp, item), value in self.ratings.items():
                if tok != token:
                    continue
                expected += 1
                if ratings.get(cp, {}).get(item) == value:
                    stored += 1
                else:
                    missing.append(f"{person.pseudonym}: rating {cp}/{item}={value} (stored {ratings.get(cp, {}).get(item)})")
            for (tok, sid), options in self.scenarios.items():
                if tok != token:
                    continue
                expected += len(options)
                got = attempts.get(sid, [])
                same = sum(1 for a, b in zip(options, got) if a == b)
                stored += same
                extra += max(0, len(got) - len(options))
                if same < len(options):
                    missing.append(f"{person.pseudonym}: scenario {sid} tries {options} (stored {got})")
            for (tok, eid), texts in self.exercises.items():
                if tok != token:
                    continue
                expected += len(texts)
                got = [a.get("text") for a in exercises.get(eid, [])]
                same = sum(1 for a, b in zip(texts, got) if a == b)
                stored += same
                extra += max(0, len(got) - len(texts))
                if same < len(texts):
                    missing.append(f"{person.pseudonym}: exercise {eid}: {len(texts)} tries (stored {len(got)})")
            for (tok, rid), text in self.reflections.items():
                if tok != token:
                    continue
                expected += 1
                if reflections.get(rid) == text:
                    stored += 1
                else:
                    missing.append(f"{person.pseudonym}: reflection {rid} differs")
            if token in self.consents:
                expected += 1
                if bool(person.consent) == self.consents[token]:
                    stored += 1
                else:
                    missing.append(f"{person.pseudonym}: consent {self.consents[token]} (stored {person.consent})")
        return {"expected": expected, "stored": stored, "missing": missing, "extra": extra}


def traceback_lines(text: str) -> list[str]:
    return [line[:200] for line in text.splitlines() if "Traceback (most recent call last)" in line]


# ---------------------------------------------------------------- finding pieces

def ref(value: str) -> str:
    return value.removeprefix("IPY_MODEL_")


def descendants(page: Page, model_id: str) -> list[str]:
    """The model and every widget under it (children of boxes), depth first, in page order."""
    out, stack = [], [model_id]
    while stack:
        mid = stack.pop(0)
        if mid not in page.models:
            continue
        out.append(mid)
        kids = page.state(mid).get("children") or []
        stack = [ref(k) for k in kids if isinstance(k, str)] + stack
    return out


def pieces(page: Page, prefix: str) -> list[tuple[str, str]]:
    """(id after the prefix, model id) of every widget carrying a class `prefix<id>`."""
    found = []
    for mid, m in page.models.items():
        for cls in m["state"].get("_dom_classes") or ():
            if cls.startswith(prefix):
                found.append((cls[len(prefix):], mid))
    return found


def first(page: Page, ids: list[str], model_name: str, **match: Any) -> str | None:
    for mid in ids:
        if page.models[mid]["model_name"] != model_name:
            continue
        st = page.state(mid)
        if all((want in (st.get("_dom_classes") or ())) if k == "dom_class" else st.get(k) == want
               for k, want in match.items()):
            return mid
    return None


def html_text(page: Page, ids: list[str]) -> str:
    return "\n".join(str(page.state(m).get("value") or "") for m in ids if page.models[m]["model_name"] == "HTMLModel")


def shown_refusal(page: Page, ids: list[str]) -> str | None:
    """A "Not saved: ..." note in this piece, as plain text, if one is shown."""
    text = html_text(page, ids)
    if not re.search(r'class="ed-note ed-error"', text):
        return None
    plain = re.sub(r"<[^>]+>", " ", text)
    m = re.search(r"Not saved:\s*([^<\n]+)", plain)
    return (m.group(1) if m else plain).strip()[:240]


# ---------------------------------------------------------------- answering

class Participant:
    """One simulated person: answers what a page offers, pausing like a person between answers."""

    def __init__(self, token: str, content: Any, ledger: Ledger, rng: random.Random,
                 think: tuple[float, float] = (0.3, 1.2), timeout: float = 120) -> None:
        self.token, self.content, self.ledger, self.rng = token, content, ledger, rng
        self.think, self.timeout = think, timeout
        self.items = {}  # item text -> item id
        for item in content.instrument.items:
            self.items[item.text.strip()] = item.id
        self.scale = [p.value for p in content.instrument.scale]

    async def pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think))

    def _refused(self, page: Page, root: str, what: str) -> bool:
        """True when the piece under `root` shows a "not saved" message (read now: a note can join it late)."""
        message = shown_refusal(page, descendants(page, root))
        if message:
            self.ledger.refused.append(message)
            return True
        return False

    async def answer_page(self, page: Page, consent: bool | None = None) -> int:
        """Answer everything the page offers; returns how many answers were acknowledged."""
        before = self.ledger.acked
        if consent is not None:
            for _, box in pieces(page, "ed-consent-box"):
                await self.set_consent(page, box, consent)
                break
        for cp, form in pieces(page, "ed-checkpoint-"):
            await self.checkpoint(page, cp, form)
        for sid, card in pieces(page, "ed-scenario-"):
            await self.scenario(page, sid, card)
        for eid, card in pieces(page, "ed-exercise-"):
            await self.exercise(page, eid, card)
        for rid, card in pieces(page, "ed-reflection-"):
            await self.reflection(page, rid, card)
        self.ledger.note_page(page)
        return self.ledger.acked - before

    async def _send(self, coro: Any, what: str) -> bool:
        self.ledger.sent += 1
        try:
            await asyncio.wait_for(coro, self.timeout)
            return True
        except Exception as exc:  # no acknowledgement: the answer may or may not be saved
            self.ledger.unanswered.append(f"{what}: {type(exc).__name__}: {exc}"[:200])
            return False

    async def set_consent(self, page: Page, box: str, consent: bool) -> None:
        ids = descendants(page, box)
        check = first(page, ids, "CheckboxModel")
        if check is None:
            return
        await self.pause()
        if await self._send(page.set(check, {"value": consent}), "consent"):
            if not self._refused(page, box, "consent"):
                self.ledger.acked += 1
                self.ledger.consents[self.token] = consent

    async def checkpoint(self, page: Page, cp: str, form: str) -> None:
        ids = descendants(page, form)
        for mid in ids:
            st = page.state(mid)
            if page.models[mid]["model_name"] != "RadioButtonsModel" or "ed-item" not in (st.get("_dom_classes") or ()):
                continue
            if st.get("index") is not None:  # answered before: a person moves on
                continue
            text = re.sub(r"^\d+\.\s*", "", st.get("description") or "").strip()
            item = self.items.get(text)
            index = self.rng.randrange(len(self.scale))
            await self.pause()
            if await self._send(page.set(mid, {"index": index}), f"rating {cp}"):
                if self._refused(page, form, "rating"):
                    continue
                self.ledger.acked += 1
                if item is not None:
                    self.ledger.ratings[(self.token, cp, item)] = self.scale[index]
                else:
                    self.ledger.unanswered.append(f"item not recognised: {text[:60]}")

    async def scenario(self, page: Page, sid: str, card: str) -> None:
        ids = descendants(page, card)
        choice = first(page, ids, "RadioButtonsModel")
        check = first(page, ids, "ButtonModel")
        if choice is None or check is None:
            return
        labels = list(page.state(choice).get("_options_labels") or [])
        options = list(range(len(labels)))
        # Each person sees the options in an order of their own; the store keeps the option's place in the file.
        in_file = [o.text for o in self.content.scenario(sid).options]
        tried: list[int] = []
        for _ in range(2):
            if page.state(check).get("disabled") or not options:
                break
            pick = self.rng.choice([o for o in options if o not in tried] or options)
            await self.pause()
            ok = await self._send(page.set(choice, {"index": pick}), f"scenario {sid} pick")
            self.ledger.sent -= 1  # picking is not an answer yet; checking it is
            if not ok:
                return
            if not await self._send(page.click(check), f"scenario {sid} check"):
                return
            if self._refused(page, card, "scenario"):
                return
            self.ledger.acked += 1
            self.ledger.scenarios[(self.token, sid)].append(in_file.index(labels[pick]))
            tried.append(pick)

    async def exercise(self, page: Page, eid: str, card: str) -> None:
        ids = descendants(page, card)
        box = first(page, ids, "TextareaModel")
        check = first(page, ids, "ButtonModel")
        if box is None or check is None:
            return
        text = self.rng.choice(REPLIES)
        await self.pause()
        if not await self._send(page.set(box, {"value": text}), f"exercise {eid} text"):
            return
        self.ledger.sent -= 1  # typing is not an answer yet; checking it is
        if not await self._send(page.click(check), f"exercise {eid} check"):
            return
        if self._refused(page, card, "exercise"):
            return
        if "is saved" in html_text(page, descendants(page, card)):  # the coach's review joins the card now
            self.ledger.acked += 1
            self.ledger.exercises[(self.token, eid)].append(text)
        else:
            self.ledger.unanswered.append(f"exercise {eid}: no 'saved' shown")

    async def reflection(self, page: Page, rid: str, card: str) -> None:
        ids = descendants(page, card)
        box = first(page, ids, "TextareaModel")
        save = first(page, ids, "ButtonModel")
        if box is None or save is None:
            return
        text = self.rng.choice(REFLECTIONS) + f" ({self.token[:4]})"
        await self.pause()
        for typed in (text[: len(text) // 2], text):  # saved as a draft as it is typed
            if not await self._send(page.set(box, {"value": typed}), f"reflection {rid} typing"):
                return
            self.ledger.sent -= 1  # typing is not an answer yet; saving it is
        if not await self._send(page.click(save), f"reflection {rid}"):
            return
        if self._refused(page, card, "reflection"):
            return
        if "Saved." in html_text(page, descendants(page, card)):  # the note joins the card now
            self.ledger.acked += 1
            self.ledger.reflections[(self.token, rid)] = text
        else:
            self.ledger.unanswered.append(f"reflection {rid}: no 'Saved.' shown")
