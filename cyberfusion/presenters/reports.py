"""Presenters of cyber activity reports: as listed, one report with its document, and each
recipient's copy (the document itself is `formats.report_doc`'s shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cyberfusion.domain.reports import Delivery, StoredReport
from cyberfusion.presenters.common import iso
from cyberfusion.services.reports import ReportView


def report_summary_json(r: StoredReport) -> dict[str, Any]:
    """A report as listed: title, status, TLP, scope, recipients and its dates."""
    return {"id": r.id, "title": r.spec.title, "status": r.status.value, "tlp": r.tlp.value,
            "as_of": r.spec.as_of.isoformat(), "scope": r.spec.scope.to_json(),
            "recipients": list(r.spec.recipients), "author_org_id": r.author_org_id,
            "created_at": iso(r.created_at), "approved_at": iso(r.approved_at),
            "sent_at": iso(r.sent_at)}


def report_list_json(items: Sequence[StoredReport]) -> dict[str, Any]:
    """Reports the caller may list, newest first."""
    return {"items": [report_summary_json(r) for r in items]}


def delivery_json(d: Delivery) -> dict[str, Any]:
    """One recipient's copy: sent or pending, attempts, the last error, its thread."""
    return {"org_id": d.org_id, "status": d.status.value, "attempts": d.attempts,
            "last_error": d.last_error, "thread_id": d.thread_id, "tlp": d.tlp.value,
            "sent_at": iso(d.sent_at), "next_attempt_at": iso(d.next_at)}


def report_view_json(v: ReportView) -> dict[str, Any]:
    """One report: its summary, its document, and (for hub staff) its deliveries."""
    return {**report_summary_json(v.report), "document": v.doc,
            "deliveries": [delivery_json(d) for d in v.deliveries]}
