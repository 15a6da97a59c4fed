"""The coach's phrase lists: YAML files in `phrases/`, compiled once into matching rules.

Each phrase file names a code and holds groups of patterns (regular expressions, matched without
regard to case, whole words only). `{list}` inside a pattern stands for a word list from
`words.yaml`. A group may add context rules:

- `unless_before`: the match does not count if one of these matches the sentence text before it;
- `unless_sentence`: ... if one of these matches anywhere in its sentence;
- `needs_in_sentence`: the match counts only if one of these matches in its sentence;
- `needs: order-sentence`: counts only in a sentence that also gives an order;
- `unless_reply: warm`: does not count in a warm, specific reply;
- `imperative: true`: matched only where a sentence or clause starts;
- `question: true`: matched only in a question;
- `feeling: true`: counts only when a feeling word follows within a few words (`strong`: only a
  strongly negative word from vaderSentiment's lexicon);
- `message`: a message for this group instead of the code's;
- `lesson`: a lesson for this group instead of the code's.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml

PHRASES = files("empathydesk.coach").joinpath("phrases")
# A contact verb aimed at the helper, at the start of a clause: "text me", "write to us", "ring this
# number and ask for me", "send it my way" (word lists in words.yaml).
INVITE = (
    r"(?:please |pls |plz |just |simply |do |also |then )?(?:{contact_verbs})\b(?:,?\s+[\w'-]+){0,6}?\s+"
    r"(?:to |for |at |on |in |into |with |by |onto )?(?:{contact_targets})(?!\w)"
)
FLAGS = re.IGNORECASE
_LIST = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class CodeInfo:
    code: str
    kind: str  # "change" | "works"
    lesson: str | None
    weight: int
    message: str
    blocks: str = "never"  # change codes: "always" or "never" (see codes.yaml)
    scored: bool = True  # False: not marked in the labelled corpus


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    regex: re.Pattern[str]
    message: str | None = None
    lesson: str | None = None  # a lesson for this group instead of the code's
    unless_before: tuple[re.Pattern[str], ...] = ()
    unless_sentence: tuple[re.Pattern[str], ...] = ()
    needs_in_sentence: tuple[re.Pattern[str], ...] = ()
    needs: str | None = None
    unless_reply: str | None = None
    imperative: bool = False
    question: bool = False
    feeling: str | None = None  # None, "any" (word list or vaderSentiment <= -1.0) or "strong" (<= -1.5)


@dataclass(frozen=True)
class Rules:
    codes: dict[str, CodeInfo]
    notes: dict[str, str]
    groups: dict[str, tuple[Group, ...]]  # code -> groups
    words: dict[str, Any]
    feeling_words: re.Pattern[str]
    not_feelings: frozenset[str]
    plain_acronyms: frozenset[str]
    tech_acronyms: frozenset[str] = frozenset()
    softeners: re.Pattern[str] = field(repr=False, default=re.compile("(?!)"))
    # A contact verb aimed at the helper ("text me", "write to us", "send it my way"), matched where a
    # clause starts: see engine._invites (doors.py reads open doors clause by clause).
    invite: re.Pattern[str] = field(repr=False, default=re.compile("(?!)"))


def _read(name: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: faster
    return yaml.load(PHRASES.joinpath(name).read_text(encoding="utf-8"), Loader=loader)


def _alternatives(items: list[str]) -> str:
    return "(?:" + "|".join(str(i) for i in items) + ")"


def _expand(pattern: str, words: dict[str, Any]) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in words:
            raise KeyError(f"phrase pattern {pattern!r} names an unknown word list {{{name}}}")
        return _alternatives(words[name])

    return _LIST.sub(sub, pattern)


def whole_words(pattern: str) -> str:
    """Wrap a pattern so that it neither starts nor ends in the middle of a word."""
    return r"(?<!\w)(?:" + pattern + r")(?!(?<=\w)\w)"


def _compile_all(patterns: list[str] | None, words: dict[str, Any], whole: bool = False) -> tuple[re.Pattern[str], ...]:
    out = []
    for p in patterns or []:
        expanded = _expand(str(p), words)
        out.append(re.compile(whole_words(expanded) if whole else expanded, FLAGS))
    return tuple(out)


def _feeling_mode(value: Any) -> str | None:
    if value in (None, False):
        return None
    if value is True or value == "any":
        return "any"
    if value == "strong":
        return "strong"
    raise ValueError(f"feeling must be true or strong, not {value!r}")


@functools.cache
def rules() -> Rules:
    """Every phrase file, compiled (once per process)."""
    words = _read("words.yaml")
    meta = _read("codes.yaml")
    codes = {
        code: CodeInfo(code, info["kind"], info["lesson"], int(info["weight"]), " ".join(info["message"].split()),
                       str(info.get("blocks", "never")), bool(info.get("scored", True)))
        for code, info in meta["codes"].items()
    }
    notes = {k: " ".join(v.split()) for k, v in meta["notes"].items()}
    groups: dict[str, list[Group]] = {code: [] for code in codes}
    for path in sorted(PHRASES.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml") or path.name in ("words.yaml", "codes.yaml", "checks.yaml"):
            continue
        data = _read(path.name)
        code = data["code"]
        if code not in codes:
            raise KeyError(f"{path.name}: code {code!r} is not in codes.yaml")
        for g in data["groups"]:
            for p in g["patterns"]:
                if not isinstance(p, str):
                    raise ValueError(f"{path.name}: group {g['name']!r}: pattern {p!r} is not text (put it in quotes)")
            body = "|".join("(?:" + _expand(str(p), words) + ")" for p in g["patterns"])
            if g.get("imperative"):
                regex = re.compile(r"(?:" + body + r")(?!(?<=\w)\w)", FLAGS)  # used with .match at clause starts
            else:
                regex = re.compile(whole_words(body), FLAGS)
            message = g.get("message")
            groups[code].append(
                Group(
                    code=code,
                    name=g["name"],
                    regex=regex,
                    message=" ".join(message.split()) if message else None,
                    lesson=g.get("lesson"),
                    unless_before=_compile_all(g.get("unless_before"), words),
                    unless_sentence=_compile_all(g.get("unless_sentence"), words, whole=True),
                    needs_in_sentence=_compile_all(g.get("needs_in_sentence"), words),
                    needs=g.get("needs"),
                    unless_reply=g.get("unless_reply"),
                    imperative=bool(g.get("imperative")),
                    question=bool(g.get("question")),
                    feeling=_feeling_mode(g.get("feeling")),
                )
            )
    return Rules(
        codes=codes,
        notes=notes,
        groups={code: tuple(gs) for code, gs in groups.items()},
        words=words,
        feeling_words=re.compile(whole_words(_alternatives(words["feeling_words"])), FLAGS),
        not_feelings=frozenset(w.lower() for w in words["not_feelings"]),
        plain_acronyms=frozenset(a.upper() for a in words["plain_acronyms"]),
        tech_acronyms=frozenset(a.upper() for a in words.get("tech_acronyms", ())),
        softeners=re.compile(whole_words(_alternatives(words["softeners"])), FLAGS),
        invite=re.compile(_expand(INVITE, words), FLAGS),
    )


def lesson_ids() -> dict[str, str]:
    """Code -> lesson id, as the phrase data names them."""
    return {code: info.lesson for code, info in rules().codes.items()}
