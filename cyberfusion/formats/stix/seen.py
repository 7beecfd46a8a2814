"""The object ids a decode has met, in bounded memory however large the file.

Up to `limit` ids are held in a dict; beyond that they move to a private temporary SQLite
file (an empty file name: SQLite deletes it when closed), so a multi-gigabyte bundle costs
a few tens of megabytes here, not a hundred bytes per object. Ids are kept as their 64-bit
`hash()`; a collision (about one in 10^7 for ten million objects) only adds a spurious
"appears more than once" note, never a lost object.
"""

from __future__ import annotations

import sqlite3

_PROBE = "SELECT 1 FROM seen WHERE mark = ?"
_KEEP = "INSERT OR IGNORE INTO seen (mark) VALUES (?)"


class SeenIds:
    """`met(mark)`: True if the mark was met before; records it either way."""

    def __init__(self, limit: int = 500_000) -> None:
        self._recent: dict[int, None] = {}
        self._limit = limit
        self._spill: sqlite3.Connection | None = None

    def met(self, mark: int) -> bool:
        """Whether `mark` was met before (it is recorded now if not)."""
        if mark in self._recent:
            return True
        if self._spill is not None and self._spill.execute(_PROBE, (mark,)).fetchone():
            return True
        self._recent[mark] = None
        if len(self._recent) >= self._limit:
            self._move_out()
        return False

    def _move_out(self) -> None:
        """Move the in-memory marks to the scratch file."""
        if self._spill is None:
            self._spill = sqlite3.connect("", isolation_level=None)
            self._spill.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096; "
                "CREATE TABLE seen (mark INTEGER PRIMARY KEY)")
        self._spill.executemany(_KEEP, ((mark,) for mark in self._recent))
        self._recent = {}

    def close(self) -> None:
        """Forget everything (the scratch file goes with its connection)."""
        self._recent = {}
        if self._spill is not None:
            self._spill.close()
            self._spill = None
