"""The list of kinds: every entry names a builder, answers and store methods that exist, and rules to count."""

from __future__ import annotations

import dataclasses

from empathydesk.kinds import KINDS
from empathydesk.storage import Store
from empathydesk.storage.records import Answers


def test_every_kind_says_what_it_builds_reads_and_stores():
    fields = {f.name for f in dataclasses.fields(Answers)}
    for kind in KINDS:
        assert callable(kind.function()), kind.name
        assert kind.answers is None or kind.answers in fields, kind.name
        assert all(callable(getattr(Store, method, None)) for method in kind.saves), kind.name
        if kind.done is not None:
            assert kind.scope == "module" and kind.part and kind.reads and kind.started, kind.name
        if kind.rows is not None:
            assert kind.result and kind.answers, kind.name
    answered = [k.answers for k in KINDS if k.rows is not None]
    assert sorted(answered) == sorted(fields - {"versions"})  # each kind of answer reaches the cohort's results once


def test_names_are_unique_within_a_scope():
    names = [(k.scope, k.name) for k in KINDS]
    assert len(names) == len(set(names))
