"""Open doors, read clause by clause: does the reply invite the person back, in any wording?

Four ways a reply leaves the door open:

- **contact**: a contact verb aimed at the helper ("text me", "give us a bell", "drop me a line",
  "knock on my door", "write back", "pop by") said as an invitation: with a condition or an open time
  ("if it freezes again", "any time", "should you need anything", "for any doubt"), or in an inviting
  frame ("feel free to", "don't hesitate to", "you can always", "you're welcome to"), or as a plain
  "ring me" with nothing asked for. Not a request for something ("email me the log"), not negated
  ("don't contact us again", "no need to get back to me"), not someone else's contact ("they'll call
  me", "why didn't you message me", "you could have called").
- **check-in**: the helper will look in, check back or update them later ("I'll check in on Friday",
  "I'll pop back at four to see it's still on", "I'll keep you posted", "I'll message you when it's
  done"). Not a promise to act ("I'll be at your desk in ten minutes", "I'll call the supplier").
- **available**: where and until when they can find the helper ("I'm around all afternoon in case",
  "I'm only a ping away", "I remain at your disposal"). Not "I'm around the corner fixing another".
- **hand-over**: a colleague who expects them ("she's expecting your call", "he's your man", "ask for
  Sam at reception, she knows about it").

The word lists live in phrases/words.yaml (door_verbs, door_targets, ...); the frames are here.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from empathydesk.coach.data import rules, whole_words

if TYPE_CHECKING:  # pragma: no cover
    from empathydesk.coach.engine import Match, Reply

FLAGS = re.IGNORECASE

# Where a clause begins inside a sentence: punctuation, a dash, or a joining word.
_CUT = re.compile(r"[,;:()\u2014\u2026]|\s-\s|\b(?:and|but|or|so|then|because|as)\b|\.\.\.", FLAGS)

_FILL = (r"(?:please|pls|plz|kindly|just|simply|do|then|so|and|or|also|now|but|ok|okay|oh|sure|again|otherwise|"
         r"else|hey|yeah|yes|honestly|by all means|of course|definitely|always|maybe|perhaps|of course|naturally|"
         r"really|still|feel free and|instead)")
_FILLERS = rf"(?:{_FILL}\s+)*"
# The words before a contact verb in its clause, by what they make of it.
_LEAD_IMPERATIVE = re.compile(rf"^{_FILLERS}(?:please to\s+)?(?:(?:come|go|pop|run|head|nip)(?:\s+(?:over|up|down|round|along|on))?\s+)?$", FLAGS)
_LEAD_INVITING = re.compile(
    rf"^{_FILLERS}(?:"
    r"(?:please\s+)?(?:feel (?:free|welcome)|be free|(?:never|don't|dont|do not) (?:hesitate|be shy|be afraid|think twice|wait)(?: (?:for|in))?|"
    r"(?:make sure|be sure|remember) (?:you |to )?|you(?:'re| are)(?: always| more than| very| most| really)? (?:welcome|free)|"
    r"(?:I'm|I am|we're|we are) (?:always |more than |very )?happy for you|there's no (?:harm|shame) in)\s*(?:to|about)?\s+"
    r"|(?:you|u) (?:can|could|may|might|are able to)(?:\s+(?:always|also|just|still|simply|easily|of course|then|too|certainly|"
    r"absolutely|definitely|anytime|any time|always just|even|freely))*\s+"
    r"|(?:it's|it is) (?:fine|ok|okay|alright|all right|no bother|no trouble|never a bother) to\s+"
    r")" + rf"{_FILLERS}(?:(?:come|go|pop|run|head|nip)(?:\s+(?:over|up|down|round|along|on))?\s+)?$",
    FLAGS,
)
# "If it persists kindly revert": a condition, then a word that marks what follows as a request.
_IMPERATIVE_END = re.compile(r"\b(?:please|pls|plz|kindly|just|do|simply)\s+$", FLAGS)
# "Could you ring me if ...", and "you call me" in non-native English: an invitation with a condition.
_LEAD_ASKING = re.compile(rf"^{_FILLERS}(?:(?:could|can|would|will) (?:you|u)|(?:you|u))(?:\s+(?:please|just|kindly|maybe|then))*\s*$", FLAGS)
# "If it happens again call me", "Whenever it freezes ping me", "If you ring me ...": a condition first.
_LEAD_CONDITION = re.compile(
    rf"^{_FILLERS}(?:if|when|whenever|should|next time|any ?time|in case|once|as soon as|the (?:moment|minute|second)|if ever|any)\b",
    FLAGS,
)
# ... but not when someone else does the contacting in it ("if they call me", "when I rang").
_LEAD_OTHER_SUBJECT = re.compile(
    r"\b(?:I|we|they|he|she|someone|somebody|anyone|it|this|that|who)(?:'ll|'d|'ve| will| would| can| could| did| had| have| should| might)?\s+(?:\w+\s+)?$",
    FLAGS,
)
# Not an invitation: negated, counterfactual or reproachful ("don't ring me", "no need to get back to
# me", "you wouldn't need to ask me", "could have called", "why didn't you").
_NEGATED = re.compile(
    r"(?:\b(?:don't|dont|do not|never|not|no need to|no point|needn't|won't|wouldn't|shouldn't|can't|cannot|didn't|"
    r"stop|quit|instead of|rather than|before|without)|n't)\s+(?:(?:need|have|bother|ever|even|just|please|you|really|"
    r"go|to|be|again|keep|always|have to|need to|feel you need to|feel you have to)\s+){0,3}$",
    FLAGS,
)
_NOT_NEGATING = re.compile(r"\b(?:hesitate|shy|afraid|think twice|a stranger|suffer|wait)\b", FLAGS)
_REPROACH = re.compile(
    r"\b(?:could|should|would|might|must)(?:'ve| have)\b|\bwhy (?:didn't|did|don't|do|haven't|wouldn't)\b|\bI (?:did )?(?:told|asked|said)\b|\bdid say\b",
    FLAGS,
)
_GRUDGING = re.compile(
    r"\bif you (?:really |absolutely )?(?:must|have to|insist)\b|\bfor all the good\b|\bI suppose\b|"
    r"\bbut (?:they|it|that|we)(?:'ll| will)? (?:just|only|won't|can't)\b",
    FLAGS,
)
# What comes right after "call me": a thing asked for ("email me the log", "reply with your number").
_OBJECT = re.compile(
    r"\s*(?:back\s+)?(?:with\s+)?(?:the|your|ur|a|an|some|those|these|his|her|their|all|both|every|\d+|it|them|this|that)\b"
    r"(?!\s+(?:quick |short |little |brief |friendly )?(?:line|note|message|msg|email|e-mail|mail|text|call|ring|bell|buzz|"
    r"shout|ping|dm|pm|nudge|visit|knock|holler|tinkle|moment|minute|sec|second|time|day|week|try|heads-up|way|one)\b)",
    FLAGS,
)
# "I'll keep an eye on it overnight and let you know": a second verb after the helper's promise.
_FUTURE_AND = re.compile(
    r"\b(?:I|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are going to)\s+[^.!?,;]{1,60}?\band\s+(?:then\s+|also\s+)?$"
    r"|\band (?:I'll |we'll |I will |we will )?will\s+$|\band will\s+(?:also\s+)?$",
    FLAGS,
)
# "Will check in tomorrow.", "Ok, will keep you posted": a terse promise with no subject, at the start.
_BARE_FUTURE = re.compile(
    r"\s*(?:(?:ok|okay|sure|great|thanks|cheers|right|np|no worries|done|sorted|fixed)[,!.]?\s+)?(?:and\s+)?"
    r"(?:will|shall|gonna|going to)\s+(?:also\s+|then\s+|definitely\s+)?",
    FLAGS,
)
_OTHER_FUTURE = re.compile(
    r"\b(?:someone|somebody|one of us|(?:our|the) (?:\w+ )?team|(?:a|my) colleague|(?-i:[A-Z][a-z]+)(?: from [\w ]{1,30}?)?)"
    r"(?:'ll| will| is going to)\s+(?:also\s+|then\s+)?$",
    FLAGS,
)
# Why the helper comes back: to see how it holds up, not to do the job ("to check your PC").
_FOLLOW_UP = re.compile(
    r"\b(?:to|and|so I can|so we can)\s+(?:just\s+|quickly\s+)?(?:(?:check|see|make sure|be sure|confirm|double-check)\s+"
    r"(?:that\s+|if\s+|whether\s+|how\s+)?(?:it|it's|its|everything|everything's|all|things|you|you're|nothing|the \w+(?:'s| is| are| has| still| works| held))\b|"
    r"(?:ask|find out|hear)\s+how\b|answer (?:any|your) questions|look in\b|catch up)|\bhow (?:it|you|things|everything)\b|"
    r"\bjust to be (?:sure|safe)\b",
    FLAGS,
)
# "Questions? Bring them along.": a question about trouble before makes the next sentence conditional.
_TROUBLE_QUESTION = re.compile(
    r"\s*(?:any\s+)?(?:(?:more|other|further)\s+)?(?:questions?|problems?|issues?|trouble|worries|queries|concerns|doubts|"
    r"hiccups?|niggles|still (?:stuck|not working|broken|having trouble)|stuck|need (?:a hand|help|anything))\b[^.!?]{0,30}\?\s*",
    FLAGS,
)
_URGENT = re.compile(r"\s*(?:back\s+)?(?:now|right now|immediately|asap|urgently|at once|right away|straight away)\b", FLAGS)
# What may follow a plain "ring me" that is still only an invitation.
_PLAIN_TAIL = re.compile(
    r"\s*(?:(?:back|directly|again|any ?time|whenever|too|as well|on [\w\s.-]{1,30}?|at [\w\s.-]{1,30}?|via \w+|in \w+|by \w+|"
    r"either way|if you like|if you want|[\U0001F300-\U0001FAFF\u2600-\u27BF]|x+|:\)|:-\))\s*)*(?:[.!,;)]|$)",
    FLAGS,
)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    r = rules()
    w = r.words

    def alt(name: str) -> str:
        bad = [x for x in w[name] if not isinstance(x, str)]
        if bad:
            raise ValueError(f"words.yaml: {name}: {bad[0]!r} is not text (put it in quotes)")
        return "(?:" + "|".join(w[name]) + ")"

    verbs, targets, nouns = alt("door_verbs"), alt("door_targets"), alt("door_contact_nouns")
    return {
        # "text me", "write to us", "ring the desk", "forward it straight to me", "knock on my door",
        # "give us a bell", "drop me a line", "hit me up"
        "contact": re.compile(
            whole_words(
                rf"(?P<verb>{verbs})(?P<mid>(?:\s+(?!(?:and|but|or|if|when|so)\b)[\w'-]+){{0,4}}?)\s+"
                rf"(?:(?:to|for|at|on|in|into|with|by|onto|round to|over to|up to|down to|across to)\s+)?(?P<target>{targets})"
                rf"(?:\s+(?:a|an)\s+(?:quick |short |little |brief |friendly )?{nouns})?"
            ),
            FLAGS,
        ),
        # "give us a bell", "give a shout": the contact is the noun
        "give": re.compile(whole_words(rf"(?P<verb>give|gimme|send|drop|flick|shoot|fire)(?P<mid>)\s+(?:(?P<target>{targets})\s+)?(?:a|an)\s+(?:quick |short |little |brief |friendly )?{nouns}"), FLAGS),
        # Contact verbs that need no one named: "reply", "write back", "pop by", "shout", "just ask"
        "helper": re.compile(whole_words(rf"(?P<verb>{alt('door_helper_verbs')})(?P<mid>)(?P<target>)"), FLAGS),
        "pure": re.compile(whole_words(alt("door_pure_verbs")), FLAGS),
        "condition": re.compile(whole_words(alt("invite_conditions") + "|" + alt("door_conditions")), FLAGS),
        "checkin": re.compile(whole_words(alt("door_checkins")), FLAGS),
        "update": re.compile(whole_words(alt("door_updates")), FLAGS),
        "update_when": re.compile(alt("door_update_frames"), FLAGS),
        "visit": re.compile(whole_words(alt("door_visits")), FLAGS),
        "available": re.compile(whole_words(alt("door_available")), FLAGS),
        "available_framed": re.compile(whole_words(alt("door_available_framed")), FLAGS),
        "available_frame": re.compile(whole_words(alt("door_available_frames")), FLAGS),
        "handover": re.compile(whole_words(alt("door_handovers")), FLAGS),
        "handover_weak": re.compile(whole_words(alt("door_handovers_weak")), FLAGS),
        "future": re.compile(
            r"\b(?:let's|let us|I|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are going to|'m gonna|'d like to| would like to|"
            r"'d love to| plan to| intend to| aim to| hope to| want to| can| could|'m| am|'re| are| also)?"
            r"(?:\s+(?:also|then|just|definitely|certainly|quickly|personally|happily|gladly|still|probably|try to|be|make sure to|"
            r"make a point of|anyway|first thing|tomorrow|later|again|too))*\s+$",
            FLAGS,
        ),
    }


def _overlapping(pattern: re.Pattern[str], text: str, s: int, e: int, most: int = 20):
    """Matches that may overlap ("find, ping me": "find" is not the contact, "ping me" is)."""
    pos = s
    for _ in range(most):
        m = pattern.search(text, pos, e)
        if m is None:
            return
        yield m
        pos = m.start() + 1


def _clause_lead(text: str, s: int, pos: int) -> str:
    """The words of the clause before `pos` (from the last comma, dash or joining word)."""
    before = text[max(s, pos - 160):pos]
    cuts = list(_CUT.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    return before.lstrip(" \"'([").rstrip(" ") + (" " if before.strip() else "")


def _negated(text: str, s: int, pos: int) -> bool:
    """A negator right before the verb, in its clause ("don't ring me", "no need to get back to me")."""
    lead = _clause_lead(text, s, pos)
    if not lead:
        # "Please don't, ring me" is odd; but "No need to, ..." is its own clause: nothing to negate here.
        return False
    m = _NEGATED.search(lead)
    return bool(m) and not _NOT_NEGATING.search(lead[m.start():])


def _contact(reply: "Reply", s: int, e: int, p: dict[str, re.Pattern[str]], has_condition: bool) -> tuple[int, int] | None:
    text = reply.text
    for key in ("contact", "give", "helper"):
        for m in _overlapping(p[key], text, s, e):
            start = m.start()
            lead = _clause_lead(text, s, start)
            if _negated(text, s, start):
                continue
            if _REPROACH.search(text[max(s, start - 40):start]):
                continue
            after = m.end()
            asks_for = bool(_OBJECT.match(text, after, e)) or bool(
                re.search(r"\b(?:the|your|ur|a|an|some|it|them|this|that)\b", m.group("mid") or "", FLAGS)
            )
            if key == "give" and asks_for and not m.group("mid"):
                asks_for = bool(_OBJECT.match(text, after, e))
            pure = bool(p["pure"].match(m.group("verb"))) or key == "give"
            if _LEAD_INVITING.match(lead):
                ok = True
            elif _LEAD_IMPERATIVE.match(lead):
                if has_condition:
                    ok = True
                elif key == "helper":
                    # "Just shout.", "Ask away!", and a reply that ends on "Reach out.": a standalone invitation
                    ok = bool(re.match(r"\s*(?:(?:out|to (?:me|us)|any ?time|away)\s*)?(?:[.!]|$)", text[after:e], FLAGS)) and (
                        bool(re.search(r"\b(?:just|please|do)\b", lead, FLAGS)) or e >= len(text.rstrip()) - 2)
                else:
                    ok = pure and not asks_for and not _URGENT.match(text, after, e) and bool(_PLAIN_TAIL.match(text, after, e)) \
                        or (not asks_for and bool(re.match(r"\s*(?:,\s*)?and (?:I|we)(?:'ll| will| can)\b", text[after:e], FLAGS)))
            elif (key != "helper" or _IMPERATIVE_END.search(lead)) and (_LEAD_ASKING.match(lead) or _LEAD_CONDITION.match(lead)):
                if _LEAD_CONDITION.match(lead) and _LEAD_OTHER_SUBJECT.search(lead) and not re.search(r"\byou\s+(?:\w+\s+)?$", lead, FLAGS):
                    continue  # "if they call me"
                ok = has_condition or bool(_LEAD_CONDITION.match(lead))
            else:
                ok = False
            if ok:
                return start, m.end()
    return None


def _checkin(reply: "Reply", s: int, e: int, p: dict[str, re.Pattern[str]]) -> tuple[int, int] | None:
    """The helper will look in, check back or update them later."""
    text = reply.text
    for key in ("checkin", "update", "visit"):
        for m in p[key].finditer(text, s, e):
            start = m.start()
            before = text[max(s, start - 80):start]
            subject = p["future"].search(before) or _FUTURE_AND.search(before) or _BARE_FUTURE.fullmatch(text, s, start)
            if subject is None:
                # someone else on the team who will follow up: "Someone will call you tomorrow to check it held"
                subject = _OTHER_FUTURE.search(before)
                if subject is None or not _FOLLOW_UP.search(text, m.end(), e):
                    continue
            if key == "update" and not p["update_when"].match(text, m.end(), e):
                continue  # "I'll call you at 2 to walk you through it": an appointment, not a check-in
            if key == "visit" and not _FOLLOW_UP.search(text, m.end(), e):
                continue  # "I'll come over at 2 and replace it": a promise to act
            return (subject.start() if subject.re is _BARE_FUTURE else max(s, start - 80) + subject.start()), m.end()
    return None


def _available(reply: "Reply", s: int, e: int, p: dict[str, re.Pattern[str]]) -> tuple[int, int] | None:
    text = reply.text
    m = p["available"].search(text, s, e)
    if m and not _negated(text, s, m.start()):
        return m.start(), m.end()
    for m in p["available_framed"].finditer(text, s, e):
        if _negated(text, s, m.start()):
            continue
        if p["available_frame"].search(text, m.end(), e) or p["available_frame"].search(text, s, m.start()):
            return m.start(), m.end()
    return None


def _handover(reply: "Reply", s: int, e: int, p: dict[str, re.Pattern[str]], has_condition: bool) -> tuple[int, int] | None:
    text = reply.text
    m = p["handover"].search(text, s, e)
    if m and not _negated(text, s, m.start()):
        return m.start(), m.end()
    m = p["handover_weak"].search(text, s, e)
    if m and has_condition and not _negated(text, s, m.start()):
        return m.start(), m.end()
    return None


# What the coach says for the ways that are not a plain invitation (the others use open-door's message).
MESSAGES = {
    "check-in": 'Nice: "{quote}" tells them you will check back, so they are not left alone with it.',
    "hand-over": 'Nice: "{quote}" tells them who to go to next, and that this person expects them.',
}


def open_doors(reply: "Reply") -> list["Match"]:
    """Every open door in the reply, one per sentence at most, by the first way found."""
    from empathydesk.coach.engine import Match

    p = _patterns()
    text = reply.text
    out: list[Match] = []
    for i, (s, e) in enumerate(reply.sentences[:200]):
        e = min(e, s + 400)
        sentence = text[s:e]
        if _GRUDGING.search(sentence):
            continue
        has_condition = (bool(p["condition"].search(text, s, e)) or bool(re.match(r"\s*any(?:thing|one|body)?\b[^,.!?]{1,40},", sentence, FLAGS))
                         or (i > 0 and bool(_TROUBLE_QUESTION.fullmatch(text, *reply.sentences[i - 1]))))
        for name, found in (
            ("contact", _contact(reply, s, e, p, has_condition)),
            ("check-in", _checkin(reply, s, e, p)),
            ("available", _available(reply, s, e, p)),
            ("hand-over", _handover(reply, s, e, p, has_condition)),
        ):
            if found:
                out.append(Match("open-door", found[0], found[1], name, MESSAGES.get(name)))
                break
    return out


def door_in_context(reply: "Reply", start: int) -> bool:
    """Whether an open door found by a phrase list means it: not negated, not grudging, not a reproach
    ("don't contact us again", "ring me if you must", "you could have called me")."""
    text = reply.text
    s, e = reply.sentence_at(start)
    if _GRUDGING.search(text, s, e):
        return False
    if _negated(text, s, start):
        return False
    if _REPROACH.search(text[max(s, start - 40):start]):
        return False
    return True
