"""Text as people typed it, minus the characters that can hide or disguise it.

Control characters (NUL, escape codes, …) do nothing useful in a name or an answer, and PostgreSQL
refuses NUL outright. Bidirectional controls can make a name show reversed ("live" + U+202E + "gnp.exe"
shows as "liveexe.png"), so they go too. Newlines and tabs stay; Windows line ends become plain newlines.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls except tab (\x09) and newline (\x0a), DEL, and the bidirectional controls:
# Arabic letter mark, left-to-right and right-to-left marks, embeddings and overrides, isolates.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """`text` without control characters (newline and tab kept, "\\r\\n" and a lone "\\r" made "\\n")
    and without bidirectional controls."""
    return UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_all(data: Any) -> Any:
    """JSON-like data (dicts, lists, strings, numbers) with every string, keys too, made `clean`."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, dict):
        return {clean_all(key): clean_all(value) for key, value in data.items()}
    if isinstance(data, list):
        return [clean_all(value) for value in data]
    return data
