"""Who holds this value: search answered by `decide()`, and autocomplete."""

from __future__ import annotations

from dataclasses import dataclass, field

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import CASE_CONTENT, DataCategory, Direction
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.hits import HitSource
from cyberfusion.domain.model import Principal
from cyberfusion.domain.observables import Observable, guess_type, normalise, refang
from cyberfusion.domain.permissions import Permission, allowed, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import audit, gateway, hits, knowledge
from cyberfusion.services.context import Context


@dataclass(frozen=True, slots=True)
class FullMatch:
    """A readable case holding the value."""

    case_id: int
    title: str
    owner_org_id: str
    role: str
    crime_type: str
    tlp: TLP


@dataclass(frozen=True, slots=True)
class HitMatch:
    """'A match is held by <owner>; request disclosure' — nothing else about the item."""

    owner_org_id: str
    reference: str


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """The same shape whether or not anything matched."""

    observable: Observable
    full: list[FullMatch] = field(default_factory=list)
    hits: list[HitMatch] = field(default_factory=list)
    warninglists: list[str] = field(default_factory=list)


def parse_query(value: str, obs_type: str | None) -> Observable:
    """Normalise a search value, guessing its type when none is given."""
    if not value.strip():
        raise InvalidInput("empty search", [Issue("value", "give a value to search for")])
    chosen = obs_type or guess_type(refang(value.strip()))
    if chosen is None:
        raise InvalidInput("unknown value type",
                           [Issue("type", "could not tell the type; pass type=...")])
    return normalise(chosen, value, location="value")


def search_value(
    ctx: Context, principal: Principal, value: str, obs_type: str | None = None,
    purpose: str = "investigation",
) -> SearchAnswer:
    """Every case holding the value, as FULL matches or per-owner HIT answers.

    Each match on another organisation's case is recorded as a hit (FULL, HIT or NONE) and
    the owners of HIT answers are notified; a value nobody holds, or only silent owners
    hold, runs exactly the same statements and gets an answer of the same shape.
    """
    require(principal, Permission.SEARCH)
    observable = parse_query(value, obs_type)
    with ctx.db.write() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        found = hits.answer_values(tx, ctx, principal, HitSource.SEARCH, [observable],
                                   purpose)[0]
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.OUTBOUND, "search", {"cases": len(found.full)})
        answer = SearchAnswer(
            observable,
            [FullMatch(m.case_id, m.title, m.owner_org_id, m.role, m.crime_type, TLP(m.tlp))
             for m in found.full],
            [HitMatch(h.owner_org_id, h.reference) for h in found.hits],
            list(found.warninglists))
        audit.record(tx, ctx, principal, AuditAction.SEARCH, "observable", observable.key,
                     None, {"type": observable.type.value, "purpose": purpose,
                            "full": len(answer.full), "hits": len(answer.hits)})
    return answer


def autocomplete(ctx: Context, principal: Principal, prefix: str, limit: int = 10) -> list[str]:
    """Values and titles from readable cases, then names and aliases of readable entities,
    starting with `prefix` (2+ characters)."""
    require(principal, Permission.SEARCH)
    prefix = prefix.strip()
    if len(prefix) < 2:
        return []
    limit = max(1, min(limit, 50))
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        found = tx.cases.autocomplete(principal.org, ctx.now(), prefix, limit)
    gateway.record_read(ctx, principal, agreement, "autocomplete", {"values": len(found)})
    knows = agreement is None or agreement.permits(DataCategory.THREAT_KNOWLEDGE,
                                                   Direction.OUTBOUND)
    if len(found) < limit and knows and allowed(principal, Permission.ENTITY_READ):
        found += [n for n in entity_names(ctx, principal, prefix, limit) if n not in found]
    return found[:limit]


def entity_names(ctx: Context, principal: Principal, prefix: str, limit: int) -> list[str]:
    """Names and aliases of readable entities that start with `prefix` (case-insensitive)."""
    low = prefix.casefold()
    names: list[str] = []
    for entity in knowledge.find_entities(ctx, principal, prefix, limit):
        for name in (entity.name, *entity.aliases):
            if name.casefold().startswith(low) and name not in names:
                names.append(name)
    return names[:limit]
