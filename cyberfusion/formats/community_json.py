"""The handling of a community item as JSON (API, CLI, forms): the case reader's rules,
with `hit_policy` silent unless stated (a closed group answers nobody outside it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cyberfusion.domain.handling import Handling
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.case_json import Reader, read_case_handling


def parse_item_handling(data: Any, today: date, review_years: int) -> Handling:
    """A community item's handling; InvalidInput locating each problem (`handling.tlp` …)."""
    if isinstance(data, dict):
        data = {"hit_policy": "silent", **data}
    elif data is None:
        data = {"hit_policy": "silent"}
    reader = Reader()
    handling = read_case_handling(reader, data, today, review_years)
    if reader.issues or handling is None:
        raise InvalidInput("the handling record has problems", reader.issues)
    return handling
