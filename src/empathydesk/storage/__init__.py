"""Storage: cohorts, participants and their answers in SQLite (default) or PostgreSQL.

`Store.open()` gives the store for `$EMPATHYDESK_DB_URL` (or the SQLite file in the data folder),
with its schema migrated to the newest version.
"""

from empathydesk.storage.records import Answers, Cohort, JoinError, Participant, StorageError
from empathydesk.storage.store import Store

__all__ = ["Answers", "Cohort", "JoinError", "Participant", "Store", "StorageError"]
