"""The role-play kit: a printable A4 PDF for the room (`empathydesk handout --out FILE.pdf`).

Tone of voice and body language can't be practised on a screen, so groups of three act out each module's
practice conversation (assessments/conversations/). For each module that has one, a page of three cards to
cut apart: the client's brief (the persona, the scene, their first words and the hidden worry), the helper's
brief, and the observer's checklist (the module's key points from coverage.yaml, or its goals when it has
none). Then one page "instead of this, try this" (each rewrite exercise's curt reply beside its example) and
a glossary of the plain-words rules (the reply coach's findings, their advice and lessons, and the terms it
counts as jargon).

Everything comes from the content and the coach's data, so a facilitator who edits a persona changes its
card too. `kit()` gathers the text; `render()` draws it with fpdf2, fitting each box by making the type
smaller and, below the smallest size, shortening the longest text, so that huge or hostile text can't break
a page. The colours are the workshop's light design tokens (tokens.css).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from empathydesk.paths import TEMPLATE_DIR

if TYPE_CHECKING:
    from fpdf import FPDF

    from empathydesk.content import Content, Module
    from empathydesk.pieces.conversation import Conversation

TITLE = "EmpathyDesk role-play kit"
ROLE_PLAY_HOW = (
    "Work in threes: a client, a helper and an observer. Cut the cards apart, and each person reads only "
    "their own. Swap roles for the next module."
)
OBSERVER_PART = (
    "Watch and listen. Tick each of the module's key points when you see the helper act on it, and note the "
    "words that helped or hurt. "
    "Watch the voice, the face and the hands too: do they match the words?"
)
OBSERVER_AFTER = "Afterwards, ask the client when they began to trust the helper, and when they stopped."
SWAPS_TITLE = "Instead of this, try this"
SWAPS_ABOUT = "Curt replies from the workshop's rewrite exercises, each beside one warmer way to say it."
GLOSSARY_TITLE = "Plain words: the workshop's rules"
GLOSSARY_ABOUT = (
    "What the reply coach looks for, in its own words, and the lesson that teaches each rule."
)
TERMS_ABOUT = "Words the coach counts as jargon: leave them out, or add a short note on what they mean."
MAX_CHARS = 1200  # any one text, before fitting: longer is cut with an ellipsis
MAX_TERMS_CHARS = 6000  # the glossary's list of terms

# --- what goes on the pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    label: str
    text: str


@dataclass(frozen=True)
class Card:
    role: str  # Client, Helper or Observer: printed on the card, never colour alone
    title: str
    sections: tuple[Section, ...]
    checklist: tuple[str, ...] = ()
    closing: str = ""


@dataclass(frozen=True)
class RolePlay:
    number: int  # the module's
    module: str  # "Module 5: When someone says ..."
    title: str  # the conversation's title
    cards: tuple[Card, Card, Card]


@dataclass(frozen=True)
class Swap:
    where: str  # "Module 5: <the exercise's situation>"
    instead: str
    better: str


@dataclass(frozen=True)
class Rule:
    term: str
    meaning: str
    lesson: str  # "Module 4: Your own words, not a script", or "" when the rule has no lesson


@dataclass(frozen=True)
class Kit:
    role_plays: tuple[RolePlay, ...]
    swaps: tuple[Swap, ...]
    leave_out: tuple[Rule, ...]
    keep_in: tuple[Rule, ...]
    terms: tuple[str, ...]


def kit(content: Content) -> Kit:
    """The kit's text, from the content and the reply coach's data."""
    from empathydesk.pieces.conversation import for_module

    role_plays = tuple(
        role_play(content, module, found)
        for module in content.modules
        if (found := for_module(content, module.id)) is not None
    )
    swaps = tuple(
        Swap(f"Module {m.number}: {ex.situation}", ex.curt_reply, ex.example) for m in content.modules for ex in m.exercises
    )
    leave_out, keep_in = coach_rules(content)
    return Kit(role_plays, swaps, leave_out, keep_in, jargon_terms())


def key_points(content: Content, module: Module) -> tuple[str, ...]:
    """The module's key points (coverage.yaml's points taught by its lessons), else its goals."""
    lessons = {lesson.id for lesson in module.lessons}
    points = tuple(p.point for p in (content.coverage.points if content.coverage else ()) if p.lesson in lessons)
    return points or tuple(module.goals)


def role_play(content: Content, module: Module, conversation: Conversation) -> RolePlay:
    persona = conversation.persona
    opening = conversation.node(conversation.start)
    client = Card(
        "Client",
        f"You are {persona.name}",
        (
            Section("Who you are", persona.about),
            Section("The scene", persona.situation),
            Section("How you start", opening.client if opening else ""),
            Section("Keep this to yourself until the helper asks kindly", persona.hidden_worry),
        ),
    )
    helper = Card(
        "Helper",
        "You are the helper",
        (Section("Your part", conversation.helper_brief), Section("The scene", persona.situation)),
    )
    observer = Card(
        "Observer",
        "You watch and listen",
        (Section("Your part", OBSERVER_PART),),
        checklist=key_points(content, module),
        closing=OBSERVER_AFTER,
    )
    return RolePlay(module.number, f"Module {module.number}: {module.title}", conversation.title, (client, helper, observer))


def coach_rules(content: Content) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """The coach's findings as rules: what to leave out (with its advice) and what to keep in."""
    from empathydesk.coach import codes
    from empathydesk.coach.checks import concepts
    from empathydesk.pieces.conversation import fit_words

    lessons = {lesson.id: f"Module {m.number}: {lesson.title}" for m in content.modules for lesson in m.lessons}
    leave_out, keep_in = [], []
    for code, info in codes().items():
        if not info["lesson"]:
            continue  # an exercise's own checks, not a rule
        rule = Rule(f"A reply that {fit_words(code)}", advice(info["message"]), lessons.get(info["lesson"], ""))
        (leave_out if info["kind"] == "change" else keep_in).append(rule)
    named = {code for code in codes()}
    keep_in += [Rule(f"A reply that {fit_words(name)}", "", "") for name in concepts() if name not in named]
    return tuple(leave_out), tuple(keep_in)


