"""Objects that carry nothing beyond `type` and `id`: kept as given, but counted and named
in one warning, so that a file of empty shells does not pass for intelligence."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.imports import ImportIssue, Severity

#: Properties that say what an object is, not what it holds.
FRAME = frozenset({"type", "id", "spec_version"})
#: How many of their locations the warning lists.
SHOWN = 5


def is_bare(item: dict[str, Any]) -> bool:
    """Whether a STIX object has no property beyond its type, id and spec version."""
    return len(item) <= len(FRAME) and item.keys() <= FRAME


class BareObjects:
    """The count of bare objects met in one file and where the first ones are."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[str] = []

    def met(self, location: str) -> None:
        """Count one bare object at `location`."""
        self.count += 1
        if len(self.first) < SHOWN:
            self.first.append(location)

    def warning(self) -> ImportIssue | None:
        """The report's warning (located at the first one), or None when there were none."""
        if not self.count:
            return None
        more = f" and {self.count - len(self.first)} more" if self.count > len(self.first) \
            else ""
        return ImportIssue(
            Severity.WARNING, self.first[0],
            f"{self.count} object(s) carry nothing beyond type and id (no name, pattern, "
            f"value, dates or references): kept as given, but they hold no intelligence; "
            f"at {', '.join(self.first)}{more}")
