"""Incidents on SQLite and PostgreSQL: report, hits, urgent request, checklist, access."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from worlds import World, build_world, case_doc

from cyberfusion.domain.channel import Priority, RequestType
from cyberfusion.domain.incidents import IncidentFilter
from cyberfusion.domain.model import CrimeType
from cyberfusion.errors import InvalidInput, NotFound, PermissionDenied
from cyberfusion.formats.case_json import parse_case
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.services import audit, cases, channel, escalation, incidents
from cyberfusion.services.context import Context

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
NOTE = ("All your files are encrypted with RSA-2048 and AES-128 ciphers. To get all your "
        "data back contact us: lockbit_decrypt@onionmail.org. Restore-My-Files.txt")


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def incident_doc(**extra: Any) -> dict[str, Any]:
    return {"title": "Ransomware at a regional hospital", "type": "ransomware",
            "country": "FR", "victim_sector": "health", "victim_size": "large",
            "summary": "Radiology and patient records encrypted since 06:00.",
            "timeline": [{"at": "2026-05-20T06:00:00Z", "text": "First files encrypted"}],
            "observables": [{"type": "ipv4", "value": "185.220.101.4", "role": "C2 server"}],
            "note_text": NOTE, "note_file_name": "Restore-My-Files.txt",
            "extension": ".lockbit", "ransom_amount": "250000", "currency": "USD",
            "wallet": WALLET, "infrastructure_countries": ["BR"],
            "handling": {"tlp": "amber", "release": ["country:FR"]}, **extra}


def report(world: World, org: str = "fr-cyber", **extra: Any) -> incidents.IncidentView:
    ctx = world.ctx
    draft = parse_incident(incident_doc(**extra), ctx.now().date(), 5)
    return incidents.report(ctx, world.principals[org], draft)


def test_report_matches_the_pool_and_asks_hub_and_countries_for_help(world: World) -> None:
    ctx = world.ctx
    held = cases.create_case(ctx, world.principals["de-cyber"],
                             parse_case(case_doc(), date(2026, 5, 1), 5))
    view = report(world)
    inc = view.incident
    assert inc.owner_org_id == "fr-cyber" and inc.draft.incident_type is CrimeType.RANSOMWARE
    assert {(a.value, a.case_id) for a in view.answers} >= {(WALLET, held.id)}
    assert view.identification.candidates and "lockbit" in view.identification.candidates[
        0].family.lower()
    assert inc.family and len(inc.steps) >= 6 and not any(s.done for s in inc.steps)
    thread = channel.get_thread(ctx, world.principals["fr-cyber"], inc.thread_id or 0).thread
    assert thread.request_type is RequestType.INCIDENT and thread.priority is Priority.URGENT
    assert {p.org_id for p in thread.parties} == {"fr-cyber", "hub", "de-ncb", "br-ncb"}
    events = audit.org_trail(ctx, world.principals["fr-cyber"], ["incident.create"])
    assert [e.item_id for e in events] == [str(inc.id)]


def test_the_urgent_request_escalates_when_nobody_acknowledges(world: World) -> None:
    from datetime import timedelta

    ctx = world.ctx
    view = report(world)
    later = ctx.now() + timedelta(hours=3)
    ctx.clock = lambda: later
    done = escalation.sweep(ctx)
    assert done.escalated >= 1
    assert channel.get_thread(ctx, world.principals["hub"], view.incident.thread_id or 0)


def test_reads_follow_the_handling(world: World) -> None:
    ctx = world.ctx
    inc = report(world).incident
    fr_ncb = incidents.get_incident(ctx, world.principals["fr-ncb"], inc.id)
    assert fr_ncb.answers == () and not fr_ncb.is_owner  # hits stay with the reporter
    for other in ("de-cyber", "acme-sec", "hub"):
        with pytest.raises(NotFound):
            incidents.get_incident(ctx, world.principals[other], inc.id)
        page = incidents.list_incidents(ctx, world.principals[other], IncidentFilter())
        assert page.total == 0
    mine = incidents.list_incidents(ctx, world.principals["fr-cyber"],
                                    IncidentFilter(wallet=WALLET))
    assert [i.id for i in mine.items] == [inc.id]


def test_checklist_steps_are_ticked_once_with_who_and_when(world: World) -> None:
    ctx = world.ctx
    inc = report(world).incident
    step = incidents.tick_step(ctx, world.principals["fr-cyber"], inc.id, 1)
    assert step.done and step.done_by == "fr-cyber.analyst" and step.done_at == ctx.now()
    with pytest.raises(InvalidInput):
        incidents.tick_step(ctx, world.principals["fr-cyber"], inc.id, 1)
    with pytest.raises(InvalidInput):
        incidents.tick_step(ctx, world.principals["fr-cyber"], inc.id, 99)
    with pytest.raises(PermissionDenied):
        incidents.tick_step(ctx, world.principals["fr-ncb"], inc.id, 2)
    with pytest.raises(NotFound):
        incidents.tick_step(ctx, world.principals["de-cyber"], inc.id, 2)


def test_bad_input_is_located(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        report(world, country="France", ransom_amount="lots",
               timeline=[{"at": "yesterday", "text": "x"}],
               observables=[{"type": "ipv4", "value": "999.1.1.1"}])
    where = {i.location for i in exc.value.issues}
    assert {"ransom_amount", "timeline[0].at", "observables[0].value"} <= where
    with pytest.raises(InvalidInput) as exc:
        report(world, country="FRA")
    assert {i.location for i in exc.value.issues} == {"country"}


def test_payment_stop_with_deadline_and_outcome(world: World) -> None:
    from datetime import timedelta

    from cyberfusion.domain.handling import Handling
    from cyberfusion.services import channel_actions

    ctx = world.ctx
    inc = report(world).incident
    fr, de, br = (world.principals[o] for o in ("fr-cyber", "de-ncb", "br-ncb"))
    by = ctx.now() + timedelta(hours=6)
    stop = incidents.request_payment_stop(ctx, fr, inc.id, "de-ncb", by)
    assert stop.target == WALLET and stop.to == ("de-ncb",) and stop.deadline == by
    thread = channel.get_thread(ctx, de, stop.thread_id)
    assert thread.thread.request_type is RequestType.PAYMENT_STOP
    fields = thread.messages[0].details["fields"]
    assert fields["incident"] == str(inc.id) and fields["amount"] == "250000 USD"
    reply = Handling(tlp=thread.thread.tlp, release=frozenset(),
                     review_by=ctx.now().date() + timedelta(days=900))
    channel_actions.reply(ctx, de, stop.thread_id, "Frozen at the exchange: 3.1 BTC", reply,
                          answer=True)
    late = incidents.request_payment_stop(ctx, fr, inc.id, "br-ncb", ctx.now()
                                          + timedelta(minutes=30), target="IBAN FR76 3000")
    channel_actions.decline(ctx, br, late.thread_id, "no legal basis")
    third = incidents.request_payment_stop(ctx, fr, inc.id, "hub", ctx.now()
                                           + timedelta(minutes=30))
    later = ctx.now() + timedelta(hours=1)
    ctx.clock = lambda: later
    stops = {p.thread_id: p for p in incidents.get_incident(ctx, fr, inc.id).payment_stops}
    assert stops[stop.thread_id].status == "answered" and not stops[stop.thread_id].overdue
    assert stops[stop.thread_id].outcome == "Frozen at the exchange: 3.1 BTC"
    assert stops[late.thread_id].status == "declined" and stops[late.thread_id].outcome == \
        "no legal basis"
    assert stops[third.thread_id].overdue
    assert incidents.get_incident(ctx, world.principals["fr-ncb"], inc.id).payment_stops == ()
    with pytest.raises(PermissionDenied):
        incidents.request_payment_stop(ctx, world.principals["fr-ncb"], inc.id, "hub", by)
    with pytest.raises(InvalidInput):
        incidents.request_payment_stop(ctx, fr, inc.id, "nobody", by)


def test_wallets_and_families_across_incidents_and_countries(world: World) -> None:
    ctx = world.ctx
    first = report(world).incident
    second = report(world, "br-cyber", country="BR", title="Ransomware at a BR bank",
                    handling={"tlp": "green", "release": ["members"]}).incident
    fr_board = incidents.wallet_board(ctx, world.principals["fr-cyber"])
    [row] = fr_board.wallets
    assert row.wallet == WALLET and row.countries == ("BR", "FR")
    assert row.incident_ids == (first.id, second.id)
    assert fr_board.families[0].countries == ("BR", "FR")
    de_board = incidents.wallet_board(ctx, world.principals["de-cyber"])
    assert [w.incident_ids for w in de_board.wallets] == [(second.id,)]
    assert de_board.wallets[0].countries == ("BR",)


def test_identification_uses_only_the_pool_the_reader_may_read(world: World) -> None:
    from datetime import timedelta

    from cyberfusion.domain.handling import TLP, Handling
    from cyberfusion.domain.imports import ImportedEntity
    from cyberfusion.domain.knowledge import EntityKind
    from cyberfusion.domain.ransomware import Clues
    from cyberfusion.services import ransomware
    from cyberfusion.store.repositories.knowledge import NewRelationship

    ctx = world.ctx
    doc = case_doc(title="DarkMoon extortion")
    doc["observables"] = [{"type": "email", "value": "moon-support@evil.example",
                           "role": "contact address"}]
    doc["handling"] = {"tlp": "amber", "release": ["country:DE"]}
    held = cases.create_case(ctx, world.principals["de-cyber"],
                             parse_case(doc, date(2026, 5, 1), 5))
    de_only = Handling(TLP.AMBER, frozenset({"country:DE"}), ctx.now().date()
                       + timedelta(days=400))
    with ctx.db.write() as tx:
        hid = tx.handlings.add("de-cyber", de_only)
        entity = ImportedEntity("malware--00000000-0000-4000-8000-00000000d00e",
                                EntityKind.RANSOMWARE, "DarkMoon", aliases=("MoonLock",),
                                source="member", is_family=True)
        _, [entity_id] = tx.entities.upsert_many("de-cyber", [(entity, hid)])
        tx.entities.merge([entity_id])
        tx.knowledge.upsert_relationships([NewRelationship(
            "de-cyber|link:1", "related-to", hid, source_entity_id=entity_id,
            target_case_id=held.id)], ctx.now())
    clues = Clues("Write to moon-support@evil.example to get your files back.")
    seen = ransomware.identify(ctx, world.principals["de-cyber"], clues)
    assert seen.candidates[0].family == "DarkMoon" and seen.identified
    assert {e.clue for e in seen.candidates[0].evidence} == {"address"}
    assert seen.candidates[0].aliases == ("MoonLock",)
    for other in ("fr-cyber", "acme-sec"):
        hidden = ransomware.identify(ctx, world.principals[other], clues)
        assert all(c.family != "DarkMoon" for c in hidden.candidates)
    named = ransomware.identify(ctx, world.principals["fr-cyber"], Clues("moonlock here"))
    assert all(c.family != "DarkMoon" for c in named.candidates)
