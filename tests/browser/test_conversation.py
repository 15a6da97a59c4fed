"""Module 5's practice conversation in a real browser: played along its best path (one turn written in the
participant's own words) and along a path to a poor ending, reloaded in the middle (it goes on at the same
turn with the same trust), with the debrief, "Try again" and the saved runs checked. The paths come from
assessments/conversations/module-5.yaml, so an edited conversation is still played as written. And played with
the keyboard only (Tab, Space, the arrow keys, Enter): after each reply the focus is on the next turn's options, at
the ending on its heading, after "Try again" on the first turn. Screenshots at 1280 and 375 px."""

from __future__ import annotations

from collections import deque

import pytest
from playwright.sync_api import expect

from empathydesk.content import load
from empathydesk.pieces import conversation as conv

from .conftest import PHONE, open_page, overflowing, shoot, start_voila, stop_voila

pytestmark = pytest.mark.browser

MODULE = "module-5"
Step = tuple[str, int]  # (turn id, the reply's index in the file)


@pytest.fixture(scope="module")
def course():
    return load()


@pytest.fixture(scope="module")
def talk(course) -> conv.Conversation:
    found = conv.for_module(course, MODULE)
    if found is None:
        pytest.skip("module 5 has no conversation yet (assessments/conversations/module-5.yaml)")
    return found


@pytest.fixture
def server(tmp_path):
    """A Voilà server of its own: a fresh database, so the runs saved are this test's only."""
    started = start_voila(tmp_path, tmp_path / "voila.log")
    yield started
    stop_voila(started.process)


def best_path(talk: conv.Conversation) -> list[Step]:
    return [(n.id, next(i for i, c in enumerate(n.choices) if c.best)) for n in talk.best_path()]


def poor_path(talk: conv.Conversation) -> list[Step]:
    """The shortest path from the start to an ending that is not reassured, avoiding best replies where it can."""
    todo: deque[tuple[str, list[Step]]] = deque([(talk.start, [])])
    seen = {talk.start}
    while todo:
        here, path = todo.popleft()
        node = talk.node(here)
        for i in sorted(range(len(node.choices)), key=lambda i: node.choices[i].best):
            reply = node.choices[i]
            ending = talk.ending(reply.to)
            if ending is not None and ending.type != "reassured":
                return [*path, (here, i)]
            if ending is None and reply.to not in seen:
                seen.add(reply.to)
                todo.append((reply.to, [*path, (here, i)]))
    raise AssertionError("no path leads to an ending other than reassured")


def piece(page):
    return page.locator(".ed-conversation")


def meter(page) -> str:
    """The meter's words ("Trust: good"), beside its icon and bar."""
    return piece(page).locator(".ed-trust strong").inner_text()


def say(page, talk: conv.Conversation, node_id: str, index: int) -> None:
    """Pick the reply with these words (each person sees them in an order of their own) and say it."""
    node = talk.node(node_id)
    box = piece(page)
    expect(box.locator(".ed-choice-question")).to_contain_text(node.client)
    box.get_by_role("radio", name=node.choices[index].text, exact=True).check()
    box.get_by_role("button", name=conv.SAY).click()


def trust_after(talk: conv.Conversation, path: list[Step]) -> int:
    run = conv.Run(conversation=talk.id)
    for _, index in path:
        run = conv.take(talk, run, index)
    return conv.trust_now(talk, run)


