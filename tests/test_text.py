"""empathydesk.text.clean: control and bidirectional characters go, everything people write stays."""

from __future__ import annotations

import pytest

from empathydesk.text import clean, clean_all


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Sam\x00", "Sam"),
        ("\x1b[2JSam", "[2JSam"),
        ("live\u202egnp.exe", "livegnp.exe"),
        ("\u2066a\u2067b\u2068c\u2069", "abc"),
        ("\u200eL\u200fR\u061c", "LR"),
        ("\u202a\u202b\u202c\u202d", ""),
        ("a\x7fb\x80c\x85d\x9fe", "abcde"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("\x01\x02\x03\x08\x0b\x0c\x0e\x1f", ""),
    ],
)
def test_unwanted_characters_go(typed: str, kept: str) -> None:
    assert clean(typed) == kept


@pytest.mark.parametrize(
    "text",
    ["Zoë Ñandú", "Привет, 你好, مرحبا, שלום", "👋🏽 thumbs 👍 ✓", "line one\nline two\n\n\tindented", "a\u200db", ""],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert clean(text) == text


def test_clean_all_reaches_every_string_in_json_like_data() -> None:
    data = {"na\x00me": ["a\x1b", {"b": "c\u202e"}, 3, None, True], "n": 1.5}
    assert clean_all(data) == {"name": ["a", {"b": "c"}, 3, None, True], "n": 1.5}
