"""Batch lookup: up to a million values checked at once, one answer per value.

Values are normalised first (bad ones get a reason, never an exception), then matched in
one transaction through `hits.answer_values`: every match on another organisation's case
is recorded as a hit and owners of HIT answers are notified, exactly as for a search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from cyberfusion import collector
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import CASE_CONTENT, Direction
from cyberfusion.domain.hits import (
    MAX_LOOKUP_VALUES,
    HitSource,
    LookupItem,
    ValueAnswer,
    lookup_items,
    split_line,
)
from cyberfusion.domain.model import Principal
from cyberfusion.domain.observables import ObservableType
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import audit, gateway, hits
from cyberfusion.services.context import Context


class LookupAnswer(NamedTuple):
    """One value's answer: the same fields for a match, no match and an invalid value."""

    given: str
    answer: ValueAnswer | None
    error: str


def parse_lines(lines: Iterable[str], default_type: ObservableType | None = None
                ) -> list[tuple[ObservableType | None, str]]:
    """(type, value) per non-empty line; `type,value` lines name their type; `#` comments."""
    items: list[tuple[ObservableType | None, str]] = []
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        obs_type, value = split_line(text)
        items.append((obs_type or default_type, value))
        if len(items) > MAX_LOOKUP_VALUES:
            raise too_many(len(items))
    return items


def too_many(count: int) -> InvalidInput:
    """The error for a lookup over the limit."""
    return InvalidInput("too many values", [Issue(
        "values", f"{count} values; one lookup checks at most {MAX_LOOKUP_VALUES:,}")])


def prepare(items: Sequence[tuple[ObservableType | None, str]]) -> list[LookupItem]:
    """Normalise every value, type by type (the same spelling is normalised once)."""
    if len(items) > MAX_LOOKUP_VALUES:
        raise too_many(len(items))
    by_type: dict[ObservableType | None, list[str]] = {}
    for obs_type, value in dict.fromkeys(items):
        by_type.setdefault(obs_type, []).append(value)
    done: dict[tuple[ObservableType | None, str], LookupItem] = {}
    for obs_type, values in by_type.items():
        done.update(zip(((obs_type, v) for v in values), lookup_items(values, obs_type),
                        strict=True))
    return [done[item] for item in items]


def lookup(ctx: Context, principal: Principal,
           items: Sequence[tuple[ObservableType | None, str]],
           purpose: str = "investigation") -> list[LookupAnswer]:
    """Answer every value: readable cases, per-owner HIT references, or nothing."""
    require(principal, Permission.SEARCH)
    with collector.paused():
        prepared = prepare(items)
        observables = [p.observable for p in prepared if p.observable is not None]
        with ctx.db.write() as tx:
            agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
            answers = hits.answer_values(tx, ctx, principal, HitSource.LOOKUP, observables,
                                         purpose)
            gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                    Direction.OUTBOUND, "lookup",
                                    {"cases": sum(len(a.full) for a in answers)})
            audit.record(tx, ctx, principal, AuditAction.SEARCH, "lookup", "", None,
                         {"source": "lookup", "values": len(prepared),
                          "valid": len(observables), "purpose": purpose})
        found = iter(answers)
        return [LookupAnswer(p.given, next(found) if p.observable is not None else None,
                             p.error) for p in prepared]

