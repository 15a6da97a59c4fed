"""The coach's learned layer (empathydesk.coach.learned, trained by empathydesk.coach.train)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from empathydesk.coach import learned, review
from empathydesk.coach.engine import rule_pass

TOY = {"codes": {"sarcasm": {"bias": -2.0, "threshold": 0.6, "weights": {"w:splendid": 3.0, "w:again": 0.5}}}}


def test_tokens_mark_negation_for_a_few_words() -> None:
    assert learned.tokens("I would never blame you for this, honestly") == [
        "i", "would", "never", "not_blame", "not_you", "not_for", "this", ",", "honestly"]
    assert learned.tokens("That isn't your fault") == ["that", "isn't", "not_your", "not_fault"]


def test_clause_features_have_words_pairs_and_shapes() -> None:
    feats = learned.clause_features("You deleted the folder yourself?")
    assert {"w:you", "w:deleted", "b:you_deleted", "first:you", "shape:you-past", "shape:you-subject", "shape:question"} <= feats
    assert "shape:quote" in learned.clause_features('So it "just stopped", did it')


def test_a_learned_finding_names_its_cue_and_points_at_its_clause() -> None:
    text = "Splendid, the printer jammed again. I'll bring paper over at 3."
    with learned.using(None):
        assert "sarcasm" not in review(text).codes
    with learned.using(TOY):
        r = review(text)
    assert r.verdict == "needs-work" and "sarcasm" in r.decided_by
    f = next(f for f in r.findings if f.code == "sarcasm")
    assert text[f.span[0]:f.span[1]] == "Splendid, the printer jammed again."
    assert 'Learned cue: "splendid", "again"' in f.message
    assert f.lesson == "no-eye-rolling"


def test_below_the_threshold_nothing_is_added() -> None:
    with learned.using(TOY):
        assert "sarcasm" not in review("The printer jammed again. I'll bring paper over at 3.").codes


def test_the_rules_findings_come_first() -> None:
    """A code the rules already found is not found again by the model."""
    text = "Oh brilliant, you deleted it again. Splendid."
    reply, found = rule_pass(text)
    assert found.get("sarcasm")
    with learned.using(TOY):
        assert "sarcasm" not in learned.detect(reply, found)


def test_the_shipped_model_catches_what_the_rules_miss() -> None:
    text = "Please don't contact us about the wifi again, it's the landlord's network."
    with learned.using(None):
        assert "dismissive" not in review(text).codes
    r = review(text)
    assert r.verdict == "needs-work" and "dismissive" in r.decided_by
    f = next(f for f in r.findings if f.code == "dismissive")
    assert "Learned cue:" in f.message and '"not us"' in f.message


def test_the_shipped_weights_are_small_and_named() -> None:
    model = learned.current()
    assert set(model["codes"]) >= {"admonishing", "dismissive", "sarcasm", "suggests", "acknowledges"}
    assert sum(len(m["weights"]) for m in model["codes"].values()) <= 3000
    assert {"heldout6.yaml", "tune14.yaml"} <= set(model["trained_on"])  # retired held-out 6, and tune 14 (round 8)
    assert "heldout7.yaml" not in model["trained_on"]  # the held-out set of round 8
    for code, m in model["codes"].items():
        assert 0.5 <= m["threshold"] < 1
        assert not any(learned.own_cue(f, code) for f in m["weights"]), code


def test_no_numpy_or_sklearn_at_run_time() -> None:
    code = ("import sys; from empathydesk.coach import review; review(\"I've had a look and there's nothing wrong with it.\");"
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_retraining_reproduces_the_shipped_weights() -> None:
    pytest.importorskip("sklearn")
    from empathydesk.coach import train

    model = train.train()
    shipped = json.loads(train.OUT.read_text(encoding="utf-8"))
    assert set(model["codes"]) == set(shipped["codes"])
    for code, m in model["codes"].items():
        s = shipped["codes"][code]
        assert m["C"] == s["C"] and abs(m["threshold"] - s["threshold"]) <= 0.02, code
        assert abs(m["bias"] - s["bias"]) <= 0.02, code
        same = set(m["weights"]) & set(s["weights"])
        assert len(same) >= 0.95 * len(s["weights"]), code
        assert max(abs(m["weights"][f] - s["weights"][f]) for f in same) <= 0.02, code
