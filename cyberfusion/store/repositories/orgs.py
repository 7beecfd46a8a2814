"""Organisations: rows <-> `domain.model.Organisation`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from cyberfusion.domain.model import Organisation, OrgKind, Region
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import OrgRow


def to_org(row: OrgRow) -> Organisation:
    """Map a row to the domain object."""
    return Organisation(
        id=row.id,
        name=row.name,
        kind=OrgKind(row.kind),
        country=row.country,
        region=Region(row.region) if row.region else None,
        parent_id=row.parent_id,
        timezone=row.timezone,
        contacts_open_to_partners=row.contacts_open_to_partners,
    )


def network_order(orgs: Iterable[Organisation]) -> list[Organisation]:
    """Hub first, then by country and id (how lists of organisations are shown)."""
    return sorted(orgs, key=lambda o: (o.kind is not OrgKind.HUB, o.country or "", o.id))


class OrgRepo(Repo):
    """Reads and writes organisations."""

    def add(self, org: Organisation, now: datetime) -> Organisation:
        """Insert `org`."""
        self.session.add(
            OrgRow(
                id=org.id,
                name=org.name,
                kind=org.kind.value,
                country=org.country,
                region=org.region.value if org.region else None,
                parent_id=org.parent_id,
                timezone=org.timezone,
                created_at=now,
                contacts_open_to_partners=org.contacts_open_to_partners,
            )
        )
        self.session.flush()
        return org

    def get(self, org_id: str) -> Organisation | None:
        """The organisation with `org_id`, or None."""
        row = self.session.get(OrgRow, org_id)
        return to_org(row) if row else None

    def all(self) -> list[Organisation]:
        """Every organisation, hub first, then by country and name."""
        rows = self.session.scalars(select(OrgRow).order_by(OrgRow.country, OrgRow.id))
        return network_order(to_org(r) for r in rows)

    def set_contacts_open(self, org_id: str, open_to_partners: bool) -> bool:
        """Open or close the organisation's contacts to partners; False if it is unknown."""
        row = self.session.get(OrgRow, org_id)
        if row is None:
            return False
        row.contacts_open_to_partners = open_to_partners
        self.session.flush()
        return True

    def exists(self, org_ids: set[str]) -> set[str]:
        """Which of `org_ids` exist."""
        if not org_ids:
            return set()
        rows = self.session.scalars(select(OrgRow.id).where(OrgRow.id.in_(sorted(org_ids))))
        return set(rows)
