"""The 24/7 directory: contacts, the weekly rota, notification preferences and webhooks.

Contacts and shifts are read for a reader organisation and filtered in SQL by
`contacts_readable_clause` (the SQL form of `domain.duty.can_read_contacts`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update

from cyberfusion.domain.duty import Contact, Shift, ShiftRole, StoredWebhook
from cyberfusion.domain.model import Organisation
from cyberfusion.store.directory_sql import contacts_readable_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.orgs import network_order, to_org
from cyberfusion.store.tables import OrgRow, UserRow
from cyberfusion.store.tables_channel import ContactRow, NotifyPrefRow, ShiftRow, WebhookRow


def _contact(row: ContactRow, username: str | None) -> Contact:
    return Contact(ref=row.ref, name=row.name, email=row.email, phone=row.phone,
                   languages=tuple(x for x in row.languages.split(",") if x),
                   position=row.position, desk=row.desk, username=username or "",
                   user_id=row.user_id, id=row.id)


class DirectoryRepo(Repo):
    """Reads and writes the directory of every organisation."""

    def replace(self, org_id: str, contacts: Sequence[Contact], shifts: Sequence[Shift]) -> None:
        """Replace an organisation's contacts and rota (contacts carry resolved user ids)."""
        self.session.execute(delete(ShiftRow).where(ShiftRow.org_id == org_id))
        self.session.execute(delete(ContactRow).where(ContactRow.org_id == org_id))
        ids: dict[str, int] = {}
        for c in contacts:
            row = ContactRow(org_id=org_id, ref=c.ref, name=c.name, position=c.position,
                             email=c.email, phone=c.phone, languages=",".join(c.languages),
                             desk=c.desk, user_id=c.user_id)
            self._added(row)
            ids[c.ref] = row.id
        for s in shifts:
            self.session.add(ShiftRow(org_id=org_id, contact_id=ids[s.contact_ref],
                                      role=s.role.value,
                                      days="".join(str(d) for d in sorted(s.days)),
                                      start_minute=s.start_minute, end_minute=s.end_minute))
        self.session.flush()

    def of(self, org_ids: Iterable[str],
           reader_org_id: str) -> dict[str, tuple[list[Contact], list[Shift]]]:
        """Contacts and shifts of each organisation, as `reader_org_id` may read them: the
        WHERE clause leaves out directories closed to it (they come back empty)."""
        ids = sorted(set(org_ids))
        found: dict[str, tuple[list[Contact], list[Shift]]] = {o: ([], []) for o in ids}
        if not ids:
            return found
        readable = contacts_readable_clause(reader_org_id)
        query = (select(ContactRow, UserRow.username)
                 .join(OrgRow, OrgRow.id == ContactRow.org_id)
                 .outerjoin(UserRow, UserRow.id == ContactRow.user_id)
                 .where(ContactRow.org_id.in_(ids), readable)
                 .order_by(ContactRow.org_id, ContactRow.id))
        refs: dict[int, str] = {}
        for row, username in self.session.execute(query):
            found[row.org_id][0].append(_contact(row, username))
            refs[row.id] = row.ref
        shifts = (select(ShiftRow).join(OrgRow, OrgRow.id == ShiftRow.org_id)
                  .where(ShiftRow.org_id.in_(ids), readable)
                  .order_by(ShiftRow.org_id, ShiftRow.id))
        for s in self.session.scalars(shifts):
            found[s.org_id][1].append(Shift(refs[s.contact_id], ShiftRole(s.role),
                                            frozenset(int(d) for d in s.days),
                                            s.start_minute, s.end_minute))
        return found

    def readable_orgs(self, reader_org_id: str) -> list[Organisation]:
        """Organisations whose directory `reader_org_id` may read, hub first (as `orgs.all`)."""
        rows = self.session.scalars(select(OrgRow).where(
            contacts_readable_clause(reader_org_id)).order_by(OrgRow.country, OrgRow.id))
        return network_order(to_org(r) for r in rows)

    def prefs(self, org_ids: Iterable[str]) -> dict[str, dict[str, frozenset[str]]]:
        """org id -> priority -> chosen channels, for organisations that chose any."""
        ids = sorted(set(org_ids))
        found: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
        if ids:
            for row in self.session.scalars(select(NotifyPrefRow)
                                            .where(NotifyPrefRow.org_id.in_(ids))):
                found[row.org_id][row.priority] = frozenset(
                    c for c in row.channels.split(",") if c)
        return dict(found)

    def set_prefs(self, org_id: str, prefs: dict[str, frozenset[str]]) -> None:
        """Replace an organisation's per-priority channel choices."""
        self.session.execute(delete(NotifyPrefRow).where(NotifyPrefRow.org_id == org_id))
        for priority, channels in sorted(prefs.items()):
            self.session.add(NotifyPrefRow(org_id=org_id, priority=priority,
                                           channels=",".join(sorted(channels))))
        self.session.flush()

    def add_webhook(self, org_id: str, url: str, sealed_secret: str,
                    now: datetime) -> StoredWebhook:
        """Register a webhook endpoint."""
        row = WebhookRow(org_id=org_id, url=url, secret=sealed_secret, active=True,
                         created_at=now)
        self._added(row)
        return StoredWebhook(row.id, org_id, url, sealed_secret, True, now)

    def set_webhook_secret(self, webhook_id: int, sealed: str) -> None:
        """Store the sealed HMAC secret of a webhook (sealed with its id as purpose)."""
        self.session.execute(update(WebhookRow).where(WebhookRow.id == webhook_id)
                             .values(secret=sealed))

    def webhooks(self, org_ids: Iterable[str], active_only: bool = True) -> list[StoredWebhook]:
        """Webhooks of the given organisations."""
        query = select(WebhookRow).where(WebhookRow.org_id.in_(sorted(set(org_ids))))
        if active_only:
            query = query.where(WebhookRow.active.is_(True))
        return [StoredWebhook(r.id, r.org_id, r.url, r.secret, r.active, r.created_at)
                for r in self.session.scalars(query.order_by(WebhookRow.id))]

    def webhook(self, webhook_id: int) -> StoredWebhook | None:
        """One webhook by id."""
        r = self.session.get(WebhookRow, webhook_id)
        return StoredWebhook(r.id, r.org_id, r.url, r.secret, r.active, r.created_at) if r \
            else None

    def deactivate_webhook(self, webhook_id: int, org_id: str) -> bool:
        """Turn off one of the organisation's webhooks; False if it is not theirs."""
        result = self.session.execute(update(WebhookRow).where(
            WebhookRow.id == webhook_id, WebhookRow.org_id == org_id).values(active=False))
        return bool(getattr(result, "rowcount", 0))
