"""Prevention bulletins: a hub user drafts, a second hub user approves and publishes, anyone
reads what is published (public page and Atom feed); withdrawing takes one off.

The text is scanned with the free-text extractor and refused where it holds personal data;
every cited source must be TLP:CLEAR without personal data or exclusions, read with the SQL
form of the access decision for the writer, and is shown publicly only while it still is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.bulletins import (
    TEXT_FIELDS,
    Bulletin,
    BulletinStatus,
    BulletinText,
    Finding,
    check_approve,
    check_edit,
    check_publish,
    check_text,
    check_withdraw,
)
from cyberfusion.domain.model import Organisation, OrgKind, Principal
from cyberfusion.domain.observables import PERSONAL_TYPES
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import NotFound, PermissionDenied
from cyberfusion.formats import atom
from cyberfusion.formats.text.extract import ExtractOptions, extract
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

MAX_PAGE = 200
#: Only personal types are looked for; derived values (an e-mail's domain) are not.
_PERSONAL = ExtractOptions(url_hosts=False, url_paths=False, url_queries=False,
                           email_domains=False, types=PERSONAL_TYPES)
_PUBLIC = (BulletinStatus.PUBLISHED,)


def findings(text: BulletinText) -> list[Finding]:
    """Personal-data observables in each text field (e-mail, phone, IBAN, handle)."""
    return [Finding(name, hit.type, hit.value) for name in TEXT_FIELDS
            for hit in extract(getattr(text, name), _PERSONAL)]


def _checked(tx: Tx, ctx: Context, org: Organisation, text: BulletinText) -> None:
    """Refuse text with personal data or sources that are not CLEAR for `org` to cite."""
    sources = tx.bulletins.source_handling(text.sources, org, ctx.now())
    check_text(text, findings(text), sources)


def _user_id(principal: Principal) -> int:
    """The acting user's id (bulletin steps are taken by people, not by tokens of no one)."""
    if principal.user is None:
        raise PermissionDenied("bulletin steps are taken by a signed-in user")
    return principal.user.id


def _get(tx: Tx, bulletin_id: int, lock: bool = False) -> Bulletin:
    """The bulletin, or NotFound."""
    found = tx.bulletins.get(bulletin_id, lock)
    if found is None:
        raise NotFound(f"no bulletin {bulletin_id}")
    return found


def _record(tx: Tx, ctx: Context, principal: Principal, action: AuditAction,
            bulletin: Bulletin, detail: dict[str, Any] | None = None) -> None:
    """One audit event about a bulletin, owned by the author's organisation."""
    audit.record(tx, ctx, principal, action, "bulletin", bulletin.id, bulletin.author_org_id,
                 {"status": bulletin.status.value, **(detail or {})})


def create_bulletin(ctx: Context, principal: Principal, text: BulletinText) -> Bulletin:
    """Save a draft written by a hub user."""
    require(principal, Permission.BULLETIN_WRITE)
    user_id = _user_id(principal)
    with ctx.db.write() as tx:
        _checked(tx, ctx, principal.org, text)
        bulletin = _get(tx, tx.bulletins.add(text, user_id, principal.org_id, ctx.now()))
        _record(tx, ctx, principal, AuditAction.BULLETIN_CREATE, bulletin,
                {"sources": len(text.sources)})
    return bulletin


def update_bulletin(ctx: Context, principal: Principal, bulletin_id: int,
                    text: BulletinText) -> Bulletin:
    """Change a draft (or an approved, unpublished one, which then needs approval again)."""
    require(principal, Permission.BULLETIN_WRITE)
    _user_id(principal)
    with ctx.db.write() as tx:
        check_edit(_get(tx, bulletin_id, lock=True))
        _checked(tx, ctx, principal.org, text)
        tx.bulletins.update_text(bulletin_id, text, ctx.now())
        bulletin = _get(tx, bulletin_id)
        _record(tx, ctx, principal, AuditAction.BULLETIN_UPDATE, bulletin)
    return bulletin


def approve_bulletin(ctx: Context, principal: Principal, bulletin_id: int) -> Bulletin:
    """A second hub user approves a draft (its text and sources are checked again)."""
    require(principal, Permission.BULLETIN_APPROVE)
    user_id = _user_id(principal)
    with ctx.db.write() as tx:
        draft = _get(tx, bulletin_id, lock=True)
        check_approve(draft, user_id)
        _checked(tx, ctx, principal.org, draft.text)
        tx.bulletins.set_status(bulletin_id, BulletinStatus.APPROVED, user_id, ctx.now())
        bulletin = _get(tx, bulletin_id)
        _record(tx, ctx, principal, AuditAction.BULLETIN_APPROVE, bulletin)
    return bulletin


