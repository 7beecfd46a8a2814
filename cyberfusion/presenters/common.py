"""Shapes shared by every presenter: timestamps and list pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Generic, TypeVar

from typing_extensions import TypedDict

T = TypeVar("T")


class Page(TypedDict, Generic[T]):
    """One page of a list: its items, the total the caller may see, and where it starts."""

    items: list[T]
    total: int
    offset: int
    limit: int


class Items(TypedDict, Generic[T]):
    """A whole (bounded) list."""

    items: list[T]


def iso(value: date | None) -> str | None:
    """A date or timestamp in ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def page_json(items: Sequence[T], total: int, offset: int, limit: int) -> Page[T]:
    """One page of a list: its items, the total the caller may see, and where it starts."""
    return {"items": list(items), "total": total, "offset": offset, "limit": limit}
