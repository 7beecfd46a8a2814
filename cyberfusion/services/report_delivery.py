"""Sending approved reports and reading them: each recipient's copy goes out as its own
signed channel message with the PDF attached, retried with back-off until sent (a report
never fails half-sent); recipients list the reports sent to them, and every opening is
recorded in the audit trail.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import AttachmentIn, Draft, Priority, RequestType
from cyberfusion.domain.handling import TLP, Handling, Purpose
from cyberfusion.domain.model import OrgKind, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.reports import Delivery, DeliveryStatus, ReportStatus, StoredReport
from cyberfusion.errors import Conflict, NotFound
from cyberfusion.formats import report_doc, report_pdf
from cyberfusion.services import audit, auth, channel
from cyberfusion.services.context import Context
from cyberfusion.services.report_build import Readers, gather
from cyberfusion.services.reports import MAX_PAGE, ReportView, hub_report, network_cluster
from cyberfusion.store.tx import Tx

log = logging.getLogger("cyberfusion.services.report_delivery")

#: Copies one sweep attempts; the next sweep takes the rest.
DELIVERY_BATCH = 20
#: How long a claimed copy is left to its sweep before another may retry it.
CLAIM = timedelta(minutes=10)
#: First wait after a failed attempt; it doubles with each attempt, up to `MAX_BACKOFF`.
BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)


def send(ctx: Context, principal: Principal, report_id: int) -> list[Delivery]:
    """Queue one copy per recipient of an approved report and try to deliver them now."""
    require(principal, Permission.REPORT_SEND)
    with ctx.db.write() as tx:
        report = hub_report(tx, principal, report_id, lock=True)
        if report.status is not ReportStatus.APPROVED:
            raise Conflict(f"report {report_id} is {report.status.value}; only an approved "
                           "report is sent")
        doc = report_doc.loads(tx.reports.content(report_id))
        copies = [(r, TLP(report_doc.for_recipient(doc, r)["tlp"])) for r in report.spec.recipients]
        tx.reports.queue(report_id, copies, ctx.now())
        tx.reports.mark_sent(report_id, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.REPORT_SEND, "report", report_id,
                     report.author_org_id, {"recipients": list(report.spec.recipients)})
    deliver_due(ctx)
    with ctx.db.read() as tx:
        return tx.reports.deliveries(report_id)


def deliver_due(ctx: Context) -> int:
    """Send the copies that are due; a failure leaves that copy pending for a later retry.
    Returns how many were sent."""
    now = ctx.now()
    with ctx.db.write() as tx:
        due = tx.reports.due(now, DELIVERY_BATCH)
        for report_id, org_id in due:
            tx.reports.claim(report_id, org_id, now + CLAIM)
    sent = 0
    for report_id, org_id in due:
        try:
            thread_id = _send_copy(ctx, report_id, org_id)
        except Exception as exc:  # any failure is one copy's: it is retried, others go on
            log.warning("report %s to %s not sent: %s", report_id, org_id, exc)
            _failed(ctx, report_id, org_id, f"{type(exc).__name__}: {exc}")
            continue
        with ctx.db.write() as tx:
            tx.reports.delivered(report_id, org_id, thread_id, ctx.now())
            audit.record(tx, ctx, None, AuditAction.REPORT_DELIVER, "report", report_id,
                         org_id, {"recipient": org_id, "thread": thread_id})
        sent += 1
    return sent


def _failed(ctx: Context, report_id: int, org_id: str, error: str) -> None:
    with ctx.db.write() as tx:
        copy = tx.reports.delivery(report_id, org_id)
        attempts = copy.attempts if copy else 0
        wait = min(MAX_BACKOFF, BACKOFF * (2 ** min(attempts, 16)))
        tx.reports.failed(report_id, org_id, error, ctx.now() + wait)


def _send_copy(ctx: Context, report_id: int, org_id: str) -> int:
    """Open a channel thread from the author to one recipient, with its copy as PDF."""
    with ctx.db.read() as tx:
        report = tx.reports.get(report_id)
        assert report is not None
        doc = report_doc.for_recipient(report_doc.loads(tx.reports.content(report_id)), org_id)
        sender = _sender(tx, report)
    pdf = report_pdf.render(doc)
    tlp = TLP(doc["tlp"])
    review_by = ctx.now().date() + timedelta(days=365 * ctx.settings.review_years)
    draft = Draft(
        to=(org_id,), request_type=RequestType.MESSAGE, priority=Priority.ROUTINE,
        subject=f"Cyber activity report #{report_id}: {report.spec.title}"[:200],
        body=(f"{tlp.label}. The cyber activity report \"{report.spec.title}\" (as of "
              f"{report.spec.as_of.isoformat()}) is attached as PDF; it is also in your "
              f"report list as report #{report_id}."),
        handling=Handling(tlp, frozenset({f"org:{org_id}"}), review_by,
                          purpose=Purpose.ANALYSIS),
        attachments=(AttachmentIn(f"cyber-activity-report-{report_id}.pdf", "application/pdf",
                                  pdf),))
    return channel.send(ctx, sender, draft).id


def _sender(tx: Tx, report: StoredReport) -> Principal:
    """The author sends; if the author's account is gone, the approver does."""
    for user_id in (report.author_user_id, report.approver_user_id):
        user = tx.users.get(user_id) if user_id is not None else None
        if user is not None and user.active:
            return auth.principal_for(tx, user)
    raise NotFound(f"report {report.id} has no active author or approver to send it")


def list_reports(ctx: Context, principal: Principal, offset: int = 0,
                 limit: int = 50) -> list[StoredReport]:
    """Hub: every report. Others: the reports sent to their organisation."""
    require(principal, Permission.REPORT_READ)
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.db.read() as tx:
        org = None if principal.org.kind is OrgKind.HUB else principal.org_id
        return tx.reports.page(org, max(0, offset), limit)


def open_report(ctx: Context, principal: Principal, report_id: int) -> ReportView:
    """One report as the reader may see it; the opening is recorded in the audit trail."""
    require(principal, Permission.REPORT_READ)
    with ctx.db.write() as tx:
        report = tx.reports.get(report_id)
        if report is None:
            raise NotFound(f"no report {report_id}")
        if principal.org.kind is OrgKind.HUB:
            view = _hub_view(tx, ctx, principal, report)
        else:
            copy = tx.reports.delivery(report_id, principal.org_id)
            if copy is None or copy.status is not DeliveryStatus.SENT:
                raise NotFound(f"no report {report_id}")
            doc = report_doc.for_recipient(report_doc.loads(tx.reports.content(report_id)),
                                           principal.org_id)
            view = ReportView(report, doc, [])
        audit.record(tx, ctx, principal, AuditAction.REPORT_READ, "report", report_id,
                     report.author_org_id, {"recipient": principal.org_id,
                                            "status": report.status.value})
    return view


def _hub_view(tx: Tx, ctx: Context, principal: Principal, report: StoredReport
              ) -> ReportView:
    """Hub staff see a draft as it would be built now, and the frozen document once approved."""
    if report.status is ReportStatus.DRAFT:
        author = tx.orgs.get(report.author_org_id)
        assert author is not None
        readers = Readers(author, tuple(o for r in report.spec.recipients
                                        if (o := tx.orgs.get(r)) is not None))
        cluster = network_cluster(tx, ctx, principal, report.spec)
        doc = report_doc.document(gather(tx, report.spec, readers, ctx.now(), cluster),
                                  report.id)
    else:
        doc = report_doc.loads(tx.reports.content(report.id))
    return ReportView(report, doc, tx.reports.deliveries(report.id))
