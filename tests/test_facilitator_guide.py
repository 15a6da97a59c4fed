"""The facilitator's guide in workshop/ stays true to the content: every module's discussion questions,
word for word, and the figures and commands a facilitator needs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "workshop" / "run-of-show.md"
HOSTING = REPO / "workshop" / "hosting.md"
MODULES = sorted((REPO / "assessments" / "modules").glob("module-*.yaml"))


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_the_run_of_show_repeats_every_discussion_question(path):
    module = yaml.safe_load(path.read_text(encoding="utf-8"))
    guide = flat(GUIDE.read_text(encoding="utf-8"))
    assert module["discussion"], f"{path.name} has no discussion questions"
    missing = [q for q in module["discussion"] if flat(q) not in guide]
    assert not missing, f"workshop/run-of-show.md lacks these questions of {path.name}: {missing}"
    assert flat(f"Module {module['number']}: {module['title']}") in guide


def test_the_run_of_show_has_the_three_plans_and_every_check_in():
    guide = GUIDE.read_text(encoding="utf-8")
    for plan in ("60-minute onboarding", "half-day retreat", "full-day retreat"):
        assert plan in guide
    instrument = yaml.safe_load((REPO / "assessments" / "instrument.yaml").read_text(encoding="utf-8"))
    for checkpoint in instrument["checkpoints"]:
        title = checkpoint["title"]
        if checkpoint["id"].startswith("after-module-"):
            title = "After module"
        if checkpoint["id"] == "retro-before":
            title = "Looking back"
        assert title in guide, checkpoint["id"]


def test_the_hosting_notes_say_what_a_participant_costs_and_how_to_open_the_firewall():
    hosting = HOSTING.read_text(encoding="utf-8")
    assert "A participant costs about" in hosting
    for needle in ("--host 0.0.0.0", "8866", "ufw", "New-NetFirewallRule", "EMPATHYDESK_DB_URL", "JupyterHub",
                   "PostgreSQL", "--pool-size", "--cull-idle-minutes"):
        assert needle in hosting, needle
