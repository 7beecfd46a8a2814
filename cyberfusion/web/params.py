"""Bounded integers at the edge: ids, offsets and cursors fit a 64-bit column or get a 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query
from pydantic import Field

from cyberfusion.domain.model import MAX_INTEGER
from cyberfusion.domain.paging import MAX_CURSOR, MAX_PAGE

# A row id in a path (`/cases/{case_id}`): 1 .. 2^63-1.
Id = Annotated[int, Path(ge=1, le=MAX_INTEGER)]
# How many rows a page skips (`?offset=`).
Offset = Annotated[int, Query(ge=0, le=MAX_INTEGER)]
# A cursor in a query (`?after=`, `?before=`): a row id, 0 or absent for "from the start".
Cursor = Annotated[int, Query(ge=0, le=MAX_INTEGER)]
OptionalCursor = Annotated[int | None, Query(ge=0, le=MAX_INTEGER)]
FormCursor = Annotated[int, Form(ge=0, le=MAX_INTEGER)]
# An opaque `next` cursor handed back as is (`?after=` of an export walk).
Token = Annotated[str, Query(max_length=MAX_CURSOR)]
# How many rows one page of a walk holds (`?limit=` of an export).
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE)]
# A row id typed into a form (`case_id` of a link form).
FormId = Annotated[int, Form(ge=1, le=MAX_INTEGER)]
# The same bounds inside JSON bodies.
RowId = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
BodyCursor = Annotated[int, Field(ge=0, le=MAX_INTEGER)]


def whole_number(text: str) -> int | None:
    """ASCII digits naming 0 .. 2^63-1 as that number; a sign, `²`, or 5,000 digits as None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INTEGER)):
        return None
    value = int(text)
    return value if value <= MAX_INTEGER else None
