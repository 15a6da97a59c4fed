"""The coach's learned layer: a small logistic regression per code that catches what the rules miss.

The phrase lists and clause readers (data.py, readers.py, doors.py) catch the moves they were written
for; people outside the team say the same things in other words. For a few codes (learned.json names
them) a logistic regression, trained by train.py on the labelled replies in tests/coach/, reads:

- the words and word pairs of each clause, lower-cased, with "not_" before the few words that follow a
  negator ("I would not_blame not_you");
- the rules' own findings of the *other* codes, as cues ("rule:sarcasm", "rule:suggests/reader-offer");
- simple shapes: "you" as the subject, a past action of "you", a question, an exclamation, an emoji,
  quotation marks, shouting, the clause's first word, the reply's length.

A reply's score for a code is the model's bias plus the weights of every feature the reply has; the
code is found when the rules find it *or* the score's probability passes the code's threshold (chosen
on the training replies' cross-validation for a precision of about 0.85). The finding points at the
clause whose own features weigh most, says the code's usual message, and names its strongest words
("learned cue: ..."), so the verdict stays explained by findings. Pure Python at run time: the
weights are a small JSON file, read once.
"""

from __future__ import annotations

import functools
import json
import math
import re
from contextlib import contextmanager
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from empathydesk.coach.engine import Match, Reply

WEIGHTS = "learned.json"

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!,]|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_CLAUSE = re.compile(r"[;:]\s+|\s[-\u2013\u2014]\s|\n+")
_NEGATORS = frozenset(
    "not no never nothing nobody none nor without cannot can't won't don't doesn't didn't isn't wasn't aren't weren't "
    "shouldn't couldn't wouldn't haven't hasn't hadn't mustn't needn't ain't dont cant wont isnt didnt doesnt".split()
)
_NEGATION_REACH = 3
MIN_WORDS = 3  # a learned finding points at a clause of at least this many different words
_PUNCT = frozenset("?!,")
_STOP_NEGATION = frozenset("but and so because though although however yet , ? !".split())
_YOU = frozenset(("you", "u", "ya", "you've", "you'd", "you're", "you'll"))
_IRREGULAR_PAST = frozenset(
    "sent kept left put let had took wrote hit set made did gave threw broke spilt spilled forgot ran dropped chose picked "
    "got brought went tried deleted emptied skipped missed ignored clicked opened saved typed unplugged installed "
    "downloaded moved changed turned switched closed pressed used told asked said".split()
)
_PRONOUN_SUBJECT_VERBS = frozenset(
    "should need must have had did do were are was can could would will might keep kept always never just".split()
)
_QUOTED = re.compile(r"""(?<!\w)['"\u2018\u201c](?=\S)[^'"\u2019\u201d\n]{1,60}(?<=\S)['"\u2019\u201d](?!\w)""")
_SHOUT = re.compile(r"(?<![\w])[A-Z]{3,}(?![\w])")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]|[:;]-?[()DPp/]|\b(?:lol|lmao|smh|rofl)\b", re.IGNORECASE)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# Chat spellings read as the word they stand for, so that a voice the model has not read still shares
# its weights ("u didnt save it" is "you didn't save it").
_SPELLING = {
    "u": "you", "yu": "you", "ur": "your", "youre": "you're", "youve": "you've", "youd": "you'd", "dont": "don't",
    "cant": "can't", "wont": "won't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't",
    "havent": "haven't", "shouldnt": "shouldn't", "couldnt": "couldn't", "im": "i'm", "ive": "i've", "pls": "please",
    "plz": "please", "thx": "thanks", "thanx": "thanks", "shouldve": "should've", "shoulda": "should've",
    "couldve": "could've", "coulda": "could've", "cuz": "because", "coz": "because", "cos": "because", "bc": "because",
    "tmrw": "tomorrow", "abt": "about", "msg": "message", "shud": "should", "wud": "would", "cud": "could",
}
# The shapes of blame, whatever the words: hindsight ("if you'd...", "next time"), a pointed reminder
# ("as I said"), "you" and a thing not done, and "you" and a past action with its consequence
# ("you deleted it, so now ...": the consequence may start the next clause).
_HINDSIGHT = re.compile(
    r"\b(?:should(?:'ve| have)|shouldn't have|could(?:'ve| have) (?:just )?\w+ed|if (?:you|u)(?:'d| had)|had (?:you|u) \w+|"
    r"(?:you|u) (?:were|was) (?:told|asked|supposed|meant)|next time|in (?:the )?future|from now on|going forward|"
    r"(?:you|u)(?:'d| would) (?:have|know)|before (?:you|u) \w+ed)\b", re.IGNORECASE)
_REMINDER = re.compile(
    r"\b(?:as (?:i|we) (?:said|mentioned|explained|told|wrote|pointed)|like (?:i|we) said|as (?:mentioned|stated|explained|"
    r"announced|per)|(?:i|we)(?:'ve| have)? already (?:told|said|sent|explained|mentioned|asked)|told (?:you|u)|reminder|"
    r"for the (?:second|third|fourth|fifth|\w+th|last) time|how many times|yet again|every single time|"
    r"(?:it's|it is|it was) (?:all )?in the (?:email|guide|manual|instructions|training|policy|handbook|wiki|faq))\b",
    re.IGNORECASE)
