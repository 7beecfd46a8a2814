"""Shared by the TAXII tests and benchmark: kept knowledge written fast with the bulk store
helpers, one handling record per share of readers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import SourceObject
from cyberfusion.services.context import Context


def technique(owner: str, index: int, stamp: str = "2026-01-01T00:00:00.000Z"
              ) -> dict[str, Any]:
    """A STIX attack-pattern with a stable id per (owner, index)."""
    return {"type": "attack-pattern", "spec_version": "2.1",
            "id": f"attack-pattern--{uuid.uuid5(uuid.NAMESPACE_URL, f'{owner}/{index}')}",
            "created": stamp, "modified": stamp, "name": f"technique {index} of {owner}"}


def keep(ctx: Context, owner: str, count: int, handling: Handling, now: datetime,
         start: int = 0) -> list[str]:
    """Store `count` techniques outside any case under one handling record; their ids."""
    bodies = [technique(owner, i) for i in range(start, start + count)]
    with ctx.db.write() as tx:
        handling_id = tx.handlings.add(owner, handling)
        items = [(SourceObject(str(b["id"]), "attack-pattern", now, False, b), handling_id)
                 for b in bodies]
        for first in range(0, len(items), 5000):
            tx.source_objects.upsert_many(owner, items[first:first + 5000], None, now)
    return [str(b["id"]) for b in bodies]


def members_green(review_by: date) -> Handling:
    """TLP:GREEN released to every member."""
    return Handling(TLP.GREEN, frozenset({"members"}), review_by)


def own_only(review_by: date) -> Handling:
    """TLP:RED for its owner alone."""
    return Handling(TLP.RED, frozenset(), review_by)
