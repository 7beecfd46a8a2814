"""Load a demo world into an empty database, fast: batched transactions, one audit event each."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from cyberfusion.demo.geography import HUB_ID
from cyberfusion.demo.networks import RANSOMWARE, RANSOMWARE_FAMILY
from cyberfusion.demo.world import DEMO_PASSWORD, DemoCase, World
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.bulletins import BulletinText, SourceKind, SourceRef
from cyberfusion.domain.gateway import AgreementDraft, DataCategory, Direction
from cyberfusion.domain.handling import TLP, HitPolicy, Purpose
from cyberfusion.domain.imports import Batch, ImportDefaults
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import OrgKind, Role
from cyberfusion.errors import Conflict
from cyberfusion.formats.reference import galaxy_entities
from cyberfusion.services import audit, auth, bulletins, knowledge, networks
from cyberfusion.services.community_seed import seed_communities
from cyberfusion.services.context import Context
from cyberfusion.services.landing import Lander
from cyberfusion.store.repositories.cases import NewCase
from cyberfusion.store.repositories.imports import owner_ref
from cyberfusion.store.repositories.knowledge import NewRelationship
from cyberfusion.store.tx import Tx

BATCH = 500
TRUTH_FILE = "demo-truth.json"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What was loaded, where the planted networks' truth was written, and how long it took."""

    orgs: int
    users: int
    cases: int
    occurrences: int
    truth: dict[str, list[int]]
    truth_path: Path
    seconds: float


def seed_demo(ctx: Context, world: World, progress: Progress | None = None) -> SeedReport:
    """Load `world` into an empty database; Conflict if it already has organisations.

    Cases are dated `created_offset_days` before the world's `today` (at the current time
    of day, never after now); generate the world with `today=ctx.now().date()`.
    """
    started = time.perf_counter()
    authors = _load_members(ctx, world)
    now = ctx.now()
    anchor = min(now, datetime.combine(world.today, now.timetz()))
    total = len(world.cases)
    case_ids: list[int] = []
    occurrences = 0
    if progress:
        progress(0, total)
    for number, start in enumerate(range(0, total, BATCH), start=1):
        batch = world.cases[start : start + BATCH]
        with ctx.db.write() as tx:
            ids = _add_cases(tx, batch, start, authors, anchor)
            audit.record(tx, ctx, None, AuditAction.SEED, "case", f"{ids[0]}-{ids[-1]}", None,
                         {"batch": number, "cases": len(ids), "first_case_id": ids[0],
                          "last_case_id": ids[-1]})
        case_ids += ids
        occurrences += sum(len(case.draft.occurrences) for case in batch)
        if progress:
            progress(len(case_ids), total)
    networks.seed_networks(ctx, case_ids)
    truth = {name: [case_ids[i] for i in members] for name, members in world.truth.items()}
    land_knowledge(ctx, world.today, [(world.cases[i].owner_org_id, case_ids[i])
                                      for i in world.truth[RANSOMWARE]])
    seed_communities(ctx, publish_demo_bulletin(ctx))
    path = write_truth(ctx.settings.data_dir, truth)
    return SeedReport(len(world.orgs), len(world.users), len(case_ids), occurrences, truth, path,
                      time.perf_counter() - started)


def _load_members(ctx: Context, world: World) -> dict[str, int]:
    """Create organisations and users in one transaction; return org id -> case author id."""
    password_hash = ctx.hasher.hash(DEMO_PASSWORD)
    now = ctx.now()
    authors: dict[str, int] = {}
    with ctx.db.write() as tx:
        if tx.orgs.all():
            raise Conflict("the database already holds organisations; seed an empty database")
        for org in world.orgs:
            tx.orgs.add(org, now)
            if org.kind is OrgKind.PARTNER:
                tx.agreements.add(demo_agreement(org.id, now.date()), now)
        for demo_user in world.users:
            user = tx.users.add(demo_user.username, demo_user.org_id, demo_user.roles,
                                password_hash, now, demo_user.display_name)
            if Role.ANALYST in user.roles:
                authors.setdefault(user.org_id, user.id)
        audit.record(tx, ctx, None, AuditAction.SEED, "world", "", None,
                     {"orgs": len(world.orgs), "users": len(world.users),
                      "cases": len(world.cases)})
    return authors


