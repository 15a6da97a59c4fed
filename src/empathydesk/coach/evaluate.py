"""Scoring the coach against a labelled corpus: verdict accuracy and precision/recall per code.

A corpus is YAML: `cases: [{id, split, verdict, codes, text}]` (the shipped one is
tests/coach/corpus.yaml). Used by the tests and by bench/bench_coach.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class CodeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Report:
    cases: int = 0
    correct: int = 0
    per_code: dict[str, CodeScore] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0


def load_corpus(*paths: Path) -> list[dict[str, Any]]:
    """The cases of one or more corpus files (the shipped ones: tests/coach/corpus.yaml and heldout.yaml)."""
    cases: list[dict[str, Any]] = []
    for path in paths:
        cases += yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


def evaluate(cases: list[dict[str, Any]], split: str | None = None) -> Report:
    """Run `review` over the cases (of one split, or all) and compare with their labels."""
    from empathydesk.coach import codes, review

    scored = {c for c, info in codes().items() if info["scored"]}
    report = Report(per_code={c: CodeScore() for c in codes() if c in scored})
    for case in cases:
        if split and case["split"] != split:
            continue
        got = review(case["text"])
        expected, found = set(case["codes"]), got.codes & scored
        report.cases += 1
        report.correct += got.verdict == case["verdict"]
        for code, score in report.per_code.items():
            score.tp += code in expected and code in found
            score.fp += code not in expected and code in found
            score.fn += code in expected and code not in found
        if got.verdict != case["verdict"] or expected != found:
            report.misses.append(
                {"id": case["id"], "expected": case["verdict"], "got": got.verdict, "score": got.score,
                 "decided_by": list(got.decided_by),
                 "missing": sorted(expected - found), "extra": sorted(found - expected), "text": case["text"]}
            )
    return report
