"""Practice conversations: a branching talk with a made-up client, one per module.

Its content is `assessments/conversations/module-N.yaml` (``kind: conversation``, one file per
conversation): a persona, the client's turns (`nodes`), each with 3-4 replies that lead to the next turn or
to an ending, and the endings with their debrief. The piece is ``module-N/conversation``.

The participant picks a reply (options in an order of their own, as for scenarios) or, at a turn marked
``write: true``, writes their own: the reply coach reads it, and it is taken as the reply whose `fits` (coach
findings and check concepts) it matches best, with the coach's verdict breaking ties. A trust meter (words
and an icon) moves with every reply; an ending shows the client's last line and a debrief of what helped and
what hurt. Every run is kept: each turn is saved as it is taken (one piece answer per run, replaced turn by
turn, under ``<module>-run-<number>``), so a reload or a restart goes on at the same turn with the same trust.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from empathydesk.content import Content, Id, Module, Strict, Text
from empathydesk.kinds import Kind, Loc, Row

if TYPE_CHECKING:
    import ipywidgets as w

    from empathydesk.storage.records import Answers
    from empathydesk.widgets.session import Session

NAME = "conversation"
MIN_BEST_TURNS = 8
MIN_ENDINGS = 4
TRUST_WORDS = ("lost", "low", "unsure", "good", "strong")  # the meter, 0..4
TRUST_ICONS = ("✕", "◔", "◑", "◕", "●")  # beside the words: never colour alone
Mood = Literal["calm", "unsure", "worried", "tense", "upset", "angry", "relieved", "warm"]
EndingType = Literal["reassured", "bruised", "escalated", "gave-up"]
ENDING_WORDS: dict[str, str] = {
    "reassured": "resolved and reassured",
    "bruised": "resolved but bruised",
    "escalated": "escalated",
    "gave-up": "gave up",
}


class Reply(Strict):
    """One reply the participant may give at a turn."""

    text: Text
    best: bool = False
    to: Id  # the next turn's id, or an ending's
    trust: int = Field(ge=-2, le=2)
    why: Text  # shown in the debrief: why it helped or hurt
    lesson: Id
    fits: list[Id] = []  # at a write turn: the coach findings and check concepts this reply stands for


class Turn(Strict):
    """What the client says, and the replies to it."""

    id: Id
    client: Text
    mood: Mood
    write: bool = False
    choices: list[Reply] = Field(min_length=3, max_length=4)


class Persona(Strict):
    name: Text
    about: Text
    situation: Text
    hidden_worry: Text


class Ending(Strict):
    id: Id
    type: EndingType
    client: Text
    debrief: Text


class Conversation(Strict):
    kind: Literal["conversation"]
    id: Id
    module: Id
    title: Text
    persona: Persona
    helper_brief: Text
    start: Id
    trust: int = Field(ge=0, le=4)
    nodes: list[Turn] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)

    def node(self, node_id: str) -> Turn | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        return next((e for e in self.endings if e.id == ending_id), None)

    def best_path(self) -> list[Turn]:
        """The turns along the best replies from the start, up to an ending or a turn met twice."""
        path: list[Turn] = []
        node = self.node(self.start)
        while node is not None and node not in path:
            path.append(node)
            node = self.node(next((c.to for c in node.choices if c.best), ""))
        return path


class Step(BaseModel):
    """One turn taken: the turn, the reply (its index in the file), the meter after it, and the words the
    participant wrote when they wrote their own."""

    model_config = ConfigDict(extra="forbid", strict=True)
    node: str
    choice: int
    trust: int
    written: str | None = None


class Run(BaseModel):
    """One run through a conversation, saved after every turn; `ending` once it is over."""

    model_config = ConfigDict(extra="forbid", strict=True)
    conversation: str
    steps: list[Step] = []
    ending: str | None = None


# --- the course ----------------------------------------------------------------------------------


def for_module(content: Content, module_id: str) -> Conversation | None:
    return next((c for c in content.parts_of(NAME) if c.module == module_id), None)


def _reads(content: Content, module: Module) -> list[Conversation]:
    found = for_module(content, module.id)
    return [] if found is None else [found]


def _ids(conversation: Conversation) -> Iterable[tuple[Loc, str]]:
    yield ("id",), conversation.id


def fit_names() -> set[str]:
    """What a reply's `fits` may name: the coach's finding codes and its check concepts."""
    from empathydesk.coach import codes
    from empathydesk.coach.checks import concepts

    return {c for c in codes() if not c.startswith("exercise-")} | set(concepts())


def _edges(conversation: Conversation) -> dict[str, set[str]]:
    return {n.id: {c.to for c in n.choices} for n in conversation.nodes}


def _reach(edges: Mapping[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        here = todo.pop()
        if here not in seen:
            seen.add(here)
            todo += edges.get(here, ())
    return seen


def _graph_problems(conversation: Conversation) -> Iterable[tuple[Loc, str]]:
    """Unreachable turns and endings, paths that never end, cycles without an exit, and the best path."""
    edges = _edges(conversation)
    index = {n.id: i for i, n in enumerate(conversation.nodes)}
    endings = {e.id for e in conversation.endings}
    reached = _reach(edges, conversation.start) if conversation.start in edges else set()
    for i, node in enumerate(conversation.nodes):
        if reached and node.id not in reached:
            yield ("nodes", i, "id"), f"turn {node.id!r} cannot be reached from the start ({conversation.start!r})"
    for k, ending in enumerate(conversation.endings):
        if reached and ending.id not in reached:
            yield ("endings", k, "id"), f"ending {ending.id!r} cannot be reached: no reply leads to it"
    ends = {n for n in edges if _reach(edges, n) & endings}
    reported: set[str] = set()
    for node in conversation.nodes:
        if node.id in ends or node.id in reported:
            continue
        after = set().union(*(_reach(edges, n) for n in edges[node.id]))  # where its replies lead, onwards
        loop = {n for n in after if n in edges and node.id in _reach(edges, n)}
        if loop:
            reported |= loop
            circle = " → ".join(sorted(loop, key=index.__getitem__))
            yield ("nodes", index[node.id], "id"), f"a cycle without an exit: {circle} never reaches an ending"
        else:
            yield ("nodes", index[node.id], "id"), (
                f"a path that never ends: every reply from {node.id!r} goes round in circles, never to an ending"
            )
    if conversation.start not in edges:
        return
    path = conversation.best_path()
    last = next((c.to for c in path[-1].choices if c.best), "") if path else ""
    ending = conversation.ending(last)
    if conversation.node(last) is not None:
        yield ("start",), f"no best path: the best replies go round in a circle at {last!r}"
    elif ending is not None and ending.type != "reassured":
        yield ("start",), f"no best path: the best replies end in {ending.id!r} ({ending.type}), not a reassured ending"
    elif ending is not None and len(path) < MIN_BEST_TURNS:
        yield ("start",), f"the best path has {len(path)} client turns; it needs at least {MIN_BEST_TURNS}"


def _form_problems(conversation: Conversation) -> Iterable[tuple[Loc, str]]:
    """The best reply must not stand out by its length: not the longest (or the shortest) at most turns."""
    nodes = conversation.nodes
    guess = sum(1 / len(n.choices) for n in nodes) / len(nodes)
    for word, pick in (("longest", max), ("shortest", min)):
        hits = sum(pick(n.choices, key=lambda c: len(c.text)).best for n in nodes)
        if len(nodes) >= 4 and hits / len(nodes) > guess + 0.25:
            yield ("nodes",), (
                f"the best reply is the {word} at {hits} of {len(nodes)} turns, so its length gives it away; "
                f"make the other replies as long"
            )


def _content_problems(content: Content, conversation: Conversation) -> Iterable[tuple[Loc, str]]:
    """The conversation's module, lessons, ids, replies and graph (see assessments/README.md)."""
    modules = {m.id for m in content.modules}
    if conversation.module not in modules:
        yield ("module",), f"unknown module {conversation.module!r}"
    first = for_module(content, conversation.module)
    if first is not None and first is not conversation:
        yield ("module",), f"{conversation.module} has a conversation already ({first.id!r}); one per module"
    names = fit_names()
    seen: set[str] = set()
    for section in ("nodes", "endings"):
        for i, thing in enumerate(getattr(conversation, section)):
            if thing.id in seen:
                yield (section, i, "id"), f"{thing.id!r} is used twice; each turn and ending needs its own id"
            seen.add(thing.id)
    if conversation.node(conversation.start) is None:
        yield ("start",), f"{conversation.start!r} is not a turn of this conversation"
    for i, node in enumerate(conversation.nodes):
        best = sum(c.best for c in node.choices)
        if best != 1:
            yield ("nodes", i, "choices"), f"a turn needs exactly one reply marked best: true; found {best}"
        for j, choice in enumerate(node.choices):
            at = ("nodes", i, "choices", j)
            if choice.to not in seen:
                yield (*at, "to"), f"this reply leads nowhere: {choice.to!r} is neither a turn nor an ending"
            if choice.lesson not in content.lesson_ids:
                yield (*at, "lesson"), f"unknown lesson {choice.lesson!r}"
            if node.write and not choice.fits:
                yield (*at, "fits"), "every reply at a write: true turn needs fits: (the coach findings it stands for)"
            if choice.fits and not node.write:
                yield (*at, "fits"), "fits is read only at a write: true turn"
            for k, fit in enumerate(choice.fits):
                if fit not in names:
                    yield (*at, "fits", k), f"{fit!r} is not a coach finding or check (known: {', '.join(sorted(names))})"
    if not any(n.write for n in conversation.nodes):
        yield ("nodes",), "no turn has write: true; at least one turn lets the participant write their own reply"
    types = {e.type for e in conversation.endings}
    if len(conversation.endings) < MIN_ENDINGS or len(types) < len(ENDING_WORDS):
        missing = ", ".join(t for t in ENDING_WORDS if t not in types)
        yield ("endings",), (
            f"a conversation needs at least {MIN_ENDINGS} endings and every type of ending"
            + (f"; missing: {missing}" if missing else "")
        )
    if all(c.to in seen for n in conversation.nodes for c in n.choices):
        yield from _graph_problems(conversation)
    yield from _form_problems(conversation)


