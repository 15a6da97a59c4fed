"""Context around a phrase: quotation, negation, reasons and promises, and what moves a reply forward.

These rules read the reply as a whole, so that a stock phrase counts only where it means what it says:
"I'd never say 'everyone knows'" quotes and rejects a phrase; "please unplug it now, it could catch
fire; I'm on my way" is an urgent instruction, not an order; "I can't, because ..., so instead I've
..." is an honest limit, not a brush-off.
"""

from __future__ import annotations

import re

_Q = re.compile(r"""(?<![\w])(['"])(?=\S)(.{1,80}?)(?<=\S)\1(?![\w])""")

# A negator whose scope reaches the phrase: in the same clause, at most six words before it.
_NEGATED = re.compile(
    r"(?:\b(?:not|never|no one|no-one|nobody|hardly|rather than|instead of|without|nor)\b|n't\b)"
    r"(?:[\s,]+[\w'-]+){0,6}?[\s,]*(?:['\"]\s*)?$",
    re.IGNORECASE,
)
_CLAUSE_CUT = re.compile(r"[.;:!?\n]|,\s*(?:but|and|so|because|though|although|however|yet)\b|\bbut\b", re.IGNORECASE)

REASON = re.compile(
    r"\b(?:because|since|as (?:it|the|that|this|they|there|your|we)|so (?:that|it|nobody|no one|you|we)|otherwise|"
    r"in case|or (?:it|else|you)|could (?:start|catch|wipe|lose|break|damage|spread|leak|burn|hurt|shock)|"
    r"might (?:wipe|lose|break|damage|spread)|(?:it|this|that) (?:is|was|'s) (?:halfway|still|melting|leaking|smoking|sparking|"
    r"infected|compromised|hot)|(?:was|were|has been|have been) (?:seen|leaked|stolen|posted|shared|compromised|hacked)|"
    r"(?:could|would|might|will|may|can) (?:\w+ )?(?:start|catch|wipe|lose|break|damage|spread|leak|burn|hurt|shock|delete|corrupt|infect|stop|mean|carry|have|"
    r"overheat|explode|melt|reach|fry|short|lock|kill)|could be (?:anything|dangerous|infected|live|a virus|malware)|"
    r"(?:isn't|is not|not) safe|(?:goes|will go|is going|going) (?:off|down)|before anything (?:changes|is \w+)|"
    r"(?:I|we) (?:need|want|have) to (?:see|check|look at|keep)|what (?:I|we) need to see|"
    r"or (?:the \w+|they|we|everything|all \w+) (?:\w+ )?(?:will|would|could|might|shut|go|get|lose|break|overheat|stop|fail|crash|melt)|"
    r"catch(?:es|ing)? fire|smells? (?:of|like) (?:burning|smoke)|(?:is|'s) (?:still )?live\b|(?:stops?|keeps?|prevents?) (?:it|them|this|that) (?:from )?\w+ing|"
    r"lets? (?:them|someone|him|her|it|anyone) in|(?:someone|somebody|they)(?:'s| is| are|'re)? (?:else )?trying to|"
    r"(?:carries|has|contains|is) (?:a )?(?:virus|malware)|spreads?|infected|phishing|scam|"
    r"to (?:stop|keep|avoid|protect|prevent|make sure)|it(?:'s| is) (?:not safe|unsafe|dangerous)|for (?:safety|security)|"
    r"(?:it's|it is|that's|that is|they're|they are) (?:currently |now |still )?(?:tripping|overheating|leaking|smoking|burning|"
    r"sparking|spreading|flooding|taking down|knocking out|corrupting|deleting|wiping|locking out|infecting))\b",
    re.IGNORECASE,
)
PROMISE = re.compile(
    r"\b(?:I(?:'ll| will| am going to|'m going to| shall)|we(?:'ll| will| are going to|'re going to))\s+(?!be (?:happy|glad)\b)"
    r"(?:\w+ ){0,2}?(?:come|be|bring|call|ring|phone|stay|send|fix|sort|set|check|look|make|get|pop|run|head|swap|replace|"
    r"email|update|connect|help|meet|install|restore|walk|show|handle|take|chase|join|text|follow|keep|let|do|collect|scan|"
    r"pick|fetch|confirm|attend|escort|clean|test|wipe|unlock|order|book|raise|print)\b"
    r"|\bI(?:'m| am) (?:on my way|coming|heading|pushing|installing|updating|rebuilding|renewing|restarting|swapping|bringing|making|setting|sending|connecting|calling|looking|checking|chasing|"
    r"on it|walking|running|popping|cutting|switching|turning|resetting|locking|blocking|fixing|sorting|restoring|"
    r"ordering|booking|replacing|moving)\b|\b(?:\w+ and I|we) (?:are|'re) (?:on our way|coming|heading)\b|\b(?:an?|the|our) (?:engineer|technician|electrician|colleague|team) (?:will|is going to) (?:come|attend|be)\b|\bbe (?:there|with you|over|up|down) (?:in|within|at|by|shortly|soon|now)\b",
    re.IGNORECASE,
)
ALTERNATIVE = re.compile(
    r"\b(?:instead|what (?:I|we) can do|but (?:I|we)(?:'ve| have|'ll| will| can| could|'m| am)|so (?:I|we)(?:'ve| have|'ll| will| can)|"
    r"however,? (?:I|we)|in the meantime|for now,? (?:I|we)|meanwhile|the good news|I can (?:also )?\w+|I(?:'ve| have) (?:\w+ )?"
    r"(?:put|set|made|raised|asked|passed|found|added|booked|ordered|sent|logged|arranged|moved))\b",
    re.IGNORECASE,
)

