"""The cyclic garbage collector during bulk work (imports, lookups, network runs).

Decoding a large file or answering a batch lookup builds millions of small, mostly acyclic
objects; each 700 new containers start a collection that walks the young ones, which costs
about a fifth of an import. `relaxed()` raises that trigger for the duration (nested and
concurrent users share one counter, the last one out restores the settings); `paused()`
turns collection off for short, allocation-heavy steps. Pure standard library, so the
domain may use it too.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Young-generation trigger during bulk work (CPython's default is 700).
BULK_THRESHOLD = 50_000

_lock = threading.Lock()
_users = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def relaxed() -> Iterator[None]:
    """Collect young objects every `BULK_THRESHOLD` allocations instead of every 700."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(BULK_THRESHOLD, _saved[0]), _saved[1], _saved[2])
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                gc.set_threshold(*_saved)


@contextmanager
def paused() -> Iterator[None]:
    """Collection off while building many small, acyclic objects (short steps only)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
