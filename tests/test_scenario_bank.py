"""The scenario bank and the knowledge check cannot be passed without reading them: no strategy that
looks only at the form of the options (length, place in the file, wording habits, punctuation, likeness
to the prompt or to the other options) finds the best option much more often than a blind guess.

A strategy picks a set of options for each question (the longest, the ones with a question mark, ...).
When it picks several (a tie) or none fits (then it picks all), its score for that question is the
chance that a random one of them is the best: 1 / size of the set when the best is in it, else 0. Its
hit rate is the mean over the questions it applies to; chance is the mean of 1 / number of options over
the same questions. The test fails when any strategy beats chance by more than MARGIN.

The questions are the module scenarios and the items of both forms of the knowledge check
(assessments/knowledge.yaml).

Run this file as a script to print every strategy's hit rate (the whole bank, then the knowledge check alone):
    .venv/bin/python tests/test_scenario_bank.py
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from empathydesk.content import Content, Scenario, load  # noqa: E402

MARGIN = 0.10
MIN_QUESTIONS = 36
MAX_POSITION = 6
KNOWLEDGE_PART = "knowledge-check"

WORD = re.compile(r"[a-z0-9']+")
SECOND_PERSON = {"you", "your", "yours", "you're", "you'll", "you've", "you'd", "yourself", "yourselves"}
STOP = {"a", "an", "the", "and", "or", "to", "of", "in", "on", "it", "is", "for", "that", "this", "with", "be", "at", "i"}


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("’", "'"))


def sentences(text: str) -> int:
    return max(1, len(re.findall(r"[.!?]+(?=[\"'”’)]*(\s|$))", text)))


# A strategy: question -> the file indices it picks (empty: it cannot tell, so every option), or None
# when it does not apply to that question (e.g. the fifth option of a three-option question).
Strategy = Callable[[Scenario], "list[int] | None"]


def extreme(key: Callable[[str], float], most: bool = True) -> Strategy:
    def pick(sc: Scenario) -> list[int]:
        values = [key(o.text) for o in sc.options]
        target = max(values) if most else min(values)
        return [i for i, v in enumerate(values) if v == target]

    return pick


def length_rank(rank: int, from_longest: bool = True) -> Strategy:
    """The option whose length in characters is `rank`-th (1 = longest, or shortest); ties share the rank."""

    def pick(sc: Scenario) -> list[int] | None:
        if rank > len(sc.options):
            return None
        lengths = [len(o.text) for o in sc.options]
        ordered = sorted(lengths, reverse=from_longest)
        target = ordered[rank - 1]
        return [i for i, v in enumerate(lengths) if v == target]

    return pick


def position(k: int) -> Strategy:
    """The k-th option in the file (k = -1: the last one)."""

    def pick(sc: Scenario) -> list[int] | None:
        if k > len(sc.options):
            return None
        return [len(sc.options) - 1 if k == -1 else k - 1]

    return pick


def contains(pattern: str) -> Strategy:
    regex = re.compile(pattern, re.I)

    def pick(sc: Scenario) -> list[int]:
        return [i for i, o in enumerate(sc.options) if regex.search(o.text.replace("’", "'"))]

    return pick


def lacks(pattern: str) -> Strategy:
    regex = re.compile(pattern, re.I)

    def pick(sc: Scenario) -> list[int]:
        return [i for i, o in enumerate(sc.options) if not regex.search(o.text.replace("’", "'"))]

    return pick


def overlap_with_prompt(sc: Scenario) -> list[int]:
    prompt = set(words(sc.prompt)) - STOP
    values = [len(set(words(o.text)) & prompt) for o in sc.options]
    return [i for i, v in enumerate(values) if v == max(values)]


def middle_option(sc: Scenario) -> list[int]:
    """The option sharing the most words with the other options (the "middle" of the set)."""
    sets = [set(words(o.text)) - STOP for o in sc.options]
    values = [sum(len(s & t) for j, t in enumerate(sets) if j != i) for i, s in enumerate(sets)]
    return [i for i, v in enumerate(values) if v == max(values)]


def second_person(text: str) -> int:
    return sum(w in SECOND_PERSON for w in words(text))


STRATEGIES: dict[str, Strategy] = {
    "longest": extreme(len),
    "shortest": extreme(len, most=False),
    **{f"length rank {k} from longest": length_rank(k) for k in range(2, MAX_POSITION + 1)},
    **{f"length rank {k} from shortest": length_rank(k, from_longest=False) for k in range(2, MAX_POSITION + 1)},
    **{f"file position {k}": position(k) for k in range(1, MAX_POSITION + 1)},
    "file position last": position(-1),
    "most words": extreme(lambda t: len(words(t))),
    "fewest words": extreme(lambda t: len(words(t)), most=False),
    "most commas": extreme(lambda t: t.count(",")),
    "fewest commas": extreme(lambda t: t.count(","), most=False),
    "most sentences": extreme(sentences),
    "fewest sentences": extreme(sentences, most=False),
    'contains "let\'s"': contains(r"\blet's\b"),
    'contains "together"': contains(r"\btogether\b"),
    'contains "you"': contains(r"\byou"),
    'contains "?"': contains(r"\?"),
    'contains "sorry"': contains(r"\bsorry\b"),
    'contains "I\'ll"': contains(r"\bI'll\b"),
    'contains "please"': contains(r"\bplease\b"),
    'contains "we"': contains(r"\b(we|we'll|we're|us|let's)\b"),
    'contains "I\'m"': contains(r"\bI'm\b"),
    "contains a quote": contains(r"[\"“]"),
    'no "!"': lacks(r"!"),
    "most second-person pronouns": extreme(second_person),
    "most like the prompt (word overlap)": overlap_with_prompt,
    "middle option (most words shared with the others)": middle_option,
}


def knowledge_items(content: Content | None = None) -> list[Scenario]:
    """The questions of both forms of the knowledge check (each item is a Scenario)."""
    quiz = (content or load()).part(KNOWLEDGE_PART)
    return [item for form in quiz.forms for item in form.items] if quiz is not None else []


def scored_questions() -> list[Scenario]:
    """Every scored choice question in assessments/ (each has exactly one best option): the module
    scenarios and the knowledge check's items."""
    content = load()
    return [sc for module in content.modules for sc in module.scenarios] + knowledge_items(content)


