"""Pages of a list: offset pages with their total, and opaque `next` cursors for walks in id
order (a page ends at its last row, and the next page starts after it, so rows landing during
a walk come at its end and none is seen twice)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from cyberfusion.domain.model import MAX_INTEGER
from cyberfusion.errors import InvalidInput, Issue

_PREFIX = "after:"
#: The most rows one page of a walk (an export page) holds.
MAX_PAGE = 10_000
#: The longest cursor we give (base64 of the prefix and a 19-digit id), with room to spare.
MAX_CURSOR = 64

T = TypeVar("T")


# No slots: on Python 3.11 calling a slotted frozen generic through its alias (`Page[Case](...)`)
# fails in typing's `__orig_class__` assignment (a TypeError, not the AttributeError it skips).
@dataclass(frozen=True)
class Page(Generic[T]):
    """One offset page of a list and the total of the list the reader may see."""

    items: list[T]
    total: int
    offset: int
    limit: int


def encode_after(row_id: int) -> str:
    """The opaque cursor standing for "rows after `row_id`"."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{row_id}".encode()).decode().rstrip("=")


def decode_after(text: str, location: str) -> int:
    """The row id a cursor stands for; a located InvalidInput if it is not one we gave."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    digits = raw.removeprefix(_PREFIX)
    if raw.startswith(_PREFIX) and digits.isascii() and digits.isdigit() \
            and len(digits) <= len(str(MAX_INTEGER)) and int(digits) <= MAX_INTEGER:
        return int(digits)
    raise InvalidInput("not a cursor this server gave",
                       [Issue(location, "pass the `next` cursor of the previous page as is")])
