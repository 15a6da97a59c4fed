"""The facilitator app's join screen and participants page (empathydesk.facilitator), without a server."""

from __future__ import annotations

import html

import ipywidgets as w
import pytest

from empathydesk import facilitator
from empathydesk.storage import JoinError
from empathydesk.storage.store import check_code
from widget_tree import all_html

JOIN_URL = "http://192.0.2.2:8866/"


@pytest.fixture
def room(store, monkeypatch):
    store.create_cohort("room")
    monkeypatch.setenv("EMPATHYDESK_COHORT", "room")
    monkeypatch.setenv("EMPATHYDESK_JOIN_URL", JOIN_URL)
    return facilitator.current_room(store)


def buttons(widget) -> dict[str, w.Button]:
    found = {}

    def walk(x):
        if isinstance(x, w.Button):
            found[x.description] = x
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return found


def test_outside_a_workshop_the_pages_say_how_to_start_one(store, monkeypatch):
    monkeypatch.delenv("EMPATHYDESK_COHORT", raising=False)
    monkeypatch.delenv("EMPATHYDESK_JOIN_URL", raising=False)
    assert "empathydesk workshop" in facilitator.join_screen(store).value
    assert "empathydesk workshop" in facilitator.participants_view(store).value


def test_the_join_screen_shows_link_code_and_qr_and_nothing_else(store, room, monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_FACILITATOR_KEY", "the-key-xyz")
    store.join(room.cohort.join_code, "Private Person")
    page = all_html(facilitator.join_screen(store, refresh_seconds=0))
    assert JOIN_URL in page and room.cohort.join_code in page and "<svg" in page
    assert "the-key-xyz" not in page and "token" not in page
    assert "Private Person" not in page  # names are not for the projector
    assert "1 person has joined." in page


def test_a_lost_link_is_made_anew_and_the_old_one_stops_working(store, room):
    kim = store.join(room.cohort.join_code, "Kim")
    link = facilitator.reissue(room, kim.id, check_code(kim.token))
    assert link.startswith(JOIN_URL + "?seat=")
    new_token = link.split("seat=", 1)[1]
    assert store.participant_by_token(new_token).id == kim.id
    assert store.participant_by_token(kim.token) is None
    other = store.create_cohort("other")
    stranger = store.join(other.join_code, "Stranger")
    with pytest.raises(LookupError):
        facilitator.reissue(room, stranger.id, check_code(stranger.token))  # only people of this workshop


def test_the_participants_page_lists_people_and_reissues_after_a_second_click(store, room):
    store.join(room.cohort.join_code, "Kim")
    store.join(room.cohort.join_code, "<b>Lee</b>")
    view = facilitator.participants_view(store)
    page = all_html(view)
    assert "2 people have joined." in page
    assert "Kim" in page and "&lt;b&gt;Lee&lt;/b&gt;" in page and "<b>Lee</b>" not in page
    pick = next(x for x in view.children if isinstance(x, w.HBox) and any(isinstance(c, w.Dropdown) for c in x.children))
    dropdown = next(c for c in pick.children if isinstance(c, w.Dropdown))
    kim_id = next(v for label, v in dropdown.options if label.startswith("Kim"))
    dropdown.value = kim_id
    (code_box,) = [t for t in find_all(view, w.Text) if t.description == "Their check code"]
    found = buttons(view)
    found["Make a new link"].click()
    assert "Type the check code first" in html.unescape(all_html(view))
    assert found["Yes, make it (the old link stops working)"].layout.display == "none"
    code_box.value = " " + check_code(store.participants("room")[0].token).lower() + " "  # as read out
    found["Make a new link"].click()
    assert store.participant_by_token(store.participants("room")[0].token) is not None  # nothing changed yet
    old = store.participants("room")[0].token
    found["Yes, make it (the old link stops working)"].click()
    page = html.unescape(all_html(view))
    assert "New personal link for <strong>Kim</strong>" in page
    assert store.participant_by_token(old) is None
    new = next(p for p in store.participants("room") if p.id == kim_id).token
    assert f"{JOIN_URL}?seat={new}" in page


def find_all(widget, kind):
    out = []

    def walk(x):
        if isinstance(x, kind):
            out.append(x)
        for child in getattr(x, "children", ()):
            walk(child)

    walk(widget)
    return out


def test_a_wrong_check_code_makes_no_new_link_and_the_old_link_keeps_working(store, room):
    kim = store.join(room.cohort.join_code, "Kim")
    right = check_code(kim.token)
    wrong = next(c for c in ("AAAA", "BBBB") if c != right)
    for typed in (wrong, "", right[:3], right + "X"):
        with pytest.raises(ValueError) as refused:
            facilitator.reissue(room, kim.id, typed)
        assert refused.value.args[0] == facilitator.WRONG_CHECK_CODE
    assert store.participant_by_token(kim.token) == kim  # Kim is not locked out
    assert [p.token for p in store.participants("room")] == [kim.token]


def test_the_participants_page_refuses_a_wrong_check_code_in_plain_words(store, room):
    kim = store.join(room.cohort.join_code, "Kim")
    view = facilitator.participants_view(store)
    (code_box,) = [t for t in find_all(view, w.Text) if t.description == "Their check code"]
    (dropdown,) = find_all(view, w.Dropdown)
    dropdown.value = kim.id
    code_box.value = next(c for c in ("AAAA", "BBBB") if c != check_code(kim.token))
    found = buttons(view)
    found["Make a new link"].click()
    found["Yes, make it (the old link stops working)"].click()
    page = html.unescape(all_html(view))
    assert "That check code does not match. Ask the person to read the code on their screen." in page
    assert "data-ed='new-link'" not in page
    assert store.participant_by_token(kim.token) == kim


def test_the_check_code_is_short_readable_and_changes_with_the_link(store, room):
    from empathydesk.storage.store import CODE_ALPHABET, check_code_matches

    kim = store.join(room.cohort.join_code, "Kim")
    code = check_code(kim.token)
    assert len(code) == 4 and set(code) <= set(CODE_ALPHABET)
    assert check_code(kim.token) == code  # the same link, the same code
    assert check_code_matches(kim.token, f" {code[:2].lower()} {code[2:]} ")
    assert check_code_matches(kim.token, f"{code[:2]}-{code[2:]}")
    assert not check_code_matches(kim.token, "é" + code)  # not ASCII: no error, just no match
    new_token = facilitator.reissue(room, kim.id, code).split("seat=", 1)[1]
    newer = facilitator.reissue(room, kim.id, check_code(new_token)).split("seat=", 1)[1]  # the new link's code
    assert store.participant_by_token(newer).id == kim.id
    codes = {check_code(f"t{n}") for n in range(200)}
    assert len(codes) > 190  # spread out, not a few repeated codes


def test_people_with_the_same_name_get_a_suffix_by_join_order_and_a_note(store, room):
    store.join(room.cohort.join_code, "Alice")
    store.join(room.cohort.join_code, "Bob")
    store.join(room.cohort.join_code, "alice ")
    store.join(room.cohort.join_code, "ALICE")
    assert [r["name"] for r in facilitator.people_rows(room)] == ["Alice", "Bob", "alice (2)", "ALICE (3)"]
    view = facilitator.participants_view(store)
    page = html.unescape(all_html(view))
    assert "3 people use the name Alice. Ask them to check the name on their screen." in page
    assert "Bob." not in page.split("people use the name", 1)[1].split("</p>", 1)[0]
    (dropdown,) = find_all(view, w.Dropdown)
    labels = [label for label, _ in dropdown.options]
    assert [label.split(" (joined")[0] for label in labels] == ["Alice", "Bob", "alice (2)", "ALICE (3)"]


def test_without_shared_names_there_is_no_note(store, room):
    store.join(room.cohort.join_code, "Alice")
    store.join(room.cohort.join_code, "Alicia")
    assert "use the name" not in all_html(facilitator.participants_view(store))


def test_the_room_can_be_closed_to_new_people_and_opened_again(store, room):
    kim = store.join(room.cohort.join_code, "Kim")
    view = facilitator.participants_view(store)
    assert "The room is open: new people can join with the code." in all_html(view)
    found = buttons(view)
    assert "Open the room again" not in found
    found["Close the room to new people"].click()
    assert store.cohort("room").locked is True
    page = all_html(view)
    assert "The room is closed to new people. Everyone who joined can still use their link." in page
    assert "The room is open" not in page
    with pytest.raises(JoinError):
        store.join(room.cohort.join_code, "Late")
    assert store.participant_by_token(kim.token) == kim
    screen = all_html(facilitator.join_screen(store, refresh_seconds=0))
    assert "1 person has joined. The room is closed to new people." in screen
    again = buttons(view)
    assert "Close the room to new people" not in again
    again["Open the room again"].click()
    assert store.cohort("room").locked is False
    assert "The room is open: new people can join with the code." in all_html(view)
    assert store.join(room.cohort.join_code, "Late").pseudonym == "Late"
    assert "The room is closed" not in all_html(facilitator.join_screen(store, refresh_seconds=0))


def test_a_fresh_page_shows_the_room_as_the_store_has_it(store, room):
    store.set_locked("room", True)
    page = all_html(facilitator.participants_view(store))
    assert "The room is closed to new people." in page
    assert "Open the room again" in buttons(facilitator.participants_view(store))