# What moves the person forward: something the helper will do or has done, a time, a status, a pointer.
_FORWARD = [
    PROMISE,
    re.compile(
        r"\b(?:I|we|[A-Z][a-z]+(?: from [\w ]+?)?|someone|they|he|she|it|this|that|the \w+ team)(?:'ll| will| is going to| are going to|'re going to|'m going to| am going to)"
        r"\s+(?!never\b|not\b|be (?:happy|glad)\b)\w+",
    ),
    re.compile(
        r"\b(?:I|we)(?:'ve| have)\s+(?:just |now |already |also |since |quickly |gone (?:and|ahead and) )?"
        r"(?!been\b|had\b|heard\b|seen\b|noticed\b|felt\b|got (?:a|to)\b|told (?:you|everyone)\b|asked (?:you|this)\b|explained\b)"
        r"[a-z]+(?:ed|en|t|ne|de|un|wn|ck|ut|et)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:I|we)\s+(?:just |also |then |already )?(?:reset|restored|fixed|replaced|moved|closed|added|changed|installed|opened|"
        r"cleared|updated|sent|booked|ordered|raised|chased|checked|ran|put|set|found|reopened|unlocked|swapped|connected|removed|"
        r"deleted|rebuilt|renewed|repaired|cleaned|tested|spoke|rang|called|emailed|passed|forwarded|logged|created|made|gave|finished|"
        r"move|check|pass|install|fix|send|call|come)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:replaced|restored|fixed|changed|reset|renewed|swapped|cleared|installed|rebuilt|tested|ran|booked|ordered|"
        r"unlocked|reopened|chased|sorted|updated|moved|added) (?:the|it|your|them|a|an|twenty|\d+|all)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening|week)|next (?:week|month|time)|"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|within (?:the |an? |\d+ |one |two |three |five )?(?:business |working )?(?:hour|hours|minutes?|day|days|weeks?)|"
        r"in (?:\d+|a few|a couple of|ten|five|fifteen|twenty|thirty|two|an?|half an) (?:more )?(?:minutes?|mins?|hours?|days?|weeks?)|"
        r"(?:by|at|before|after|until|till) \d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|h)?|by (?:noon|lunch|the end of|end of|close|tonight)|"
        r"before (?:lunch|noon|then|the end)|till close|first thing|straight away|right away|right now|asap|shortly|"
        r"on the \d{1,2}(?:st|nd|rd|th)|the day before|until then|as soon as|once (?:it|the|you|I))\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:(?:it|that|this|everything|your \w+|the \w+)(?:'s| is| are|'re| was| should be)? (?:now |all |back )?"
        r"(?:fixed|working|back|sorted|restored|done|up and running|running|ready|resolved|booked|on order|on the (?:van|way)|"
        r"arrived|complete|completed|clean|safe|there|reopened|switched back|on its way|rolled back|reverted|undone)|(?:works?|working|prints?|connects?) (?:again|now)|"
        r"(?:it|they|which|that)(?:'s| is| are|'re| has been| have been) (?:now |all |just |already )?re-?[a-z]{3,}ed|"
        r"(?:has|have|'s|'ve) (?:now |since |just )?been (?:corrected|fixed|resolved|sorted|repaired|restored)|"
        r"(?:it|they|that|this)(?:'s| is| are|'re| has been| have been|'s been|'ve been| was| were) (?:now |all |just |already |been )?"
        r"(?:unlocked|replaced|repaired|renewed|cleared|reset|swapped|updated|installed|unblocked|recovered|patched)|"
        r"(?:it|they|everything)(?:'s| is| are|'re) (?:all )?(?:quiet|fine|okay|ok|good|safe|normal) (?:again|now)|"
        r"nothing(?:'s| is| was| has been| will be) (?:\w+ )?lost|"
        r"(?:a |the |your )?new one(?:'s| is) (?:on|in|at|by) |\bone(?:'s| is) (?:now )?(?:on|in|at) (?:your|the) |you(?:'re| are) (?:good|ready|all set|set) to (?:go|start)|"
        r"(?:it's|it is|they're|they are) (?:now )?showing|"
        r"(?:is|'s|are) (?:now )?(?:good to go|all set|ready to go)|"
        r"(?:is|are|'s|'re) (?:now )?(?:visible|available|accessible|usable|readable|editable|searchable|open|active|enabled|live|online) (?:[\w-]+ ){0,5}?(?:again|now)\b|"
        r"(?:your|the) (?:[\w-]+ ){0,2}(?:rights|access|permissions?) (?:are|is) (?:now )?(?:on|in|back|set|restored)\b|"
        r"(?:works?|prints?|connects?|opens?|loads?|syncs?|starts?|boots?|charges?) (?:[\w-]+ ){0,4}?(?:again|now)|the fix is (?:in|live|done|on)|"
        r"(?:your|the|all (?:your|the)) (?:\w+ )?(?:files?|data|emails?|photos?|work|documents?|account|settings) (?:is|are|'s|'re) (?:all )?(?:fine|safe|intact|okay|ok|there|untouched)|"
        r"now you (?:have|can)|you can (?:now )?\w+|you(?:'ll| will| should) (?:now )?(?:get|receive|see|be able|have|find|hear)|"
        r"should (?:now )?(?:work|connect|print|be (?:fine|good|ok|okay|back|quick|fast|faster|normal|better|quicker))|(?:is|are) (?:now )?with the|"
        r"ha(?:s|ve) been (?:passed|sent|forwarded|assigned|escalated|fixed|restored|reset|booked|ordered)|"
        r"(?:it's|it is|they're|they are|you'll find (?:it|them)|you can find (?:it|them)) (?:in|on|under|at) (?:the|your)|"
        r"(?:your|the|my) (?:new |old )?\w+ (?:is|are|has been|have been|was) (?:now |already |all |just )?(?!\w+ed (?:by|with)\b)[a-z]+ed\b|"
        r"(?:first|then|next|after that|and then),? you\b|you (?:can|could|just|'ll need to|need to|should) \w+|"
        r"(?:take|takes|taking) (?:about |around |up to )?(?:\w+ )?(?:minutes?|hours?|days?)|(?:is|are|'s) (?:now )?set up|"
        r"(?:is|are|'s) now (?:on|in|with|available|at)|"
        r"next step|the plan is|(?:will|shall) be \w+ed|(?:issue|problem|ticket|request) (?:is )?(?:now )?(?:resolved|fixed|sorted)|here's what|here is what|what happens next|is yours|will be ready|ready on|ships|lands)\b",
        re.IGNORECASE,
    ),
]

