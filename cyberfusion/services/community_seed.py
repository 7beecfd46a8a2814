"""The demo's two communities: the global expert group on cybercrime (police, a regional
centre, industry) and the ransomware response forum, each with threads (some released to
their partner members, some not), a library, and a meeting with agenda and minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from cyberfusion.domain.communities import LibraryKind
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.services import auth, communities, community_library
from cyberfusion.services.context import Context


@dataclass(frozen=True, slots=True)
class DemoCommunity:
    """What one demo community holds."""

    slug: str
    name: str
    purpose: str
    members: tuple[str, ...]
    partners: tuple[str, ...]
    threads: tuple[tuple[str, str, str, bool], ...]
    meeting: tuple[str, str, str]


EXPERTS = DemoCommunity(
    "expert-group", "Global expert group on cybercrime",
    "Police, academia and industry experts compare what they see of cybercrime and agree "
    "on shared responses.",
    ("fr-cyber", "de-cyber", "gb-cyber", "us-cyber", "br-cyber", "afr-ccc"),
    ("sentinelridge", "corvidlabs"),
    (("hub", "Cybercrime-as-a-service: what changed this quarter",
      "Initial-access brokers now sell VPN access bundled with the ransomware builder. What "
      "do your cases show?", True),
     ("fr-cyber", "Case handling of crypto-asset seizures",
      "How do your courts treat seized wallets before the trial? Police members only.",
      False)),
    ("Expert group plenary", "1. Trends\n2. Research partnerships with universities\n"
     "3. Next year's work plan", "Agreed to publish a joint note on access brokers."))

FORUM = DemoCommunity(
    "ransomware-forum", "Ransomware response forum",
    "The global response to ransomware: families, decryptors, wallets and payment stops.",
    ("fr-cyber", "de-cyber", "nl-cyber", "us-cyber", "es-cyber"),
    ("sentinelridge", "bluelantern"),
    (("hub", "Decryptors available this month",
      "Please share any working decryptor and the families it covers.", True),
     ("de-cyber", "Wallets behind the latest hospital attacks",
      "Three ransom wallets seen in DE this month; do they appear in your cases?", False)),
    ("Monthly forum call", "1. New families\n2. Payment stops: outcomes\n3. Leak sites taken "
     "down", ""))


def _principal(ctx: Context, username: str) -> Principal:
    with ctx.db.read() as tx:
        user = tx.users.by_username(username)
        assert user is not None, f"demo user {username} is missing"
        return auth.principal_for(tx, user)


def _user_of(org_id: str) -> str:
    """The demo analyst of an organisation (units are named by country: `fr.analyst`)."""
    if org_id.endswith("-cyber"):
        return f"{org_id.removesuffix('-cyber')}.analyst"
    return f"{org_id}.analyst"


def seed_communities(ctx: Context, bulletin_id: int | None = None) -> list[int]:
    """Create both demo communities; their ids."""
    return [_seed(ctx, spec, bulletin_id) for spec in (EXPERTS, FORUM)]


def _seed(ctx: Context, spec: DemoCommunity, bulletin_id: int | None) -> int:
    hub = _principal(ctx, "hub.analyst")
    made = communities.create_community(ctx, None, spec.slug, spec.name, spec.purpose,
                                        ("hub",))
    for org_id in (*spec.members, *spec.partners):
        communities.set_member(ctx, hub, made.id, org_id, "member")
    partners = frozenset(spec.partners)
    for author, title, body, released in spec.threads:
        who = hub if author == "hub" else _principal(ctx, _user_of(author))
        handling = communities.default_handling(ctx, TLP.AMBER, partners if released
                                                else frozenset())
        view = communities.start_thread(ctx, who, made.id, title, body, handling)
        reply = _principal(ctx, _user_of(spec.members[1]))
        communities.post(ctx, reply, view.thread.id, "Thanks: we will check our cases and "
                                                     "come back this week.")
    shared = communities.default_handling(ctx, TLP.GREEN, partners)
    community_library.add_to_library(ctx, hub, made.id, LibraryKind.PLAYBOOK,
                                     "Ransomware response playbook", shared, "ransomware")
    if bulletin_id is not None:
        community_library.add_to_library(ctx, hub, made.id, LibraryKind.BULLETIN,
                                         "Prevention bulletin", shared, str(bulletin_id))
    title, agenda, minutes = spec.meeting
    day = ctx.now().date() + timedelta(days=14)
    meeting = community_library.add_meeting(
        ctx, hub, made.id, title, datetime.combine(day, time(13, 0), ctx.now().tzinfo),
        agenda, communities.default_handling(ctx, TLP.AMBER, partners))
    if minutes:
        community_library.write_minutes(ctx, hub, meeting.id, minutes)
    return made.id
