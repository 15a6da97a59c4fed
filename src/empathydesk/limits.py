"""How long a name or an answer may be: one place for the limits the pages, the store and the progress file share."""

from __future__ import annotations

MAX_NAME = 40  # a participant's display name, in characters
MAX_COHORT_NAME = 80  # a cohort's name
MAX_REPLY_CHARS = 4000  # a rewrite exercise's reply
MAX_REFLECTION_CHARS = 10_000  # a reflection
MAX_PROGRESS_FILE_BYTES = 5_000_000  # a saved progress file; a real one is far smaller
MAX_DRAFT_CHARS = max(MAX_REPLY_CHARS, MAX_REFLECTION_CHARS)  # a draft of any of these answers
