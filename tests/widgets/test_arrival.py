"""A preheated page: its cells run without waiting for the visitor; the pieces fill in when the visitor comes."""

from __future__ import annotations

import threading

import ipywidgets as w

from empathydesk.widgets import Session, arrival, show
from empathydesk.widgets.arrival import Arrival
from empathydesk.widgets.choice import Choice
from empathydesk.widgets.registry import build

from .conftest import find, text_of


class Visitor:
    """Stands in for Voilà: `wait` blocks like `wait_for_request` until `come` gives the page's address."""

    def __init__(self) -> None:
        self.came = threading.Event()
        self.scheduled: list = []

    def come(self, query: str) -> None:
        self.query = query
        self.came.set()

    def wait(self) -> str:
        assert self.came.wait(10), "the test's visitor never came"
        return self.query

    def page(self, **given) -> tuple[Session, Arrival]:
        """A page context that learns its address from this visitor, and its pieces held until they come."""
        page = Session(read_query=self.wait, **given)
        return page, Arrival(page.query_string, self.scheduled.append, lambda name: build(name, page))

    def run_scheduled(self, arrival_: Arrival) -> None:
        arrival_.thread.join(10)
        for fn in self.scheduled:
            fn()


def test_pieces_wait_empty_then_fill_in_page_order_for_the_visitor(store, monkeypatch):
    cohort = store.create_cohort("Retreat")
    person = store.join(cohort.join_code, "Ana")
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    visitor = Visitor()
    context, page = visitor.page(store=store)

    header, scenarios = page.hold("module-1/header"), page.hold("module-1/scenarios")
    assert header.children == () and scenarios.children == ()  # nothing built before the visitor comes
    assert visitor.scheduled == []

    visitor.come(f"seat={person.token}")
    visitor.run_scheduled(page)

    (built_header,) = header.children
    (built_scenarios,) = scenarios.children
    assert "ed-header" in built_header._dom_classes and "ed-scenarios" in built_scenarios._dom_classes
    assert "Ana" in text_of(built_header) and f"?seat={person.token}" in text_of(built_header)
    assert len(find(built_scenarios, Choice)) == len(build("module-1/scenarios", context).children) - 1
    assert page.held == []


def test_held_pieces_still_answer_and_save(store, participant):
    visitor = Visitor()
    _, page = visitor.page(store=store, participant=participant)
    box = page.hold("module-1/scenarios")
    visitor.come("")
    visitor.run_scheduled(page)

    radio = find(box, Choice)[0]
    radio.value = 0
    find(box, w.Button)[0].click()
    assert list(store.scenario_attempts(participant.id).values()) == [[0]]


def test_a_wrong_link_gets_the_friendly_message_not_a_blank_box(store, monkeypatch):
    monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
    visitor = Visitor()
    _, page = visitor.page(store=store)
    box = page.hold("module-1/header")
    visitor.come("seat=not-a-real-token")
    visitor.run_scheduled(page)
    assert "ed-no-participant" in box.children[0]._dom_classes
    assert "join code" in text_of(box)


def test_a_failed_wait_still_fills_the_boxes(store, participant):
    scheduled: list = []

    def broken_wait() -> None:
        raise ConnectionError("Voila went away")

    context = Session(store=store, participant=participant, query="")
    page = Arrival(broken_wait, scheduled.append, lambda name: build(name, context))
    box = page.hold("module-1/discussion")
    page.thread.join(10)
    for fn in scheduled:
        fn()
    assert "ed-discussion" in box.children[0]._dom_classes


def test_one_thread_waits_for_all_the_pieces_of_a_page():
    visitor = Visitor()
    page = Arrival(visitor.wait, visitor.scheduled.append, lambda name: w.HTML(name))
    page.hold("a")
    first = page.thread
    page.hold("b")
    assert page.thread is first
    visitor.come("")
    visitor.run_scheduled(page)
    assert visitor.scheduled == [page.fill]


def test_show_holds_pieces_only_in_a_preheated_kernel_before_its_visitor(store, participant, monkeypatch):
    held: list[str] = []
    monkeypatch.setattr(arrival, "hold", lambda session, name: held.append(name) or w.VBox())
    visitor = Visitor()
    page = Session(store=store, participant=participant, read_query=visitor.wait)

    show("module-1/discussion", session=Session(store=store, participant=participant))
    assert held == []  # no preheat: built at once

    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert page.visitor_pending()
    show("module-1/header", "module-1/discussion", session=page)
    assert held == ["module-1/header", "module-1/discussion"]

    visitor.come("seat=abc")  # the visitor came: build at once again
    assert page.query_string() == "seat=abc" and not page.visitor_pending()
    show("module-1/discussion", session=page)
    assert held == ["module-1/header", "module-1/discussion"]


def test_fill_now_waits_for_the_visitor_then_fills(store, participant):
    visitor = Visitor()
    _, page = visitor.page(store=store, participant=participant)
    box = page.hold("module-1/footer")
    page.fill_now(timeout=0.05)  # no visitor yet: nothing is built, nothing blocks for long
    assert box.children == ()
    threading.Timer(0.1, visitor.come, args=("",)).start()
    page.fill_now()  # the last piece's cell: waits for the visitor, then builds
    assert "ed-footer" in box.children[0]._dom_classes
    page.fill()  # the fill scheduled by the thread finds nothing left to build
    assert len(box.children) == 1


def test_the_cell_with_the_last_piece_waits_for_every_piece(monkeypatch):
    calls: list[str] = []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(arrival, "hold", lambda session, name: calls.append(name) or w.VBox())
    monkeypatch.setattr(arrival, "finish", lambda session: calls.append("finish"))
    page = Session()  # its visitor has not come
    show("module-2/header", session=page)
    show("module-2/scenarios", "module-2/footer", session=page)
    assert calls == ["module-2/header", "module-2/scenarios", "module-2/footer", "finish"]
    assert [arrival.ends_page(n) for n in ("join", "wrap-up/footer", "module-1/pulse", "consent")] == [True, True, False, False]


def test_the_browsers_first_widget_request_waits_for_the_pieces(monkeypatch):
    import ipywidgets

    targets: dict = {}

    class Manager:
        def register_target(self, name, handler):
            targets[name] = handler

    opened: list = []
    monkeypatch.setattr(ipywidgets.comm, "get_comm_manager", lambda: Manager())
    monkeypatch.setattr(ipywidgets.Widget, "handle_control_comm_opened", lambda comm, msg: opened.append(comm))
    visitor = Visitor()
    page = Arrival(visitor.wait, visitor.scheduled.append, lambda name: w.HTML(name))
    box = page.hold("module-1/header")
    from empathydesk._voila import wait_before_widget_states

    wait_before_widget_states(lambda: page.fill_now(timeout=30))
    visitor.come("")
    targets["jupyter.widget.control"]("control-comm", {})
    assert box.children[0].value == "module-1/header"  # built before the states are sent
    assert opened == ["control-comm"]  # then ipywidgets' own handler answers
