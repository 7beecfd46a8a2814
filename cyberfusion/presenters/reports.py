"""Presenters of cyber activity reports: as listed, one report with its document, and each
recipient's copy (the document itself is `formats.report_doc`'s shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from typing_extensions import TypedDict

from cyberfusion.domain.reports import Delivery, StoredReport
from cyberfusion.formats.report_doc import ReportDocument
from cyberfusion.presenters.common import Items, iso
from cyberfusion.services.reports import ReportView


class ReportSummaryDoc(TypedDict):
    """A report as listed: title, status, TLP, scope, recipients and its dates."""

    id: int
    title: str
    status: str
    tlp: str
    as_of: str
    scope: dict[str, Any]
    recipients: list[str]
    author_org_id: str
    created_at: str | None
    approved_at: str | None
    sent_at: str | None


class DeliveryDoc(TypedDict):
    """One recipient's copy: sent or pending, attempts, the last error, its thread."""

    org_id: str
    status: str
    attempts: int
    last_error: str
    thread_id: int | None
    tlp: str
    sent_at: str | None
    next_attempt_at: str | None


class DeliveriesDoc(TypedDict):
    """The copies a send made or retried."""

    deliveries: list[DeliveryDoc]


class ReportViewDoc(ReportSummaryDoc):
    """One report: its summary, its document, and (for hub staff) its deliveries."""

    document: ReportDocument
    deliveries: list[DeliveryDoc]


def report_summary_json(r: StoredReport) -> ReportSummaryDoc:
    """A report as listed: title, status, TLP, scope, recipients and its dates."""
    return {"id": r.id, "title": r.spec.title, "status": r.status.value, "tlp": r.tlp.value,
            "as_of": r.spec.as_of.isoformat(), "scope": r.spec.scope.to_json(),
            "recipients": list(r.spec.recipients), "author_org_id": r.author_org_id,
            "created_at": iso(r.created_at), "approved_at": iso(r.approved_at),
            "sent_at": iso(r.sent_at)}


def report_list_json(items: Sequence[StoredReport]) -> Items[ReportSummaryDoc]:
    """Reports the caller may list, newest first."""
    return {"items": [report_summary_json(r) for r in items]}


def delivery_json(d: Delivery) -> DeliveryDoc:
    """One recipient's copy: sent or pending, attempts, the last error, its thread."""
    return {"org_id": d.org_id, "status": d.status.value, "attempts": d.attempts,
            "last_error": d.last_error, "thread_id": d.thread_id, "tlp": d.tlp.value,
            "sent_at": iso(d.sent_at), "next_attempt_at": iso(d.next_at)}


def report_view_json(v: ReportView) -> ReportViewDoc:
    """One report: its summary, its document, and (for hub staff) its deliveries."""
    document = cast(ReportDocument, v.doc)  # checked at run time by the API's response model
    return {**report_summary_json(v.report), "document": document,
            "deliveries": [delivery_json(d) for d in v.deliveries]}


def deliveries_json(items: Sequence[Delivery]) -> DeliveriesDoc:
    """The copies a send made or retried."""
    return {"deliveries": [delivery_json(d) for d in items]}
