"""Cyber activity reports: preview and build, draft, approval by a second hub user, delivery
over the secure channel (one signed message with the PDF per recipient, retried), the
recipients' lists and the recorded opening of each copy.

The content comes from `report_build` (what the author and every recipient read in full).
Approval freezes the document, so what was approved is what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import CrimeType, OrgKind, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.reports import (
    Content,
    Delivery,
    ReportFormat,
    ReportSpec,
    ReportStatus,
    StoredReport,
    normalise_spec,
    spec_issues,
)
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats import report_doc, report_html, report_pdf, report_stix
from cyberfusion.services import audit, networks
from cyberfusion.services.context import Context
from cyberfusion.services.report_build import Readers, gather
from cyberfusion.store.tx import Tx

_CRIME_TYPES = frozenset(c.value for c in CrimeType)
MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as one reader sees it: the record, its document, and (hub) deliveries."""

    report: StoredReport
    doc: dict[str, Any]
    deliveries: list[Delivery]


def _readers(tx: Tx, principal: Principal, spec: ReportSpec,
             issues: list[Issue] | None = None) -> Readers:
    """The author's organisation and each recipient; InvalidInput naming unknown recipients
    along with any `issues` found before."""
    found, issues = [], list(issues or [])
    for org_id in spec.recipients:
        org = tx.orgs.get(org_id)
        if org is None:
            issues.append(Issue("recipients", f"no organisation {org_id!r}"))
        else:
            found.append(org)
    if issues:
        raise InvalidInput(f"the report has {len(issues)} problem(s)", issues)
    return Readers(principal.org, tuple(found))


def network_cluster(tx: Tx, ctx: Context, principal: Principal, spec: ReportSpec
                    ) -> str | None:
    """The network the scope names, as hub staff see it; a located error if it is not one."""
    if not spec.scope.network:
        return None
    try:
        return networks.cluster_of(tx, ctx, principal, spec.scope.network)
    except NotFound:
        raise InvalidInput("unknown network", [Issue(
            "scope.network", f"no network {spec.scope.network!r} you can see")]) from None


def _checked(tx: Tx, ctx: Context, principal: Principal, spec: ReportSpec
             ) -> tuple[ReportSpec, Content]:
    """The normalised spec and its content now; every problem of the spec located at once."""
    spec = normalise_spec(spec)
    readers = _readers(tx, principal, spec, spec_issues(spec, _CRIME_TYPES))
    cluster = network_cluster(tx, ctx, principal, spec)
    return spec, gather(tx, spec, readers, ctx.now(), cluster)


def check_builder(principal: Principal) -> None:
    """Refuse the report builder to those who may not write reports (hub analysts do)."""
    require(principal, Permission.REPORT_WRITE)


def preview(ctx: Context, principal: Principal, spec: ReportSpec) -> dict[str, Any]:
    """The document a spec would give now (the builder's preview; nothing is stored)."""
    require(principal, Permission.REPORT_WRITE)
    with ctx.db.read() as tx:
        return report_doc.document(_checked(tx, ctx, principal, spec)[1])


def build(ctx: Context, principal: Principal, spec: ReportSpec,
          fmt: ReportFormat) -> bytes:
    """The report written out in `fmt` (the CLI's `report build`), recorded as an export."""
    doc = preview(ctx, principal, spec)
    with ctx.db.write() as tx:
        audit.record(tx, ctx, principal, AuditAction.REPORT_EXPORT, "report", "",
                     principal.org_id, {"format": fmt.value, "recipients":
                                        list(doc["recipients"]), "cases": len(doc["cases"]),
                                        "withheld": doc["key_figures"]["withheld"]})
        names = {o.id: o.name for o in tx.orgs.all()}
    return render(doc, fmt, principal.org_id, names)


def render(doc: dict[str, Any], fmt: ReportFormat, author_org_id: str,
           org_names: dict[str, str]) -> bytes:
    """A document's bytes in one output format."""
    if fmt is ReportFormat.JSON:
        return report_doc.dumps(doc)
    if fmt is ReportFormat.STIX21:
        return report_stix.dumps(report_stix.bundle(doc, author_org_id, org_names))
    if fmt is ReportFormat.PDF:
        return report_pdf.render(doc)
    return report_html.page(doc).encode("utf-8")


def create(ctx: Context, principal: Principal, spec: ReportSpec) -> StoredReport:
    """Store a draft (its TLP as built now); a second hub user approves it."""
    require(principal, Permission.REPORT_WRITE)
    with ctx.db.write() as tx:
        spec, content = _checked(tx, ctx, principal, spec)
        user_id = principal.user.id if principal.user else None
        report_id = tx.reports.add(spec, content.tlp, principal.org_id, user_id, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.REPORT_CREATE, "report", report_id,
                     principal.org_id, {"recipients": list(spec.recipients),
                                        "cases": content.figures.cases,
                                        "withheld": content.figures.withheld})
        stored = tx.reports.get(report_id)
    assert stored is not None
    return stored


def approve(ctx: Context, principal: Principal, report_id: int) -> StoredReport:
    """Approve a draft as a hub user other than its author; the document is frozen."""
    require(principal, Permission.REPORT_APPROVE)
    with ctx.db.write() as tx:
        report = hub_report(tx, principal, report_id, lock=True)
        if report.status is not ReportStatus.DRAFT:
            raise Conflict(f"report {report_id} is {report.status.value}, not a draft")
        if principal.user is None or principal.user.id == report.author_user_id:
            raise PermissionDenied("a report is approved by a second hub user, not its author")
        author = tx.orgs.get(report.author_org_id)
        assert author is not None
        content = gather(tx, report.spec, _readers(tx, Principal(author), report.spec),
                         ctx.now(), network_cluster(tx, ctx, principal, report.spec))
        doc = report_doc.document(content, report_id)
        tx.reports.approve(report_id, principal.user.id, ctx.now(), content.tlp,
                           report_doc.dumps(doc).decode())
        audit.record(tx, ctx, principal, AuditAction.REPORT_APPROVE, "report", report_id,
                     report.author_org_id, {"tlp": content.tlp.value,
                                            "cases": content.figures.cases})
        approved = tx.reports.get(report_id)
    assert approved is not None
    return approved


def hub_report(tx: Tx, principal: Principal, report_id: int, lock: bool = False
                ) -> StoredReport:
    """A report for hub staff to act on; NotFound for anyone else."""
    report = tx.reports.get(report_id, lock=lock)
    if report is None or principal.org.kind is not OrgKind.HUB:
        raise NotFound(f"no report {report_id}")
    return report
