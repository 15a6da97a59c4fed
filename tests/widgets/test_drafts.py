"""Drafts of replies and reflections: saved as typed (throttled on the event loop), back on reload, forgotten once
checked or saved, saved when the kernel shuts down, and a failed save said at once with the text kept."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import ipywidgets as w
import pytest
import traitlets

from empathydesk import _voila
from empathydesk.storage import StorageError
from empathydesk.widgets import Session, build, drafts, rewrite
from empathydesk.widgets.drafts import NOT_SAVED, Throttle

from .conftest import find, text_of

MODULE = "module-1"


@pytest.fixture(autouse=True)
def coach(monkeypatch):
    monkeypatch.setattr(rewrite, "review_reply", lambda text, exercise=None: {"verdict": "good", "findings": []})


def parts(widget):
    """(the first card, its box, its button)."""
    card = find(widget, w.Textarea)[0]
    holder = next(x for x in find(widget, w.VBox) if card in x.children)
    return holder, card, find(holder, w.Button)[0]


def exercise_key(content):
    return drafts.key("rewrite", content.module(MODULE).exercises[0].id)


def reflection_key(content):
    return drafts.key("reflection", content.module(MODULE).reflections[0].id)


# --- the throttle --------------------------------------------------------------------------------


def test_throttle_acts_at_once_then_at_most_every_interval_and_always_on_the_last_value():
    saved = []

    async def typing():
        throttle = Throttle(saved.append, every=0.2)
        throttle("I")  # after a quiet spell: at once
        assert saved == ["I"]
        for text in ["I f", "I fe", "I feel"]:
            throttle(text)
            await asyncio.sleep(0.01)
        assert saved == ["I"]  # waiting for the timer
        await asyncio.sleep(0.3)
        assert saved == ["I", "I feel"]  # the last value, once
        await asyncio.sleep(0.3)
        assert saved == ["I", "I feel"]

    asyncio.run(typing())


def test_throttle_without_a_loop_acts_at_once():
    saved = []
    throttle = Throttle(saved.append)
    throttle("a")
    throttle("ab")
    assert saved == ["a", "ab"]


def test_flush_all_saves_what_waits_and_drop_forgets_it():
    saved, dropped = [], []

    async def typing():
        one, two = Throttle(saved.append, every=60), Throttle(dropped.append, every=60)
        for throttle in (one, two):
            throttle("first")
            throttle("last")
        two.drop()
        drafts.flush_all()  # what the kernel does when it is told to shut down
        assert saved == ["first", "last"] and dropped == ["first"]

    asyncio.run(typing())


def test_what_waits_is_saved_as_the_process_ends():
    """A kernel told to shut down stops its event loop, so a waiting timer never fires: the exit saves it."""
    code = (
        "import asyncio\n"
        "from empathydesk.widgets.drafts import Throttle\n"
        "kept = Throttle(lambda text: print('saved', text, flush=True), every=60)\n"
        "async def typing():\n"
        "    kept('I')\n"
        "    kept('I feel')\n"
        "asyncio.run(typing())\n"
        "print('loop stopped', flush=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines() == ["saved I", "loop stopped", "saved I feel"], out.stderr


def test_a_kernel_told_to_stop_saves_what_waits_before_it_replies(monkeypatch):
    """ipykernel's shutdown handler sets the shell's `exit_now` before it replies; the page that replaces this one
    may read the drafts before this kernel's process has ended."""

    class Shell(traitlets.HasTraits):
        exit_now = traitlets.Bool(False)

    shell, ran = Shell(), []
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    _voila.on_shutdown_request(lambda: ran.append("flushed"))
    assert ran == []
    shell.exit_now = True
    assert ran == ["flushed"]


# --- the rewrite ---------------------------------------------------------------------------------


def test_a_typed_reply_is_a_draft_until_checked_and_comes_back(make, store, participant, content):
    card, box, check = parts(make(f"{MODULE}/rewrite"))
    box.value = "Sorry, that sounds"
    box.value = "Sorry, that sounds annoying."
    assert store.drafts(participant.id)[exercise_key(content)][0] == "Sorry, that sounds annoying."
    assert "Draft saved at" in text_of(card) and "Check my reply" in text_of(card)
    assert store.exercise_attempts(participant.id) == {}

    card, box, check = parts(make(f"{MODULE}/rewrite"))  # a reload
    assert box.value == "Sorry, that sounds annoying." and "Draft saved at" in text_of(card)
    check.click()
    assert store.drafts(participant.id) == {}
    assert "Draft saved" not in text_of(card) and "Attempt 1 is saved" in text_of(card)


def test_the_draft_wins_over_the_last_checked_reply_only_if_newer(make, store, participant, content):
    exercise = content.module(MODULE).exercises[0]
    store.add_exercise_attempt(participant.id, exercise.id, "checked", {"findings": []})
    store.save_draft(participant.id, exercise_key(content), "typed after")
    assert parts(make(f"{MODULE}/rewrite"))[1].value == "typed after"
    store.add_exercise_attempt(participant.id, exercise.id, "checked later, elsewhere", {"findings": []})
    assert parts(make(f"{MODULE}/rewrite"))[1].value == "checked later, elsewhere"


def test_start_text_picks_the_newer():
    draft = ("draft", datetime.now(timezone.utc))
    assert drafts.start_text("saved", None, draft) == "draft"
    assert drafts.start_text("saved", draft[1] + timedelta(seconds=1), draft) == "saved"
    assert drafts.start_text("saved", draft[1] - timedelta(seconds=1), draft) == "draft"
    assert drafts.start_text("saved", None, None) == "saved"


def test_a_failed_draft_save_says_so_and_keeps_the_text(store, participant, content):
    class Failing:
        def __getattr__(self, name):
            return getattr(store, name)

        def save_draft(self, *args):
            raise StorageError("The database is read-only.")

    card, box, _ = parts(build(f"{MODULE}/rewrite", Session(store=Failing(), participant=participant, query="")))
    box.value = "My kind words"
    assert NOT_SAVED in text_of(card).replace("&#x27;", "'")
    assert 'role="alert"' in text_of(card)
    assert box.value == "My kind words" and store.drafts(participant.id) == {}


# --- the reflection ------------------------------------------------------------------------------


def test_typing_back_to_the_saved_reflection_leaves_no_draft(make, store, participant, content):
    reflection = content.module(MODULE).reflections[0]
    store.save_reflection(participant.id, reflection.id, "Saved words")
    card, box, _ = parts(make(f"{MODULE}/reflection"))
    box.value = "Saved words, and more"
    assert reflection_key(content) in store.drafts(participant.id)
    box.value = "Saved words"
    assert store.drafts(participant.id) == {} and "Draft saved" not in text_of(card)
