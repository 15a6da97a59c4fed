"""Round 8: blame and brush-offs in plain words, questions about their setup, technical internals, and
what does or does not count as an order or as sympathy with nothing next. Read with the rules alone
(no learned layer), so each pattern is what catches it."""

from __future__ import annotations

import pytest

from empathydesk.coach import learned, review


def rule_codes(text: str) -> set[str]:
    with learned.using(None):
        return review(text).codes


# (text, code the rules must find): general patterns in new words
FOUND = [
    # blame as a rhetorical question, a pointed "by now", a reminder, the problem put on the person
    ("Again? Fine, the account is unlocked now.", "admonishing"),
    ("So what did we tell you about plugging your own speakers into the dock?", "admonishing"),
    ("How on earth does a stapler get inside a scanner?", "admonishing"),
    ("Surely you know how to map a drive by now.", "admonishing"),
    ("As I'm sure you'll recall from the induction, the shared drive is the only thing we back up.", "admonishing"),
    ("As already advised in the newsletter, the old intranet closes on Friday.", "admonishing"),
    ("There's a reason we ask people not to eat at the hot desks.", "admonishing"),
    ("Let's not send the payroll file to the whole team again, shall we?", "admonishing"),
    ("If people actually logged out at night we'd have half these lockouts.", "admonishing"),
    ("It's most likely just you holding the button too long.", "admonishing"),
    ("The login steps are on the sign literally next to your desk.", "admonishing"),
    ("Sorry it was confusing, but everything was covered in the slides I sent round.", "admonishing"),
    ("We've mentioned it several times that the old VPN stops in June.", "admonishing"),
    ("That's the second badge you've lost since Easter.", "admonishing"),
    # passed on, parked or shrugged off in plain words
    ("You'll need to log a new request for that.", "dismissive"),
    ("Perhaps ask one of your colleagues, they might know.", "dismissive"),
    ("Whoever installed it would know the settings.", "dismissive"),
    ("Parking this for now, there are more urgent things.", "dismissive"),
    ("Adding it to the pile.", "dismissive"),
    ("Sorry, mobile phones are outside our remit.", "dismissive"),
    # their setup, asked as a choice between their things, or what they see
    ("Is it the laminator in the post room or the one upstairs?", "asks-setup"),
    ("Are you on the visitor network or the staff one?", "asks-setup"),
    ("What does the little screen on the front say?", "asks-setup"),
    ("Can you see an orange light on the box under your desk?", "asks-setup"),
    # what only a technician types or opens
    ("Try running chkdsk from an admin prompt, it should sort it.", "jargon"),
    ("I'd boot it into safe mode first.", "jargon"),
    ("Could you send me the event logs from this morning?", "jargon"),
]

# (text, code the rules must not find): the look-alikes
NOT_FOUND = [
    ("Again? Oh no, I'm so sorry. I'll bring a new one up at two.", "admonishing"),
    ("You're right, you shouldn't have had to ring us twice about it. I'll sort it now.", "admonishing"),
    ("I can see you are worried because the report is due, so I'll restore it first.", "admonishing"),
    ("The steps we sent you skipped the part about the work account, which is on us.", "admonishing"),
    ("If it drops out again, you know where I am.", "admonishing"),
    ("It's clearly not anything you did; the switch on your floor is failing.", "dismissive"),
    ("Your code is saved to your badge, so it'll just print from now on.", "dismissive"),
    ("Is it the morning or the afternoon that suits you better?", "asks-setup"),
    ("Please accept my apologies for the outage this morning; it was restored at ten.", "order"),
    ("Don't give it another thought, I've moved your meetings to Sam.", "order"),
    ("Come to the desk at two and we'll set the spare up together.", "order"),
    ("Thanks for flagging it, and keep sending anything odd like this to us.", "order"),
    ("I've copied the ones you need to the new drive so you can edit them.", "order"),
]


@pytest.mark.parametrize("text,code", FOUND)
def test_found_in_plain_words(text: str, code: str) -> None:
    assert code in rule_codes(text), text


@pytest.mark.parametrize("text,code", NOT_FOUND)
def test_not_found_in_look_alikes(text: str, code: str) -> None:
    assert code not in rule_codes(text), text


def test_a_bare_step_blocks_a_kind_reply_too() -> None:
    r = review("I know it's a long day for you. Close every window and restart the laptop.")
    assert r.verdict == "needs-work" and "order" in r.decided_by


def test_a_warning_from_a_helper_on_the_way_is_no_order() -> None:
    r = review("Please don't plug that stick into anything else. It came from outside and could carry a virus. "
               "I'm on my way down now and I'll check the laptop with you.")
    assert "order" not in r.codes and r.verdict == "relational"


def test_a_non_apology_alone_is_not_also_no_next_step() -> None:
    r = review("I'm sorry you feel the rollout was rushed.")
    assert "non-apology" in r.codes and "no-next-step" not in r.codes and r.verdict == "needs-work"


def test_a_fix_done_is_a_next_step() -> None:
    r = review("So sorry the projector let you down mid-pitch. The adapter had worked loose; it's been fixed and re-tested.")
    assert "no-next-step" not in r.codes


def test_sympathy_with_nothing_next_is_still_flagged() -> None:
    r = review("Oh no, that sounds like such a stressful morning for you.")
    assert "no-next-step" in r.decided_by
