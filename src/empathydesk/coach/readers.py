"""Blame, brush-offs, mockery, offers and acknowledgement, read clause by clause.

The phrase lists (phrases/*.yaml) catch the stock phrases; these readers catch the same moves in
other words, by what a clause does rather than by its exact words (as doors.py does for open doors):

- **blame** (admonishing): the person as the cause of a past failure ("you typed last year's password
  five times and locked it", "Clicking that link is how they got in", "the reason it froze is you
  unplugged it"), hindsight ("if you'd rung us on Monday", "could have been avoided"), a pointed
  reminder of a rule, a training or an earlier message ("the sign on the door says", "as you'll recall
  from the training", "further to my email", "friendly reminder, since it seems to have been missed"),
  and talking down ("let me explain this slowly", "that's genuinely all there is to it"). Not when the
  helper owns the cause ("we pushed a change and it broke"), nor in a reassurance ("it's the printer,
  not you"), nor quoted or negated (engine.py).
- **brush-off** (dismissive): a denial of the problem ("there's nothing wrong with it", "that's
  normal, they all do that"), of responsibility ("that's a facilities thing, not IT", "take it up with
  your manager"), parking or closing it ("it'll have to wait", "closing"), minimising ("it's one
  file", "hardly anyone uses it") or a shrug ("google's your friend") -- in a reply that offers no
  help: no offer, no open door, no question, nothing the helper does about it. With help, a "that's
  normal" is reassurance (acknowledges), and a "we don't ..." is an honest limit.
- **mockery** (sarcasm): mock praise tied to a blunder ("Brilliant idea to start the update in the
  middle of the demo"), a one-word verdict after one ("Impressive.", "Bold."), mock sympathy ("however
  did you cope"), mock counting ("your tenth 'small thing' this month"), irony markers ("we may never
  know", "never heard that one before", "let me just find my magic wand"), scare quotes around their
  words ("you 'didn't touch anything'"), tag questions said flat ("don't they."), eye-roll emoji.
  Mockery of a mistake is also blame; mockery of the problem is also a brush-off.
- **offers** (suggests): a choice or an option put to the person ("I can either ... or ...", "your
  pick", "would it suit you if", "you could use the website for now", "could you try", "you're welcome
  to borrow", "it's worth restarting"), not a bare promise and not hindsight ("you could have").
- **acknowledgement** (acknowledges): their situation or feeling named ("first day and the laptop
  won't start", "you look like you've had a morning", "that sounds really fiddly"), reassurance
  ("it isn't you", "nothing's lost", "you've done nothing wrong"), or the helper owning a mistake
  ("that was us", "I made a mess of", "caused by maintenance we scheduled at the wrong hour").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from empathydesk.coach import context

if TYPE_CHECKING:  # pragma: no cover
    from empathydesk.coach.engine import Match, Reply

F = re.IGNORECASE

# ---- shared pieces --------------------------------------------------------------------------------

_YOU = r"(?:you|u)"
# A past action of theirs: "you typed", "you've been saving", "you had 47 tabs open", "u have it open".
_PAST = (r"(?:\w+ed|sent|kept|left|put|let|had|took|wrote|hit|set|made|did|gave|threw|broke|spilt|forgot|ran|"
         r"dropped|chose|picked|got|brought|went|tried|deleted|emptied|skipped|missed|ignored|dismissed)")
_AGENT = re.compile(
    rf"\b{_YOU}(?:'ve| have| had|'d|'re| are| were)?\s+(?:\w+ly\s+|just\s+|then\s+|also\s+|still\s+)?"
    rf"(?:been\s+\w+ing|{_PAST}|have it|\w+ing (?:it|them|the|your|everything))\b",
    F,
)
# What the person did, named as a gerund subject: "Clicking that link is how ...", "Leaving it for four
# days is what caused this", "Propping it open with a chair is why ...".
_GERUND_CAUSE = re.compile(
    r"(?:^|(?<=[.!?:;]\s)|(?<=^\s))(?:and\s+)?[A-Za-z]+ing\b[^.!?;:]{2,80}?\b(?:is|was|were)\s+(?:exactly |precisely |probably |partly |basically )?"
    r"(?:why|how|what (?:caused|broke|wiped|did|set|locked|happened)|the (?:problem|reason|cause|issue))\b",
    F,
)
# A clause that names a cause: "that's why it froze", "which is precisely why", "is what caused this".
_CAUSE = re.compile(
    r"\b(?:that's|that is|which is|this is|which was|that was|it's|is|was)\s+(?:exactly |precisely |probably |partly |basically |simply |just )?"
    r"(?:why|how (?:they|it|this|that|the)|what (?:caused|broke|wiped|did|set off|locked|happened))\b"
    r"|\bthe reason\b[^.!?]{0,60}\bis (?:that )?|\bbecause\b|\bwhich (?:would )?explains?\b|\bis the (?:problem|cause)\b|\bwas the problem\b",
    F,
)
# How they are, not what they did: "you're worried because", "you are locked out because".
_STATE = re.compile(rf"{_YOU}(?:'re| are| were)\s+(?:\w+ly\s+|still\s+|just\s+)?\w+ed\b", F)
# "you" as the object of what someone else did: "the guide we sent you skipped the step".
_OBJECT_YOU = re.compile(r"\b(?:sent|gave|told|showed|emailed|handed|lent|asked)\s+$", F)
# The helper or the system owns the cause: not blame.
_OWNED = re.compile(
    r"(?:^|[,;:.!?(]\s*|\b(?:and|but|because|so|as|since|when|that|honestly|sorry|apologies)\s+)(?:I|we)(?:'d|'ve| had| have)?\s+(?:\w+ly\s+)?"
    r"(?!asked\b|told\b|said\b|reminded\b|warned\b|explained\b|covered\b|mentioned\b|flagged\b|emailed\b|sent (?:round|out|you)\b)"
    r"(?:\w+ed|forgot|made|broke|sent|gave|set|put|pushed|rushed|swapped|switched)\b"
    r"|\bnot because of\b|\b(?:nothing|not anything) you did\b"
    r"|\b(?:not (?:you|yours|your fault|on you|anything you did)|isn't you|wasn't you|(?:my|our) (?:fault|mistake))\b"
    r"|\bit(?:'s| is)? the \w+,? not you\b",
    F,
)


# ---- blame ----------------------------------------------------------------------------------------

_BLAME = [
    # hindsight
    re.compile(r"\b(?:if (?:you|u)(?:'d| had)|had (?:you|u)) (?:just |only |actually )?(?:\w+ed|rung|rang|read|kept|told|sent|come|gone|left|put|let|made|done)\b(?![^.!?]{0,30}\b(?:I|we)(?:'d| would) (?:never|not))", F),
    re.compile(r"\bif (?:the|your) \w+(?: \w+)? had (?:been|\w+ed)\b[^.!?]{0,80}\b(?:we|I|you|it)(?: wouldn't| would not|'d|would)\b", F),
    re.compile(r"\b(?:could|might|would) (?:easily |all )?have been (?:avoided|prevented|a (?:\w+[- ])?(?:minute|second|quick|simple|easy)\b)", F),
    re.compile(r"\b(?:it )?(?:might|would|could) have been (?:worth|nice|good|helpful|useful) (?:to )?(?:mention|know|tell|check|ask|flag|say)\w*", F),
    re.compile(r"\b(?:you'd|you would) have (?:saved|known|avoided|spotted|seen|been (?:fine|ok))\b", F),
    re.compile(r"\bworth (?:checking|trying|looking at) (?:that |this |it )?yourself\b", F),
    re.compile(r"\b(?:I'd|I would) have (?:thought|expected|assumed)\b", F),
    re.compile(r"\bknow better\b", F),
    re.compile(r"\bin the first place\b", F),
    re.compile(r"\b(?:you|u) (?:really |honestly |seriously |clearly |probably )?(?:should|ought to)(?:'ve| have| of)\b(?! to\b)", F),
    re.compile(r"\b(?:you|u) (?:really |honestly |seriously |clearly )?(?:shouldn't|should not|mustn't|can't just|cannot just)\b(?! (?:have to|have had to|need to|worry|feel|be (?:sorry|embarrassed|worried)|apologi))", F),
    re.compile(r"\b(?:you|u) (?:really |honestly |actually )?(?:do )?(?:need|have|ought) to (?:actually|really|stop|start|remember|be (?:more|a lot more)|read|check|learn|think)\b", F),
    re.compile(r"\b(?:you'll|you will|you'd|you would) (?:want to|do well to|need to) be (?:a (?:lot|bit) |much |far )?more careful\b|\byou'd do well to\b", F),
    re.compile(r"\byou do realise\b|\bdo you realise\b", F),
    re.compile(r"\b(?:and )?expect (?:the|it|them|things|your|us|me) [^.!?]{0,30}\bto (?:survive|work|be fine|still)\b", F),
    re.compile(r"\b(?:got|slipped|went) (?:past|by) you\b|\bBy you\b", F),
    re.compile(r"\bhow (?:this|that|it) (?:one )?(?:got|slipped) past\b", F),
    re.compile(r"\bbit much to expect\b|\bcan't be expected to\b|\bcannot be expected to\b", F),
    re.compile(r"\bit would help (?:everyone|us|a lot) if\b|\byou'll find it goes (?:much |a lot )?(?:more )?smoother\b|\bgoes (?:much |a lot )?more smoothly when\b", F),
    # pointing at a rule, a training or an earlier message
    re.compile(r"\b(?:as you(?:'ll| will| may| might)? (?:recall|remember|know)|further to my (?:email|e-mail|message|note)|I must point out|"
               r"I (?:would )?note that|kindly note|please note that (?:this|the \w+) (?:was|has been)|with (?:all due )?respect,|"
               r"(?:just )?so we're (?:on the same page|clear)|to be clear:|let me be clear)", F),
    re.compile(r"\b(?:friendly|gentle|quick|polite|kind) reminder\b[^.!?]{0,40}\b(?:since|as|again|we've asked|we have asked|that we|yet again|once more|have been missed|seems)\b", F),
    re.compile(r"\b(?:seems|appears) to have been (?:missed|ignored|overlooked|forgotten)\b", F),
    re.compile(r"\b(?:the|our|every|a whole|a)(?: [\w-]+){0,2}? (?:training|induction|guidance|policy|instructions|handout|newsletter|intranet|memo|sign|notice|checklist|rules|contract|guide|manual|faq|"
               r"warnings?|pop-up|message|email|letter|card|form|page|label|process)\b[^.!?]{0,60}?\b(?:(?:do |does |clearly |literally )?says?\b|said|states|tells you|"
               r"told you|is (?:very |quite |perfectly )?clear|(?:was|were|are|is) (?:displayed|there) for a reason|covered|you signed|you attended|"
               r"exists so|set out|in bold|more than once|since 20\d\d|right next to|after all)(?!\s*[\"'])", F),
    re.compile(r"\b(?:for a reason|(?:we|I) went through this|(?:we|I)(?:'ve| have) been (?:through|over) this|in every induction|after all the (?:guidance|warnings|emails|reminders))\b", F),
    re.compile(r"\b(?:it's|it is|that's) in the (?:faq|guide|manual|handbook|wiki|instructions|training|policy)\b|\bthe whole point of\b|\bthat's what (?:the|it|they) (?:\w+ )?(?:is|are) for\b", F),
    re.compile(r"\b(?:the|this) (?:\w+ )?(?:error|message|warning|screen|pop-up|box) (?:literally|clearly) (?:told|tells|says|said|asks|asked)\b|\bit does what it says\b", F),
    re.compile(r"\bthere's a process and you\b|(?<!sent )\byou skipped (?:it|the|a)\b|\byou (?:did|have) agree(?:d)? to\b", F),
    # consequences
    re.compile(r"\b(?:these are|this is|that's|those are) (?:the |what )?(?:consequences?|what happens) (?:of|when)\b", F),
    # talking down
    re.compile(r"\b(?:let me|I'll) (?:explain|say|put) (?:this|it|that) (?:slowly|simply|again)\b|\b(?:genuinely|honestly|really|literally) all there is to it\b|\bit has always been\b", F),
    re.compile(r"\b(?:I'm )?not sure (?:what you were expecting|why you'd|why you would|how you)\b|\bwhat (?:did|were) you expect(?:ing)?\b", F),
    re.compile(r"\bIt really isn't (?:hard|difficult|complicated) to\b|\bisn't (?:hard|difficult) to (?:check|read|see|remember)\b", F),
    re.compile(r"\b(?:the \w+ )?(?:isn't|is not|wasn't) (?:slow|broken|lost|faulty)\b[,;:]? (?:you|u|it was|it's)\b", F),
    re.compile(r"\b(?:it's|that's|it is) the same as (?:before|last time|always)\b|\bit was you\b|\bthe (?:\w+ )?(?:you|u) (?:sent|put|plugged|saved) it (?:to|in|into)\b", F),
    re.compile(r"\bevery single time\b|\bmore of a (?:training|user|people) (?:issue|problem|thing)\b", F),
]
# A pointer at "the wrong/old one": "The password you've been typing is the old one."
_YOUR_WRONG = re.compile(rf"\b(?:the|your|that) \w+ {_YOU}(?:'ve| have)?(?: been)? \w+(?:ed|ing|t)? (?:is|was|were|are) (?:the )?(?:old|wrong|expired|out of date|last year's)\b", F)


# The person cleared in the same sentence: "You did nothing wrong: the file got damaged because the
# disk is failing", "it locked because the rules changed, which nobody told you about".
_REASSURED = re.compile(
    rf"\b(?:(?:{_YOU} )?did nothing wrong|not (?:your|ur) fault|nothing {_YOU} did|not {_YOU} at all|wasn't {_YOU}|"
    rf"{_YOU}(?:'re| are)(?: not| never) (?:to blame|in trouble|at fault)|(?:no one|nobody|no-one) told {_YOU})\b", F)


def blame(reply: "Reply") -> list[tuple[int, int, str]]:
    text = reply.text
    out: list[tuple[int, int, str]] = []
    for s, e in reply.sentences[:200]:
        e = min(e, s + 400)
        sentence = text[s:e]
        hit = None
        for p in _BLAME:
            m = p.search(text, s, e)
            if m:
                hit = (m.start(), m.end(), "reproach")
                break
        if hit is None:
            m = _YOUR_WRONG.search(text, s, e)
            if m:
                hit = (m.start(), m.end(), "their-mistake")
        if hit is None:
            m = _GERUND_CAUSE.search(sentence)
            if m and not re.match(r"\s*(?:and\s+)?(?:having|being|thinking|asking|reporting|ringing|calling|getting|telling)\b", m.group(), F):
                hit = (s + m.start(), s + m.end(), "their-mistake")
        if hit is None:
            c = _CAUSE.search(sentence)
            if c:
                a = _AGENT.search(sentence)
                if a and not re.match(rf"{_YOU}(?:'ve| have)?\s+(?:asked|told|reported|flagged|mentioned|needed|wanted|called|rung|rang|tried everything|been waiting|been patient|noticed|spotted)\b", a.group(), F) \
                        and not _STATE.match(a.group()) and not _OBJECT_YOU.search(sentence, 0, a.start()):
                    hit = (s + min(a.start(), c.start()), s + max(a.end(), c.end()), "their-mistake")
        if hit is None:
            continue
        if _OWNED.search(sentence) or _REASSURED.search(sentence):
            continue
        out.append(hit)
    return out


# ---- brush-off ------------------------------------------------------------------------------------

# Not ours: a problem handed back with no hand-over.
_NOT_OURS = [
    re.compile(r"\b(?:that's|that is|it's|it is|this is|sounds like)\s+(?:a|an|one for)\s+(?:\w+\s+){0,2}?(?:thing|issue|problem|matter|question|job|one)?,?\s*not (?:IT|us|ours|our \w+|for us|tech)\b", F),
    re.compile(r"\b(?:that's|that is|it's|it is)\s+(?:a|an)\s+(?-i:[A-Z])\w+ (?:thing|issue|problem)\b", 0),
    re.compile(r"\b(?:that's|that is|it's|it's more|this is)\s+one for (?:your|the|HR|facilities)\b", F),
    re.compile(r"\bnot (?:really )?(?:anything|something) to do with (?:us|me|IT)\b|\b(?:it )?wasn't us\b|\bnot ours\b|\bisn't (?:ours|our (?:problem|thing|job|area))\b|\baren't (?:our|my) (?:problem|job|concern)\b", F),
    re.compile(r"\bnot sure why (?:this|it) (?:came|was sent|got sent|landed) (?:to|with) me\b", F),
    re.compile(r"\b(?:take it up with|you'll have to (?:take|ask|go|ring|call)|between you and (?:the|your))\b", F),
    re.compile(r"\bwe only (?:look after|support|deal with|do|cover)\b", F),
    re.compile(r"\b(?:belongs to|is owned by|is for) the \w+ (?:team|department)\b[^.!?]{0,20}\bso (?:we|I) (?:won't|can't|don't)\b", F),
    re.compile(r"\b(?:their|your) end,? not (?:ours|our)\b", F),
]
# Denial that there is a problem, or shrugging it off.
_DENY = [
    re.compile(r"(?<!done )\b(?:there's |there is )?nothing (?:wrong|to fix|for us to (?:look at|do|fix)|we can (?:change|do)|to look at)\b", F),
    re.compile(r"\b(?:is|are|'s) (?:completely |perfectly |totally )?(?:normal|harmless|expected)\b|\bdoesn't mean anything\b|\b(?:they|it) all do that\b|\bit's what they do\b", F),
    re.compile(r"(?:^|(?<=[.!?]\s))(?:it's|its|it is|that's) fine[,.!]", F),
    re.compile(r"\b(?:sorted|fixed|cleared) itself\b|\b(?:it'll|it will|should) be fine (?:tomorrow|later|soon|in a bit|by)\b", F),
    re.compile(r"\b(?:doesn't|does not|won't) (?:really )?matter\b|\bhardly (?:anyone|anybody|ever)\b|\bnot (?:a|high on the|much of a) priority\b|\bbigger fires\b", F),
    re.compile(r"\b(?:it'll|it will|you'll|that'll|this will) have to wait\b|\bcan it wait\b|\bwhen we get to it\b|\bit's on the list\b|\bno fix yet\b", F),
    re.compile(r"\b(?:not much|no|little) point (?:in )?(?:fixing|complaining|trying|worrying|logging|raising|chasing)\b|\btime for a new one anyway\b", F),
    re.compile(r"\b(?:closing|closed) (?:this|the|your) (?:ticket|request|call|case)\b|(?:^|(?<=[.!?]\s))Closing\b|\bticket closed\b|\bI(?: have|'ve) closed (?:the|this|your) (?:ticket|request|call|case)\b", F),
    re.compile(r"\b(?:google|google's|google is) your friend\b|\bI'll leave (?:this|it) with you\b|\bwill be somewhere\b|\bhave a look around\b|\bprobably (?:just )?(?:a setting|a glitch|something)\b", F),
    re.compile(r"\bwon't be (?:looking|changed|fixing|touching)\b|\bwill not be (?:changed|looked|fixed)\b|\bwe don't touch\b|\bnever have\.|(?:^|(?<=[.!?]\s))It's gone\.", F),
    re.compile(r"\b(?:it's|it is) (?:only|just) (?:one|a|the) \w+\b|\beverything's slow\b|\byou don't (?:really )?need\b(?! to (?:do|worry about|change|bring|restart|install) anything)|\bCan't do anything without\b", F),
    re.compile(r"\b(?:to be fair|in fairness)\b", F),
]
# Help in the reply: what makes a denial a reassurance and a limit an honest one.
_HELP = re.compile(
    r"\b(?:I|we)(?:'ll| will|'m| am|'ve| have| can| could)\s+(?:\w+\s+){0,2}?(?!leave\b|get to\b|drop everything\b|close\b|closed\b|survive\b)"
    r"(?:come|bring|swap|check|ring|call|email|send|set|book|order|show|walk|install|turn|raise|raised|passed|asked|arranged|"
    r"booked|set up|try|look|sort|fix|replace|move|get|put|help|talk|update|keep|let you know|pop|be|give|chase|test|restore|phoned|rang|tell|"
    r"confirm|reset|unlock|reopen|stay|escalat\w+|report\w*|log\w*|moved|swapped|replaced|fixed|restored|installed|ordered|sent|"
    r"added|changed|cleaned|synced|locked|renewed|unlocked|updated|removed|copied|recovered|rebuilt|tightened)\b|"
    r"\b(?:I|we) (?:just |already |also )?(?:put|fixed|replaced|changed|installed|restored|reset|moved|swapped|ordered|finished|set up|"
    r"cleaned|sorted|unlocked|tested|plugged)\b|\b(?:I|we)'(?:m|re) (?!afraid|sure|not)\w+ing\b",
    F,
)


_OWNS_IT = re.compile(r"\b(?:sorry|apologi[sz]e|without (?:checking|asking|telling)|too (?:early|soon)|wasn't fair|my (?:fault|mistake|bad))\b", F)


def brush_off(reply: "Reply", found: dict[str, list["Match"]], helps: bool) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """Brush-offs, and (when the reply helps) denials that are reassurance instead."""
    text = reply.text
    brush: list[tuple[int, int, str]] = []
    reassure: list[tuple[int, int, str]] = []
    for s, e in reply.sentences[:200]:
        e = min(e, s + 400)
        for kind, pats in (("not-ours", _NOT_OURS), ("denial", _DENY)):
            for p in pats:
                m = p.search(text, s, e)
                if m and _OWNS_IT.search(text, s, e):
                    m = None  # "I closed the ticket without checking with you, and that wasn't fair"
                if m:
                    if helps:
                        if kind == "denial" and re.search(r"normal|harmless|expected|nothing wrong", m.group(), F):
                            reassure.append((m.start(), m.end(), "reassures"))
                    else:
                        brush.append((m.start(), m.end(), kind))
                    break
            else:
                continue
            break
    return brush, reassure


# ---- mockery --------------------------------------------------------------------------------------

_PRAISE = (r"(?:brilliant|genius|great|fantastic|wonderful|lovely|marvell?ous|splendid|superb|excellent|amazing|impressive|"
           r"bold|tragic|incredible|perfect|beautiful|inspired|classic|fabulous|stunning|riveting|magnificent|charming|delightful|"
           r"art|bravo|nice|super|cool)")
_MOCK = [
    # mock praise tied to what went wrong
    (re.compile(rf"(?:^|(?<=[.!?]\s))(?:oh,? |well,? |wow,? )?(?:really |very |most |truly )?(?:{_PRAISE})(?: idea| move| work| news| stuff| timing)?\b,?\s+"
                r"(?:so |you(?:'ve| have)? |the \w+(?:'s| is|'re)? |to |finding |writing |saving |forwarding |deleting |starting |keeping |locking |"
                r"clicking |spilling |emptying |leaving |another |yet |we(?:'ve| have) caught )", F), "mock-praise"),
    # a one-word verdict after what went wrong: "Impressive.", "Bold.", "Art, really."
    (re.compile(rf"(?<=[.!?]\s)(?:(?:oh|how|very|really|just|so|truly|simply) )?(?:{_PRAISE}|lucky me|top marks|super timely|really appreciated|bold|tragic|marvellous|lovely|charming|love that for you)(?:,? (?:really|truly|honestly|eh))?[.!]", F), "mock-praise"),
    (re.compile(r"(?:^|(?<=[.!?]\s))(?:lucky me|love that for you|loving the|top marks|oh,? (?:very )?(?:nice|splendid|lovely|joy|great|wonderful)|ah,? yes,? the|oh,? yes,? the)\b", F), "mock-praise"),
    (re.compile(r"\b(?:really|super|very|most) (?:timely|helpful of you|narrowed it down|appreciated[.!])|\bnice of you to (?:finally|eventually)\b|\bthanks for (?:letting me know|the heads-up)[^.!?]{0,30}\b(?:at \d|on a friday|after|days? after)\b", F), "mock-thanks"),
    (re.compile(r"\bthanks so much for (?:the|your) (?:detailed|helpful|thorough|clear) (?:ticket|email|message|description)\b(?=[^.!?]*\.\s*\")", F), "mock-thanks"),
    (re.compile(r"\bwith (?:enormous|great|keen|considerable) interest\b|\brest assured each\b", F), "mock-thanks"),
    # mock sympathy and mock effort
    (re.compile(r"\bhowever did you (?:cope|survive|manage)\b|\bhow did you (?:ever )?(?:cope|survive)\b|\bwe'll survive\b|\bmy heart bleeds\b|\bpoor (?:you|thing)\b|\bthe horror\b", F), "mock-sympathy"),
    (re.compile(r"\b(?:let me (?:just )?|I'll just )(?:bend time|find my magic wand|magic|conjure|pull|wave)\b|\bmagic wand\b|\bout of thin air\b|\bread your mind\b|\bdrop everything for\b", F), "mock-effort"),
    (re.compile(r"\bit's not like there (?:are|is)\b|\btake all the time you need to\b|\bmust have missed the memo\b|\bjust to spite you\b|\bdefinitely knew\b", F), "irony"),
    # irony markers
    (re.compile(r"\bnever heard that one before\b|\bnobody (?:in IT )?(?:has )?ever thought of that\b|\bwe may never know\b|\b(?:real|proper|total) head-scratcher\b|"
                r"\bwho (?:could|would) have (?:guessed|thought)\b|\bcan't imagine why\b|\bmust be a record\b|\bpersonal best\b|\bloyalty card\b|"
                r"\badd it to the collection\b|\bworked out so well\b|\bwhat a (?:big )?surprise\b|\bhere we are again\b|\bgot it\. sure\b|\bmysterious ghost\b|"
                r"\bdo love to\b|\bnot frisbees\b|\breally stuck, that did\b|\bmakes finding it a joy\b|\bmet the floor\b|\bnever met the\b", F), "irony"),
    # tag questions said flat, and "eh?" after praise
    (re.compile(r",\s+(?:don't|doesn't|isn't|aren't|didn't|wasn't|won't|haven't|hasn't) (?:they|it|you|we|I|he|she)\s*\.", F), "tag"),
    (re.compile(r"\b(?:good thing|glad) [^.!?]{0,50}, eh\?", F), "tag"),
    # mock counting: "your tenth 'small thing' this month", "Fourth ticket this week!"
    (re.compile(r"\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|umpteenth|\d+(?:st|nd|rd|th))\s+[\"']?(?:[\w-]+\s+){0,2}?"
                r"(?:ticket|email|call|message|request|thing|one|time|question|query|favour|emergency|problem|issue)s?\b[^.!?]{0,25}\b(?:this (?:week|month|morning|year)|today)\b", F), "counting"),
    (re.compile(r"\band the follow-up\b|\band the one after that\b", F), "counting"),
    # emphasis with asterisks: "it's *completely* unusable"
    (re.compile(r"\*(?:completely|totally|so|very|really|definitely|obviously|clearly)\*", F), "emphasis"),
    (re.compile("[\U0001F643\U0001F611]|\U0001F602(?=\\s*$)"), "emoji"),
]
# Scare quotes around their own words: "you 'didn't touch anything'", "the internet is 'broken'".
_SCARE = re.compile(
    r"(?:\b(?:you've tried|you tried|you|how you|you said|it didn't|it wasn't|wasn't|isn't|we dont|we don't)\s+)[\"'](?-i:[a-z])[a-z' ]{1,30}[\"']",
    F,
)
_SINCERE = re.compile(
    r"\b(?:spot on|great spot|right (?:move|call|thing)|right to|well spotted|thank you|thanks for (?:such|the clear|waiting|bearing)|"
    r"saved us|exactly (?:the|what)|you were right|good call)\b",
    F,
)
# What mockery makes of the person (blame) or of the problem (brush-off).
_MOCK_MISTAKE = re.compile(
    rf"\b{_YOU}(?:'ve| have| had)?\s+(?:\w+ly\s+)?(?!asked\b|called\b|rung\b|emailed\b|messaged\b|been\b|need|want)"
    r"(?:found|sent|emptied|kicked|forwarded|kept|locked|wrote|left|deleted|broke|tried|didn't|\w+ed)\b|"
    r"\byourself\b|\b(?:idea|move|creativity)\b|\bthe (?:\w+ )?(?:training|instructions)\b|\bof you to\b|\bit was you\b|\byour mind\b|"
    r"\b(?:keep|kept|by|while you|finding|writing|saving|tipping|spilling|forwarding|clicking|deleting|emptying|leaving|starting|storing|"
    r"keeping|putting|using|installing|sharing|emailing|posting|plugging|unplugging|taping|hiding) (?:\w+ )?(?:the|your|a|\"|'|it)\b|"
    r"\b(?:locked out|upside down)\b|\b(?:you|u) \"|\bwhoever \w+ed\b|"
    # what they did, missed or forgot, in any words: "congratulations on discovering the Caps Lock key",
    # "the monitor that was switched off at the wall", "only three weeks after it broke"
    r"\b(?:congratulations on|discover(?:ed|ing)|never met|(?:you|u|ur|people|someone|anyone) (?:thought|forgot|forget|read|mention|install|could (?:load|try|read|plug))|"
    r"switched off at|(?:was|were|is) (?:unplugged|switched off|turned (?:off|down))|caps lock|(?:power|on|restart) (?:button|option)|"
    r"at 0%|this time\b|every \w+ (?:you|u)|after it broke|late than never|(?:you|u) should try|the (?:ticket|email|call) that|"
    r"on your desk|in your inbox|(?:your|ur) (?:own )?(?:monitor|cable|keyboard|desk|inbox|password) (?:cable|was|is|has)|"
    # their own words or what they did, quoted or told back: "another ticket titled 'help'", "the
    # classic 'I didn't change anything'", "your browser history says otherwise", "who could have seen
    # that coming"
    r"(?:titled|called|named|says?|said|the classic|report:?|password) '[^']{1,40}'|says otherwise|who could (?:have|possibly have) (?:seen|guessed|predicted))",
    F,
)
_MOCK_TRIVIAL = re.compile(
    r"\b(?:whole (?:thirty |ten |five |\d+ )?(?:seconds?|minutes?)|completely|unusable|drop everything|bend time|magic|thin air|survive|memo|coffee|spite|"
    r"deadline|wallpaper|all of it|worldwide|can't help)\b|\*|"
    # the problem made out to be nothing, in mock alarm: "however will you cope", "I'll alert the press",
    # "that changes everything", "right after I fix the rest of the building", "slightly sticky"
    r"\bhowever will (?:you|we|they|the \w+) (?:cope|manage|survive|go on)\b|\balert the (?:\w+ ){0,2}(?:press|media|prime minister|president|king|queen|authorities|army|news)\b|"
    r"\b(?:that|this) changes everything\b|\bright after (?:I|we)\b|\bslightly\b",
    F,
)


_JUST_FIXED = re.compile(
    r"\b(?:that's you|you're|it's|that's|we're|all) (?:back in|back up|connected|working|fixed|sorted|done|in|through|set)\b[^.!?]*[.!?]\s*$", F)


def mockery(reply: "Reply") -> list[tuple[int, int, str]]:
    text = reply.text
    out: list[tuple[int, int, str]] = []
    first_end = reply.sentences[0][1] if reply.sentences else 0
    for p, kind in _MOCK:
        for m in p.finditer(text):
            s, e = reply.sentence_at(m.start())
            sentence = text[s:e]
            if kind == "mock-praise" and (_SINCERE.search(sentence) or context.SYMPATHY.search(sentence) and not re.search(r"thanks (?:so much|for letting)", sentence, F)):
                continue
            if kind == "mock-praise" and m.start() < first_end and not _MOCK_MISTAKE.search(text):
                continue
            if kind == "mock-praise" and text.count(" ... ") >= 2:
                continue  # a call written down ("... Perfect. Now you should see ..."): praise for what they just did
            if kind == "mock-praise" and _JUST_FIXED.search(text, max(0, s - 60), s) and not _MOCK_MISTAKE.search(text):
                continue  # "That's you back in. Brilliant.": glad it works
            if kind == "counting" and re.search(r"\b(?:sorry|not you|not yours|not your fault|tells me|which means|apolog|frustrat|annoying)\b", sentence, F):
                continue
            out.append((m.start(), m.end(), kind))
            break
    for m in _SCARE.finditer(text):
        s, e = reply.sentence_at(m.start())
        # reported words ("someone told you 'it works on my machine'"), a label, a button: not scare quotes
        if re.search(r"\b(?:say|says|said|saying|tell|told|wrote|write|replied|answered|called|labelled|marked|reads|click|press|"
                     r"select|choose|type|with|like)(?:\s+(?:to\s+)?(?:you|me|us|them|him|her|it))?,?\s+$",
                     text[max(s, m.start() - 24):m.start()] + " ", F):
            continue
        if re.search(r"\b(?:not|never|won't|no|I'd never)\b", text[s:m.start()], F):
            continue
        out.append((m.start(), m.end(), "scare"))
        break
    return out


def mockery_implies(reply: "Reply") -> tuple[bool, bool]:
    """Whether the mockery in a reply is also blame (it mocks what they did) or a brush-off (it mocks
    the problem as trivial, or refuses)."""
    return bool(_MOCK_MISTAKE.search(reply.text)), bool(_MOCK_TRIVIAL.search(reply.text))


# ---- offers ---------------------------------------------------------------------------------------

_NOT_ACTION = r"(?:see|tell|hear|imagine|understand|only|not|also see|confirm|assure|promise|guarantee|say|feel|think|recommend)"
_OFFER = [
    re.compile(rf"\bI (?:can|could)(?: also| either| still| always| then| easily| just)? (?!{_NOT_ACTION}\b)(?!'t)\w+", F),
    re.compile(r"\b(?:you|u) could (?:also |always |just )?(?!have\b|'ve\b)(?:use|submit|forward|try|borrow|print|save|send|open|ask|book|switch|work|go|take|log|move|keep|do|start|call|grab|plug|pop|come)\b", F),
    re.compile(r"\b(?:could|would|can) you (?:try|give|have a go|test)\b|\bworth (?:a try|trying|a go|restarting|checking)\b|\bit's worth \w+ing\b|\bone thing worth\b", F),
    re.compile(r"\b(?:your (?:pick|call|choice)|whichever|whatever suits|what works better|which is easier for you|(?:two|three) ways\b|option [ab1-3]\b|another route|or you prefer)\b", F),
    re.compile(r"\bwould (?:it|that|this|tuesday|monday|wednesday|thursday|friday|\w+ afternoon|\w+ morning)(?: or \w+(?: \w+)?)? (?:suit|work for|be less|be more|be easier|be better|help|reassure)\b", F),
    re.compile(r"\b(?:might|may|would) be (?:easiest|easier|best|simplest) (?:if|to)\b|\bcould tide you over\b", F),
    re.compile(r"\b(?:perhaps|maybe) we\b|\bwhat about (?:a|an|the|using|trying|moving)\b|\bwant (?:a hand|me to|help)\b|\byou're (?:welcome|free) to (?:borrow|use|take|try|grab|have)\b|\bif it'd help\b|\bif it would help\b", F),
    re.compile(r"\bcould I (?:show|come|help|take|walk|set|move|bring|book|call|ring)\b|\bdo you want (?:to|me|a)\b|\bshall (?:I|we)\b", F),
]


GRUDGING = re.compile(r"\b(?:I suppose|if you must|if it really bothers you|if you insist)\b", F)


def offers(reply: "Reply") -> list[tuple[int, int, str]]:
    text = reply.text
    out: list[tuple[int, int, str]] = []
    for p in _OFFER:
        for m in p.finditer(text):
            s, _ = reply.sentence_at(m.start())
            before = text[max(s, m.start() - 40):m.start()]
            if re.search(r"\b(?:not|never|no|if (?:only|I)|before|unless|wish)\s+(?:\w+\s+)?$|\b(?:what|nothing|anything|everything|more|else|all|best|only|much|which|that)\s+$", before, F):
                continue
            if GRUDGING.search(text, s, reply.sentence_at(m.start())[1]):
                continue
            out.append((m.start(), m.end(), "offer"))
            break
        if out:
            break
    return out


# ---- acknowledgement ------------------------------------------------------------------------------

_ACK = [
    # reassurance
    re.compile(r"\b(?:it|this|that) (?:isn't|is not|wasn't|was not)(?: \w+)? you\b|\bnot (?:you|yours)\b(?=\s*[.,;:!)]|\s*$|\s+just\b)|\b(?:you've|you have) done nothing wrong\b|"
               r"\bnothing(?:'s| is| was)? (?:lost|gone|broken)\b|\b(?:is|are|'s|'re) not gone\b|\bno panic\b|\bnot (?:a|such a) (?:silly|stupid|daft|dumb) question\b|"
               r"\b(?:they're|they are|it's|it is) (?:all )?(?:safe|backed up)\b|\bwon't touch your\b|\b(?:the|your) \w+'s fault,? not\b|\bplease don't apologi[sz]e\b|"
               r"\btotally fine if\b|\bthat's absolutely fine\b|\bthis stuff is confusing\b|\basking was the right\b|\bbadly hidden\b|\bnobody (?:saves|plans|remembers|expects)\b", F),
    # owning a mistake
    re.compile(r"\b(?:that|this|it) was (?:us|me|our doing|my doing)\b|\bI made a (?:mess|hash|mistake|muddle)\b|\b(?:caused|broken) by [^.!?]{0,40}\b(?:we|I) (?:\w+ed|set|made|ran|did)\b|"
               r"\b(?:we|I) (?:pushed|rolled out|scheduled|rushed|moved|renamed|changed) [^.!?]{0,50}\b(?:and it broke|wrong|without (?:telling|checking|testing))\b|\baccept my apologies\b|\bwe got (?:it|this|that) wrong\b", F),
    # naming their situation or feeling
    re.compile(r"\b(?:must|must've|must have) (?:been|be) (?:a |so |such a |really |very )?\w+(?: feeling)?\b(?=[^.!?]{0,40}\b(?:feeling|annoying|horrible|awful|stressful|worrying|frustrating|scary|rotten))|"
               r"\bmust be so \w+|\bnot the \w+ you deserved\b|\b(?:rubbish|rotten|bad|rough|tough|horrible|awful|stressful) (?:start|day|week|morning|time|combination)\b|"
               r"\bproperly unlucky\b|\byou(?:'ve| have) had (?:a lot|a morning|a day|a week|such|quite)\b|\byou look like you've had\b|\bsounds? (?:really |so |very )?(?:fiddly|chaotic|like (?:the|a) \w+ (?:has|was) been chaos)\b|"
               r"\bchaos\b|\bcherry on (?:the )?top\b|\bI (?:fully |completely |totally )?understand (?:how|why|that)\b|\bcompletely understand\b|\bI sympathi[sz]e\b|"
               r"\bI can see this is\b|\bI can hear\b|\bwith your \w+ the way it is\b|\bstuck with (?:a|it|that)\b|\bif you're not comfortable\b|\bI know (?:it's|you|this) (?:been|were|was)\b|"
               r"\bnobody (?:plans|wants|likes)\b|\bfair play\b|\bthe day after you\b|\bfirst (?:day|week|morning|month)\b[^.!?]{0,25}\band\b|\bright before (?:payroll|your|the|a)\b", F),
]


def acknowledgement(reply: "Reply") -> list[tuple[int, int, str]]:
    text = reply.text
    out: list[tuple[int, int, str]] = []
    for p in _ACK:
        for m in p.finditer(text):
            s, _ = reply.sentence_at(m.start())
            if re.search(r"\b(?:if|whether|unless)\b[^,.;]*$", text[s:m.start()], F) and "comfortable" not in m.group():
                continue
            out.append((m.start(), m.end(), "acknowledges"))
            break
    return out


# A phrase the helper rejects: "I'd never say", "I'm not going to say", "I won't bore you with".
REJECTED = re.compile(
    r"\b(?:never|won't|will not|not going to|wouldn't|would never|don't|no longer|used to)\s+(?:\w+\s+){0,2}?(?:say|tell|bore|write|use|close)\b[^.!?]*$"
    r"|\b(?:nobody|no one|no-one|not that|doesn't mean|does not mean)\s+(?:\w+\s+){0,1}?(?:thinks?|expects?|says?|(?=you\b))[^.!?]*$",
    F,
)