def demo_agreement(partner_id: str, today: date) -> AgreementDraft:
    """A demo partner's Gateway agreement: indicators, knowledge and case summaries both
    ways, personal data inbound only, from six months ago for two years."""
    both: dict[DataCategory, Direction] = {
        c: Direction.BOTH for c in DataCategory if c is not DataCategory.PERSONAL_DATA}
    return AgreementDraft(
        f"GW-{today.year}-{partner_id.upper()}", partner_id, today - timedelta(days=182),
        today + timedelta(days=548), {**both, DataCategory.PERSONAL_DATA: Direction.INBOUND},
        "No onward sharing without the owner's written consent.", False,
        f"gateway@{partner_id}.example")


def _add_cases(
    tx: Tx, batch: Sequence[DemoCase], start: int, authors: dict[str, int], anchor: datetime
) -> list[int]:
    """Insert one batch of cases, each dated `created_offset_days` before `anchor`."""
    items = []
    for position, case in enumerate(batch, start=start):
        jitter = timedelta(days=case.created_offset_days, minutes=(position * 37) % 600)
        items.append(NewCase(case.owner_org_id, case.draft, anchor - jitter,
                             authors.get(case.owner_org_id)))
    return tx.cases.add_many(items)


def write_truth(data_dir: Path, truth: dict[str, list[int]]) -> Path:
    """Write network name -> database case ids to `<data_dir>/demo-truth.json`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / TRUTH_FILE
    path.write_text(json.dumps(truth, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def land_knowledge(ctx: Context, today: date, cases: Sequence[tuple[str, int]]) -> int:
    """The bundled MISP galaxies (ransomware families, threat actors) as the hub's CLEAR
    reference entities, and the planted ransomware network's cases linked to its family,
    each link under its case's handling (as its owner would link it): one transaction, one
    audit event. Returns how many cases were linked."""
    defaults = ImportDefaults(HUB_ID, today + timedelta(days=365 * ctx.settings.review_years),
                              TLP.CLEAR, hit_policy=HitPolicy.VISIBLE, purpose=Purpose.ANALYSIS)
    entities = list(galaxy_entities())
    family = next(e for e in entities
                  if e.name == RANSOMWARE_FAMILY and e.kind is EntityKind.RANSOMWARE)
    with ctx.db.write() as tx:
        Lander(tx, defaults, None, None, ctx.now(), None, "misp-galaxy").land(
            Batch(entities=entities))
        key = owner_ref(HUB_ID, family.ref)
        family_id = tx.entities.ids_of([key])[key]
        links = []
        for owner, case_id in cases:
            case = tx.cases.get(case_id)
            if case is not None:
                links.append(NewRelationship(
                    owner_ref(owner, f"link:{case_id}:{family_id}:related-to"), "related-to",
                    case.handling_id, source_case_id=case_id, target_entity_id=family_id))
        tx.knowledge.upsert_relationships(links, ctx.now())
        audit.record(tx, ctx, None, AuditAction.SEED, "entity", family_id, None,
                     {"entities": len(entities), "linked_cases": len(links),
                      "family": RANSOMWARE_FAMILY})
    return len(links)


def publish_demo_bulletin(ctx: Context) -> int:
    """A prevention bulletin on the planted family, written by the hub's analyst and approved
    and published by its admin (the second hub user), citing the CLEAR family entity."""
    with ctx.db.read() as tx:
        found = [tx.users.by_username(f"hub.{job}") for job in ("analyst", "admin")]
        author, second = (auth.principal_for(tx, u) for u in found if u is not None)
    family = knowledge.find_entities(ctx, author, RANSOMWARE_FAMILY, 1)
    text = BulletinText(
        f"{RANSOMWARE_FAMILY} ransomware against manufacturers and their suppliers",
        f"{RANSOMWARE_FAMILY} affiliates get in through exposed remote access and "
        "phishing mails with fake invoices, steal data, then encrypt servers and ask for a "
        "ransom in bitcoin.",
        "Manufacturers, shipping companies and their suppliers, above all small ones with "
        "remote access open to the internet.",
        "Turn on multi-factor authentication for every remote access. Patch VPN gateways "
        "first. Keep offline backups and test restoring them. Report an attack to your "
        "national cybercrime unit at once; do not pay.",
        tuple(SourceRef(SourceKind.ENTITY, e.id) for e in family))
    draft = bulletins.create_bulletin(ctx, author, text)
    bulletins.approve_bulletin(ctx, second, draft.id)
    return bulletins.publish_bulletin(ctx, second, draft.id).id
