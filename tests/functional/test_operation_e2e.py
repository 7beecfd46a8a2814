"""End to end on the demo world (issue 15's walk, with test_incident_e2e.py's building
blocks): a ransomware incident in one country → hits on the planted ransomware network → an
urgent request that escalates → an operation created from that network across its countries
→ each participant's target package checked against `decide()` → tasks and results → an
after-action report PDF whose pages are not blank; non-participants see nothing of it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from e2e_support import Demo, analyst_of, escalate_unanswered, report_on_network, reporter
from PIL import Image

from cyberfusion.demo.networks import RANSOMWARE
from cyberfusion.domain.access import Access, decide
from cyberfusion.domain.model import OrgKind, Principal
from cyberfusion.domain.operations import (
    OperationDraft,
    ResultKind,
    TakedownStatus,
    TaskStatus,
)
from cyberfusion.errors import NotFound
from cyberfusion.services import networks, operations

_ANCHOR = re.compile(r"n([0-9]+)-")


def network_ref(demo: Demo, who: Principal) -> str:
    """The planted ransomware network as `who` names it (its part anchored on a planted
    case)."""
    planted = set(demo.truth[RANSOMWARE])
    summaries, _ = networks.list_networks(demo.ctx, who, 0, 500)
    return next(s.ref for s in summaries
                if int(_ANCHOR.match(s.ref).group(1)) in planted)  # type: ignore[union-attr]


def expected_package(demo: Demo, who: Principal, targets: list[int]) -> set[int]:
    """The targets `decide()` gives `who` in full."""
    with demo.ctx.db.read() as tx:
        handling = {c: tx.cases.get(c, with_occurrences=False) for c in targets}
        governed = tx.handlings.get_many(h.handling_id for h in handling.values()
                                         if h is not None and not h.revoked)
        grants = tx.handlings.grants_for(governed)
    return {c for c, case in handling.items() if case is not None and not case.revoked
            and decide(who.org, governed[case.handling_id], demo.ctx.now(),
                       grants.get(case.handling_id, [])) is Access.FULL}


def test_incident_to_operation_to_after_action_report(demo: Demo, tmp_path: Path) -> None:
    ctx, world = demo.ctx, demo.world
    me = reporter(ctx, world)
    view, _ = report_on_network(demo, me)
    assert {a.owner_org_id for a in view.answers}, "no hit on the planted network"
    assert escalate_unanswered(demo, me, view.incident.thread_id or 0)

    hub_org = next(o for o in world.orgs if o.kind is OrgKind.HUB)
    hub = analyst_of(ctx, world, hub_org.id)
    ref = network_ref(demo, hub)
    draft = operations.from_network(ctx, hub, ref)
    assert len(draft.countries) >= 2
    op = operations.create(ctx, hub, OperationDraft(
        "Operation against the ransomware affiliates", hub.org_id,
        (*draft.participants, me.org_id), draft.countries, network_ref=ref))
    ncbs = {o.id for o in world.orgs if o.kind is OrgKind.NCB and o.country in draft.countries}
    assert ncbs and ncbs | {hub.org_id, me.org_id} == set(op.participants)

    with ctx.db.read() as tx:
        targets = tx.operations.cluster_cases(networks.cluster_of(tx, ctx, hub, ref))
    assert set(demo.truth[RANSOMWARE]) & set(targets)
    packages = {}
    for org_id in op.participants:
        who = analyst_of(ctx, world, org_id)
        pkg = operations.package(ctx, who, op.id)
        assert {c.id for c in pkg.cases} == expected_package(demo, who, targets), org_id
        assert {v.case_id for v in pkg.values} <= {c.id for c in pkg.cases}
        assert all(c.local == (who.org.country in c.countries) for c in pkg.cases)
        packages[org_id] = frozenset(c.id for c in pkg.cases)
    assert any(packages.values())
    assert len(set(packages.values())) > 1, "every participant got the same package"

    lead_pkg = operations.package(ctx, hub, op.id)
    c2 = next((v for v in lead_pkg.values if v.type == "ipv4"), None)
    for n, org_id in enumerate(sorted(ncbs)):
        who = analyst_of(ctx, world, org_id)
        task = operations.add_task(ctx, hub, op.id, f"Search the suspects' premises ({n})",
                                   org_id, "", ctx.now().date() + timedelta(days=7))
        operations.set_task_status(ctx, who, op.id, task.id, TaskStatus.DONE)
        operations.add_result(ctx, who, op.id, ResultKind.ARREST, 2, who.org.country or "")
        operations.add_result(ctx, who, op.id, ResultKind.SERVER_SEIZED, 1,
                              who.org.country or "")
    operations.add_action_day(ctx, hub, op.id, ctx.now().date() + timedelta(days=7),
                              draft.countries, "Coordinated searches and arrests")
    country = draft.countries[0]
    operations.add_result(ctx, hub, op.id, ResultKind.WALLET_FROZEN, 1, country,
                          Decimal("12.5"), "BTC")
    if c2 is not None:
        item = operations.add_takedown(ctx, hub, op.id, c2.type, c2.value, country)
        operations.set_takedown(ctx, hub, op.id, item.id, TakedownStatus.DONE)

    done = operations.get_operation(ctx, me, op.id)
    sums = {t.kind: t for t in done.totals}
    assert sums[ResultKind.ARREST].count == 2 * len(ncbs)
    assert sums[ResultKind.WALLET_FROZEN].amounts == (("BTC", Decimal("12.5")),)
    assert all(t.status is TaskStatus.DONE for t in done.tasks)

    outsider = next(o for o in world.orgs if o.id not in op.participants
                    and o.kind in (OrgKind.UNIT, OrgKind.NCB))
    stranger = analyst_of(ctx, world, outsider.id)
    assert operations.list_operations(ctx, stranger).total == 0
    with pytest.raises(NotFound):
        operations.after_action_report(ctx, stranger, op.id, "pdf")

    pdf = operations.after_action_report(ctx, me, op.id, "pdf")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian's poppler-utils) is not installed; CI installs it")
    (tmp_path / "after-action.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "after-action.pdf"),
                    str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    for page in pages:
        image = Image.open(io.BytesIO(page.read_bytes())).convert("L")
        assert image.getextrema()[0] < 128, f"{page.name} is blank"