def test_play_the_best_path_reload_midway_then_a_poor_ending(server, desktop, phone, talk, course, artifacts):
    page = desktop
    url = server.page(course.module(MODULE).notebook)
    open_page(page, url)
    expect(piece(page)).to_contain_text(talk.title)
    region = piece(page).locator(".ed-live[role=status]")  # the meter's live region, drawn once and kept
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region.locator(".ed-trust")).to_contain_text(f"Trust: {conv.TRUST_WORDS[talk.trust]}")
    region.evaluate("el => { el.dataset.edMarked = 'yes'; }")

    best = best_path(talk)
    half = len(best) // 2
    written = next((k for k, (n, _) in enumerate(best) if talk.node(n).write), None)
    for k, (node_id, index) in enumerate(best):
        if k == 1:  # the meter changed inside the same region, so a screen reader reads the change out
            expect(region).to_contain_text(f"Trust: {conv.TRUST_WORDS[trust_after(talk, best[:1])]}")
            expect(region).to_have_attribute("data-ed-marked", "yes")
        if k == half:  # a reload: a new kernel, and the talk goes on at the same turn with the same trust
            before = meter(page)
            page.reload()
            piece(page).locator(".ed-choice-question").wait_for(timeout=90_000)
            assert meter(page) == before == f"Trust: {conv.TRUST_WORDS[trust_after(talk, best[:k])]}"
            expect(piece(page).locator(".ed-transcript")).to_contain_text(talk.node(best[k - 1][0]).choices[best[k - 1][1]].text)
        if k == written:  # their own words at the write turn: taken as the nearest reply, and told why
            node = talk.node(node_id)
            words = node.choices[index].text.strip('"')
            taken, _, _ = conv.match_reply(node, words)
            assert taken == index, f"the coach takes the best reply's own words as reply {taken} at {node_id}"
            expect(piece(page).locator(".ed-choice-question")).to_contain_text(node.client)
            piece(page).locator("textarea").fill(words)
            piece(page).get_by_role("button", name=conv.SAY_MINE).click()
            expect(piece(page)).to_contain_text(f"We took your reply as: {node.choices[index].text}")
            if k == half + 1 or k == 1:
                shoot(page, artifacts, "conversation-written-desktop")
            continue
        say(page, talk, node_id, index)
        if k == 2:
            shoot(page, artifacts, "conversation-midway-desktop")
    ending = talk.ending(talk.node(best[-1][0]).choices[best[-1][1]].to)
    box = piece(page)
    expect(box).to_contain_text(f"How it ended: {conv.ENDING_WORDS[ending.type]}")
    expect(box).to_contain_text(ending.client)
    expect(box).to_contain_text(talk.persona.hidden_worry)
    expect(box.locator(".ed-debrief")).to_contain_text("What helped")
    for node_id, index in best:
        if talk.node(node_id).choices[index].trust > 0:
            expect(box.locator(".ed-debrief")).to_contain_text(talk.node(node_id).choices[index].why)
    expect(box).to_contain_text("Run 1: resolved and reassured")
    shoot(page, artifacts, "conversation-ending-desktop")

    box.get_by_role("button", name=conv.AGAIN).click()
    expect(box.locator(".ed-trust")).to_contain_text(f"Trust: {conv.TRUST_WORDS[talk.trust]}")
    poor = poor_path(talk)
    for node_id, index in poor:
        say(page, talk, node_id, index)
    last = talk.ending(talk.node(poor[-1][0]).choices[poor[-1][1]].to)
    expect(box).to_contain_text(f"How it ended: {conv.ENDING_WORDS[last.type]}")
    expect(box).to_contain_text(last.client)
    hurt = [talk.node(n).choices[i] for n, i in poor if talk.node(n).choices[i].trust < 0]
    expect(box.locator(".ed-debrief")).to_contain_text("What hurt")
    for reply in hurt:
        expect(box.locator(".ed-debrief")).to_contain_text(reply.why)
    expect(box).to_contain_text(f"Run 2: {conv.ENDING_WORDS[last.type]}")
    shoot(page, artifacts, "conversation-poor-ending-desktop")

    store = server.store()
    try:
        me = store.local_participant()
        saved = conv.runs(conv.KIND.saved(store.answers(me.id)), MODULE)
    finally:
        store.close()
    assert [r.ending for r in saved] == [ending.id, last.id]
    assert [(s.node, s.choice) for s in saved[0].steps] == best and [(s.node, s.choice) for s in saved[1].steps] == poor
    assert saved[0].steps[written].written if written is not None else True
    assert saved[1].steps[-1].trust == trust_after(talk, poor)

    # on a phone: the same page, the last ending shown, and a new run begun; nothing sticks out
    open_page(phone, url)
    expect(piece(phone)).to_contain_text(f"How it ended: {conv.ENDING_WORDS[last.type]}")
    assert overflowing(phone, PHONE["width"]) == []
    shoot(phone, artifacts, "conversation-ending-phone")
    piece(phone).get_by_role("button", name=conv.AGAIN).click()
    say(phone, talk, *best[0])
    expect(piece(phone).locator(".ed-trust")).to_contain_text(f"Trust: {conv.TRUST_WORDS[trust_after(talk, best[:1])]}")
    assert overflowing(phone, PHONE["width"]) == []
    shoot(phone, artifacts, "conversation-midway-phone")