# --- a participant's runs ------------------------------------------------------------------------


def clamp(trust: int) -> int:
    return max(0, min(len(TRUST_WORDS) - 1, trust))


RUN = "-run-"  # a run's key: "<module>-run-<number>"


def run_key(module_id: str, number: int) -> str:
    return f"{module_id}{RUN}{number}"


def _split_key(key: str) -> tuple[str, int | None]:
    module_id, _, number = key.rpartition(RUN)
    return module_id, int(number) if number.isdigit() else None


def runs(saved: Mapping[str, Any], module_id: str) -> list[Run]:
    """The participant's runs of `module_id`'s conversation, first to last."""
    mine = {_split_key(key)[1]: values for key, values in saved.items() if _split_key(key)[0] == module_id}
    return [Run.model_validate(mine[n][-1]) for n in sorted(n for n in mine if n is not None) if mine[n]]


def trust_now(conversation: Conversation, run: Run) -> int:
    return run.steps[-1].trust if run.steps else conversation.trust


def where(conversation: Conversation, run: Run) -> str:
    """The id of the turn the run is at (or its ending)."""
    if not run.steps:
        return conversation.start
    step = run.steps[-1]
    node = conversation.node(step.node)
    return node.choices[step.choice].to if node else ""


def take(conversation: Conversation, run: Run, choice: int, written: str | None = None) -> Run:
    """`run` with one more turn: the reply `choice` of the turn it is at."""
    node = conversation.node(where(conversation, run))
    assert node is not None and run.ending is None
    reply = node.choices[choice]
    step = Step(node=node.id, choice=choice, trust=clamp(trust_now(conversation, run) + reply.trust), written=written)
    ending = reply.to if conversation.ending(reply.to) else None
    return Run(conversation=run.conversation, steps=[*run.steps, step], ending=ending)


