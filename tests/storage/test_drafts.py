"""Drafts on both databases: one per box, replaced as typing goes on, cleaned, limited, never in a progress file."""

from __future__ import annotations

import pytest

from empathydesk.limits import MAX_DRAFT_CHARS
from empathydesk.storage import Store


def test_a_draft_is_kept_per_box_and_replaced_as_typing_goes_on(store: Store) -> None:
    me = store.local_participant()
    first = store.save_draft(me.id, "rewrite/ex-1", "Sorry, I")
    later = store.save_draft(me.id, "rewrite/ex-1", "Sorry, I see the problem")
    store.save_draft(me.id, "reflection/r-1", "I felt")
    assert later >= first and later.tzinfo is not None
    assert store.drafts(me.id) == {
        "rewrite/ex-1": ("Sorry, I see the problem", later),
        "reflection/r-1": ("I felt", store.drafts(me.id)["reflection/r-1"][1]),
    }


def test_drafts_are_each_persons_own(store: Store) -> None:
    cohort = store.create_cohort("Alpha", ["module-1"])
    ann, bo = store.join(cohort.join_code, "Ann"), store.join(cohort.join_code, "Bo")
    store.save_draft(ann.id, "rewrite/ex-1", "Ann's words")
    assert store.drafts(bo.id) == {}
    store.delete_participant(ann.id)
    store.save_draft(bo.id, "rewrite/ex-1", "Bo's words")
    assert list(store.drafts(bo.id)) == ["rewrite/ex-1"] and store.drafts(ann.id) == {}


def test_clearing_a_draft_forgets_only_that_box(store: Store) -> None:
    me = store.local_participant()
    store.save_draft(me.id, "rewrite/ex-1", "one")
    store.save_draft(me.id, "reflection/r-1", "two")
    store.clear_draft(me.id, "rewrite/ex-1")
    store.clear_draft(me.id, "rewrite/never-typed")
    assert list(store.drafts(me.id)) == ["reflection/r-1"]


def test_a_draft_is_cleaned_like_an_answer(store: Store) -> None:
    me = store.local_participant()
    store.save_draft(me.id, "reflection/r-1", "a\x00b\r\nc\u202ed")
    assert store.drafts(me.id)["reflection/r-1"][0] == "ab\ncd"


def test_a_draft_longer_than_any_answer_is_refused_and_the_last_one_kept(store: Store) -> None:
    me = store.local_participant()
    store.save_draft(me.id, "reflection/r-1", "x" * MAX_DRAFT_CHARS)
    with pytest.raises(ValueError):
        store.save_draft(me.id, "reflection/r-1", "y" * (MAX_DRAFT_CHARS + 1))
    assert store.drafts(me.id)["reflection/r-1"][0] == "x" * MAX_DRAFT_CHARS


def test_drafts_are_not_answers_and_not_in_the_progress_file(store: Store) -> None:
    me = store.local_participant()
    store.save_draft(me.id, "reflection/module-1-reflection", "not yet saved")
    exported = store.export_participant(me.id)
    assert "not yet saved" not in repr(exported)
    assert store.answers(me.id).reflections == {}
