"""Helpers for channel tests: request documents, a duty directory, admins of the test world."""

from __future__ import annotations

from typing import Any

from worlds import PASSWORD, World

from cyberfusion.domain.channel import Priority, RequestType, Thread
from cyberfusion.domain.model import Principal, Role
from cyberfusion.formats.channel_json import parse_draft
from cyberfusion.formats.directory_json import parse_directory
from cyberfusion.services import auth, channel, directory, orgs
from cyberfusion.services.context import Context

ART29 = {"authority": "OFAC, Paris", "offence": "extortion (ransomware)",
         "facts": "Hospital in Lyon encrypted on 12 May",
         "data": "Mailbox lockpick@example.net and its login records",
         "link": "The ransom note names this mailbox for negotiation",
         "location": "Example Mail Ltd, Frankfurt",
         "necessity": "The provider deletes inactive mailboxes after 30 days",
         "mutual_assistance": "An MLA request for disclosure follows within 60 days"}


def request_doc(to: str = "de-cyber", kind: RequestType = RequestType.PRESERVATION,
                priority: Priority = Priority.FLASH, **extra: Any) -> dict[str, Any]:
    """A valid request document."""
    fields = dict(ART29) if kind is RequestType.PRESERVATION else {}
    if kind is RequestType.INFORMATION:
        fields = {"question": "Who holds 185.220.101.4?"}
    return {"to": [to], "type": kind.value, "priority": priority.value,
            "subject": f"{kind.value} to {to}", "body": "Please act.", "fields": fields,
            **extra}


def send(ctx: Context, who: Principal, to: str = "de-cyber",
         kind: RequestType = RequestType.PRESERVATION, priority: Priority = Priority.FLASH,
         **extra: Any) -> Thread:
    """Send a request through the service."""
    doc = request_doc(to, kind, priority, **extra)
    return channel.send(ctx, who, parse_draft(doc, ctx.now().date(), 5))


def duty_directory(org_id: str) -> dict[str, Any]:
    """A desk, a duty officer on around the clock and a backup, with e-mail addresses."""
    return {"contacts": [
        {"ref": "desk", "name": f"{org_id} desk", "desk": True, "email": f"desk@{org_id}.test"},
        {"ref": "officer", "name": f"{org_id} officer", "email": f"officer@{org_id}.test",
         "languages": ["en"]},
        {"ref": "backup", "name": f"{org_id} backup", "email": f"backup@{org_id}.test"}],
        "shifts": [{"contact": "officer", "role": "primary", "days": ["daily"],
                    "start": "00:00", "end": "24:00"},
                   {"contact": "backup", "role": "backup", "days": ["daily"],
                    "start": "00:00", "end": "24:00"}]}


def load_duty(ctx: Context, *org_ids: str) -> None:
    """Give organisations the duty directory above."""
    for org_id in org_ids:
        contacts, shifts = parse_directory(duty_directory(org_id))
        directory.load_directory(ctx, None, org_id, contacts, shifts)


def admin(world: World, org_id: str) -> Principal:
    """An admin (and duty officer) of `org_id`, created on first use."""
    ctx = world.ctx
    name = f"{org_id}.admin"
    with ctx.db.read() as tx:
        user = tx.users.by_username(name)
    if user is None:
        user = orgs.create_user(ctx, None, name, org_id,
                                frozenset({Role.ADMIN, Role.DUTY_OFFICER}), PASSWORD)
    with ctx.db.read() as tx:
        return auth.principal_for(tx, user)


