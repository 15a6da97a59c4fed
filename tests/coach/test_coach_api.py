"""The reply coach's contract: the review shape, robustness, lessons, plain messages, the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
import textstat

from empathydesk import cli
from empathydesk.coach import MAX_CHARS, codes, review
from empathydesk.coach.data import rules
from empathydesk.content import load

WARM = (
    "That sounds really frustrating, especially with your report due today. Are you on the office "
    "desktop or your laptop from home? If you like, I can call you in five minutes and we'll sort it "
    "together. If it happens again, just let me know."
)


def test_to_dict_is_exactly_the_documented_shape() -> None:
    data = review("You need to clear your cache. Let me know if that helps.").to_dict()
    assert set(data) == {"verdict", "score", "decided_by", "findings"}
    assert data["decided_by"] and set(data["decided_by"]) <= {f["code"] for f in data["findings"]}
    assert data["verdict"] in ("relational", "needs-work")
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    assert data["findings"]
    for finding in data["findings"]:
        assert set(finding) == {"code", "message", "span", "lesson"}
        start, end = finding["span"]
        assert 0 <= start < end
    json.dumps(data)


def test_relational_and_needs_work() -> None:
    good, curt = review(WARM), review("Reboot it. Obviously.")
    assert good.verdict == "relational" and good.score >= 60
    assert curt.verdict == "needs-work" and curt.score < good.score
    assert {"acknowledges", "asks-setup", "suggests", "open-door"} <= good.codes
    assert all(f.kind == "works" for f in good.findings[:4])


def test_findings_carry_kind_and_lesson() -> None:
    r = review("Sorry you're stuck! You should have saved it, but would you like me to look?")
    kinds = {f.code: f.kind for f in r.findings}
    assert kinds == {"acknowledges": "works", "suggests": "works", "admonishing": "change"}
    assert [f.kind for f in r.findings] == ["works", "works", "change"]  # what works comes first


def test_every_lesson_the_coach_names_exists_in_the_content() -> None:
    known = load().lesson_ids
    named = {code: info["lesson"] for code, info in codes().items() if info["lesson"]}
    missing = {code: lesson for code, lesson in named.items() if lesson not in known}
    assert not missing, f"lesson ids named in coach/phrases/codes.yaml but not in assessments/: {missing}"


def test_messages_are_plain() -> None:
    """Every message the coach can show reads at grade 9 or below (Flesch-Kincaid, textstat)."""
    r = rules()
    messages = [i.message for i in r.codes.values()] + list(r.notes.values())
    messages += [g.message for gs in r.groups.values() for g in gs if g.message]
    for message in messages:
        text = message.format(quote="you need to clear your cache", limit=f"{MAX_CHARS:,}")
        assert textstat.flesch_kincaid_grade(text) <= 9, text
        assert "{" not in text


@pytest.mark.parametrize("text", ["", "   \n\t", None])
def test_empty_text_gets_a_friendly_prompt(text) -> None:
    r = review(text)
    assert r.verdict == "needs-work" and r.score == 0
    assert [f.code for f in r.findings] == ["empty"]
    assert "Write your reply" in r.findings[0].message
    assert r.to_dict()["findings"][0]["lesson"] is None


@pytest.mark.timeout(120)  # a guard against runaway work only; bench/bench_coach.py measures the time of a megabyte
def test_a_megabyte_is_cut_with_a_note() -> None:
    text = "Just restart it. That sounds stressful! Would you like a hand? " * 17_000  # > 1 MB
    assert len(text.encode()) > 1_000_000
    r = review(text)
    note = r.findings[0]
    assert note.code == "cut-short" and note.kind == "note"
    assert note.span == (MAX_CHARS, len(text))
    assert "20,000" in note.message
    assert all(f.span[1] <= MAX_CHARS for f in r.findings[1:])


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f642",
        "ß" * 50,
        "İstanbul ofisindeki yazıcı çalışmıyor.",
        "你好，打印机坏了。我们可以一起看看吗？",
        "مرحبا، هل يمكنني المساعدة؟",
        "e\u0301\u0301\u0301 combining marks",
        "\ud800 a lone surrogate",
        "\x00\x01\x02 control characters",
        "\u202eright-to-left override",
        "Sorry you\u2019re stuck \u2014 would you like me to come by? \U0001f44d",
    ],
)
def test_any_unicode_works(text: str) -> None:
    r = review(text)
    json.dumps(r.to_dict())
    for f in r.findings:
        assert 0 <= f.span[0] <= f.span[1] <= len(text)


def test_spans_index_the_text_as_given() -> None:
    text = "\U0001f600\U0001f600 İİ Sorry you\u2019re stuck. You must reboot."
    r = review(text)
    got = {f.code: text[f.span[0]:f.span[1]] for f in r.findings}
    assert got["acknowledges"] == "Sorry you\u2019re stuck"
    assert got["order"] == "You must reboot"


def test_importing_the_coach_stays_light() -> None:
    code = (
        "import sys, empathydesk.coach as c; "
        "assert 'vaderSentiment.vaderSentiment' not in sys.modules; assert 'textstat' not in sys.modules; "
        "c.warm_up(); assert 'textstat' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _run_cli(monkeypatch, capsys, data: bytes, *args: str) -> str:
    class Stdin:
        buffer = io.BytesIO(data)

        @staticmethod
        def isatty() -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert cli.main(["coach", *args]) == 0
    return capsys.readouterr().out


def test_cli_json(monkeypatch, capsys) -> None:
    out = _run_cli(monkeypatch, capsys, "You need to clear your cache.".encode(), "--json")
    data = json.loads(out)
    assert data == review("You need to clear your cache.").to_dict()
    assert [f["code"] for f in data["findings"]] == ["order", "jargon"]


def test_cli_text(monkeypatch, capsys) -> None:
    out = _run_cli(monkeypatch, capsys, WARM.encode())
    assert out.startswith("This reads like a reply to a person.")
    assert "What works:" in out and "(lesson: leave-door-open)" in out


def test_cli_empty_and_bad_bytes(monkeypatch, capsys) -> None:
    assert "Write your reply" in _run_cli(monkeypatch, capsys, b"")
    data = json.loads(_run_cli(monkeypatch, capsys, b"\xff\xfe not utf-8 \xc3", "--json"))
    assert data["verdict"] == "needs-work"


@pytest.mark.parametrize(
    "junk",
    [
        "that is " * 2500,
        "it's " * 5000,
        "DNS " * 5000,
        " " * 19_999 + "x",
        "(" * 20_000,
        "Which laptop is it, if you like? " * 700,
        "You need to just click. Sorry! Would you like? Let me know. " * 300,
    ],
    ids=["that-is", "its", "acronyms", "spaces", "parens", "questions", "mixed"],
)
@pytest.mark.timeout(120)  # a guard against runaway regular expressions only; bench/bench_coach.py measures speed
def test_pasted_junk_is_reviewed(junk: str) -> None:
    r = review(junk)
    assert r.verdict in ("relational", "needs-work")
    assert len([f for f in r.findings if f.code == "order"]) <= 3  # at most three shown per code


def test_needs_work_always_leaves_something_to_try() -> None:
    r = review("The printer was set to the wrong paper tray on the second floor, which is the one by the window.")
    assert r.verdict == "needs-work" and not r.changes
    assert r.notes[-1].code == "tips" and "what happens next" in r.notes[-1].message
    assert r.headline == "Nothing here is wrong, but it could feel warmer."
    assert r.decided_by == ("tips",)
    assert "tips" not in r.codes