_YOU_NOT_DONE = frozenset("didn't never forgot failed ignored skipped missed haven't hadn't neglected".split())
_CONSEQUENCE = frozenset("so now hence which that's thus therefore result caused means meant".split())


# ---- features --------------------------------------------------------------------------------------


def clauses(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The reply's clauses: its sentences, cut at colons, semicolons, dashes and line breaks."""
    out: list[tuple[int, int]] = []
    for s, e in sentences[:200]:
        start = s
        for m in _CLAUSE.finditer(text, s, e):
            if text[start:m.start()].strip():
                out.append((start, m.start()))
            start = m.end()
        if text[start:e].strip():
            out.append((start, e))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        trimmed.append((s, e))
    return trimmed


def tokens(text: str) -> list[str]:
    """Lower-cased words (and , ? ! emoji), with "not_" before the few words after a negator (up to a
    comma, a ? or !, or a "but")."""
    out: list[str] = []
    reach = 0
    for m in _TOKEN.finditer(text.translate(_FOLD).lower()):
        tok = _SPELLING.get(m.group(), m.group())
        if tok in _STOP_NEGATION:
            reach = 0
            out.append(tok)
            continue
        if reach:
            out.append("not_" + tok)
            reach -= 1
        else:
            out.append(tok)
        if tok in _NEGATORS or tok.endswith("n't"):
            reach = _NEGATION_REACH
    return out


def clause_features(clause: str) -> set[str]:
    """The features of one clause: words, word pairs and shapes."""
    toks = tokens(clause)
    feats = {"w:" + t for t in toks if t not in _PUNCT}
    feats.update("b:" + a + "_" + b for a, b in zip(toks, toks[1:]) if a not in _PUNCT and b not in _PUNCT)
    words = [t for t in toks if t not in _PUNCT]
    if words:
        feats.add("first:" + words[0])
    for i, t in enumerate(words):
        if t in _YOU:
            nxt = words[i + 1 : i + 4]
            if nxt and (nxt[0] in _PRONOUN_SUBJECT_VERBS or nxt[0].endswith("ed") or nxt[0] in _IRREGULAR_PAST
                        or t in ("you've", "you'd", "you're")):
                feats.add("shape:you-subject")
            if any(n.endswith("ed") or n in _IRREGULAR_PAST for n in nxt[:3]):
                feats.add("shape:you-past")
                if any(w in _CONSEQUENCE for w in words[i + 2:]):
                    feats.add("shape:blame")
            if any(n.removeprefix("not_") in _YOU_NOT_DONE for n in nxt[:2]):
                feats.add("shape:you-not-done")
    if _HINDSIGHT.search(clause):
        feats.add("shape:hindsight")
    if _REMINDER.search(clause):
        feats.add("shape:reminder")
    if "?" in clause:
        feats.add("shape:question")
    if "!" in clause:
        feats.add("shape:exclaim")
    if _EMOJI.search(clause):
        feats.add("shape:emoji")
    if _QUOTED.search(clause):
        feats.add("shape:quote")
    if _SHOUT.search(clause):
        feats.add("shape:shout")
    if "..." in clause or "\u2026" in clause:
        feats.add("shape:ellipsis")
    return feats


def reply_features(reply: "Reply", found: dict[str, list["Match"]]) -> tuple[list[tuple[int, int, set[str]]], set[str]]:
    """Each clause's features (with the rules' findings that start in it as cues), and the reply's own
    (the rules' findings by code). A reply's features are the union of both. (No length: the corpus's
    curt replies are short, but a short reply is not curt for that.)"""
    text = reply.text
    spans = clauses(text, reply.sentences)
    per_clause = [(s, e, clause_features(text[s:e])) for s, e in spans]
    for (_, _, feats), (_, _, after) in zip(per_clause, per_clause[1:]):
        if "shape:you-past" in feats and any(f"first:{w}" in after for w in _CONSEQUENCE):
            feats.add("shape:blame")  # "You deleted the folder. So now ..."
    whole: set[str] = set()
    for code, matches in found.items():
        whole.add("rule:" + code)
        for x in matches:
            for s, e, feats in per_clause:
                if s <= x.start < e:
                    feats.add(f"rule:{code}/{x.group}")
                    break
    return per_clause, whole


def all_features(per_clause: list[tuple[int, int, set[str]]], whole: set[str]) -> set[str]:
    out = set(whole)
    for _, _, feats in per_clause:
        out |= feats
    return out


# Findings of other codes that the rules make from a sarcasm finding (engine._read): mockery of a
# mistake is also blame, mockery of the problem a brush-off. They are the sarcasm rules' own cues.
_DERIVED = {"sarcasm": ("rule:admonishing/reader-mocks-mistake", "rule:dismissive/reader-mocks-problem")}


def own_cue(feature: str, code: str) -> bool:
    """A cue from the rules' own finding of `code`: not a feature of `code`'s model (see train.py), so
    that the model reads the words and stands on its own where the rules miss."""
    return feature == "rule:" + code or feature.startswith("rule:" + code + "/") or feature in _DERIVED.get(code, ())


# ---- the model ------------------------------------------------------------------------------------


@functools.cache
def _shipped() -> dict[str, Any]:
    try:
        return json.loads(files("empathydesk.coach").joinpath(WEIGHTS).read_text(encoding="utf-8"))
    except FileNotFoundError:  # pragma: no cover - a checkout before the first training
        return {"codes": {}}


_override: list[dict[str, Any] | None] = []


def current() -> dict[str, Any] | None:
    """The model in use: the shipped weights, or one set by `using` (None: rules only)."""
    return _override[-1] if _override else _shipped()


@contextmanager
def using(model: dict[str, Any] | None) -> Iterator[None]:
    """Review with another model (e.g. one cross-validation fold's), or with none (rules only)."""
    _override.append(model)
    try:
        yield
    finally:
        _override.pop()


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


# Words too common to explain anything alone: not named as a cue (a pair with them may be).
_PLAIN = frozenset(
    "a an the it it's its this that to of in on at for and or but so is was be i i'm i've you your we our me my "
    "they them he she with as by from not no".split()
)


def _readable(feature: str) -> str | None:
    kind, _, body = feature.partition(":")
    if kind in ("w", "first"):
        if body.removeprefix("not_") in _PLAIN:
            return None
        return body.replace("not_", "not ")
    if kind == "b":
        return " ".join(w.replace("not_", "not ") for w in body.split("_", 1)) if "_" in body else body
    return {"shape:question": "a question", "shape:exclaim": "an exclamation", "shape:quote": "quotation marks",
            "shape:emoji": "an emoji", "shape:you-past": "what you did", "shape:you-subject": "you as the subject",
            "shape:shout": "capitals", "shape:ellipsis": "trailing dots", "shape:blame": "what you did and what it caused",
            "shape:you-not-done": "what you did not do", "shape:hindsight": "hindsight", "shape:reminder": "a reminder"}.get(feature)


def score(model: dict[str, Any], code: str, feats: set[str]) -> float:
    """The probability that a reply with these features has `code`."""
    m = model["codes"][code]
    w = m["weights"]
    return _sigmoid(m["bias"] + sum(w.get(f, 0.0) for f in feats))


def detect(reply: "Reply", found: dict[str, list["Match"]]) -> dict[str, list["Match"]]:
    """The codes the model finds that the rules did not, each as one finding on its strongest clause."""
    model = current()
    if not model or not model.get("codes") or not reply.sentences:
        return {}
    from empathydesk.coach import readers
    from empathydesk.coach.data import rules
    from empathydesk.coach.engine import Match

    kinds = {c: info.kind for c, info in rules().codes.items()}
    per_clause, whole = reply_features(reply, found)
    out: dict[str, list[Match]] = {}
    for code, m in model["codes"].items():
        if found.get(code):
            continue
        # Clauses the rules read the other way ("Just knock on my door" is an open door, not a
        # brush-off) are no evidence for the model, and no place for its finding.
        other = [(x.start, x.end) for c, xs in found.items() if kinds.get(c) not in (None, kinds[code]) for x in xs]
        open_clauses = [c for c in per_clause if not any(a < c[1] and c[0] < b for a, b in other)]
        if score(model, code, all_features(open_clauses, whole)) < m["threshold"]:
            continue
        w = m["weights"]
        best = None
        for s, e, cfeats in open_clauses:
            if sum(1 for f in cfeats if f.startswith("w:")) < MIN_WORDS:
                continue  # "Really?", "Again?": too little to read the tone from
            weight = sum(w.get(f, 0.0) for f in cfeats)
            if weight > 0 and (best is None or weight > best[0]):
                best = (weight, s, e, cfeats)
        if best is None:
            continue
        _, s, e, cfeats = best
        if score(model, code, cfeats | whole) < 0.5:
            continue  # the reply leans that way, but no clause of it says so on its own
        if kinds[code] == "works" and readers.GRUDGING.search(reply.text, s, e):
            continue  # "you could always log a ticket, I suppose": a grudging offer is no offer
        cue = _cue(cfeats, w)
        if not cue:
            continue  # nothing in its words to show: the reply's other cues alone do not make a finding
        note = " (Learned cue: " + ", ".join(f'"{c}"' for c in cue) + ".)"
        out[code] = [Match(code, s, e, "learned", _message(code) + note)]
    return out


def _cue(feats: set[str], w: dict[str, float], most: int = 3) -> list[str]:
    """The clause's strongest words for the code, readable ("not our", "next time", "a question")."""
    cue: list[str] = []
    for f in sorted((f for f in feats if w.get(f, 0.0) > 0), key=lambda f: (-w[f], f)):
        words = _readable(f)
        if words and not any(words in c or c in words for c in cue):
            cue.append(words)
        if len(cue) == most:
            break
    return cue


def _message(code: str) -> str:
    from empathydesk.coach.data import rules

    return rules().codes[code].message.replace("{", "{{").replace("}", "}}").replace("{{quote}}", "{quote}")
