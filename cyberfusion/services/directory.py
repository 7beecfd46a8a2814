"""The 24/7 network directory: contacts, duty rota, "who is on duty now", notification
preferences and webhooks. Organisation admins keep their own; members read everyone's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import Priority, require_admin, require_read
from cyberfusion.domain.duty import Contact, DutyNow, Shift, on_duty
from cyberfusion.domain.model import Organisation, OrgKind, Principal
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats.directory_json import parse_directory
from cyberfusion.services import audit, signing
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.directory import StoredWebhook as StoredWebhook
from cyberfusion.store.tx import Tx

#: Channels besides the in-app inbox (always on) an organisation may choose per priority.
OPTIONAL_CHANNELS = ("email", "webhook")
#: What an organisation gets until it chooses.
DEFAULT_PREFS: dict[str, frozenset[str]] = {
    Priority.FLASH.value: frozenset({"email", "webhook"}),
    Priority.URGENT.value: frozenset({"email", "webhook"}),
    Priority.ROUTINE.value: frozenset({"webhook"}),
}


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One organisation on the duty board."""

    org: Organisation
    duty: DutyNow


def _readable_org(principal: Principal, org: Organisation) -> bool:
    """Partners see the hub's and their own directory; members see every one."""
    return not principal.org.is_partner or org.id == principal.org_id \
        or org.kind is OrgKind.HUB


def load_directory(ctx: Context, principal: Principal | None, org_id: str,
                   contacts: Sequence[Contact], shifts: Sequence[Shift]) -> int:
    """Replace an organisation's contacts and rota (its admins, or the operator's CLI)."""
    if principal is not None:
        require_admin(principal)
        if principal.org_id != org_id:
            raise PermissionDenied("admins keep their own organisation's directory only")
    with ctx.db.write() as tx:
        if tx.orgs.get(org_id) is None:
            raise NotFound(f"no organisation {org_id!r}")
        resolved = _resolve_users(tx, org_id, contacts)
        tx.directory.replace(org_id, resolved, shifts)
        audit.record(tx, ctx, principal, AuditAction.DIRECTORY_UPDATE, "org", org_id, org_id,
                     {"contacts": len(contacts), "shifts": len(shifts)})
    return len(contacts)


def seed_directories(ctx: Context, docs: dict[str, Any]) -> int:
    """Load directory documents (org id -> document) as the operator; return contacts."""
    total = 0
    for org_id, doc in sorted(docs.items()):
        contacts, shifts = parse_directory(doc)
        total += load_directory(ctx, None, org_id, contacts, shifts)
    return total


def _resolve_users(tx: Tx, org_id: str, contacts: Sequence[Contact]) -> list[Contact]:
    """Link contacts to users of the organisation by username."""
    issues, found = [], []
    for i, contact in enumerate(contacts):
        user_id = None
        if contact.username:
            user = tx.users.by_username(contact.username)
            if user is None or user.org_id != org_id:
                issues.append(Issue(f"contacts[{i}].username",
                                    f"no user {contact.username!r} in {org_id}"))
            else:
                user_id = user.id
        found.append(replace(contact, user_id=user_id))
    if issues:
        raise InvalidInput("the directory names unknown users", issues)
    return found


def get_directory(ctx: Context, principal: Principal,
                  org_id: str) -> tuple[Organisation, list[Contact], list[Shift]]:
    """An organisation's contacts and rota."""
    require_read(principal)
    with ctx.db.read() as tx:
        org = tx.orgs.get(org_id)
        if org is None or not _readable_org(principal, org):
            raise NotFound(f"no organisation {org_id!r}")
        contacts, shifts = tx.directory.of([org_id])[org_id]
    return org, contacts, shifts


def duty_now(tx: Tx, orgs: Iterable[Organisation], now: datetime) -> dict[str, DutyNow]:
    """Who answers for each organisation at `now` (in its own time zone)."""
    orgs = list(orgs)
    directory = tx.directory.of(o.id for o in orgs)
    return {o.id: on_duty(o.id, o.timezone, *directory[o.id], now) for o in orgs}


