"""The facilitator app's join screen and participants page (empathydesk.facilitator), without a server."""

from __future__ import annotations

import html

import ipywidgets as w
import pytest

from empathydesk import facilitator
from empathydesk.storage import Store
from widget_tree import all_html

JOIN_URL = "http://192.0.2.2:8866/"


@pytest.fixture
def store(tmp_path):
    opened = Store.open(f"sqlite:///{tmp_path}/f.sqlite")
    yield opened
    opened.close()


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
    link = facilitator.reissue(room, kim.id)
    assert link.startswith(JOIN_URL + "?token=")
    new_token = link.split("token=", 1)[1]
    assert store.participant_by_token(new_token).id == kim.id
    assert store.participant_by_token(kim.token) is None
    other = store.create_cohort("other")
    stranger = store.join(other.join_code, "Stranger")
    with pytest.raises(LookupError):
        facilitator.reissue(room, stranger.id)  # only people of this workshop


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
    found = buttons(view)
    found["Make a new link"].click()
    assert store.participant_by_token(store.participants("room")[0].token) is not None  # nothing changed yet
    old = store.participants("room")[0].token
    found["Yes, make it (the old link stops working)"].click()
    page = html.unescape(all_html(view))
    assert "New personal link for <strong>Kim</strong>" in page
    assert store.participant_by_token(old) is None
    new = next(p for p in store.participants("room") if p.id == kim_id).token
    assert f"{JOIN_URL}?token={new}" in page
