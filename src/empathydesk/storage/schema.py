"""Bringing a database's tables up to date with the Alembic migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

if TYPE_CHECKING:  # Alembic is imported only when a schema is checked, to keep kernels lean.
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
PG_MIGRATION_LOCK = 7_240_001
# The newest migration. Kept here so that opening an up-to-date database needs no Alembic import
# (about 17 MiB and 0.3 s per lesson kernel); tests/storage/test_migrations.py checks it is the head.
HEAD = "0006"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the package's migrations, to run on `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head of the shipped migrations, as Alembic sees it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The database's revision, or None for a database without EmpathyDesk's tables (plain SQL, no Alembic)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision` in one write transaction, so that concurrent openers take turns."""
    target = HEAD if revision == "head" else revision
    with engine.connect() as connection:
        if current_revision(connection) == target:
            return
    from alembic import command

    with engine.execution_options(write=True).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        command.upgrade(alembic_config(connection), revision)
