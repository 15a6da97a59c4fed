"""The clause readers (empathydesk.coach.readers): blame, brush-offs, mockery, offers and
acknowledgement in words that no phrase list names, and the look-alikes they must leave alone.

These wordings are new (not taken from the corpus files), several each way per mechanism.
"""

from __future__ import annotations

import pytest

from empathydesk.coach import review


def _codes(text: str) -> set[str]:
    return review(text).codes


# ---- blame: the person as the cause of a past failure, hindsight, pointed reminders, talking down ----

@pytest.mark.parametrize("text", [
    "The scanner jammed because you fed it stapled pages. I've cleared it.",
    "Forwarding the invoice to your personal inbox is what set off the alert.",
    "The reason the laptop won't charge is that you've been using your phone charger.",
    "If you'd told us before the trip, we could have set this up in time.",
    "This could easily have been avoided with a quick look at the checklist.",
    "You really should have mentioned the error message when you first rang.",
    "As you'll recall from the induction, the shared folder is the only one we back up.",
    "The notice on the printer says not to use card stock, and it's been there since 2021.",
    "Friendly reminder, since it seems to have been overlooked, that passwords change on Monday.",
    "Let me explain this slowly: the cloud is just our servers.",
    "I'd have thought that was obvious by now.",
])
def test_blame_in_new_words(text: str) -> None:
    assert "admonishing" in _codes(text), text


@pytest.mark.parametrize("text", [
    # the helper owns the cause
    "We pushed an update last night and it broke your printer settings. Sorry, I'm fixing it now.",
    "I should have warned you the drive would be read-only today. I've moved your files across.",
    # reassurance that names a cause that is not them
    "This keeps happening because the card reader is failing, not because of anything you did. I've ordered a new one.",
    # a rejected or quoted phrase
    "I'd never say \"you should have saved it\". Let's see what autosave kept; I can look now.",
    # a kind reminder
    "Just a heads-up that the Wi-Fi name changes on Monday. I'll be on your floor at nine if it gives you trouble.",
    # a condition about now, not hindsight
    "If you need more space later in the project, just say and we'll sort it.",
])
def test_not_blame(text: str) -> None:
    assert "admonishing" not in _codes(text), text


# ---- brush-off: denial, not ours, parking, minimising, with no help offered ----

@pytest.mark.parametrize("text", [
    "That's a building management thing, not IT.",
    "Checked it, there's nothing wrong with the headset.",
    "We're swamped, so it'll have to wait.",
    "Not sure why this landed with me, I only do the phones.",
    "Your manager approved it, so take it up with them.",
    "It's only the training laptop, doesn't matter if it's slow.",
    "Probably just a glitch. It'll be fine tomorrow.",
])
def test_brush_off_in_new_words(text: str) -> None:
    codes = _codes(text)
    assert "dismissive" in codes, text
    assert review(text).verdict == "needs-work"


@pytest.mark.parametrize("text", [
    # a denial with help is reassurance
    "The clicking noise is normal while it indexes, nothing's wrong with the drive. If it's still going at four, ring me and I'll come up.",
    # an honest limit with another way
    "That's not something I can fix from here; the fault is in the lift's phone line. The engineer is booked for Tuesday, and I've set your calls to go to your mobile until then.",
    # "works for me" with an offer to look together
    "It's working for me, which tells me something on your laptop is different. Could we look at it together after lunch?",
    # owning a closed ticket is not closing it
    "I'm sorry, I closed the ticket without checking with you first. I've reopened it and I'm on it this afternoon.",
])
def test_not_brush_off(text: str) -> None:
    assert "dismissive" not in _codes(text), text


def test_normal_with_help_is_reassurance() -> None:
    r = review("The fan getting loud during the update is expected. It should calm down within the hour, and if not, I'm on 2231.")
    assert "acknowledges" in r.codes
    assert "dismissive" not in r.codes


# ---- mockery: mock praise, mock sympathy, irony, counting, scare quotes, flat tag questions ----

@pytest.mark.parametrize("text", [
    "Deleted the whole shared calendar. Impressive.",
    "Oh no, the mouse lagged for a whole second, however did you cope.",
    "Printers do love to eat paper on a Friday, don't they.",
    "Your sixth \"tiny question\" this week. I'll start a folder.",
    "Please, do tell me again how you \"didn't change anything\".",
    "Sure, let me just find my magic wand and conjure a new laptop.",
    "A laptop that won't start with the charger unplugged. Real head-scratcher.",
])
def test_mockery_in_new_words(text: str) -> None:
    r = review(text)
    assert "sarcasm" in r.codes, text
    assert r.verdict == "needs-work"


@pytest.mark.parametrize("text", [
    "Brilliant, that's exactly the right move, switching it off and calling us. I'll be there in ten minutes.",
    "Really nicely done: you'd already written down the error before you rang. I'll have it fixed by noon and let you know.",
    "This is the third time the scanner has done this to you this week, which tells me it's the scanner, not you. I'm swapping it tomorrow.",
    "I'll update you at noon, even if the news is \"no change\".",
])
def test_not_mockery(text: str) -> None:
    assert "sarcasm" not in _codes(text), text


def test_mocking_a_mistake_is_also_blame() -> None:
    assert {"sarcasm", "admonishing"} <= _codes("Really thoughtful of you to forward the scam email to everyone. Top marks.")


# ---- offers: a choice or an option put to the person, not a bare promise ----

@pytest.mark.parametrize("text", [
    "I can either move the meeting room booking or set up the spare screen. Your pick.",
    "Would it suit you better if I came before your first meeting?",
    "You could print from the browser version for now, same login.",
    "If it'd help, I can write the steps on a card for you.",
    "You're welcome to borrow the spare headset from the IT desk for the interview.",
    "What about a longer cable? The current one doesn't reach your desk.",
])
def test_offers_in_new_words(text: str) -> None:
    assert "suggests" in _codes(text), text


@pytest.mark.parametrize("text", [
    "I'll be at your desk at two to replace it.",
    "That's outside my remit, I'm afraid. Nothing more I can do here.",
    "Works on my machine. If it really bothers you, you could always log a ticket, I suppose.",
])
def test_not_offers(text: str) -> None:
    assert "suggests" not in _codes(text), text


# ---- acknowledgement: their situation named, reassurance, owning a mistake ----

@pytest.mark.parametrize("text", [
    "It isn't you, honestly: that door reader has been failing all week. Your badge works on the side door, and I've asked for a new reader.",
    "Nothing's lost. Your notes are all in the online copy, and I'll check they've synced this afternoon.",
    "That was us: we changed the mail filter overnight. It's undone now, and I'll watch it today.",
    "First week in the job and the laptop won't log in. I'll bring a spare up in five minutes.",
    "You look like you've had a morning. I'll get this sorted before your next call.",
])
def test_acknowledgement_in_new_words(text: str) -> None:
    assert "acknowledges" in _codes(text), text


@pytest.mark.parametrize("text", [
    "Thanks for the ticket. I'll be there at two.",
    "The printer is on the third floor, next to the lifts. I'll walk you there if you like.",
])
def test_not_acknowledgement(text: str) -> None:
    assert "acknowledges" not in _codes(text), text
