"""Reading a reply: sentences, phrase matches with their context rules, the score and the verdict."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass

from empathydesk.coach import context, doors, learned, readers
from empathydesk.coach.data import Group, Rules, rules

# Typographic characters folded to plain ones, one character for one, so that spans stay true.
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                       "\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2010": "-"})

_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"')\]]*(?=\s|$)|\n+")
_CLAUSE_BREAK = re.compile(r"[:;]\s*|\s-\s+|\(\s*")
_FILLER = re.compile(
    r"(?:(?:[-*\u2022>]|\d+[.)])\s*)?(?:(?:first|then|next time|next|now|so|ok|okay|also|and|finally|afterwards|after that|"
    r"lastly|again|ok so|right|in (?:the )?future|from now on|going forward|for now)\b,?\s+)*",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"(?:if|when|whenever|once|after|before|until|unless|as soon as|next time|in case|any ?time|"
    r"should (?=it|this|that|the|you|anything|something|things|they|any|there))\b[^,.;:]{0,80},\s*",
    re.IGNORECASE,
)
# A clause that starts after a comma ("It's a quick fix, untick the box."): only when a word that
# takes an object or ends the clause follows the verb, so that "Sorry, print jobs are stuck" is not
# read as a step.
_COMMA = re.compile(r",\s+")
_AFTER_VERB = re.compile(
    r"(?:\s+(?:the|your|ur|it|them|this|that|these|those|a|an|again|me|us|back|off|on|out|in|up|down|over|all|"
    r"every|my|our|some|any|to|each|both|one|two|three|ten|\d+)\b|\s*(?:[.!,;)]|$))",
    re.IGNORECASE,
)
_ASKING = re.compile(r"\b(?:(?:could|can|would) you )?(?:tell|let) me(?: know)? (?:which|what|whether|if|how)\b|\b(?:could|can|would) you (?:tell|let) me\b", re.IGNORECASE)
# A sentence that starts with the helper's promise, and a clause that goes on with it after a comma.
_PROMISE_FIRST = re.compile(r"\s*(?:(?:ok|okay|right|sure|so|great),?\s+)?(?:I|we)(?:'ll| will|'m going to| am going to| can)\b", re.IGNORECASE)
_AND_AFTER_COMMA = re.compile(r",\s+(?:and|then|and then|and also)\s+$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
_ACRONYM = re.compile(r"(?<![\w-])([A-Z]{2,6}[0-9]?)s?(?![\w-])")  # DNS, SSO, MP3; not KB0012
# Mixed-case technical tokens: vCPU, IPv6, eDiscovery-style names with two or more capitals in a row.
_TECH_TOKEN = re.compile(r"(?<![\w-])(?:[a-z][A-Z]{2,}[A-Za-z0-9]*|[A-Z]{2,}[a-z][0-9]+)(?![\w-])")
_EXPLAINED_AFTER = re.compile(
    r"""(?:\s*[\w'-]+){0,2}?['"]?\s*(?:\(|,\s*(?:which|that|a|an|the|or|meaning|i\.e\.|ie|basically|in other words|short for)\b|"""
    r"""\s-\s|:\s|\s(?:means|just means|stands for|(?:is|are) (?:just|basically|like|what|where|how|when|a|an|the|our|your|"""
    r"""some|something)|keeps|stores|remembers|lets|helps)\b)""",
    re.IGNORECASE,
)
_EXPLAINED_BEFORE = re.compile(
    r"(?:(?:called|known as|named|the so-called|what we call|we call it|it's called)\s*(?:an?\s+|the\s+)?['\"(]?"
    # the term as a label in brackets after the plain words: "the two-step check (MFA)"
    r"|\w\s*\((?:we call it |it's called |aka |or )?(?:an?\s+|the\s+)?)$", re.IGNORECASE)
# A step followed by what the helper will do with them ("grab a chair and I'll show you"), and a
# warning (a "don't" or a "stop"): with a promise of help neither is a bare order.
_PLAN_AFTER = re.compile(r"[^.!?;:]{0,60}?\band (?:we|I)(?:'ll| will| can)\b", re.IGNORECASE)
_PROHIBITION = re.compile(r"(?:please |pls |kindly )?(?:don't|do not|dont|never|stop)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|isn't|wasn't|aren't|n't)\b", re.IGNORECASE)

# Bounds that keep any input fast: context is read at most this far around a match, a sentence
# offers at most this many clause starts, a group looks at so many matches, and a code keeps at most
# this many findings.
CONTEXT = 300
MAX_CLAUSES = 40
MAX_PER_CODE = 50
MAX_CANDIDATES = 400  # phrase matches looked at per group; only pasted junk has more

WORKS_FIRST = ("acknowledges", "suggests", "open-door", "asks-setup")
CHANGE_ORDER = ("sarcasm", "non-apology", "order", "admonishing", "dismissive", "jargon", "boilerplate")
# Change codes that a quotation or a negator before them cancels ("I'd never say 'everyone knows'").
CONTEXTUAL = ("sarcasm", "non-apology", "order", "admonishing", "dismissive", "boilerplate")
# Groups whose words are quotation marks themselves (scare quotes), so a quote does not cancel them.
QUOTING = ("eye-roll", "scare-quotes")
# Groups that an honest limit with an alternative cancels ("I can't ..., because ..., so instead I've ...").
LIMIT_GROUPS = ("not-mine", "brush-off")


@dataclass(frozen=True)
class Match:
    code: str
    start: int
    end: int
    group: str
    message: str | None = None
    lesson: str | None = None


class Reply:
    """One reply, folded for matching, split into sentences."""

    def __init__(self, text: str):
        self.raw = text
        self.text = text.translate(_FOLD)
        self.sentences = self._split(self.text)
        self._starts = [s for s, _ in self.sentences]
        self.words = len(_WORD.findall(self.text))
        self.forward = False  # set by find(): whether the reply says what happens next
        self.context: Context | None = None  # set by rule_pass()

    @staticmethod
    def _split(text: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(text):
            if text[start:m.end()].strip():
                spans.append((start, m.end()))
            start = m.end()
        if text[start:].strip():
            spans.append((start, len(text)))
        return spans

    def sentence_at(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sentences[i][1]:
            return self.sentences[i]
        return (0, len(self.text))

    def clause_starts(self, start: int, end: int) -> list[int]:
        """Where a sentence's clauses begin: its start, after a colon or semicolon, after "If ...,"."""
        text = self.text
        heads = [start] + [m.end() for m in _CLAUSE_BREAK.finditer(text, start, end)]
        out = []
        for head in heads:
            while head < end and (text[head].isspace() or text[head] in "\"'"):
                head += 1
            cond = _CONDITION.match(text, head, end)  # "Next time it locks, ..." before "next" is a filler
            head = _FILLER.match(text, head, end).end()
            cond = cond or _CONDITION.match(text, head, end)
            out.append(head)
            if cond:
                out.append(_FILLER.match(text, cond.end(), end).end())
            if len(out) >= MAX_CLAUSES:
                break
        return out

    def comma_starts(self, start: int, end: int) -> list[int]:
        """Where a clause may begin after a comma (checked further by _AFTER_VERB)."""
        text = self.text
        out = []
        for m in itertools.islice(_COMMA.finditer(text, start, end), MAX_CLAUSES):
            out.append(_FILLER.match(text, m.end(), end).end())
        return out


@functools.cache
def _vader_lexicon() -> dict[str, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # lazy: ~20 ms to load

    return SentimentIntensityAnalyzer().lexicon


@functools.cache
def _easy_words() -> frozenset[str]:
    from importlib.resources import files

    text = files("textstat").joinpath("resources/en/easy_words.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


def _feeling_follows(reply: Reply, pos: int, end: int, r: Rules, mode: str = "any") -> bool:
    """A feeling word within four words after `pos`, not negated ("that's not complicated")."""
    limit = -1.5 if mode == "strong" else -1.0
    window = reply.text[pos:min(end, pos + 60)]
    words = list(_WORD.finditer(window))[:4]
    lexicon = _vader_lexicon()
    for i, w in enumerate(words):
        token = w.group().lower().strip("'")
        if mode == "any" and r.feeling_words.match(window, w.start()):
            hit = True
        else:
            hit = lexicon.get(token, 0.0) <= limit and token not in r.not_feelings
        if hit:
            before = window[: w.start()]
            if _NEGATION.search(before) and not re.match(r"(?:no|not) fun", window[w.start() - 4 if w.start() >= 4 else 0:], re.I):
                return False
            return True
    return False


def _is_question(reply: Reply, start: int, end: int, pos: int) -> bool:
    """Whether the clause of the sentence [start, end) holding `pos` asks something."""
    text = reply.text
    for m in re.finditer(r"[:;]", text[start:end]):
        cut = start + m.end()
        if cut <= pos:
            start = cut
        else:
            end = cut
            break
    clause = text[start:end].rstrip(" \"')]\n")
    return clause.endswith("?") or bool(_ASKING.search(text, start, end))


def _group_matches(reply: Reply, group: Group, r: Rules, found: dict[str, list[Match]]) -> list[Match]:
    text = reply.text
    out: list[Match] = []
    if group.imperative:
        candidates = []
        for s, e in reply.sentences:
            for head in reply.clause_starts(s, e):
                m = group.regex.match(text, head, e)
                if m and m.end() > m.start():
                    candidates.append(m)
                    break
            else:
                promise = _PROMISE_FIRST.match(text, s, e)
                for head in reply.comma_starts(s, e):
                    if promise and _AND_AFTER_COMMA.search(text, max(s, head - 16), head):
                        continue  # "I'll swap it on Thursday, and bring a spare": still the promise
                    m = group.regex.match(text, head, e)
                    if m and m.end() > m.start() and _AFTER_VERB.match(text, m.end(), e):
                        candidates.append(m)
                        break
    else:
        candidates = list(itertools.islice(group.regex.finditer(text), MAX_CANDIDATES))
    offers = found.get("suggests", [])
    orders = [x.start for x in found.get("order", [])]
    for m in candidates:
        if len(out) >= MAX_PER_CODE:
            break
        s, e = reply.sentence_at(m.start())
        s, e = max(s, m.start() - CONTEXT), min(e, m.end() + CONTEXT)  # a "sentence" may be 20,000 characters
        sentence = text[s:e]
        if any(p.search(text, s, m.start()) for p in group.unless_before):
            continue
        if any(p.search(sentence) for p in group.unless_sentence):
            continue
        if group.needs_in_sentence and not any(p.search(sentence) for p in group.needs_in_sentence):
            continue
        if group.question and not _is_question(reply, s, e, m.start()):
            continue
        if group.feeling and not _feeling_follows(reply, m.end(), e, r, group.feeling):
            continue
        if group.imperative and offers and offers[0].start < m.start():
            continue  # steps that follow an offer are part of the offer
        if group.code == "order" and _invites(reply, r, found, m.start(), s, e):
            continue  # "if it freezes again, text me the time": an invitation, not an order
        if group.needs == "order-sentence" and bisect.bisect_left(orders, s) == bisect.bisect_left(orders, e):
            continue  # no order in this sentence
        if group.unless_reply == "warm" and _is_warm(reply, found, m):
            continue
        out.append(Match(group.code, m.start(), m.end(), group.name, group.message, group.lesson))
    return out


_WATCH = re.compile(r"(?:please |pls |just )?(?:keep an eye on|watch|see how|give it (?:a|an|until|till|the))\b", re.IGNORECASE)


def _invites(reply: Reply, r: Rules, found: dict[str, list[Match]], pos: int, s: int, e: int) -> bool:
    """Whether the clause starting at `pos` invites them back rather than orders: an open door found
    in that clause ("if it freezes again, text me the time"), or after watching ("keep an eye on it
    and message me if ..."), or a contact verb whose sentence goes on to an open door ("bring them
    along, or drop them in this chat")."""
    text = reply.text
    doors_here = [x for x in found.get("open-door", ()) if x.end > pos and x.start < e]
    if not doors_here:
        return False
    cut = _CLAUSE_END.search(text, pos + 1, e)
    if doors_here[0].start < (cut.start() if cut else e):
        return True
    return bool(_WATCH.match(text, pos, e) or r.invite.match(text, pos, e))


def _is_warm(reply: Reply, found: dict[str, list[Match]], m: re.Match[str]) -> bool:
    """A warm, specific reply: it acknowledges the person (elsewhere) or does two things that work."""
    ack = [x for x in found.get("acknowledges", [])[:3] if not (x.start < m.end() and m.start() < x.end)]
    works = {c for c in WORKS_FIRST if found.get(c)}
    # or says what happened and what comes next in its own words ("mail is flowing again; I'll send you
    # a summary by end of day")
    told = [f for f in reply.context.forward if not (f[0] < m.end() and m.start() < f[1])]
    return reply.words >= 20 and (bool(ack) or len(works) >= 2 or len(told) >= 2)


def _jargon(reply: Reply, r: Rules) -> list[Match]:
    text = reply.text
    spans: list[tuple[int, int]] = []
    for group in r.groups["jargon"]:
        spans += [(m.start(), m.end()) for m in group.regex.finditer(text)]
    easy = None
    for m in _ACRONYM.finditer(text):
        word = m.group(1)
        if word in r.plain_acronyms:
            continue
        if word not in r.tech_acronyms:
            if easy is None:
                easy = _easy_words()
            if word.lower() in easy:
                continue  # shouting ("NOT", "NOW"), not an acronym
        spans.append((m.start(), m.end()))
    spans += [(m.start(), m.end()) for m in itertools.islice(_TECH_TOKEN.finditer(text), MAX_CANDIDATES)]
    out: list[Match] = []
    for start, end in sorted(set(spans)):
        if out and start < out[-1].end:
            continue  # overlaps the previous term
        if len(out) >= MAX_PER_CODE:
            break
        if _EXPLAINED_AFTER.match(text, end, min(len(text), end + 40)) or _EXPLAINED_BEFORE.search(text, max(0, start - 30), start):
            continue
        out.append(Match("jargon", start, end, "terms"))
    return out


_CLAUSE_END = re.compile(r"[,;:.!?\n)]")


def _to_clause_end(reply: Reply, m: Match, most: int = 60) -> Match:
    """The match, stretched to the end of its clause (at most `most` characters, whole words)."""
    text = reply.text
    s, e = reply.sentence_at(m.start)
    stop = _CLAUSE_END.search(text, m.end, e)
    end = stop.start() if stop else e
    if end - m.start > most:
        cut = text.rfind(" ", m.end, m.start + most)
        end = cut if cut > m.end else m.end
    end = max(m.end, len(text[:end].rstrip()))
    return Match(m.code, m.start, end, m.group, m.message, m.lesson)


class Context:
    """What the reply says as a whole: quotes, reasons, promises, alternatives, what comes next."""

    def __init__(self, reply: Reply):
        text = reply.text
        self.quotes = context.quote_spans(text)
        self.promise = bool(context.PROMISE.search(text))
        self.alternative = bool(context.ALTERNATIVE.search(text))
        self.reason = bool(context.REASON.search(text))
        self.forward = context.forward_spans(text)
        self.asks = "?" in text


def _in_context(reply: Reply, ctx: Context, x: Match) -> bool:
    """Whether a "change" match means what it says here (not quoted, not negated, not excused)."""
    text = reply.text
    if x.group not in QUOTING and context.in_quote(ctx.quotes, x.start, x.end):
        return False
    s, e = reply.sentence_at(x.start)
    if x.group.startswith("reader-"):
        # the clause readers weigh negation themselves ("not sure how this got past you" still blames);
        # only a rejected phrase cancels them ("I'd never say ...", "I won't bore you with ...")
        if readers.REJECTED.search(text, s, x.start):
            return False
    elif x.code != "order" and context.negated(text, s, x.start):
        return False
    if x.code == "order" and _PLAN_AFTER.match(text, x.end, e):
        return False  # "come to the desk at 2 and we'll sort a spare": a plan made together
    if x.code == "order" and ctx.promise and _PROHIBITION.match(text, x.start, e):
        return False  # "please don't type anything else into that page ... I'm resetting it now": a warning from a helper
    if x.code == "order" and ctx.promise:
        # An urgent instruction given with its reason (just before, in it or just after), from someone
        # who is coming to help.
        i = bisect.bisect_right(reply._starts, x.start)
        nxt = reply.sentences[i] if i < len(reply.sentences) else (e, e)
        before = reply.sentences[i - 2][0] if i >= 2 else s
        if context.REASON.search(text, before, nxt[1]):
            return False
    if x.code == "dismissive" and x.group in LIMIT_GROUPS and ctx.alternative and ctx.reason:
        return False
    if x.code == "dismissive" and x.group == "refusal" and (ctx.alternative or ctx.reason):
        return False  # a no with a reason or another way is an honest limit
    if x.code == "dismissive" and x.group == "your-side" and (ctx.alternative or ctx.asks):
        return False  # a guess about their setup, with an offer to look or a question about it
    return True


def _imperative_clauses(reply: Reply, r: Rules) -> int:
    groups = [g for g in r.groups.get("order", ()) if g.imperative]
    count = 0
    for s, e in reply.sentences[:200]:
        for head in reply.clause_starts(s, e):
            if any(g.regex.match(reply.text, head, e) for g in groups):
                count += 1
    return count


def _read(reply: Reply, ctx: Context, code: str, found: dict[str, list[Match]]) -> list[Match]:
    """What the clause readers (readers.py) find for `code`, beyond the phrase lists."""
    if code == "acknowledges":
        spans = readers.acknowledgement(reply)
    elif code == "suggests":
        spans = readers.offers(reply)
    elif code == "sarcasm":
        spans = readers.mockery(reply)
    elif code == "admonishing":
        spans = readers.blame(reply)
        if found.get("sarcasm") and readers.mockery_implies(reply)[0]:
            x = found["sarcasm"][0]
            spans.append((x.start, x.end, "mocks-mistake"))
    elif code == "dismissive":
        sarcasm = [(x.start, x.end) for x in found.get("sarcasm", [])]
        helps = any(found.get(c) for c in ("suggests", "open-door", "asks-setup")) or any(
            not any(a <= m.start() < b for a, b in sarcasm) for m in readers._HELP.finditer(reply.text))
        spans, reassure = readers.brush_off(reply, found, helps)
        if reassure and "sarcasm" not in found:
            found.setdefault("acknowledges", []).extend(Match("acknowledges", s, e, g) for s, e, g in reassure)
        if sarcasm and readers.mockery_implies(reply)[1]:
            spans.append((found["sarcasm"][0].start, found["sarcasm"][0].end, "mocks-problem"))
    else:
        return []
    out = [Match(code, s, e, f"reader-{g}") for s, e, g in spans]
    if code in WORKS_FIRST:
        out = [x for x in out if not context.in_quote(ctx.quotes, x.start, x.end)]
    return out


def find(text: str) -> tuple[Reply, dict[str, list[Match]]]:
    """Every finding in `text`, by code, in the order they appear."""
    r = rules()
    reply, found = rule_pass(text)
    # The learned layer (learned.py): a code the rules missed, found by a small logistic regression over
    # the reply's words, shapes and the rules' other findings, pointing at its highest-scoring clause.
    for code, matches in learned.detect(reply, found).items():
        found[code] = matches
    if "sarcasm" in found and found["sarcasm"][0].group == "learned":
        # mockery the model found is blame or a brush-off by the same reading as the rules' (readers.py)
        x = found["sarcasm"][0]
        blame, brush = readers.mockery_implies(reply)
        for code, implied, group in (("admonishing", blame, "mocks-mistake"), ("dismissive", brush, "mocks-problem")):
            if implied and code not in found:
                found[code] = [Match(code, x.start, x.end, f"reader-{group}")]
    return reply, _settle(reply, found, r)


def rule_pass(text: str) -> tuple[Reply, dict[str, list[Match]]]:
    """What the phrase lists and clause readers find, code by code, before the learned layer and
    before the findings are settled (what the learned layer reads as its cues)."""
    r = rules()
    reply = Reply(text)
    ctx = reply.context = Context(reply)
    found: dict[str, list[Match]] = {}
    for code in (*WORKS_FIRST, *CHANGE_ORDER):
        if code == "jargon":
            matches = _jargon(reply, r)
        else:
            matches = []
            for group in r.groups.get(code, ()):
                matches += _group_matches(reply, group, r, found)
            if code == "open-door":
                # an open door read clause by clause (doors.py), and no phrase that is negated, grudging
                # or a reproach ("don't contact us again", "ring me if you must", "you could have called")
                matches = [x for x in matches if doors.door_in_context(reply, x.start)]
                matches += doors.open_doors(reply)
            matches += _read(reply, ctx, code, found)
        if code in CONTEXTUAL:
            matches = [x for x in matches if _in_context(reply, ctx, x)]
        if code == "dismissive" and any(found.get(c) for c in ("order", "suggests", "open-door")):
            # a no that says what to do instead ("We don't do remote fixes. Bring it to the IT office.")
            matches = [x for x in matches if x.group != "refusal"]
        if code == "dismissive" and any(found.get(c) for c in ("suggests", "asks-setup")):
            # "it works here" with a question about their setup or an offer to look is not a brush-off,
            # nor is "it's a small thing" or "not something I can fix" next to an offer of another way
            matches = [x for x in matches if x.group not in ("works-fine", "your-side", "minimising", "not-mine")]
        if code == "dismissive" and found.get("suggests"):
            # "you could also just save it as a PDF": a "just" inside an offer is part of the offer
            offered = {reply.sentence_at(x.start) for x in found["suggests"]}
            matches = [x for x in matches if not (x.group == "just-do-it" and reply.sentence_at(x.start) in offered)]
        if code == "dismissive":
            # an honest limit: "not something I can fix from here ... until then your calls go to your
            # mobile, which I've set up": the helper does something about it in another sentence
            def _helps_elsewhere(x: Match) -> bool:
                here = reply.sentence_at(x.start)
                return any(reply.sentence_at(m.start()) != here for m in readers._HELP.finditer(reply.text))
            matches = [x for x in matches if not (x.group == "not-mine" and re.match(r"not something (?:I|we) can", reply.text[x.start:x.end + 10], re.I)
                                                  and _helps_elsewhere(x))]
        matches.sort(key=lambda x: (x.start, -x.end))
        kept: list[Match] = []
        for x in matches:
            if kept and x.start < kept[-1].end:
                continue  # overlaps the previous finding of the same code
            kept.append(x)
            if len(kept) >= MAX_PER_CODE:
                break
        if kept:
            found[code] = kept
    return reply, found


def _settle(reply: Reply, found: dict[str, list[Match]], r: Rules) -> dict[str, list[Match]]:
    """The findings settled: sarcasm voids the kind-sounding parts, spans reach their clause's end, and
    the whole-reply findings (too long, what comes next, no next step, brief) are added."""
    text, ctx = reply.text, reply.context
    # Sarcasm makes the kind-sounding parts mock-kind: they are not praised.
    if "sarcasm" in found:
        for code in WORKS_FIRST:
            found.pop(code, None)
    # Drop a "works" finding that sits inside a "change" finding (e.g. "sorry" inside boilerplate),
    # or that overlaps a non-apology, and let the others, and orders, point at their whole clause
    # ("I'm sorry you've been locked out").
    change_spans = [(x.start, x.end) for c in CHANGE_ORDER for x in found.get(c, [])]
    regret_spans = [(x.start, x.end) for x in found.get("non-apology", [])]
    for code in (*WORKS_FIRST, "order"):
        if code in found:
            inside = code != "order"
            kept = [x for x in found[code] if not (inside and any(s <= x.start and x.end <= e for s, e in change_spans))]
            if code == "acknowledges":
                kept = [x for x in kept if not any(x.start < e and s < _to_clause_end(reply, x).end for s, e in regret_spans)]
            stretched: list[Match] = []
            for x in (_to_clause_end(reply, x) for x in kept):
                if stretched and x.start < stretched[-1].end:
                    continue  # "Which device are you on" already covers "are you on"
                stretched.append(x)
            found[code] = stretched
            if not found[code]:
                del found[code]
    end = len(text.rstrip())
    # Too much at once: many steps, or many words.
    n_steps = context.steps(reply.text, _imperative_clauses(reply, r)) if reply.words >= 12 else 0
    if n_steps >= context.MANY_STEPS or reply.words > context.LONG_WORDS:
        found["too-long"] = [Match("too-long", 0, end, "steps" if n_steps >= context.MANY_STEPS else "words")]
    # What moves them forward: an offer, an open door, a question, a step, or what happens next.
    moves = any(found.get(c) for c in ("suggests", "open-door", "asks-setup", "order"))
    questions = [(s, e) for s, e in reply.sentences if reply.text[s:e].rstrip(" \"')]\n").endswith("?")]
    blocked = [(x.start, x.end) for c in ("sarcasm", "admonishing") for x in found.get(c, [])]
    questions = [(s, e) for s, e in questions if not any(s <= a < e for a, _ in blocked)]
    steps_given = _imperative_clauses(reply, r) > 0
    nexts = [span for span in ctx.forward if not any(a <= span[0] < b for a, b in blocked)]
    forward = moves or bool(questions) or steps_given or bool(nexts)
    reply.forward = forward
    changes = [reply.sentence_at(x.start) for c in CHANGE_ORDER for x in found.get(c, [])]
    shown = [span for span in nexts if not any(a <= span[0] < b for a, b in changes)]
    if shown and not any(found.get(c) for c in ("suggests", "open-door")):
        s0 = shown[0][0]
        found["next-step"] = [_to_clause_end(reply, Match("next-step", s0, shown[0][1], "next", None), 90)]
    # A script's or a non-apology's kind words are that finding's own matter: regret for how they feel
    # is a non-apology, not sympathy with nothing next.
    scripted = [(x.start, x.end) for c in ("boilerplate", "non-apology") for x in found.get(c, [])]
    kind_words = [m for m in itertools.islice(context.SYMPATHY.finditer(reply.text), 50)
                  if not any(a <= m.start() < b for a, b in scripted)]
    mocking = any(found.get(c) for c in ("sarcasm", "dismissive", "admonishing"))  # kind words there are not kindness
    if not forward and not mocking and (kind_words or found.get("acknowledges")):
        found["no-next-step"] = [Match("no-next-step", 0, end, "nothing-next")]
    if reply.words < 15 and not any(found.get(c) for c in (*WORKS_FIRST, *CHANGE_ORDER, "no-next-step")):
        found["brief"] = [Match("brief", 0, end, "short")]
    return found
