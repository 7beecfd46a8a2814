"""Cyber activity reports on the small fixed world (SQLite and PostgreSQL): empty reports say
why, a draft is approved by a second hub user only, an approved report goes to each
recipient as a signed channel message with the PDF attached (a failed copy is retried, the
others go out), recipients list and open their copy, and each opening is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from worlds import PASSWORD, World, build_world, case_doc

from cyberfusion.domain.channel import ThreadFilter
from cyberfusion.domain.model import Role
from cyberfusion.domain.reports import DeliveryStatus, ReportSpec, ReportStatus, Scope
from cyberfusion.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, cases, channel, orgs, report_delivery, reports
from cyberfusion.services.context import Context


@pytest.fixture
def world(ctx: Context) -> World:
    built = build_world(ctx)
    user = orgs.create_user(ctx, None, "hub.reviewer", "hub", frozenset({Role.ANALYST}),
                            PASSWORD)
    with ctx.db.read() as tx:
        built.principals["hub-reviewer"] = auth.principal_for(tx, user)
    return built


def add(world: World, org: str, title: str, countries: list[str], **handling: Any) -> int:
    doc = {**case_doc(title=title, **handling), "countries": countries}
    return cases.create_case(world.ctx, world.principals[org],
                             parse_case(doc, world.ctx.now().date(), 5)).id


def spec(recipients: tuple[str, ...], start: date = date(2026, 1, 1),
         end: date = date(2026, 6, 1)) -> ReportSpec:
    return ReportSpec("Europe, first half", Scope(start, end, regions=("europe",)), recipients,
                      date(2026, 6, 1), "Assessment.")


def test_empty_reports_say_why(world: World) -> None:
    hub = world.principals["hub"]
    add(world, "fr-cyber", "only for France", ["FR"], release=["country:FR", "org:hub"])
    doc = reports.preview(world.ctx, hub, spec(("de-ncb",)))
    assert doc["cases"] == [] and doc["key_figures"]["withheld"] == 1
    assert "withheld" in doc["empty"] and "every recipient" in doc["empty"]
    doc = reports.preview(world.ctx, hub, spec(("fr-ncb",), date(2020, 1, 1),
                                               date(2020, 12, 31)))
    assert doc["cases"] == [] and doc["key_figures"]["withheld"] == 0
    assert doc["empty"].startswith("No data matches this scope")
    with pytest.raises(InvalidInput) as bad:
        reports.preview(world.ctx, hub, spec(("nowhere",), date(2026, 6, 1), date(2026, 1, 1)))
    assert {i.location for i in bad.value.issues} == {"scope.to", "recipients"}


def test_only_a_second_hub_user_approves_and_each_recipient_gets_a_signed_copy(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, hub, reviewer = world.ctx, world.principals["hub"], world.principals["hub-reviewer"]
    fr_case = add(world, "fr-cyber", "ransomware in Lyon", ["FR"])
    add(world, "de-cyber", "ransomware in Köln", ["DE"], tlp="green")
    with pytest.raises(PermissionDenied):
        reports.create(ctx, world.principals["fr-ncb"], spec(("fr-ncb",)))
    draft = reports.create(ctx, hub, spec(("fr-ncb", "de-ncb")))
    assert draft.status is ReportStatus.DRAFT
    with pytest.raises(Conflict):
        report_delivery.send(ctx, hub, draft.id)
    with pytest.raises(PermissionDenied):
        reports.approve(ctx, hub, draft.id)
    approved = reports.approve(ctx, reviewer, draft.id)
    assert approved.status is ReportStatus.APPROVED and approved.tlp.value == "amber"

    real_send, failed = channel.send, []

    def flaky(c: Context, p: Any, d: Any) -> Any:
        if d.to == ("de-ncb",) and not failed:
            failed.append(d)
            raise RuntimeError("channel down")
        return real_send(c, p, d)

    monkeypatch.setattr(channel, "send", flaky)
    copies = {d.org_id: d for d in report_delivery.send(ctx, hub, draft.id)}
    assert copies["fr-ncb"].status is DeliveryStatus.SENT
    assert copies["de-ncb"].status is DeliveryStatus.PENDING
    assert "channel down" in copies["de-ncb"].last_error
    assert report_delivery.list_reports(ctx, world.principals["de-ncb"]) == []
    later = ctx.now() + timedelta(hours=1)
    ctx.clock = lambda: later
    assert report_delivery.deliver_due(ctx) == 1
    check_recipient(world, "fr-ncb", draft.id, fr_case)
    check_recipient(world, "de-ncb", draft.id, None)
    with pytest.raises(NotFound):
        report_delivery.open_report(ctx, world.principals["br-ncb"], draft.id)
    assert report_delivery.list_reports(ctx, world.principals["br-ncb"]) == []


def check_recipient(world: World, org: str, report_id: int, own_case: int | None) -> None:
    ctx, who = world.ctx, world.principals[org]
    assert [r.id for r in report_delivery.list_reports(ctx, who)] == [report_id]
    view = report_delivery.open_report(ctx, who, report_id)
    country = org[:2].upper()
    assert [a["country"] for a in view.doc["annexes"]] == [country]
    if own_case is not None:
        assert own_case in {v["id"] for v in view.doc["annexes"][0]["victims"]}
    with ctx.db.read() as tx:
        opened = [e for e in tx.audit.about_org(org, ["report.read"], None, 100)
                  if e.actor_org_id == org]
    assert opened and opened[0].item_id == str(report_id)
    page = channel.list_threads(ctx, who, ThreadFilter())
    [thread] = [t for t in page.items if f"report #{report_id}" in t.subject]
    shown = channel.get_thread(ctx, who, thread.id)
    [message] = shown.messages
    [pdf] = message.attachments
    assert pdf.media_type == "application/pdf" and pdf.size > 1000
    assert shown.verdicts[message.id].ok
