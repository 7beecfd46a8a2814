"""The collector's settings are relaxed for bulk work and put back by the last user."""

from __future__ import annotations

import gc

from cyberfusion import collector


def test_relaxed_raises_the_trigger_and_the_last_user_restores_it() -> None:
    before = gc.get_threshold()
    with collector.relaxed():
        assert gc.get_threshold()[0] == max(collector.BULK_THRESHOLD, before[0])
        with collector.relaxed():  # a second import at the same time
            pass
        assert gc.get_threshold()[0] == max(collector.BULK_THRESHOLD, before[0])
    assert gc.get_threshold() == before


def test_relaxed_restores_after_an_error() -> None:
    before = gc.get_threshold()
    try:
        with collector.relaxed():
            raise ValueError("bad file")
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_paused_turns_collection_off_and_back_on() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