def played(conversation: Conversation, picks: Iterable[int]) -> Run:
    """A run from the start along the replies `picks` (their indices in the file)."""
    run = Run(conversation=conversation.id)
    for pick in picks:
        run = take(conversation, run, pick)
    return run


def best_picks(conversation: Conversation) -> list[int]:
    """The best reply's index at each turn of the best path."""
    return [next(i for i, c in enumerate(n.choices) if c.best) for n in conversation.best_path()]


def _answer_check(content: Content, key: str, run: Run) -> str | None:
    """A run must be a path of the module's conversation, with the trust it builds."""
    module_id, number = _split_key(key)
    conversation = for_module(content, module_id)
    if conversation is None or number is None:
        return f"{key!r} is not a run of a practice conversation (module-N-run-1, module-N-run-2, ...)."
    if run.conversation != conversation.id:
        return f"{run.conversation!r} is not the conversation of {module_id}."
    replay = Run(conversation=run.conversation)
    for step in run.steps:
        node = conversation.node(where(conversation, replay))
        if replay.ending is not None or node is None or node.id != step.node:
            return f"turn {step.node!r} does not follow the turns before it."
        if not 0 <= step.choice < len(node.choices):
            return f"{step.choice} is not one of the replies of {node.id!r}."
        replay = take(conversation, replay, step.choice, step.written)
        if replay.steps[-1].trust != step.trust:
            return f"the trust after {node.id!r} should be {replay.steps[-1].trust}, not {step.trust}."
    if replay.ending != run.ending:
        return f"the run should end at {replay.ending!r}, not {run.ending!r}."
    return None


