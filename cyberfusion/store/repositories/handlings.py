"""Handling records, their release/exclude/partner tokens, and disclosure grants."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, insert, select

from cyberfusion.domain.access import GovernedItem
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.model import DisclosureGrant
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import GrantRow, HandlingRow, HandlingTokenRow


def token_rows(handling_id: int, handling: Handling) -> list[dict[str, object]]:
    """The token rows of `handling` (partners are stored as `org:<id>`)."""
    rows = [{"handling_id": handling_id, "kind": "release", "token": t} for t in handling.release]
    rows += [{"handling_id": handling_id, "kind": "exclude", "token": t} for t in handling.exclude]
    rows += [
        {"handling_id": handling_id, "kind": "partner", "token": f"org:{p}"}
        for p in handling.partners
    ]
    return rows


def handling_values(owner_org_id: str, handling: Handling) -> dict[str, object]:
    """Column values of a handling row."""
    return {
        "owner_org_id": owner_org_id,
        "tlp": handling.tlp.value,
        "hit_policy": handling.hit_policy.value,
        "purpose": handling.purpose.value,
        "review_by": handling.review_by,
        "reliability": handling.reliability,
        "credibility": handling.credibility,
        "personal_data": handling.personal_data,
    }


def content_key(owner_org_id: str, handling: Handling) -> str:
    """sha256 of the owner, the columns and the sorted tokens of a handling record."""
    values = handling_values(owner_org_id, handling)
    tokens = sorted((str(r["kind"]), str(r["token"])) for r in token_rows(0, handling))
    text = repr((sorted((k, str(v)) for k, v in values.items()), tokens))
    return hashlib.sha256(text.encode()).hexdigest()


def to_handling(row: HandlingRow, tokens: Iterable[tuple[str, str]]) -> Handling:
    """Build the domain record from a row and its (kind, token) pairs."""
    sets: dict[str, set[str]] = defaultdict(set)
    for kind, token in tokens:
        sets[kind].add(token.removeprefix("org:") if kind == "partner" else token)
    return Handling(
        tlp=TLP(row.tlp),
        release=frozenset(sets["release"]),
        exclude=frozenset(sets["exclude"]),
        partners=frozenset(sets["partner"]),
        hit_policy=HitPolicy(row.hit_policy),
        purpose=Purpose(row.purpose),
        review_by=row.review_by,
        reliability=row.reliability,
        credibility=row.credibility,
        personal_data=row.personal_data,
    )


def _grant(row: GrantRow) -> DisclosureGrant:
    return DisclosureGrant(
        id=row.id,
        handling_id=row.handling_id,
        org_id=row.org_id,
        granted_by_org_id=row.granted_by_org_id,
        reason=row.reason,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


class HandlingRepo(Repo):
    """Reads and writes handling records and grants."""

    def add(self, owner_org_id: str, handling: Handling) -> int:
        """Insert a handling record with its tokens; return its id."""
        row = HandlingRow(**handling_values(owner_org_id, handling))
        self._added(row)
        rows = token_rows(row.id, handling)
        if rows:
            self.session.execute(insert(HandlingTokenRow), rows)
        return row.id

    def shared(self, owner_org_id: str, handling: Handling) -> int:
        """The owner's shared record with exactly these rules (made once): imported objects,
        entities and relationships point to it, so landing the same data again adds none."""
        key = content_key(owner_org_id, handling)
        found = self.session.scalar(select(HandlingRow.id).where(HandlingRow.content_key == key)
                                    .order_by(HandlingRow.id).limit(1))
        if found is not None:
            return int(found)
        row = HandlingRow(**handling_values(owner_org_id, handling), content_key=key)
        self._added(row)
        rows = token_rows(row.id, handling)
        if rows:
            self.session.execute(insert(HandlingTokenRow), rows)
        return row.id

    def replace(self, handling_id: int, handling: Handling) -> None:
        """Overwrite the rules of an existing record (owner kept)."""
        row = self.session.get(HandlingRow, handling_id)
        if row is None:
            raise LookupError(f"no handling {handling_id}")
        for name, value in handling_values(row.owner_org_id, handling).items():
            setattr(row, name, value)
        self.session.execute(
            delete(HandlingTokenRow).where(HandlingTokenRow.handling_id == handling_id)
        )
        rows = token_rows(handling_id, handling)
        if rows:
            self.session.execute(insert(HandlingTokenRow), rows)

    def set_review_by(self, handling_id: int, review_by: date) -> None:
        """Record the owner's confirmation that the data is still needed until `review_by`."""
        row = self.session.get(HandlingRow, handling_id)
        if row is None:
            raise LookupError(f"no handling {handling_id}")
        row.review_by = review_by

    def delete(self, handling_id: int) -> None:
        """Remove a handling record with its tokens and grants (its item is gone)."""
        for table in (HandlingTokenRow, GrantRow):
            self.session.execute(delete(table).where(table.handling_id == handling_id))
        self.session.execute(delete(HandlingRow).where(HandlingRow.id == handling_id))

    def get_many(self, handling_ids: Iterable[int]) -> dict[int, GovernedItem]:
        """Governed items by handling id (owner and rules), for `decide()`."""
        ids = sorted(set(handling_ids))
        if not ids:
            return {}
        rows = self.session.scalars(select(HandlingRow).where(HandlingRow.id.in_(ids))).all()
        tokens: dict[int, list[tuple[str, str]]] = defaultdict(list)
        query = select(HandlingTokenRow).where(HandlingTokenRow.handling_id.in_(ids))
        for t in self.session.scalars(query):
            tokens[t.handling_id].append((t.kind, t.token))
        return {
            r.id: GovernedItem(r.id, r.owner_org_id, to_handling(r, tokens[r.id])) for r in rows
        }

    def get(self, handling_id: int) -> GovernedItem | None:
        """One governed item by handling id."""
        return self.get_many([handling_id]).get(handling_id)

    def add_grant(
        self,
        handling_id: int,
        org_id: str,
        granted_by_org_id: str,
        reason: str,
        now: datetime,
        expires_at: datetime,
    ) -> DisclosureGrant:
        """Record a disclosure grant."""
        row = GrantRow(
            handling_id=handling_id,
            org_id=org_id,
            granted_by_org_id=granted_by_org_id,
            reason=reason,
            created_at=now,
            expires_at=expires_at,
        )
        self._added(row)
        return _grant(row)

    def revoke_grant(self, grant_id: int, now: datetime) -> DisclosureGrant | None:
        """Revoke a grant; None if absent."""
        row = self.session.get(GrantRow, grant_id)
        if row is None:
            return None
        row.revoked_at = row.revoked_at or now
        return _grant(row)

    def grants_for(self, handling_ids: Iterable[int]) -> dict[int, list[DisclosureGrant]]:
        """All grants (active or not) of the given handling records."""
        ids = sorted(set(handling_ids))
        result: dict[int, list[DisclosureGrant]] = defaultdict(list)
        if ids:
            query = select(GrantRow).where(GrantRow.handling_id.in_(ids))
            for row in self.session.scalars(query):
                result[row.handling_id].append(_grant(row))
        return result
