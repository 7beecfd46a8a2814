"""Directory access property suite: on random worlds of organisations of every kind, with
random contacts, rotas and "open to partners" flags, every directory read path answers
what `can_read_contacts` says, and no partner ever sees a contact of a closed organisation
that is neither the hub nor its own (issue 10: the law-enforcement rota leaked to partners).

Read paths: the store's SQL-filtered reads, the duty board (everyone, by country, by
organisation), `get_directory`, and the escalation steps of a thread; every organisation
reads, and asks by organisation for up to four drawn ones. Runs
CYBERFUSION_DIRECTORY_EXAMPLES worlds per test (default 8); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from access_worlds import organisations
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.channel import WITHHELD_TARGETS, Draft, Priority, RequestType
from cyberfusion.domain.duty import Contact, DutyNow, Shift, ShiftRole, can_read_contacts, on_duty
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Role
from cyberfusion.errors import NotFound
from cyberfusion.services import auth, channel, directory, escalation
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_DIRECTORY_EXAMPLES", "8"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
ZONES = ["UTC", "Europe/Paris", "America/Sao_Paulo", "Asia/Tokyo", "Africa/Nairobi"]
H = Handling(tlp=TLP.AMBER, release=frozenset(), review_by=NOW.date() + timedelta(days=400))


@dataclass
class DirectoryWorld:
    """Organisations (with their flags and zones), each one's directory, a moment, a thread."""

    orgs: list[Organisation]
    directories: dict[str, tuple[list[Contact], list[Shift]]]
    at: datetime
    sender: str
    to: str

    def readable(self, reader: Organisation) -> list[Organisation]:
        """The domain rule's answer: whose directories `reader` reads."""
        return [o for o in self.orgs if can_read_contacts(reader, o)]


@st.composite
def directory_of(draw: st.DrawFn, org_id: str) -> tuple[list[Contact], list[Shift]]:
    """0-3 contacts (some desks) and 0-4 shifts over them."""
    contacts = [Contact(f"c{i}", f"{org_id} person {i}", email=f"c{i}@{org_id}.test",
                        phone=f"+3314000{i:04d}", desk=draw(st.booleans()))
                for i in range(draw(st.integers(0, 3)))]
    shifts = []
    for _ in range(draw(st.integers(0, 4)) if contacts else 0):
        start = draw(st.integers(0, 23)) * 60
        shifts.append(Shift(draw(st.sampled_from([c.ref for c in contacts])),
                            draw(st.sampled_from(list(ShiftRole))),
                            frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
                            start, draw(st.integers(0, 24)) * 60 or 1440))
    return contacts, shifts


@st.composite
def directory_worlds(draw: st.DrawFn) -> DirectoryWorld:
    """Organisations of every kind (always a hub and a partner), flags, zones, directories."""
    orgs = draw(organisations())
    if not any(o.is_partner for o in orgs):
        orgs.append(Organisation("partner-9", "Partner 9", OrgKind.PARTNER))
    orgs = [replace(o, timezone=draw(st.sampled_from(ZONES)),
                    contacts_open_to_partners=draw(st.booleans())) for o in orgs]
    directories = {o.id: draw(directory_of(o.id)) for o in orgs}
    ids = [o.id for o in orgs]
    sender = draw(st.sampled_from(ids))
    to = draw(st.sampled_from([i for i in ids if i != sender]))
    at = NOW + timedelta(hours=draw(st.integers(0, 24 * 7)))
    return DirectoryWorld(orgs, directories, at, sender, to)


def store(ctx: Context, world: DirectoryWorld) -> dict[str, Principal]:
    """The organisations (flags set through the update path), directories, one analyst each."""
    principals = {}
    with ctx.db.write() as tx:
        for org in world.orgs:
            tx.orgs.add(replace(org, contacts_open_to_partners=False), NOW)
            tx.orgs.set_contacts_open(org.id, org.contacts_open_to_partners)
            tx.directory.replace(org.id, *world.directories[org.id])
        for org in world.orgs:
            user = tx.users.add(f"{org.id}.u", org.id, frozenset({Role.ANALYST}), "x", NOW)
            principals[org.id] = auth.principal_for(tx, user)
    return principals


def plain(contacts: tuple[Contact, ...] | list[Contact]) -> list[Contact]:
    """Contacts without their database ids (what the world spec holds)."""
    return [replace(c, id=0) for c in contacts]


def expected_duty(world: DirectoryWorld, org: Organisation) -> DutyNow:
    """Who is on duty in `org` at the world's moment, from the spec."""
    return on_duty(org.id, org.timezone, *world.directories[org.id], world.at)


def same_duty(got: DutyNow, wanted: DutyNow) -> bool:
    """Equal duty answers, ignoring database ids."""
    return (got.org_id, got.local_time, plain(got.primary), plain(got.backup),
            plain(got.desk)) == (wanted.org_id, wanted.local_time, plain(wanted.primary),
                                 plain(wanted.backup), plain(wanted.desk))


