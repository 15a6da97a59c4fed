"""The role-play kit (`empathydesk handout`): a page of three cards per module with a conversation, built
from the same YAML as the piece (a persona edit changes its card and the PDF), the "instead of this, try
this" sheet from the rewrite exercises, a glossary from the coach's data, and hostile text that can't break
a page.

fpdf2 writes the cards' words as glyph numbers, so the words are checked on the kit (the text `render`
draws) and the PDF by its pages and its outline: one bookmark per page part, read back from the file."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from empathydesk import handout
from empathydesk.cli import main
from empathydesk.content import load
from empathydesk.paths import content_root
from empathydesk.pieces.conversation import for_module

WHEN = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def outline(pdf: bytes) -> list[str]:
    """The PDF's bookmark titles (objects with a /Parent), in file order: (literal) or <hex UTF-16>
    strings, as fpdf2 writes them."""
    titles = []
    items = b"".join(body for body in re.findall(rb"\d+ 0 obj\s*<<(.*?)>>\s*endobj", pdf, re.S) if b"/Parent" in body)
    for literal, hexa in re.findall(rb"/Title (?:\(((?:[^()\\]|\\.)*)\)|<([0-9a-fA-F]+)>)", items):
        if hexa:
            titles.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
        else:
            titles.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return titles


def course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "assessments"
    shutil.copytree(content_root(), root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def course():
    return load()


@pytest.fixture(scope="module")
def kit(course):
    return handout.kit(course)


def test_a_role_play_per_conversation_with_its_persona_and_key_points(course, kit) -> None:
    with_conversation = [m for m in course.modules if for_module(course, m.id) is not None]
    assert len(with_conversation) >= 2  # modules 4 and 5 at least
    assert [p.module for p in kit.role_plays] == [f"Module {m.number}: {m.title}" for m in with_conversation]
    for module, play in zip(with_conversation, kit.role_plays):
        talk = for_module(course, module.id)
        client, helper, observer = play.cards
        assert (client.role, helper.role, observer.role) == ("Client", "Helper", "Observer")
        client_text = " ".join(s.text for s in client.sections)
        assert talk.persona.about in client_text and talk.persona.hidden_worry in client_text
        assert talk.node(talk.start).client in client_text  # the opening line
        helper_text = " ".join(s.text for s in helper.sections)
        assert talk.helper_brief in helper_text and talk.persona.hidden_worry not in helper_text
        assert observer.checklist == handout.key_points(course, module)
        assert observer.checklist and talk.persona.hidden_worry not in " ".join(observer.checklist)


def test_observer_checklist_is_the_modules_coverage_points(course) -> None:
    module = course.module("module-4")
    points = handout.key_points(course, module)
    assert "No eye-rolling, even unseen." in points
    lessons = {lesson.id for lesson in module.lessons}
    assert len(points) == sum(p.lesson in lessons for p in course.coverage.points)


def test_swaps_and_glossary_come_from_the_content_and_the_coach(course, kit) -> None:
    exercises = [ex for m in course.modules for ex in m.exercises]
    assert [(s.instead, s.better) for s in kit.swaps] == [(ex.curt_reply, ex.example) for ex in exercises]
    terms = {r.term for r in kit.leave_out}
    assert "A reply that sounds like a telling-off" in terms and "A reply that may sound like sarcasm" in terms
    telling_off = next(r for r in kit.leave_out if r.term.endswith("telling-off"))
    assert telling_off.lesson.startswith("Module 1:") and "{quote}" not in telling_off.meaning and telling_off.meaning
    assert all("{quote}" not in r.meaning for r in kit.leave_out + kit.keep_in)
    assert "A reply that shows you see how they feel" in {r.term for r in kit.keep_in}
    assert "firmware" in kit.terms and "OS" in kit.terms  # a word of jargon.yaml, a technical acronym
    assert not any(re.search(r"[\\()?|\[]", t) for t in kit.terms)  # words, not patterns


def test_the_pdf_has_a_page_per_role_play_then_the_two_sheets(kit) -> None:
    pdf = handout.render(kit, WHEN)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4, in points
    assert pages(pdf) == len(kit.role_plays) + 2
    titles = outline(pdf)
    assert titles == [f"Module {p.number} role-play: {p.title}" for p in kit.role_plays] + [
        handout.SWAPS_TITLE, handout.GLOSSARY_TITLE]
    assert "Module 5 role-play: Joan's pay file" in titles
    assert handout.render(kit, WHEN) == pdf  # the same content makes the same file


def test_a_persona_edit_changes_its_card_and_the_pdf(tmp_path, course, kit) -> None:
    root = course_copy(tmp_path)
    path = root / "conversations" / "module-5.yaml"
    persona = for_module(course, "module-5").persona
    edit(path, persona.about, "Joan has run payroll since the firm began.")
    edit(path, persona.hidden_worry, "Half the team may lose their jobs this year.")
    edited = handout.kit(load(root))
    client = edited.role_plays[-1].cards[0]
    words = " ".join(s.text for s in client.sections)
    assert "since the firm began" in words and "Half the team may lose their jobs" in words
    assert persona.about not in words and persona.hidden_worry not in words
    assert edited.role_plays[:-1] == kit.role_plays[:-1]  # the other modules' cards are as they were
    assert handout.render(edited, WHEN) != handout.render(kit, WHEN)


HOSTILE = (
    '<script>alert(\\"x\\")</script><b>bold</b> =HYPERLINK(\\"http://x\\") \\u202eevil\\u202c \\x1b[31m\\x07 '
    "\\U0001F600 \\u0645\\u0631\\u062d\\u0628\\u0627 "
)


def test_hostile_text_in_the_yaml_stays_on_its_card(tmp_path, kit) -> None:
    root = course_copy(tmp_path)
    path = root / "conversations" / "module-5.yaml"
    long = "Joan worries a great deal about a great many things. " * 60  # near the 4000 characters a text may have
    edit(path, 'name: Joan', f'name: "Joan {HOSTILE}"')
    edit(path, 'about: "Joan has run payroll', f'about: "{HOSTILE}{long}Joan has run payroll')
    text = path.read_text(encoding="utf-8")
    worry = re.search(r'  hidden_worry: "(.*)"\n', text).group(1)
    edit(path, worry, HOSTILE + long[: 3800 - len(HOSTILE)])
    edit(path, 'title: "Joan\'s pay file"', f'title: "Joan\'s pay file {HOSTILE}"')
    hostile = handout.kit(load(root))
    client = hostile.role_plays[-1].cards[0]
    assert "<script>" in client.title  # shown as written, never read as markup
    pdf = handout.render(hostile, WHEN)
    assert pages(pdf) == pages(handout.render(kit, WHEN))  # nothing spilled onto another page
    title = outline(pdf)[len(hostile.role_plays) - 1]
    assert "<script>" in title and "\x1b" not in title and "\u202e" not in title


def test_clean_drops_control_characters_and_cuts_long_text() -> None:
    assert handout.clean("a\x00b\x1b[31m c\u202ed\n\te") == "ab[31m cd e"
    cut = handout.clean("word " * 1000)
    assert len(cut) == handout.MAX_CHARS and cut.endswith("\u2026")


def test_fit_shrinks_the_type_then_shortens_the_longest_text() -> None:
    pdf = handout.new_pdf(WHEN)
    pdf.add_page()
    short = [handout.Block("A few words.")]
    assert handout.fit(pdf, short, 100, 20) == (short, handout.SIZES[0])
    huge = [handout.Block("Title", bold=True), handout.Block("many words " * 400)]
    blocks, size = handout.fit(pdf, huge, 100, 40)
    assert size == handout.SIZES[-1] and blocks[0].text == "Title"
    assert blocks[1].text.endswith("\u2026") and len(blocks[1].text) < len(huge[1].text)
    assert handout.height_of(pdf, blocks, 100, size) <= 40


def test_the_command_writes_the_pdf(tmp_path, capsys) -> None:
    out = tmp_path / "kit.pdf"
    assert main(["handout", "--out", str(out)]) == 0
    written = out.read_bytes()
    assert written.startswith(b"%PDF-") and pages(written) == len(load().parts_of("conversation")) + 2
    assert "written to" in capsys.readouterr().err
    assert main(["handout", "--out", str(tmp_path / "no-such-folder" / "kit.pdf")]) == 1
    assert "Could not write" in capsys.readouterr().err
