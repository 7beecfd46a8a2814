"""A small fixed world for tests: hub, three countries, units, a partner, users per org."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cyberfusion.domain.gateway import AgreementDraft, DataCategory, Direction
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Region, Role
from cyberfusion.services import auth, orgs
from cyberfusion.services.context import Context

PASSWORD = "test-password-1"

ORGS = [
    Organisation("hub", "Cyber Fusion Hub", OrgKind.HUB, timezone="Asia/Singapore"),
    Organisation("fr-ncb", "NCB Paris", OrgKind.NCB, "FR", Region.EUROPE),
    Organisation("fr-cyber", "FR Cybercrime Unit", OrgKind.UNIT, "FR", Region.EUROPE, "fr-ncb"),
    Organisation("de-ncb", "NCB Wiesbaden", OrgKind.NCB, "DE", Region.EUROPE),
    Organisation("de-cyber", "DE Cybercrime Unit", OrgKind.UNIT, "DE", Region.EUROPE, "de-ncb"),
    Organisation("br-ncb", "NCB Brasilia", OrgKind.NCB, "BR", Region.AMERICAS),
    Organisation("br-cyber", "BR Cybercrime Unit", OrgKind.UNIT, "BR", Region.AMERICAS, "br-ncb"),
    Organisation("acme-sec", "Acme Security", OrgKind.PARTNER),
]


@dataclass
class World:
    """Handles on the fixed world: principals by org id."""

    ctx: Context
    principals: dict[str, Principal]

    def token(self, org_id: str, scopes: frozenset[str] = frozenset({"read", "write"})) -> str:
        """A fresh API token secret for the org's analyst."""
        issued = auth.issue_token(self.ctx, self.principals[org_id], "test", scopes)
        return issued.secret


def build_world(ctx: Context) -> World:
    """Create ORGS and one analyst+auditor user per org."""
    principals = {}
    for org in ORGS:
        orgs.create_org(ctx, None, org)
        user = orgs.create_user(ctx, None, f"{org.id}.analyst", org.id,
                                frozenset({Role.ANALYST, Role.AUDITOR}), PASSWORD)
        with ctx.db.read() as tx:
            principals[org.id] = auth.principal_for(tx, user)
    with ctx.db.write() as tx:
        tx.agreements.add(open_agreement("acme-sec", "ACME-2026-01"), ctx.now())
    return World(ctx, principals)


def open_agreement(partner: str, reference: str) -> AgreementDraft:
    """A Gateway agreement letting every category but personal data both ways (2026-2030)."""
    both = {c: Direction.BOTH for c in DataCategory if c is not DataCategory.PERSONAL_DATA}
    return AgreementDraft(reference, partner, date(2026, 1, 1), date(2030, 12, 31),
                          {**both, DataCategory.PERSONAL_DATA: Direction.INBOUND},
                          "no onward sharing", False, "gateway@acme.example")


def case_doc(title: str = "Ransomware on a hospital", **handling: Any) -> dict[str, Any]:
    """A valid case document with three observables."""
    return {
        "title": title,
        "crime_type": "ransomware",
        "summary": "Files encrypted; ransom note points to a wallet.",
        "countries": ["FR"],
        "first_seen": "2026-05-01",
        "last_seen": date(2026, 5, 20).isoformat(),
        "victims": {"count": 1, "sectors": ["health"]},
        "handling": {"tlp": "amber", "release": ["members"], **handling},
        "observables": [
            {"type": "btc_wallet", "value": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
             "role": "ransom wallet"},
            {"type": "ipv4", "value": "185.220.101[.]4", "role": "C2 server"},
            {"type": "domain", "value": "Evil-Payments[.]com", "role": "payment site"},
        ],
    }
