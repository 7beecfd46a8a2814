"""Ids met during a decode are remembered exactly, in memory and past the in-memory limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cyberfusion.formats.stix.seen import SeenIds


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=60), st.integers(1, 7))
def test_met_answers_as_a_set_would_whatever_the_limit(marks: list[int], limit: int) -> None:
    seen, reference = SeenIds(limit), set()
    try:
        for mark in marks:
            assert seen.met(mark) is (mark in reference)
            reference.add(mark)
    finally:
        seen.close()


def test_marks_moved_out_of_memory_are_still_met() -> None:
    seen = SeenIds(limit=3)
    assert [seen.met(m) for m in (1, 2, 3, 4)] == [False] * 4
    assert seen._spill is not None and len(seen._recent) == 1  # 1-3 went to the file
    assert [seen.met(m) for m in (1, 3, 4, 5)] == [True, True, True, False]
    seen.close()
    assert seen.met(1) is False  # closed: forgotten