def publish_bulletin(ctx: Context, principal: Principal, bulletin_id: int) -> Bulletin:
    """A hub user other than the author publishes an approved bulletin."""
    require(principal, Permission.BULLETIN_APPROVE)
    user_id = _user_id(principal)
    with ctx.db.write() as tx:
        approved = _get(tx, bulletin_id, lock=True)
        check_publish(approved, user_id)
        _checked(tx, ctx, principal.org, approved.text)
        tx.bulletins.set_status(bulletin_id, BulletinStatus.PUBLISHED, user_id, ctx.now())
        bulletin = _get(tx, bulletin_id)
        _record(tx, ctx, principal, AuditAction.BULLETIN_PUBLISH, bulletin)
    return bulletin


def withdraw_bulletin(ctx: Context, principal: Principal, bulletin_id: int,
                      reason: str) -> Bulletin:
    """Take a published bulletin off the public page and feed, saying why."""
    require(principal, Permission.BULLETIN_APPROVE)
    user_id = _user_id(principal)
    with ctx.db.write() as tx:
        check_withdraw(_get(tx, bulletin_id, lock=True), reason)
        tx.bulletins.set_status(bulletin_id, BulletinStatus.WITHDRAWN, user_id, ctx.now(),
                                reason.strip())
        bulletin = _get(tx, bulletin_id)
        _record(tx, ctx, principal, AuditAction.BULLETIN_WITHDRAW, bulletin,
                {"reason": reason.strip()})
    return bulletin


def list_bulletins(ctx: Context, principal: Principal, status: BulletinStatus | None = None,
                   offset: int = 0, limit: int = 50) -> Page[Bulletin]:
    """Every bulletin in any state (or one state), for hub users."""
    require(principal, Permission.BULLETIN_READ)
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    statuses = [status] if status else list(BulletinStatus)
    with ctx.db.read() as tx:
        items, total = tx.bulletins.page(statuses, offset, limit)
        shown = [_titled(tx, ctx, b, principal.org) for b in items]
    return Page(shown, total, offset, limit)


def get_bulletin(ctx: Context, principal: Principal, bulletin_id: int) -> Bulletin:
    """One bulletin in any state, its sources titled where the hub user reads them."""
    require(principal, Permission.BULLETIN_READ)
    with ctx.db.read() as tx:
        return _titled(tx, ctx, _get(tx, bulletin_id), principal.org)


def published(ctx: Context, offset: int = 0, limit: int = 50) -> Page[Bulletin]:
    """Published bulletins, newest first, for anyone (no log-in)."""
    offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
    with ctx.db.read() as tx:
        items, total = tx.bulletins.page(_PUBLIC, offset, limit)
        shown = [_titled(tx, ctx, b, None) for b in items]
    return Page(shown, total, offset, limit)


def published_one(ctx: Context, bulletin_id: int) -> Bulletin:
    """One published bulletin for anyone; NotFound for drafts, withdrawn or missing ones."""
    with ctx.db.read() as tx:
        found = tx.bulletins.get(bulletin_id)
        if found is None or found.status is not BulletinStatus.PUBLISHED:
            raise NotFound(f"no published bulletin {bulletin_id}")
        return _titled(tx, ctx, found, None)


def _titled(tx: Tx, ctx: Context, bulletin: Bulletin, org: Organisation | None) -> Bulletin:
    """The bulletin with its sources titled; sources the reader may not see are left out
    (for the public: any that stopped being CLEAR, carry personal data or exclusions)."""
    refs = bulletin.text.sources
    titles = tx.bulletins.titles(refs, org, ctx.now()) if refs else {}
    kept = tuple(replace(r, title=titles[(r.kind, r.id)]) for r in refs
                 if (r.kind, r.id) in titles)
    return replace(bulletin, text=replace(bulletin.text, sources=kept))


def feed(ctx: Context, limit: int = 50) -> bytes:
    """The Atom feed of the newest published bulletins, with ids under `public_url`."""
    page = published(ctx, 0, limit)
    with ctx.db.read() as tx:
        hubs = [o.name for o in tx.orgs.all() if o.kind is OrgKind.HUB]
    return atom.feed(page.items, ctx.settings.public_url, hubs[0] if hubs else "cyberfusion",
                     ctx.now())
