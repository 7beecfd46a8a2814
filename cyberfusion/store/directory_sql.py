"""The SQL form of `domain.duty.can_read_contacts`: whose 24/7 contacts a reader sees.

Every query that reads contacts, shifts or escalation targets for a reader filters with
`contacts_readable_clause()`, so no path shows another organisation's officers by missing a
check in Python. The reader's kind is looked up in the database, not taken from the caller.
The directory property suite checks that it agrees with the Python form on random worlds.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, literal, or_, select
from sqlalchemy.orm import aliased

from cyberfusion.domain.model import OrgKind
from cyberfusion.store.tables import OrgRow

#: The reader's own row (one alias for every query, so compiled statements are cached).
_READER = aliased(OrgRow, name="reader_org")


def contacts_readable_clause(reader_org_id: str) -> ColumnElement[bool]:
    """WHERE clause on `organisation` (the owner): `reader_org_id` may read its contacts."""
    member_reader = exists(select(literal(1)).where(
        _READER.id == reader_org_id, _READER.kind != OrgKind.PARTNER.value))
    return or_(member_reader, OrgRow.id == reader_org_id, OrgRow.kind == OrgKind.HUB.value,
               OrgRow.contacts_open_to_partners.is_(True))