def never_closed(world: DirectoryWorld, reader: Organisation, shown: str) -> None:
    """The rule stated without the domain function: a partner sees no contact of a closed
    organisation that is neither the hub nor its own."""
    if not reader.is_partner:
        return
    for org in world.orgs:
        if org.kind is not OrgKind.HUB and org.id != reader.id \
                and not org.contacts_open_to_partners:
            assert f"@{org.id}.test" not in shown and f"{org.id} person" not in shown


@given(data=st.data())
@SETTINGS
def test_the_store_filters_as_the_domain_rule_says(fresh: Callable[[], Context],
                                                   data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(directory_worlds())
    store(ctx, world)
    ids = [o.id for o in world.orgs]
    with ctx.db.read() as tx:
        for reader in world.orgs:
            wanted = world.readable(reader)
            assert tx.directory.readable_orgs(reader.id) == sorted(
                wanted, key=lambda o: (o.kind is not OrgKind.HUB, o.country or "", o.id))
            got = tx.directory.of(ids, reader.id)
            readable_ids = {o.id for o in wanted}
            for org_id, (contacts, shifts) in got.items():
                spec = world.directories[org_id] if org_id in readable_ids else ([], [])
                assert (plain(contacts), shifts) == spec, (reader.id, org_id)
            never_closed(world, reader, repr(got))


@given(data=st.data())
@SETTINGS
def test_every_directory_read_path_follows_the_rule(fresh: Callable[[], Context],
                                                    data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(directory_worlds())
    principals = store(ctx, world)
    asked = data.draw(st.lists(st.sampled_from(world.orgs), min_size=1, max_size=4,
                               unique_by=lambda o: o.id), label="organisations asked for")
    for reader in world.orgs:
        principal = principals[reader.id]
        wanted = world.readable(reader)
        board = directory.duty_board(ctx, principal, at=world.at)
        assert {r.org.id for r in board} == {o.id for o in wanted}
        assert all(same_duty(r.duty, expected_duty(world, r.org)) for r in board)
        check_by_country(ctx, world, principal, wanted)
        check_by_org_and_directory(ctx, world, principal, wanted, asked)
        never_closed(world, reader, repr(board))


def check_by_country(ctx: Context, world: DirectoryWorld, principal: Principal,
                     wanted: list[Organisation]) -> None:
    """The board for each country of the world (and one without organisations)."""
    for country in [*sorted({o.country for o in world.orgs if o.country}), "ZZ"]:
        in_country = {o.id for o in wanted if o.country == country}
        if not in_country:
            with pytest.raises(NotFound):
                directory.duty_board(ctx, principal, country=country.lower(), at=world.at)
            continue
        rows = directory.duty_board(ctx, principal, country=country.lower(), at=world.at)
        assert {r.org.id for r in rows} == in_country


def check_by_org_and_directory(ctx: Context, world: DirectoryWorld, principal: Principal,
                               wanted: list[Organisation], asked: list[Organisation]) -> None:
    """The board for one organisation and its directory, for each organisation `asked`."""
    readable = {o.id for o in wanted}
    for org in asked:
        if org.id not in readable:
            with pytest.raises(NotFound):
                directory.duty_board(ctx, principal, org_id=org.id, at=world.at)
            with pytest.raises(NotFound):
                directory.get_directory(ctx, principal, org.id)
            continue
        [row] = directory.duty_board(ctx, principal, org_id=org.id, at=world.at)
        assert same_duty(row.duty, expected_duty(world, org))
        found, contacts, shifts = directory.get_directory(ctx, principal, org.id)
        assert found == org and (plain(contacts), shifts) == world.directories[org.id]


@given(data=st.data())
@SETTINGS
def test_escalation_steps_name_people_only_to_readers_of_their_directory(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(directory_worlds())
    principals = store(ctx, world)
    draft = Draft((world.to,), RequestType.MESSAGE, Priority.FLASH, "s", "b", H)
    thread = channel.send(ctx, principals[world.sender], draft)
    ctx.clock = lambda: NOW + timedelta(days=1)
    escalation.sweep(ctx)
    addressee = next(o for o in world.orgs if o.id == world.to)
    for party in (world.sender, world.to):
        reader = principals[party].org
        steps = channel.get_thread(ctx, principals[party], thread.id).escalations
        assert [s.level.value for s in steps] == ["duty_officer", "backup", "hub"]
        for step in steps[:2]:
            withheld = step.targets == (WITHHELD_TARGETS,)
            assert withheld is not can_read_contacts(reader, addressee), (party, step)
        assert WITHHELD_TARGETS not in steps[2].targets
        never_closed(world, reader, repr(steps))