def advice(message: str) -> str:
    """A coach message's advice: its sentences after the first, which names the finding."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", " ".join(message.split()))
    return " ".join(sentences[1:])


def jargon_terms() -> tuple[str, ...]:
    """The plain-word terms of the coach's jargon list (its patterns that are words, not rules), and the
    technical acronyms it counts as terms."""
    import yaml

    from empathydesk.coach.data import PHRASES, rules

    data = yaml.safe_load(PHRASES.joinpath("jargon.yaml").read_text(encoding="utf-8"))
    found = {
        m.group(1)
        for group in data["groups"]
        for pattern in group["patterns"]
        if (m := re.fullmatch(r"([a-z][a-z' -]*[a-z])(?:s\?)?", str(pattern)))
    }
    return tuple(sorted(found, key=str.lower)) + tuple(sorted(rules().tech_acronyms))


# --- drawing -----------------------------------------------------------------------------------------

MM_PER_PT = 25.4 / 72
LEADING = 1.3
SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7)
MARGIN = 12.0
FONT = "DejaVu"
BOX = 3.0  # a checklist's tick box, mm
NOTE_LINE = 7.0  # the observer's ruled lines, mm apart


@cache
def colours() -> dict[str, tuple[int, int, int]]:
    """The light design tokens (--ed-color-*) from the workshop's tokens.css, as RGB."""
    css = (TEMPLATE_DIR / "tokens.css").read_text(encoding="utf-8")
    found: dict[str, tuple[int, int, int]] = {}
    for name, hexa in re.findall(r"--ed-color-([a-z-]+):\s*#([0-9a-fA-F]{6})", css):
        found.setdefault(name, tuple(int(hexa[i : i + 2], 16) for i in (0, 2, 4)))  # type: ignore[arg-type]
    return found


ROLE_GROUND = {"Client": "warn-soft", "Helper": "accent-soft", "Observer": "sunken"}


def clean(text: str, limit: int = MAX_CHARS) -> str:
    """Printable text on one line: control and format characters dropped, spaces collapsed, and cut at
    `limit` characters. It is drawn as text, so markup (HTML, formulas) shows as written and does nothing."""
    kept = "".join(" " if ch in "\n\r\t" else ch for ch in text if ch in "\n\r\t" or unicodedata.category(ch)[0] != "C")
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class Block:
    """A paragraph to draw: its text and style, relative to the box's type size."""

    text: str
    bold: bool = False
    scale: float = 1.0
    colour: str = "text"
    indent: float = 0.0
    box: bool = False  # a tick box before it
    gap: float = 0.0  # space above, in lines of the box's size


def _line(size: float, block: Block) -> float:
    return size * block.scale * MM_PER_PT * LEADING


def _font(pdf: FPDF, size: float, block: Block) -> None:
    pdf.set_font(FONT, "B" if block.bold else "", size * block.scale)


def height_of(pdf: FPDF, blocks: list[Block], width: float, size: float) -> float:
    from fpdf.enums import MethodReturnValue

    total = 0.0
    for block in blocks:
        _font(pdf, size, block)
        lines = pdf.multi_cell(width - block.indent, _line(size, block), block.text, dry_run=True,
                               output=MethodReturnValue.LINES)
        total += len(lines) * _line(size, block) + block.gap * _line(size, block)
    return total


