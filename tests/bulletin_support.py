"""Helpers for bulletin tests: a second hub user, CLEAR and AMBER sources, a valid text."""

from __future__ import annotations

from datetime import date
from typing import Any

from worlds import PASSWORD, World, case_doc

from cyberfusion.domain.bulletins import BulletinText, SourceKind, SourceRef
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Principal, Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, cases, orgs
from cyberfusion.services.context import Context

SECOND = "hub.second"


def second_hub_user(ctx: Context) -> Principal:
    """Another analyst of the hub (the one who approves and publishes)."""
    user = orgs.create_user(ctx, None, SECOND, "hub", frozenset({Role.ANALYST}), PASSWORD)
    with ctx.db.read() as tx:
        return auth.principal_for(tx, user)


def clear_case(w: World, org_id: str = "fr-cyber", tlp: str = "clear",
               **handling: Any) -> int:
    """A case of `org_id` at `tlp`, released to members."""
    doc = case_doc("Fake invoice wave", tlp=tlp, release=["members"], **handling)
    draft = parse_case(doc, w.ctx.now().date(), 5)
    return cases.create_case(w.ctx, w.principals[org_id], draft).id


def family(ctx: Context, name: str = "LockBit", tlp: TLP = TLP.CLEAR,
           owner: str = "hub") -> int:
    """A ransomware family entity of `owner` at `tlp`, released to members."""
    with ctx.db.write() as tx:
        hid = tx.handlings.add(owner, Handling(tlp=tlp, release=frozenset({"members"}),
                                               review_by=date(2030, 1, 1)))
        entity = ImportedEntity(f"malware--{abs(hash(name)) % 10**8:08d}-0000-4000-8000-"
                                "000000000000", EntityKind.RANSOMWARE, name)
        _, touched = tx.entities.upsert_many(owner, [(entity, hid)])
        tx.entities.merge(touched)
        return touched[0]


def text(title: str = "Fake invoices target accountants", *sources: SourceRef,
         actions: str = "Call the supplier back on a number you already know.") -> BulletinText:
    """A bulletin text with no personal data."""
    return BulletinText(title, "Mails with fake invoices carry a loader that leads to "
                        "ransomware.", "Accountants of small companies.", actions,
                        tuple(sources))


def case_ref(case_id: int) -> SourceRef:
    return SourceRef(SourceKind.CASE, case_id)


def entity_ref(entity_id: int) -> SourceRef:
    return SourceRef(SourceKind.ENTITY, entity_id)
