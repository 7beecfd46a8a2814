"""Gateway agreements: the hub's register of partners' agreements, and the check every
transfer to or from a partner passes (`admit` for intake, `release` for outbound paths),
each transfer audited against the agreement with its reference and counts.

The check only ever stops a transfer: what a partner reads is still what `decide()` (and
its SQL form) gives it — released to it by name, never personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import (
    Agreement,
    AgreementDraft,
    DataCategory,
    Direction,
    batch_categories,
    check,
    draft_issues,
)
from cyberfusion.domain.imports import Batch
from cyberfusion.domain.model import Organisation, OrgKind, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx


def add_agreement(ctx: Context, principal: Principal, draft: AgreementDraft) -> Agreement:
    """Register a new agreement with a partner organisation (hub admins)."""
    require(principal, Permission.AGREEMENT_MANAGE)
    _valid(draft)
    with ctx.db.write() as tx:
        partner = tx.orgs.get(draft.partner_org_id)
        if partner is None or partner.kind is not OrgKind.PARTNER:
            raise InvalidInput("agreements are made with partner organisations", [
                Issue("partner", f"{draft.partner_org_id!r} is not a partner organisation")])
        if tx.agreements.by_reference(draft.reference) is not None:
            raise Conflict(f"an agreement {draft.reference} is already registered")
        made = tx.agreements.add(draft, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.AGREEMENT_CREATE, "agreement", made.id,
                     made.partner_org_id, _terms(made))
    return made


def update_agreement(ctx: Context, principal: Principal, agreement_id: int,
                     draft: AgreementDraft) -> Agreement:
    """Change an agreement's terms; its partner stays the one it was made with."""
    require(principal, Permission.AGREEMENT_MANAGE)
    _valid(draft)
    with ctx.db.write() as tx:
        held = _held(tx, agreement_id)
        if draft.partner_org_id and draft.partner_org_id != held.partner_org_id:
            raise InvalidInput("an agreement's partner cannot change", [
                Issue("partner", f"this agreement is with {held.partner_org_id}")])
        other = tx.agreements.by_reference(draft.reference)
        if other is not None and other.id != agreement_id:
            raise Conflict(f"an agreement {draft.reference} is already registered")
        made = tx.agreements.update(agreement_id, draft)
        assert made is not None
        audit.record(tx, ctx, principal, AuditAction.AGREEMENT_UPDATE, "agreement", made.id,
                     made.partner_org_id, _terms(made))
    return made


def end_agreement(ctx: Context, principal: Principal, agreement_id: int,
                  reason: str) -> Agreement:
    """End an agreement now: from this moment nothing travels under it."""
    require(principal, Permission.AGREEMENT_MANAGE)
    if not reason.strip():
        raise InvalidInput("say why the agreement ends", [Issue("reason", "required")])
    with ctx.db.write() as tx:
        held = _held(tx, agreement_id)
        if held.ended_at is not None:
            raise Conflict(f"agreement {held.reference} was already ended")
        ended = tx.agreements.end(agreement_id, ctx.now(), reason.strip()[:1000])
        assert ended is not None
        audit.record(tx, ctx, principal, AuditAction.AGREEMENT_END, "agreement", held.id,
                     held.partner_org_id, {"reference": held.reference, "reason": reason})
    return ended


def list_agreements(ctx: Context, principal: Principal,
                    partner_org_id: str = "") -> list[Agreement]:
    """Every agreement, or one partner's."""
    require(principal, Permission.AGREEMENT_READ)
    with ctx.db.read() as tx:
        return tx.agreements.of_partner(partner_org_id) if partner_org_id \
            else tx.agreements.all()


def get_agreement(ctx: Context, principal: Principal, ident: str) -> Agreement:
    """One agreement by id or reference."""
    require(principal, Permission.AGREEMENT_READ)
    with ctx.db.read() as tx:
        found = tx.agreements.get(int(ident)) if ident.isdigit() else None
        found = found or tx.agreements.by_reference(ident)
    if found is None:
        raise NotFound(f"no agreement {ident}")
    return found