# Words of sympathy, thanks or regret: a reply made only of these leaves the person with nothing to do.
SYMPATHY = re.compile(
    r"\b(?:sorry|apologi[sz]e|apologies|regret|thank|thanks|thx|ty|appreciate|appreciated|understand|understandable|"
    r"I hear you|I get it|I know|frustrating|annoying|stressful|awful|the worst|nightmare|pain|horrible|feel for you)\b",
    re.IGNORECASE,
)

_LIST_ITEM = re.compile(r"(?m)^\s*(?:[-*\u2022>]|\d{1,2}[.):]|[a-z][.)]|step \d+\s*[:.)-]?)\s*\S", re.IGNORECASE)
_INLINE_ITEM = re.compile(r"(?:(?<=\s)|^)(?:[a-i]\)|step \d+\s*[:.)-]|[*\u2022](?=\s+\w))", re.IGNORECASE)
_THEN = re.compile(r"\bthen\b", re.IGNORECASE)

LONG_WORDS = 90
MANY_STEPS = 6


def quote_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each quoted stretch, quote marks included ("'everyone knows'")."""
    return [(m.start(), m.end()) for m in _Q.finditer(text)]


def in_quote(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans)


def negated(text: str, sentence_start: int, start: int) -> bool:
    """Whether a negator in the same clause, a few words before `start`, rejects the phrase."""
    before = text[max(sentence_start, start - 120):start]
    cuts = list(_CLAUSE_CUT.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    return bool(_NEGATED.search(before))


def forward_spans(text: str) -> list[tuple[int, int]]:
    """Where the reply says what happens next: an action, a time, a status."""
    out = []
    for pattern in _FORWARD:
        for m in pattern.finditer(text):
            out.append((m.start(), m.end()))
            if len(out) > 40:
                return sorted(out)
    return sorted(out)


def steps(text: str, imperative_clauses: int) -> int:
    """About how many separate steps the reply asks the person to hold."""
    listed = len(_LIST_ITEM.findall(text)) + len(_INLINE_ITEM.findall(text))
    return max(listed, imperative_clauses + len(_THEN.findall(text)))
