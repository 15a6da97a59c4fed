"""A database made by an older version opens, with its data carried into the newest schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from empathydesk.storage import Store
from empathydesk.storage.models import metadata
from empathydesk.storage.engine import make_engine
from empathydesk.storage.schema import HEAD, current_revision, head_revision, upgrade


def test_a_database_at_the_first_schema_is_migrated_on_open(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    rows = [
        "INSERT INTO cohorts (id, name, join_code, modules, created_at)"
        " VALUES (1, 'Old', 'ABCD-EFGH', '[\"module-1\"]', :t)",
        "INSERT INTO participants (id, cohort_id, pseudonym, token, consent, local_key, created_at)"
        " VALUES (1, 1, 'Ana', 'old-token', true, NULL, :t)",
        "INSERT INTO checkpoints (id, participant_id, checkpoint, started_at) VALUES (1, 1, 'baseline', :t)",
        "INSERT INTO ratings (checkpoint_entry_id, item, value, answered_at) VALUES (1, 'perspective-1', 4, :t)",
    ]
    with engine.begin() as db:
        for row in rows:
            db.execute(text(row), {"t": "2024-06-01 10:00:00"})
    with engine.connect() as db:
        assert current_revision(db) == "0001"
    engine.dispose()

    store = Store.open(db_url)
    try:
        with store.engine.connect() as db:
            assert current_revision(db) == head_revision()
        person = store.participant_by_token("old-token")
        assert person is not None and person.pseudonym == "Ana" and person.consent is True
        assert store.ratings(person.id) == {"baseline": {"perspective-1": 4}}
        old = store.cohort_by_code("abcd efgh")
        assert old.name == "Old" and old.locked is False  # open, as every cohort was before the lock
        store.reissue_link(person.id)
        assert store.participant_by_token("old-token") is None
    finally:
        store.close()


def test_the_migrations_build_exactly_the_models_tables(store: Store) -> None:
    with store.engine.connect() as db:
        assert compare_metadata(MigrationContext.configure(db), metadata) == []


def test_the_head_kept_in_code_is_alembics_head() -> None:
    assert HEAD == head_revision()


def test_ratings_saved_before_versions_are_version_1(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    rows = [
        "INSERT INTO cohorts (id, name, join_code, modules, created_at, locked)"
        " VALUES (1, 'Old', 'ABCD-EFGH', '[\"module-1\"]', :t, false)",
        "INSERT INTO participants (id, cohort_id, pseudonym, consent, local_key, created_at)"
        " VALUES (1, 1, 'Ana', true, NULL, :t)",
        "INSERT INTO checkpoints (id, participant_id, checkpoint, started_at) VALUES (1, 1, 'baseline', :t)",
        "INSERT INTO ratings (checkpoint_entry_id, item, value, answered_at) VALUES (1, 'rapport-1', 4, :t)",
    ]
    with engine.begin() as db:
        for row in rows:
            db.execute(text(row), {"t": "2024-06-01 10:00:00"})
    engine.dispose()
    store = Store.open(db_url)
    try:
        assert store.cohort_ratings("Old") == [
            {"participant_id": 1, "checkpoint": "baseline", "item": "rapport-1", "value": 4, "version": 1}
        ]
        assert store.answers(1).versions == {"baseline": 1}
    finally:
        store.close()