def _finished(content: Content, conversations: Sequence[Conversation], saved: Mapping[str, Any]) -> bool:
    return all(any(r.ending for r in runs(saved, c.module)) for c in conversations)


def _started(content: Content, conversations: Sequence[Conversation], saved: Mapping[str, Any]) -> bool:
    return any(r.steps for c in conversations for r in runs(saved, c.module))


def ending_of(conversation: Conversation, run: Run) -> Ending | None:
    return conversation.ending(run.ending) if run.ending else None


RANK = tuple(ENDING_WORDS)  # the best ending first


def best_run(conversation: Conversation, done: Sequence[Run]) -> Run | None:
    """The finished run with the best ending, then the most trust (the earliest of equals)."""
    finished = [r for r in done if ending_of(conversation, r)]
    return min(finished, key=lambda r: (RANK.index(ending_of(conversation, r).type), -trust_now(conversation, r)),  # type: ignore[union-attr]
               default=None)


def _summary(content: Content, answers: Answers) -> str | None:
    """The participant's endings and their best run, per conversation, for "My progress" and the PDF."""
    said = []
    for conversation in content.parts_of(NAME):
        mine = [r for r in runs(KIND.saved(answers), conversation.module) if r.ending]
        best = best_run(conversation, mine)
        if best is None:
            continue
        endings = ", ".join(ENDING_WORDS[ending_of(conversation, r).type] for r in mine)  # type: ignore[union-attr]
        times = "once" if len(mine) == 1 else f"{len(mine)} times"
        said.append(
            f"{conversation.title}: played {times} ({endings}); best: {ENDING_WORDS[ending_of(conversation, best).type]}"  # type: ignore[union-attr]
            f", trust {TRUST_WORDS[trust_now(conversation, best)]}"
        )
    return ("Practice conversations: " + "; ".join(said) + ".") if said else None


def _rows(saved: Mapping[str, Any]) -> list[Row]:
    out: list[Row] = []
    for key in sorted(saved, key=lambda k: (_split_key(k)[0], _split_key(k)[1] or 0)):
        run = Run.model_validate(saved[key][-1])
        topic = f"{NAME} {key}"
        out += [(topic, f"turn {i} {s.node}", s.written if s.written else s.choice, "") for i, s in enumerate(run.steps, 1)]
        out.append((topic, "ending", run.ending or "not finished", ""))
    return out


