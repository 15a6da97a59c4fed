"""Which participant a page belongs to: the link's token, or the local participant off the hosted app."""

from __future__ import annotations

import pytest

from empathydesk import identity
from empathydesk.storage import Store


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch):
    """Set the page's query string and whether this is the hosted workshop app."""

    def open_page(query: str, hosted: bool) -> None:
        monkeypatch.setenv("QUERY_STRING", query)
        monkeypatch.delenv("VOILA_PREHEAT", raising=False)
        if hosted:
            monkeypatch.setenv("EMPATHYDESK_HOSTED", "1")
        else:
            monkeypatch.delenv("EMPATHYDESK_HOSTED", raising=False)

    return open_page


def owner(store: Store):
    """The participant of the page whose address is in the environment (as Voilà puts it there)."""
    return identity.current_participant(store, identity.read_query_string())


@pytest.mark.parametrize("hosted", [True, False])
def test_the_token_in_the_query_string_finds_its_participant(store: Store, page, hosted: bool) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    page(f"page=2&seat={person.token}", hosted)
    assert owner(store) == person


@pytest.mark.parametrize("hosted", [True, False])
def test_jupyters_token_parameter_is_never_read_as_a_participant(store: Store, page, hosted: bool) -> None:
    """`?token=` is Jupyter's login token (Jupyter Server, JupyterHub, Binder): never looked up, even when it
    holds one of our link tokens (old links are redirected to `?seat=` by the participant app first)."""
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    page(f"token={person.token}", hosted)
    assert owner(store) == (None if hosted else store.local_participant())
    assert owner(store) != person


@pytest.mark.parametrize("query", ["", "seat=", "seat=not-a-real-token", "other=1"])
def test_hosted_without_a_valid_token_is_nobody(store: Store, page, query: str) -> None:
    page(query, hosted=True)
    assert owner(store) is None
    assert store.participants("self-study") == []


def test_hosted_with_a_revoked_token_is_nobody(store: Store, page) -> None:
    person = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    store.reissue_link(person.id)
    page(f"seat={person.token}", hosted=True)
    assert owner(store) is None


def test_elsewhere_no_token_means_the_same_local_participant(store: Store, page) -> None:
    page("", hosted=False)
    first = owner(store)
    page("", hosted=False)
    assert owner(store) == first == store.local_participant()


def test_a_workshop_page_does_not_take_a_link_of_another_cohort(store: Store, page, monkeypatch) -> None:
    ours = store.join(store.create_cohort("Alpha", ["module-1"]).join_code, "Sam")
    theirs = store.join(store.create_cohort("Beta", ["module-1"]).join_code, "Kim")
    monkeypatch.setenv("EMPATHYDESK_COHORT", "Alpha")
    page(f"seat={theirs.token}", hosted=True)
    assert identity.page_cohort() == "Alpha"
    assert owner(store) is None  # the page says the link does not work
    page(f"seat={ours.token}", hosted=True)
    assert owner(store) == ours


def test_without_a_workshop_cohort_any_link_works_as_before(store: Store, page, monkeypatch) -> None:
    kim = store.join(store.create_cohort("Beta", ["module-1"]).join_code, "Kim")
    monkeypatch.delenv("EMPATHYDESK_COHORT", raising=False)
    page(f"seat={kim.token}", hosted=True)  # a hosted app for many cohorts (JupyterHub)
    assert identity.page_cohort() is None and owner(store) == kim
    monkeypatch.setenv("EMPATHYDESK_COHORT", "Alpha")
    page(f"seat={kim.token}", hosted=False)  # self-study: the setting is not for these pages
    assert identity.page_cohort() is None and owner(store) == kim