def fit(pdf: FPDF, blocks: list[Block], width: float, height: float) -> tuple[list[Block], float]:
    """The largest type size at which `blocks` fit the box; below the smallest, the longest text is
    shortened until they do."""
    for size in SIZES:
        if height_of(pdf, blocks, width, size) <= height:
            return blocks, size
    size = SIZES[-1]
    while height_of(pdf, blocks, width, size) > height:
        longest = max(range(len(blocks)), key=lambda i: len(blocks[i].text))
        text = blocks[longest].text
        if len(text) <= 12:
            break
        blocks = [*blocks[:longest], replace(blocks[longest], text=text[: int(len(text) * 0.8)].rstrip() + "\u2026"),
                  *blocks[longest + 1 :]]
    return blocks, size


def draw(pdf: FPDF, blocks: list[Block], x: float, y: float, width: float, size: float) -> float:
    """Draw `blocks` from (x, y); the y below them."""
    for block in blocks:
        line = _line(size, block)
        y += block.gap * line
        _font(pdf, size, block)
        pdf.set_text_color(*colours()[block.colour])
        if block.box:
            pdf.set_draw_color(*colours()["border-strong"])
            pdf.rect(x + block.indent - BOX - 1.5, y + (line - BOX) / 2, BOX, BOX)
        pdf.set_xy(x + block.indent, y)
        pdf.multi_cell(width - block.indent, line, block.text)
        y = pdf.get_y()
    return y


def new_pdf(when: datetime) -> FPDF:
    import matplotlib
    from fpdf import FPDF

    class Sheet(FPDF):
        def footer(self) -> None:
            self.set_y(-9)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*colours()["text-muted"])
            self.cell(0, 4, f"{TITLE}  \u00b7  page {self.page_no()}", align="C")

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu Sans ships with matplotlib
    pdf = Sheet(format="A4", unit="mm")
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(TITLE)
    pdf.set_creator("empathydesk handout")
    pdf.set_creation_date(when)
    return pdf


def _heading(pdf: FPDF, kicker: str, title: str, about: str) -> float:
    """A page's heading; the y below it."""
    width = pdf.w - 2 * MARGIN
    blocks = [Block(kicker.upper(), bold=True, scale=0.75, colour="accent"), Block(title, bold=True, scale=1.5),
              Block(about, scale=0.9, colour="text-muted", gap=0.2)]
    blocks, size = fit(pdf, blocks, width, 30)
    return draw(pdf, blocks, MARGIN, MARGIN, width, size) + 3


def card_blocks(card: Card) -> list[Block]:
    blocks = [Block(f"{card.role.upper()}  \u00b7  {card.title}", bold=True, scale=1.1)]
    for section in card.sections:
        blocks += [Block(section.label, bold=True, scale=0.85, colour="text-muted", gap=0.45), Block(section.text)]
    blocks += [Block(item, indent=BOX + 2.5, box=True, gap=0.25) for item in card.checklist]
    if card.closing:
        blocks.append(Block(card.closing, scale=0.9, colour="text-muted", gap=0.45))
    return [replace(b, text=clean(b.text)) for b in blocks]


def _cut_line(pdf: FPDF, y: float) -> None:
    pdf.set_draw_color(*colours()["border-strong"])
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_dash_pattern()
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*colours()["text-muted"])
    pdf.set_fill_color(255, 255, 255)
    pdf.set_xy(pdf.w - MARGIN - 16, y - 1.7)
    pdf.cell(14, 3.4, "\u2702 cut", align="C", fill=True)


def _role_play_page(pdf: FPDF, play: RolePlay) -> None:
    pdf.add_page()
    pdf.start_section(clean(f"Module {play.number} role-play: {play.title}", 120))
    top = _heading(pdf, f"Role-play  \u00b7  {clean(play.module)}", clean(play.title), ROLE_PLAY_HOW)
    gap, pad = 7.0, 4.5
    bottom = pdf.h - MARGIN - 4
    height = (bottom - top - 2 * gap) / 3
    width = pdf.w - 2 * MARGIN
    fitted = [fit(pdf, card_blocks(card), width - 2 * pad, height - 2 * pad) for card in play.cards]
    size = min(s for _, s in fitted)  # one type size on the page: a card with less text is not larger
    for i, (card, (blocks, _)) in enumerate(zip(play.cards, fitted)):
        y = top + i * (height + gap)
        if i:
            _cut_line(pdf, y - gap / 2)
        pdf.set_draw_color(*colours()["border"])
        pdf.set_fill_color(*colours()[ROLE_GROUND[card.role]])
        pdf.rect(MARGIN, y, width, height, style="DF", round_corners=True, corner_radius=3)
        end = draw(pdf, blocks, MARGIN + pad, y + pad, width - 2 * pad, size)
        if card.checklist:
            _note_lines(pdf, MARGIN + pad, end + 3, width - 2 * pad, y + height - pad)