def hit_rates(questions: list[Scenario]) -> dict[str, tuple[float, float, int]]:
    """strategy -> (hit rate, chance over the same questions, number of questions it applies to)."""
    found: dict[str, tuple[float, float, int]] = {}
    for name, strategy in STRATEGIES.items():
        hits, chance, n = 0.0, 0.0, 0
        for sc in questions:
            picked = strategy(sc)
            if picked is None:
                continue
            picked = picked or list(range(len(sc.options)))
            hits += (sc.best_index in picked) / len(picked)
            chance += 1 / len(sc.options)
            n += 1
        if n:
            found[name] = (hits / n, chance / n, n)
    return found


def report(rates: dict[str, tuple[float, float, int]]) -> str:
    lines = [f"{'strategy':55} {'hit rate':>8} {'chance':>7} {'over':>5}"]
    for name, (rate, chance, n) in rates.items():
        flag = "  <-- beats chance by more than %.2f" % MARGIN if rate - chance > MARGIN else ""
        lines.append(f"{name:55} {rate:8.3f} {chance:7.3f} {n:5d}{flag}")
    return "\n".join(lines)


def test_enough_scored_questions() -> None:
    assert len(scored_questions()) >= MIN_QUESTIONS


def test_no_form_only_strategy_beats_chance() -> None:
    rates = hit_rates(scored_questions())
    text = report(rates)
    print(text)
    too_good = [name for name, (rate, chance, _) in rates.items() if rate - chance > MARGIN]
    assert not too_good, f"these strategies find the best option without reading: {too_good}\n{text}"


def test_the_strategies_can_find_a_pattern() -> None:
    """The scorer itself works: in a bank where the best option is always the longest, "longest" wins."""
    from empathydesk.content import Option

    rigged = [
        Scenario(id=f"s-{k}", lesson="x", prompt="p", options=[
            Option(text="short", feedback="f"), Option(text="a much longer option", feedback="f", best=True),
            Option(text="middling", feedback="f")])
        for k in range(10)
    ]
    rates = hit_rates(rigged)
    assert rates["longest"][0] == 1.0 and rates["file position 2"][0] == 1.0
    assert rates["shortest"][0] == 0.0


def test_best_is_not_always_in_one_place() -> None:
    positions = {sc.best_index for sc in scored_questions()}
    assert len(positions) >= 3


def test_the_knowledge_check_is_in_the_bank() -> None:
    items = knowledge_items()
    assert len(items) >= 16, "the knowledge check has two forms of at least 8 questions"
    ids = {sc.id for sc in scored_questions()}
    assert {sc.id for sc in items} <= ids


def test_knowledge_best_is_in_every_place() -> None:
    """Within the knowledge check too, the best option is in each place of the file about as often."""
    items = [sc for sc in knowledge_items() if len(sc.options) == 4]
    counts = [sum(sc.best_index == k for sc in items) for k in range(4)]
    assert min(counts) >= len(items) // 4 - 1, f"best option by place in the file: {counts}"


if __name__ == "__main__":
    print(report(hit_rates(scored_questions())))
    print("\nThe knowledge check alone:")
    print(report(hit_rates(knowledge_items())))