FOCUSED = """() => { const f = document.activeElement;
    return {tag: f.tagName, text: (f.textContent || '').trim(), turn: !!f.closest('.ed-conversation-turn'),
            radio: f.type === 'radio', question: f.closest('.ed-choice')?.querySelector('.ed-choice-question')?.textContent || ''}; }"""


def tab_to_the_turn(page, limit: int = 300) -> None:
    """Tab from the top of the page until the focus is in the conversation's options (one tab stop)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["radio"] and page.evaluate(FOCUSED)["turn"]:
            return
    raise AssertionError("the Tab key never reaches the conversation's options")


def say_with_keys(page, down: int) -> str:
    """From the focused options: Space picks the first, ArrowDown the next ones; Tab, Enter says it. The question."""
    question = page.evaluate(FOCUSED)["question"]
    page.keyboard.press("Space")
    for _ in range(down):
        page.keyboard.press("ArrowDown")
    expect(piece(page).locator(".ed-choice-options input:checked")).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == conv.SAY
    page.keyboard.press("Enter")
    return question


def test_with_the_keyboard_only_the_focus_follows_the_talk(server, desktop, talk, course, artifacts):
    """Say this moves the focus to the next turn's options (their name is the client's new line), an ending to its
    heading, Try again to the first turn; the meter is the piece's one live region; axe finds nothing. The replies
    are picked by position (the second, then the first, ...), so the test does not depend on the file's paths."""
    from axe_playwright_python.sync_playwright import Axe

    page = desktop
    open_page(page, server.page(course.module(MODULE).notebook))
    expect(piece(page).locator(".ed-choice-question")).to_contain_text(talk.node(talk.start).client)
    assert page.evaluate(FOCUSED)["tag"] == "BODY"  # opening the page takes the focus nowhere
    tab_to_the_turn(page)
    ended = piece(page).locator(".ed-debrief h4")
    turns = 0
    while True:
        turns += 1
        assert turns <= 2 * len(talk.nodes), "no ending reached"
        said = piece(page).locator(".ed-you")
        before = said.count()
        question = say_with_keys(page, down=turns % 2)
        expect(said).to_have_count(before + 1, timeout=30_000)  # the reply is in the transcript
        expect(piece(page).locator(".ed-trust")).to_have_count(1)
        next_turn = piece(page).locator(".ed-choice-options input:focus")
        expect(next_turn.or_(ended)).to_have_count(1, timeout=30_000)  # the new turn has the focus, or it ended
        if ended.count():
            break
        now = page.evaluate(FOCUSED)
        assert now["turn"] and now["question"] != question and "Trust" not in now["question"]  # the meter: said once
        assert now["question"].startswith(talk.persona.name), f"the group is not named by the client's line: {now}"
    expect(ended).to_be_focused(timeout=30_000)
    expect(ended).to_contain_text("How it ended: ")
    assert piece(page).locator("[aria-live], [role=status], [role=alert]").count() == 1  # the meter, nothing else
    violations = Axe().run(page, context=".ed-conversation").response["violations"]  # the page: test_accessibility
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    shoot(page, artifacts, "conversation-keyboard-ending-desktop")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["text"] == conv.AGAIN
    page.keyboard.press("Enter")
    expect(piece(page).locator(".ed-conversation-turn input[type=radio]").first).to_be_focused(timeout=30_000)
    expect(piece(page).locator(".ed-trust strong")).to_have_text(f"Trust: {conv.TRUST_WORDS[talk.trust]}")
    assert talk.node(talk.start).client in page.evaluate(FOCUSED)["question"]