def duty_board(ctx: Context, principal: Principal, country: str = "", org_id: str = "",
               at: datetime | None = None) -> list[DutyRow]:
    """Who is on duty now (or `at`) in a country, in one organisation, or everywhere."""
    require_read(principal)
    with ctx.db.read() as tx:
        orgs = [o for o in tx.orgs.all() if _readable_org(principal, o)]
        if country:
            orgs = [o for o in orgs if o.country == country.upper()]
        if org_id:
            orgs = [o for o in orgs if o.id == org_id]
        if (country or org_id) and not orgs:
            where = f"country {country.upper()}" if country else f"organisation {org_id!r}"
            raise NotFound(f"no {where} in the network")
        now = at or ctx.now()
        duty = duty_now(tx, orgs, now)
    return [DutyRow(o, duty[o.id]) for o in orgs]


def prefs_of(tx: Tx, org_ids: Iterable[str]) -> dict[str, dict[str, frozenset[str]]]:
    """Each organisation's channels per priority (the defaults where it chose none)."""
    ids = list(org_ids)
    chosen = tx.directory.prefs(ids)
    return {o: {**DEFAULT_PREFS, **chosen.get(o, {})} for o in ids}


def get_prefs(ctx: Context, principal: Principal) -> dict[str, frozenset[str]]:
    """The caller's organisation's channels per priority."""
    require_read(principal)
    with ctx.db.read() as tx:
        return prefs_of(tx, [principal.org_id])[principal.org_id]


def set_prefs(ctx: Context, principal: Principal, prefs: dict[str, list[str]]) -> None:
    """Choose, per priority, e-mail and/or webhook besides the in-app inbox."""
    require_admin(principal)
    issues = [Issue(f"{p}", "priority is flash, urgent or routine")
              for p in prefs if p not in {x.value for x in Priority}]
    issues += [Issue(f"{p}", f"{c!r} is not one of {', '.join(OPTIONAL_CHANNELS)}")
               for p, chosen in prefs.items() for c in chosen if c not in OPTIONAL_CHANNELS]
    if issues:
        raise InvalidInput("the preferences are not valid", issues)
    with ctx.db.write() as tx:
        tx.directory.set_prefs(principal.org_id, {p: frozenset(c) for p, c in prefs.items()})
        audit.record(tx, ctx, principal, AuditAction.DIRECTORY_UPDATE, "org", principal.org_id,
                     principal.org_id, {"preferences": {p: sorted(c) for p, c in prefs.items()}})


def add_webhook(ctx: Context, principal: Principal, url: str) -> tuple[StoredWebhook, str]:
    """Register a webhook; returns it and its HMAC secret (shown once)."""
    require_admin(principal)
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidInput("bad webhook URL", [Issue("url", "an http:// or https:// URL")])
    secret = "whsec_" + secrets.token_urlsafe(32)
    with ctx.db.write() as tx:
        hook = tx.directory.add_webhook(principal.org_id, url.strip(), "", ctx.now())
        sealed = signing.seal(ctx, secret.encode(), f"webhook:{hook.id}")
        tx.directory.set_webhook_secret(hook.id, sealed)
        audit.record(tx, ctx, principal, AuditAction.DIRECTORY_UPDATE, "webhook", hook.id,
                     principal.org_id, {"url": url.strip()})
    return replace(hook, secret=sealed), secret


def list_webhooks(ctx: Context, principal: Principal) -> list[StoredWebhook]:
    """The caller's organisation's webhooks (secrets stay sealed)."""
    require_admin(principal)
    with ctx.db.read() as tx:
        return tx.directory.webhooks([principal.org_id], active_only=False)


def remove_webhook(ctx: Context, principal: Principal, webhook_id: int) -> None:
    """Turn off one of the organisation's webhooks."""
    require_admin(principal)
    with ctx.db.write() as tx:
        if not tx.directory.deactivate_webhook(webhook_id, principal.org_id):
            raise NotFound(f"no webhook {webhook_id} of yours")
        audit.record(tx, ctx, principal, AuditAction.DIRECTORY_UPDATE, "webhook", webhook_id,
                     principal.org_id, {"active": False})