def cohort_runs(content: Content, answers: Mapping[int, Answers]) -> dict[int, dict[str, dict[str, Any]]]:
    """participant id -> conversation id -> {"first", "last": the ending types of their first and last
    finished run, "lost": the turns where their first finished run lost trust}, for `stats.cohort_tables`."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for pid, answer in answers.items():
        for conversation in content.parts_of(NAME):
            done = [r for r in runs(KIND.saved(answer), conversation.module) if ending_of(conversation, r)]
            if not done:
                continue
            first = done[0]
            lost = frozenset(s.node for s in first.steps if conversation.node(s.node).choices[s.choice].trust < 0)  # type: ignore[union-attr]
            out.setdefault(pid, {})[conversation.id] = {
                "first": ending_of(conversation, first).type,  # type: ignore[union-attr]
                "last": ending_of(conversation, done[-1]).type,  # type: ignore[union-attr]
                "lost": lost,
            }
    return out


def _demo(content: Content, rng: random.Random, index: int, before: float, after: float, finished: bool) -> dict[str, Any]:
    """A made-up person's runs: the best reply with the chance they know it then; a second run, knowing
    more, if they finished (and only the first conversation if they did not: `demo` times the rest at the end).
    The runs draw on a generator of their own (from the person's place and knowledge), not on `rng`: the other
    made-up answers stay the same whatever conversations the course has."""
    out: dict[str, Any] = {}
    for conversation in content.parts_of(NAME)[: None if finished else 1]:
        own = random.Random(f"{index}:{before}:{after}:{conversation.id}")
        for n, knows in enumerate((before, after) if finished else (before,), start=1):
            run = Run(conversation=conversation.id)
            while run.ending is None and len(run.steps) < 4 * len(conversation.nodes):
                node = conversation.node(where(conversation, run))
                best = next(i for i, c in enumerate(node.choices) if c.best)  # type: ignore[union-attr]
                run = take(conversation, run, best if own.random() < knows else own.randrange(len(node.choices)))  # type: ignore[union-attr]
            if run.ending is not None:
                out[run_key(conversation.module, n)] = run.model_dump()
    return out


def _reading(content: Content, module_id: str) -> tuple[int, float]:
    """Words read along the best path (the persona, each turn and its replies, the ending and its debrief),
    and a task's minutes per turn."""
    from empathydesk.reading import TASK_MINUTES, words

    conversation = for_module(content, module_id)
    if conversation is None:
        return 0, 0.0
    path = conversation.best_path()
    read = words(conversation.title) + words(conversation.persona.about) + words(conversation.persona.situation)
    for node in path:
        read += words(node.client) + sum(words(c.text) for c in node.choices)
    ending = conversation.ending(next((c.to for c in path[-1].choices if c.best), "")) if path else None
    if ending is not None:
        read += words(ending.client) + words(ending.debrief) + sum(words(c.why) for n in path for c in n.choices if c.best)
    return read, TASK_MINUTES["conversation-turn"] * len(path)


# --- a written reply, taken as the nearest reply -------------------------------------------------

FIT_WORDS: dict[str, str] = {
    "acknowledges": "shows you see how they feel",
    "suggests": "offers a step as a choice",
    "open-door": "leaves the door open",
    "asks-setup": "asks about their own setup",
    "next-step": "says what happens next",
    "offers-help": "offers your help",
    "together": "offers to do it together",
    "gives-time": "says when",
    "gives-reason": "gives a reason",
    "thanks-them": "thanks them",
    "says-sorry": "says sorry",
    "own-story": "shares a story of your own",
    "plain-words": "uses plain words",
    "admonishing": "sounds like a telling-off",
    "dismissive": "makes the problem sound small",
    "order": "reads like an order",
    "boilerplate": "sounds like a script",
    "jargon": "uses words they may not know",
    "brief": "is very short",
    "sarcasm": "may sound like sarcasm",
    "non-apology": "says sorry for their feelings, not for what went wrong",
    "no-next-step": "leaves them with nothing to do next",
    "too-long": "is a lot to take in at once",
}


def fit_words(name: str) -> str:
    return FIT_WORDS.get(name, name.replace("-", " "))


def match_reply(node: Turn, text: str) -> tuple[int, list[str], str]:
    """The reply at `node` a written `text` is taken as: (its index, the fits the coach found in the text,
    the coach's verdict). The reply with most of its fits found wins; of equals, one that agrees with the
    verdict (a relational reply: the reply that helps most; else the one that hurts most), then the first."""
    from empathydesk.coach import review
    from empathydesk.coach.checks import MET

    wanted = sorted({f for c in node.choices for f in c.fits})
    checked = review(text, {"lesson": None, "checks": [{"point": f, "wants": [f]} for f in wanted]})
    met = {f for f in wanted for finding in checked.findings if finding.message == MET.format(point=f)}
    verdict = review(text).verdict
    sign = 1 if verdict == "relational" else -1

    def rank(i: int) -> tuple[int, int, int]:
        reply = node.choices[i]
        return (len(met & set(reply.fits)), sign * reply.trust, -i)

    chosen = max(range(len(node.choices)), key=rank)
    return chosen, [f for f in node.choices[chosen].fits if f in met], verdict


def taken_as_words(node: Turn, choice: int, found: Sequence[str], verdict: str) -> str:
    """Which reply a written one was taken as, and why, in plain words."""
    reply = node.choices[choice].text
    coach = "reads like a reply to a person" if verdict == "relational" else "could be warmer"
    if found:
        because = "it " + " and ".join(fit_words(f) for f in found)
        return f"We took your reply as: {reply} Why: {because}, and the coach says it {coach}."
    return f"We took your reply as: {reply} Why: it matched none of the replies closely, and the coach says it {coach}."


# --- the page ------------------------------------------------------------------------------------

SAY = "Say this"
SAY_MINE = "Say my own reply"
AGAIN = "Try again"
# where the keyboard's focus goes once the button pressed is gone (widgets.focus): the new turn's options (their
# group's name is the client's new line; each turn's class is its own, so the turn being removed is never taken),
# or the ending's heading
TURN = "ed-turn-{}"
ENDING = ".ed-debrief h4"


def meter_html(trust: int, before: int | None = None) -> str:
    """The trust meter: words and an icon (never colour alone); shown in a `Live` region, so a move is announced."""
    move = ""
    if before is not None and before != trust:
        move = f" (went {'up' if trust > before else 'down'} from {TRUST_WORDS[before]})"
    elif before is not None:
        move = " (no change)"
    filled = "".join(f'<span class="ed-trust-step{" ed-on" if i < trust else ""}"></span>' for i in range(len(TRUST_WORDS) - 1))
    return (
        f'<div class="ed-trust ed-trust-{trust}">'
        f'<span class="ed-icon" aria-hidden="true">{TRUST_ICONS[trust]}</span> '
        f'<strong>Trust: {TRUST_WORDS[trust]}</strong>{esc(move)}'
        f'<span class="ed-trust-bar" aria-hidden="true">{filled}</span></div>'
    )


def esc(text: str) -> str:
    return escape(text, quote=True)


def _said(who: str, words: str, cls: str, mood: str = "") -> str:
    feel = f' <span class="ed-mood">({esc(mood)})</span>' if mood else ""
    return f'<p class="{cls}"><strong>{esc(who)}</strong>{feel}: {esc(words)}</p>'


def transcript_html(conversation: Conversation, run: Run) -> str:
    """The turns so far: what the client said, and what the participant said (their own words when written)."""
    name = conversation.persona.name
    lines = [f'<p class="ed-muted">{esc(conversation.persona.situation)}</p>']
    for step in run.steps:
        node = conversation.node(step.node)
        assert node is not None
        lines.append(_said(name, node.client, "ed-client", node.mood))
        lines.append(_said("You", step.written or node.choices[step.choice].text, "ed-you"))
    return f'<div class="ed-transcript">{"".join(lines)}</div>'


def debrief_html(conversation: Conversation, course: Content, run: Run) -> str:
    """The ending: the client's last line, what it was, the debrief, what helped and what hurt, and why."""
    from empathydesk.widgets.rewrite import lesson_name

    ending = ending_of(conversation, run)
    assert ending is not None
    helped, hurt = [], []
    for step in run.steps:
        reply = conversation.node(step.node).choices[step.choice]  # type: ignore[union-attr]
        lesson = lesson_name(course, reply.lesson)
        item = (f'<li><span class="ed-option-text">{esc(reply.text)}</span> {esc(reply.why)} '
                f"<em>(Lesson: {esc(lesson)})</em></li>")
        if reply.trust > 0:
            helped.append(item)
        elif reply.trust < 0:
            hurt.append(item)
    name = conversation.persona.name

    def listed(title: str, items: list[str], empty: str) -> str:
        inner = f'<ul>{"".join(items)}</ul>' if items else f"<p>{esc(empty)}</p>"
        return f"<h5>{esc(title)}</h5>{inner}"

    return (
        f'<div class="ed-debrief ed-ending-{ending.type}">'
        + _said(name, ending.client, "ed-client")
        + f"<h4>{esc('How it ended: ' + ENDING_WORDS[ending.type])}</h4><p>{esc(ending.debrief)}</p>"
        + f"<p><strong>{esc(f'What {name} did not say at first:')}</strong> {esc(conversation.persona.hidden_worry)}</p>"
        + listed("What helped", helped, "No reply raised the trust this time.")
        + listed("What hurt", hurt, "No reply lowered the trust this time.")
        + "</div>"
    )


def history_html(conversation: Conversation, done: Sequence[Run]) -> str:
    finished = [r for r in done if r.ending]
    if not finished:
        return ""
    items = "".join(
        f"<li>Run {n}: {esc(ENDING_WORDS[ending_of(conversation, r).type])}, trust {TRUST_WORDS[trust_now(conversation, r)]}</li>"  # type: ignore[union-attr]
        for n, r in enumerate(finished, 1)
    )
    return f'<div class="ed-runs"><h5>Your runs so far</h5><ul>{items}</ul></div>'


def build(session: Session, module_id: str) -> w.Widget:
    """The conversation of `module_id`: the turn it is at (or the last ending), saved turn by turn."""
    import ipywidgets as w

    from empathydesk.limits import MAX_REPLY_CHARS
    from empathydesk.widgets import drafts, ui
    from empathydesk.widgets.choice import Choice
    from empathydesk.widgets.focus import Focus
    from empathydesk.widgets.live import Live
    from empathydesk.widgets.rewrite import warm_up_coach
    from empathydesk.widgets.scenario import option_order, participant_key

    conversation = for_module(session.content, module_id)
    if conversation is None:
        module = session.content.module(module_id)
        return ui.piece([ui.note("info", f"{module.title} has no practice conversation yet.", word="")], name=NAME)
    saved = runs(KIND.saved(session.store.answers(session.pid)), module_id)
    state = {"number": len(saved) or 1, "run": saved[-1] if saved else Run(conversation=conversation.id)}
    persona = conversation.persona
    intro = ui.heading(conversation.title, intro=f"{persona.about} Pick a reply, or at some turns write your own.")
    transcript = ui.markup()  # the talk so far, then the meter (a live region that stays in place), then the turn
    meter = Live()
    message = ui.markup()
    body = w.VBox([], layout=ui.full_width())
    draft_key = drafts.key(NAME, module_id)

    def show_error(text: str) -> None:
        message.value = ui.note_html("error", text)

    def save(run: Run) -> None:
        session.store.add_piece_answer(session.pid, NAME, run_key(module_id, state["number"]), run.model_dump(), replace=True)
        state["run"] = run

    def step_to(run: Run, note: str = "") -> None:
        before = trust_now(conversation, state["run"])
        save(run)
        draw(before, note, moved=True)

    def draw(before: int | None = None, note: str = "", *, moved: bool = False) -> None:
        """The run as it is now; `moved`: after a press whose button is gone, the focus goes to the new turn."""
        run: Run = state["run"]
        transcript.value = transcript_html(conversation, run)
        meter.value = meter_html(trust_now(conversation, run), before)
        message.value = ui.note_html("info", note, word="") if note else ""
        parts: list[w.Widget] = []
        then = [Focus(target=ENDING if run.ending is not None else f".{TURN.format(len(run.steps))} input")] if moved else []
        if run.ending is not None:
            done = runs(KIND.saved(session.store.answers(session.pid)), module_id)
            again = ui.button(AGAIN, icon="repeat")
            again.on_click(ui.guard(show_error)(lambda _: restart()))
            parts += [ui.markup(debrief_html(conversation, session.content, run) + history_html(conversation, done)), again]
            body.children = parts + then
            return
        node = conversation.node(where(conversation, run))
        assert node is not None
        order = option_order(participant_key(session), f"{conversation.id}/{node.id}", len(node.choices))
        choice = Choice(options=[(node.choices[i].text, i) for i in order],
                        description=f"{persona.name} ({node.mood}): {node.client}", layout=ui.full_width(),
                        **ui.classes(TURN.format(len(run.steps))))
        say = ui.button(SAY, icon="comment")
        drafted: list[drafts.Draft] = []  # the box's draft at a write turn: forgotten once a reply is given

        @ui.guard(show_error)
        def on_say(_: Any) -> None:
            if choice.value is None:
                message.value = ui.note_html("warn", "Pick a reply first.", word="")
                return
            run = take(conversation, state["run"], int(choice.value))
            for draft in drafted:
                draft.done("")
            step_to(run)

        say.on_click(on_say)
        parts += [ui.card([choice, say], name="conversation-turn")]
        if node.write:
            kept = session.store.drafts(session.pid).get(draft_key)
            box = w.Textarea(value=drafts.start_text("", None, kept), description="Or write your own reply",
                             placeholder=f"What would you say to {persona.name}?", rows=3, continuous_update=True,
                             style=ui.text_style(), layout=ui.full_width(), **ui.classes(ui.STACKED))
            box.observe(lambda _: warm_up_coach(), names="value")
            draft = drafts.Draft(session, draft_key, box, "", kept, limit=MAX_REPLY_CHARS, what="a reply here",
                                 nudge=f"Press “{SAY_MINE}” when you are ready.")
            drafted.append(draft)
            mine = ui.button(SAY_MINE, icon="pencil")

            @ui.guard(show_error)
            def on_mine(_: Any) -> None:
                text = (box.value or "").strip()
                problem = drafts.not_ready(text, MAX_REPLY_CHARS, "a reply here", "Write your reply in the box first.",
                                           "It was not sent.")
                if problem:
                    message.value = ui.note_html("warn", problem, word="")
                    return
                index, found, verdict = match_reply(node, text)
                run = take(conversation, state["run"], index, written=text)
                draft.done(text)
                step_to(run, taken_as_words(node, index, found, verdict))

            mine.on_click(on_mine)
            parts += [ui.card([box, draft.line, mine], name="conversation-write")]
        body.children = parts + then

    def restart() -> None:
        state["number"] = len(runs(KIND.saved(session.store.answers(session.pid)), module_id)) + 1
        state["run"] = Run(conversation=conversation.id)
        draw(moved=True)

    draw()
    return ui.piece([intro, transcript, meter, message, body], name=NAME)


KIND = Kind(
    NAME,
    "module",
    "empathydesk.pieces.conversation:build",
    reads=_reads,
    stores=Run,
    answer_check=_answer_check,
    content=Conversation,
    content_ids=_ids,
    content_problems=_content_problems,
    several=True,
    part=NAME,
    done=_finished,
    started=_started,
    result=NAME,
    rows=_rows,
    summary=_summary,
    demo=_demo,
    reading=_reading,
)
