"""Ransomware family identification over the galaxy and what the caller may read of the pool.

The galaxy index is built once per process (`galaxy_index()`, about a second on first use);
the pool's families (member entities with their aliases, and the contact and payment
addresses of readable cases linked to them) are read per call under the access decision,
indexed (they are few) and combined with the galaxy's candidates.
"""

from __future__ import annotations

from functools import cache

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.ransomware import (
    MAX_CANDIDATES,
    Clues,
    FamilyIndex,
    Identification,
    combine,
)
from cyberfusion.formats.reference import ransomware_clues
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx


@cache
def galaxy_index() -> FamilyIndex:
    """The index of the bundled ransomware galaxy (built on first use, then kept)."""
    return FamilyIndex.build(ransomware_clues())


def identify_in(tx: Tx, ctx: Context, principal: Principal, clues: Clues,
                limit: int = MAX_CANDIDATES) -> Identification:
    """Candidates from the galaxy and the pool as the principal may read it (no audit)."""
    galaxy = galaxy_index()
    found = galaxy.identify(clues, limit)
    pool = tx.incidents.pool_families(principal.org, ctx.now())
    if pool and not clues.empty:
        found = combine(found, FamilyIndex.build(pool, galaxy.word_families).identify(clues),
                        limit)
    return found


def identify_reference(clues: Clues, limit: int = MAX_CANDIDATES) -> Identification:
    """Candidates from the bundled galaxy alone (reference data, CLEAR: no database)."""
    return galaxy_index().identify(clues, limit)


def identify(ctx: Context, principal: Principal, clues: Clues,
             limit: int = MAX_CANDIDATES) -> Identification:
    """Identify the family behind a note, file name, extension or addresses, with what the
    principal may read of the pool (audited)."""
    require(principal, Permission.RANSOMWARE_IDENTIFY)
    with ctx.db.write() as tx:
        found = identify_in(tx, ctx, principal, clues, limit)
        audit.record(tx, ctx, principal, AuditAction.SEARCH, "ransomware", "", None, {
            "source": "ransomware", "note_chars": len(clues.text),
            "extension": clues.extension[:100], "file_name": clues.file_name[:100],
            "addresses": len(clues.addresses),
            "best": found.candidates[0].family if found.identified else ""})
    return found
