"""Train the coach's learned layer (learned.py) from the labelled replies in tests/coach/.

    .venv/bin/python -m empathydesk.coach.train            # writes src/empathydesk/coach/learned.json
    .venv/bin/python -m empathydesk.coach.train --check    # leave-one-file-out figures, writes nothing

Needs scikit-learn (the `test` extra); the coach itself reads only the JSON it writes. Takes about a
minute on one core (3,333 replies in 21 files, round 8).

Training data: tests/coach/corpus.yaml and tune3.yaml to tune13.yaml (the team's), tune2.yaml and
tune14.yaml (written blind for round 8), and the retired held-out sets heldout.yaml to heldout6.yaml
(held-out 1 to 3 retired in round 6, 4 and 5 in round 7, 6 in round 8). The held-out set of round 8
(heldout7.yaml) is never read here (bench/bench_coach.py).

For each code in CODES, one logistic regression (liblinear, L2, balanced class weights) over the
reply's binary features (learned.reply_features: words, word pairs with a negation mark, shapes, and
the rules' findings of the other codes). Folds are files: each reply's out-of-fold probability comes
from a model trained without its file, so the figures say how the model does on a voice it has not
read. The regularisation C is chosen on those (average precision); the model keeps its TOP_K strongest
features and is fitted again on those alone, so the shipped weights are exactly the model's. The
threshold is the lowest out-of-fold probability at which the model alone reaches PRECISION (0.85 for
codes of what works, 0.93 for codes of what to change, whose false alarms block a good reply).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "coach"
TRAINING_FILES = ("corpus.yaml", "tune2.yaml", "tune3.yaml", "tune4.yaml", "tune5.yaml", "tune6.yaml",
                  "tune7.yaml", "tune8.yaml", "tune9.yaml", "tune10.yaml",
                  "tune11.yaml", "tune12.yaml", "tune13.yaml", "tune14.yaml", "heldout.yaml", "heldout2.yaml",
                  "heldout3.yaml", "heldout4.yaml", "heldout5.yaml", "heldout6.yaml")
# written blind, by people who had not read the coach (corpus.yaml and tune3.yaml to tune13.yaml: by the team;
# tune14.yaml was written blind for round 8)
TEAM = ("corpus.yaml", *(f"tune{n}.yaml" for n in range(3, 14)))
BLIND = tuple(f for f in TRAINING_FILES if f not in TEAM)
OUT = Path(__file__).with_name("learned.json")

CODES = ("admonishing", "dismissive", "sarcasm", "suggests", "acknowledges")
C_GRID = (0.1, 0.3, 1.0)  # 0.03 was never chosen (rounds 6 to 8)
TOP_K = 500
MIN_COUNT = 2  # a feature must occur in at least this many training replies
PRECISION = {"works": 0.85, "change": 0.93}  # a wrong "change" finding blocks a good reply: a higher bar
FOLDS = len(TRAINING_FILES)  # one fold per file: a model is judged on writing it has not seen
SEED = 0


def load_cases() -> list[dict[str, Any]]:
    from empathydesk.coach.evaluate import load_corpus

    return [{**case, "file": name} for name in TRAINING_FILES for case in load_corpus(DATA / name)]


def featurise(cases: list[dict[str, Any]]) -> list[set[str]]:
    """Each reply's features, read with the rules alone (no learned layer)."""
    from empathydesk.coach import MAX_CHARS
    from empathydesk.coach import learned
    from empathydesk.coach.engine import rule_pass

    out = []
    for case in cases:
        reply, found = rule_pass(str(case["text"])[:MAX_CHARS])
        out.append(learned.all_features(*learned.reply_features(reply, found)))
    return out


class Data:
    """The training replies as one binary matrix (features seen in at least MIN_COUNT replies)."""

    def __init__(self, cases: list[dict[str, Any]], feats: list[set[str]]):
        from collections import Counter

        import numpy as np
        from scipy.sparse import csr_matrix

        counts = Counter(f for fs in feats for f in fs)
        self.names = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
        index = {f: i for i, f in enumerate(self.names)}
        rows, cols = [], []
        for i, fs in enumerate(feats):
            for f in fs:
                if f in index:
                    rows.append(i)
                    cols.append(index[f])
        self.X = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feats), len(self.names)))
        self.cases = cases

    def labels(self, code: str):
        import numpy as np

        return np.array([int(code in case["codes"]) for case in self.cases])

    def columns(self, code: str):
        """The features of `code`'s model: all but the rules' own findings of `code`."""
        import numpy as np

        from empathydesk.coach.learned import own_cue

        return np.array([j for j, f in enumerate(self.names) if not own_cue(f, code)])


