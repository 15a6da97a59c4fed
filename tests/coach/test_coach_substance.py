"""The coach on substance: the new codes, negation, quotation, excused instructions, the verdict, exercise checks."""

from __future__ import annotations

import pytest

from empathydesk.coach import review
from empathydesk.content import load


def codes(text: str, exercise=None) -> set[str]:
    return review(text, exercise).codes


@pytest.mark.parametrize(
    "text",
    [
        "Happy to help for the fourth time this month! The link is where it always is.",
        "Would you like me to draw you a little map to the printer?",
        "Wow, you found the power button all by yourself!",
        "Another 'urgent' ticket about a mouse. Done 🙄",
    ],
)
def test_sarcasm(text: str) -> None:
    r = review(text)
    assert "sarcasm" in r.codes and r.verdict == "needs-work"
    assert "suggests" not in r.codes and "open-door" not in r.codes  # mock offers are not praised


@pytest.mark.parametrize(
    "text",
    ["I'm sorry you feel the upgrade was rushed.", "Apologies if you were confused by the guide.", "Sorry u feel that way."],
)
def test_non_apology(text: str) -> None:
    assert "non-apology" in codes(text)
    assert "acknowledges" not in codes(text)


@pytest.mark.parametrize(
    "text",
    ["So sorry, that sounds awful. Losing a whole afternoon of work is the worst.",
     "Thank you so much for letting us know, we really appreciate it."],
)
def test_no_next_step(text: str) -> None:
    r = review(text)
    assert "no-next-step" in r.codes and r.verdict == "needs-work" and "no-next-step" in r.decided_by


def test_too_long() -> None:
    steps = "\n".join(f"{n}. {s}" for n, s in enumerate(
        ["Open Settings", "Go to Accounts", "Click Email", "Remove the account", "Restart", "Open Outlook",
         "Add the account", "Type your password", "Wait for it", "Check the inbox", "Send a test", "Tell me"], 1))
    r = review(steps)
    assert "too-long" in r.codes and r.verdict == "needs-work"
    assert "too-long" not in codes("Could you restart the laptop? I'll call you in ten minutes to check.")


def test_negation_and_quotation() -> None:
    assert "admonishing" not in codes("I'd never say 'you should have known', the warning is tiny. I've reset it for you now.")
    assert "admonishing" not in codes("Nobody thinks you should have known that. I've fixed it now.")
    assert "admonishing" in codes("You should have known that.")
    assert "admonishing" not in codes("I would never say \"everyone knows\" about this. I'll show you at 2.")
    assert "admonishing" in codes("Everyone knows this.")
    assert "admonishing" not in codes("You shouldn't have to deal with this. I'll sort it today.")


def test_urgent_instruction_with_reason_and_promise_is_not_an_order() -> None:
    r = review("Please unplug the heater now, the cable is melting and it could start a fire. I'm on my way with a new one.")
    assert "order" not in r.codes and r.verdict == "relational"
    assert "order" in codes("Unplug the heater now.")
    r = review("Please unplug the heater under your desk now, it's tripping the power on the whole floor. I'm on my way up.")
    assert "order" not in r.codes and r.verdict == "relational"


def test_honest_limits_owning_mistakes_and_not_knowing() -> None:
    limit = review("I can't give you full control of the laptop, because installs that way skip our virus checks. So instead I've put the app in the portal for you.")
    assert "dismissive" not in limit.codes and limit.verdict == "relational"
    own = review("That one's on me, I gave you the wrong folder name. I've added a shortcut to your desktop.")
    assert "acknowledges" in own.codes and own.verdict == "relational"
    own = review("That was our mistake, we pushed the update too early. It's rolled back and your files are fine.")
    assert own.verdict == "relational" and "no-next-step" not in own.codes  # what happened next: rolled back
    unknown = review("I don't know yet why it skips pages. I'll test it with the supplier and call you by 4.")
    assert unknown.verdict == "relational" and unknown.decided_by


def test_every_verdict_names_what_decided_it() -> None:
    for text in ["Reboot it. Obviously.", "Sorry, that sounds stressful! Would you like me to come by at 2?", "Noted."]:
        r = review(text)
        assert r.decided_by
        assert set(r.decided_by) <= {f.code for f in r.findings}


def test_lol_names_module_two() -> None:
    r = review("lol your laptop had 40 tabs open. closed them.")
    assert any(f.code == "dismissive" and f.lesson == "no-insider-talk" for f in r.findings)


def test_exercise_checks_differ_by_exercise() -> None:
    content = load()
    setup = content.module("module-2").exercises[0]
    outage = content.module("module-4").exercises[0]
    text = "Sorry about that! Which browser are you on? We can go through it together on a quick call."
    a, b = review(text, setup), review(text, outage)
    assert a.verdict == "relational" and "exercise-met" in a.codes and "exercise-missed" not in a.codes
    assert b.verdict == "needs-work" and "exercise-missed" in b.decided_by
    assert all(f.lesson == outage.lesson for f in b.findings if f.code.startswith("exercise"))
    assert review(text).verdict == "relational"


def test_a_reply_that_ignores_the_situation_is_told_so() -> None:
    calendar = load().module("module-1").exercises[0]
    r = review("Sorry for the trouble! Would you like me to come over at 2 and show you?", calendar)
    assert any("about their problem" in f.message for f in r.findings if f.code == "exercise-missed")


def test_every_exercise_check_names_a_known_concept() -> None:
    from empathydesk.coach import codes as all_codes
    from empathydesk.coach.checks import concepts

    known = set(concepts()) | set(all_codes())
    for module in load().modules:
        for ex in module.exercises:
            assert ex.checks, ex.id
            for check in ex.checks:
                assert set(check.wants) <= known and set(check.avoids) <= set(all_codes()), ex.id