def _note_lines(pdf: FPDF, x: float, top: float, width: float, bottom: float) -> None:
    """Ruled lines for the observer's notes, in the space left on the card."""
    pdf.set_draw_color(*colours()["border-strong"])
    pdf.set_line_width(0.15)
    y = top + NOTE_LINE
    while y <= bottom:
        pdf.line(x, y, x + width, y)
        y += NOTE_LINE
    pdf.set_line_width(0.2)


def _flowing_page(pdf: FPDF, kicker: str, title: str, about: str, rows: list[list[Block]], columns: int = 1) -> None:
    """Rows of blocks under a heading, at the largest size that fits the page (at least SIZES[-1]; past
    that, on more pages). A row of several columns holds one list of blocks per column, side by side."""
    pdf.add_page()
    pdf.start_section(title)
    top = _heading(pdf, kicker, title, about)
    width = pdf.w - 2 * MARGIN
    bottom = pdf.h - MARGIN - 4
    col_gap = 4.0

    def row_height(row: list[Block], size: float) -> float:
        if columns == 1:
            return height_of(pdf, row, width, size)
        head, cells = row[0], row[1:]
        col = (width - col_gap * (columns - 1)) / columns
        return height_of(pdf, [head] if head.text else [], width, size) + max(height_of(pdf, [c], col - 4, size) for c in cells) + 4

    size = next((s for s in SIZES if sum(row_height(r, s) for r in rows) <= bottom - top), SIZES[-1])
    y = top
    for row in rows:
        if y + row_height(row, size) > bottom:
            pdf.add_page()
            y = MARGIN
        if columns == 1:
            y = draw(pdf, row, MARGIN, y, width, size)
            continue
        head, cells = row[0], row[1:]
        y = draw(pdf, [head] if head.text else [], MARGIN, y, width, size)
        col = (width - col_gap * (columns - 1)) / columns
        h = max(height_of(pdf, [c], col - 4, size) for c in cells) + 4
        for k, cell in enumerate(cells):
            x = MARGIN + k * (col + col_gap)
            pdf.set_fill_color(*colours()["warn-soft" if k == 0 else "accent-soft"])
            pdf.set_draw_color(*colours()["border"])
            pdf.rect(x, y, col, h - 1.5, style="DF", round_corners=True, corner_radius=2)
            draw(pdf, [cell], x + 2, y + 1.5, col - 4, size)
        y += h


def _swap_rows(swaps: tuple[Swap, ...]) -> list[list[Block]]:
    header = [Block(""), Block("\u2717  Instead of this", bold=True), Block("\u2713  Try this", bold=True)]
    rows = [[Block(clean(s.where), scale=0.85, colour="text-muted", gap=0.6), Block(clean(s.instead)),
             Block(clean(s.better))] for s in swaps]
    return [header, *rows]


def _glossary_rows(kit: Kit) -> list[list[Block]]:
    rows: list[list[Block]] = [[Block("Leave out", bold=True, scale=1.2, colour="accent")]]
    for rule in kit.leave_out:
        rows.append([Block(clean(rule.term), bold=True, gap=0.5), Block(clean(rule.meaning)),
                     Block(clean(rule.lesson), scale=0.85, colour="text-muted")])
    rows.append([Block("Keep in", bold=True, scale=1.2, colour="accent", gap=1.0)])
    for rule in kit.keep_in:
        lesson = f"  ({clean(rule.lesson)})" if rule.lesson else ""
        rows.append([Block(clean(rule.term) + lesson, indent=3, gap=0.2)])
    rows.append([Block("Words to explain", bold=True, scale=1.2, colour="accent", gap=1.0),
                 Block(TERMS_ABOUT, scale=0.9, colour="text-muted"),
                 Block(clean(", ".join(kit.terms), MAX_TERMS_CHARS), scale=0.9, gap=0.3)])
    return [[b for b in row if b.text] for row in rows]


def render(kit: Kit, when: datetime | None = None) -> bytes:
    """The kit as an A4 PDF: a page of cards per role-play, the swaps sheet, then the glossary; each page
    (the first of each part) has a bookmark in the PDF's outline."""
    pdf = new_pdf(when or datetime.now(timezone.utc))
    for play in kit.role_plays:
        _role_play_page(pdf, play)
    if kit.swaps:
        _flowing_page(pdf, "Role-play kit", SWAPS_TITLE, SWAPS_ABOUT, _swap_rows(kit.swaps), columns=2)
    _flowing_page(pdf, "Role-play kit", GLOSSARY_TITLE, GLOSSARY_ABOUT, _glossary_rows(kit))
    return bytes(pdf.output())


def write(path: Path, content: Content | None = None, when: datetime | None = None) -> int:
    """Write the kit for `content` (default: the course's) to `path`; the number of role-plays in it."""
    from empathydesk.content import load

    made = kit(content or load())
    path.write_bytes(render(made, when))
    return len(made.role_plays)