def _fit(data: Data, rows, code: str, c: float) -> dict[str, Any]:
    """Fit on the replies `rows`, keep the TOP_K strongest features, fit again on those alone:
    {"bias", "weights"}."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    def lr():
        return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", random_state=SEED, max_iter=1000)

    cols = data.columns(code)
    X, y = data.X[rows], data.labels(code)[rows]
    first = lr().fit(X[:, cols], y)
    strength = np.abs(first.coef_[0])
    order = np.lexsort((cols, -strength))[:TOP_K]  # strongest first; ties by feature order
    kept = np.sort(cols[order])
    second = lr().fit(X[:, kept], y)
    weights = {data.names[j]: round(float(w), 4) for j, w in zip(kept, second.coef_[0]) if abs(w) >= 1e-4}
    return {"bias": round(float(second.intercept_[0]), 4), "weights": weights}


def _prob(model: dict[str, Any], feats: set[str]) -> float:
    from empathydesk.coach.learned import _sigmoid

    return _sigmoid(model["bias"] + sum(model["weights"].get(f, 0.0) for f in feats))


def folds(cases: list[dict[str, Any]]) -> list[int]:
    """The fold of each reply: its file (the same for every code, so whole reviews can be checked)."""
    return [TRAINING_FILES.index(case["file"]) for case in cases]


def _oof(data: Data, feats: list[set[str]], code: str, c: float, fold: list[int]) -> list[float]:
    probs = [0.0] * len(feats)
    for k in range(FOLDS):
        model = _fit(data, [i for i in range(len(feats)) if fold[i] != k], code, c)
        for i in range(len(feats)):
            if fold[i] == k:
                probs[i] = _prob(model, feats[i])
    return probs


def _threshold(probs: list[float], y: list[int], precision: float) -> float:
    """The lowest probability at which the model alone is right `precision` of the time (or 0.99)."""
    pairs = sorted(zip(probs, y), reverse=True)
    best, tp = 0.99, 0
    for n, (p, label) in enumerate(pairs, 1):
        tp += label
        if tp / n >= precision and (n == len(pairs) or pairs[n][0] < p):
            best = p
    return round(max(best, 0.5), 4)


def train(verbose: bool = False) -> dict[str, Any]:
    """The learned layer's model, as written to learned.json."""
    from sklearn.metrics import average_precision_score

    from empathydesk.coach.data import rules

    cases = load_cases()
    feats = featurise(cases)
    data = Data(cases, feats)
    fold = folds(cases)
    model: dict[str, Any] = {"trained_on": list(TRAINING_FILES), "replies": len(cases), "codes": {}}
    for code in CODES:
        y = list(data.labels(code))
        oof = {c: _oof(data, feats, code, c, fold) for c in C_GRID}
        scores = {c: average_precision_score(y, oof[c]) for c in C_GRID}
        c = max(C_GRID, key=lambda c: (round(scores[c], 3), -c))
        probs = oof[c]
        fitted = _fit(data, list(range(len(cases))), code, c)
        threshold = _threshold(probs, y, PRECISION[rules().codes[code].kind])
        model["codes"][code] = {"C": c, "threshold": threshold, **fitted}
        if verbose:
            hits = [(p >= threshold, label) for p, label in zip(probs, y)]
            tp = sum(1 for h, label in hits if h and label)
            print(f"{code:13} C={c:<5} AP " + " ".join(f"{k}:{v:.3f}" for k, v in scores.items())
                  + f"  threshold {threshold:.3f}: out-of-fold P {tp / max(1, sum(h for h, _ in hits)):.2f}"
                  f" R {tp / max(1, sum(y)):.2f}  ({len(fitted['weights'])} weights)")
    return model


def fold_models(cases: list[dict[str, Any]], shipped: dict[str, Any]) -> tuple[list[int], list[dict[str, Any]]]:
    """One model per file, trained without that file, with the shipped model's C and thresholds chosen
    as train() chooses them, on the other files' out-of-fold probabilities (for leave-one-file-out
    reviews)."""
    from empathydesk.coach.data import rules

    feats = featurise(cases)
    data = Data(cases, feats)
    fold = folds(cases)
    oof = {code: _oof(data, feats, code, info["C"], fold) for code, info in shipped["codes"].items()}
    models = []
    for k in range(FOLDS):
        rows = [i for i in range(len(cases)) if fold[i] != k]
        m: dict[str, Any] = {"codes": {}}
        for code, info in shipped["codes"].items():
            y = data.labels(code)
            threshold = _threshold([oof[code][i] for i in rows], [y[i] for i in rows], PRECISION[rules().codes[code].kind])
            m["codes"][code] = {"threshold": threshold, **_fit(data, rows, code, info["C"])}
        models.append(m)
    return fold, models


def cross_validate(model: dict[str, Any]) -> None:
    """Verdict accuracy and precision/recall per code of each training file: rules alone, and rules with
    the learned layer trained without that file (how the coach may do on writing it has not seen)."""
    from empathydesk.coach import learned
    from empathydesk.coach.evaluate import Report, evaluate

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    cases = load_cases()
    fold, models = fold_models(cases, model)
    blind = Report()
    for k, name in enumerate(TRAINING_FILES):
        part = [c for i, c in enumerate(cases) if fold[i] == k]
        with learned.using(None):
            before = evaluate(part)
        with learned.using(models[k]):
            after = evaluate(part)
        print(f"{name} ({before.cases} replies): accuracy {before.accuracy:.2f} -> {after.accuracy:.2f} (trained without it)")
        for code in CODES:
            b, a = before.per_code[code], after.per_code[code]
            print(f"  {code:13} P {f(b.precision)} -> {f(a.precision)}   R {f(b.recall)} -> {f(a.recall)}   (n={b.tp + b.fn})")
        if name in BLIND:
            blind.cases += after.cases
            blind.correct += after.correct
            for code, s in after.per_code.items():
                t = blind.per_code.setdefault(code, type(s)())
                t.tp, t.fp, t.fn = t.tp + s.tp, t.fp + s.fp, t.fn + s.fn
    print(f"blind-written files ({blind.cases} replies), each trained without it: accuracy {blind.accuracy:.2f}")
    for code, s in blind.per_code.items():
        print(f"  {code:13} P {f(s.precision)}  R {f(s.recall)}  (n={s.tp + s.fn})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="print cross-validated figures; write nothing")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    model = train(verbose=True)
    print(f"trained in {time.perf_counter() - t:.1f} s")
    if args.check:
        cross_validate(model)
        return
    OUT.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(len(m['weights']) for m in model['codes'].values())} weights)")


if __name__ == "__main__":
    main()