def partners(ctx: Context, principal: Principal) -> list[Organisation]:
    """The partner organisations an agreement may be made with."""
    require(principal, Permission.AGREEMENT_READ)
    with ctx.db.read() as tx:
        return [o for o in tx.orgs.all() if o.kind is OrgKind.PARTNER]


def admit(tx: Tx, ctx: Context, org: Organisation, categories: Iterable[DataCategory],
          where: str = "", fields: Mapping[DataCategory, str] | None = None
          ) -> Agreement | None:
    """Intake from `org`: the agreement that lets `categories` in (None for members), or
    OutsideAgreement naming the agreement and the rule."""
    return _covering(tx, ctx, org, Direction.INBOUND, categories, where, fields)


def admit_batch(tx: Tx, ctx: Context, org_id: str, batch: Batch,
                filename: str) -> Agreement | None:
    """Intake of one import batch from `org_id`: refused at the first case (or the
    knowledge) the partner's agreement does not let in, located at its source ref."""
    org = tx.orgs.get(org_id)
    if org is None or org.kind is not OrgKind.PARTNER:
        return None
    held = tx.agreements.of_partner(org.id)
    today = ctx.now().date()
    found = check(held, org.id, Direction.INBOUND, (), today, filename)
    for ref, categories in batch_categories(batch):
        check(held, org.id, Direction.INBOUND, categories, today,
              f"{filename}#{ref}" if ref else filename)
    return found


def release(tx: Tx, ctx: Context, org: Organisation, categories: Iterable[DataCategory],
            where: str = "") -> Agreement | None:
    """An outbound path to `org`: the agreement that lets `categories` out to it (None for
    members), or OutsideAgreement naming the agreement and the rule."""
    return _covering(tx, ctx, org, Direction.OUTBOUND, categories, where)


def record_transfer(tx: Tx, ctx: Context, principal: Principal | None, org_id: str,
                    agreement: Agreement | None, way: Direction, path: str,
                    counts: dict[str, Any]) -> None:
    """Audit one transfer to or from a partner against its agreement (no-op for members)."""
    if agreement is None:
        return
    audit.record(tx, ctx, principal, AuditAction.GATEWAY_TRANSFER, "agreement", agreement.id,
                 org_id, {"agreement": agreement.reference, "direction": way.value,
                          "path": path, **counts})


def record_read(ctx: Context, principal: Principal, agreement: Agreement | None, path: str,
                counts: dict[str, Any]) -> None:
    """Audit a partner's read made in a read transaction, in a short write of its own."""
    if agreement is None:
        return
    with ctx.db.write() as tx:
        record_transfer(tx, ctx, principal, principal.org_id, agreement, Direction.OUTBOUND,
                        path, counts)


def _covering(tx: Tx, ctx: Context, org: Organisation, way: Direction,
              categories: Iterable[DataCategory], where: str,
              fields: Mapping[DataCategory, str] | None = None) -> Agreement | None:
    if org.kind is not OrgKind.PARTNER:
        return None
    return check(tx.agreements.of_partner(org.id), org.id, way, categories,
                 ctx.now().date(), where, fields)


def _valid(draft: AgreementDraft) -> None:
    issues = draft_issues(draft)
    if issues:
        raise InvalidInput("the agreement breaks a rule", issues)


def _held(tx: Tx, agreement_id: int) -> Agreement:
    held = tx.agreements.get(agreement_id)
    if held is None:
        raise NotFound(f"no agreement {agreement_id}")
    return held


def _terms(made: Agreement) -> dict[str, Any]:
    return {"reference": made.reference, "valid_from": made.valid_from.isoformat(),
            "valid_until": made.valid_until.isoformat(),
            "categories": {k.value: v.value for k, v in made.categories.items()},
            "onward_allowed": made.onward_allowed}
