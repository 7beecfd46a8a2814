"""Presenters of an import job, its located issues, and a preview of an upload."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.imports import ImportIssue, ImportJob
from cyberfusion.formats.case_json import HandlingDoc, handling_to_json
from cyberfusion.presenters.common import iso
from cyberfusion.services.imports import Preview


class JobDoc(TypedDict):
    """An import job: status, counts, progress and where its issues are."""

    id: int
    status: str
    codec: str
    filename: str
    sha256: str
    size_bytes: int
    bytes_done: int
    counts: dict[str, int]
    issue_count: int
    error: str | None
    defaults: dict[str, Any]
    created_at: str
    started_at: str | None
    finished_at: str | None
    issues: str


class ImportIssueDoc(TypedDict):
    """One located issue of an import."""

    severity: str
    location: str
    detail: str


class PreviewCaseDoc(TypedDict):
    """A case an upload would create."""

    title: str
    ref: str | None
    observables: int
    handling: HandlingDoc


class PreviewDoc(TypedDict):
    """What an upload would create and under which handling; nothing was written."""

    codec: str
    objects: int
    entities: int
    observables: int
    truncated: bool
    cases: list[PreviewCaseDoc]
    issues: list[ImportIssueDoc]


def job_json(job: ImportJob) -> JobDoc:
    """A job resource: status, counts, progress and where its issues are."""
    return {"id": job.id, "status": job.status, "codec": job.codec, "filename": job.filename,
            "sha256": job.sha256, "size_bytes": job.size_bytes, "bytes_done": job.bytes_done,
            "counts": job.counts, "issue_count": job.issue_count, "error": job.error or None,
            "defaults": {k: v for k, v in job.defaults.items() if k != "codec"},
            "created_at": job.created_at.isoformat(),
            "started_at": iso(job.started_at), "finished_at": iso(job.finished_at),
            "issues": f"/api/v1/imports/{job.id}/issues"}


def issue_json(issue: ImportIssue) -> ImportIssueDoc:
    """One located issue."""
    return {"severity": issue.severity.value, "location": issue.location,
            "detail": issue.message}


def preview_json(seen: Preview) -> PreviewDoc:
    """What an upload would create and under which handling; nothing was written."""
    return {"codec": seen.codec, "objects": seen.objects, "entities": seen.entities,
            "observables": seen.observables, "truncated": seen.truncated,
            "cases": [{"title": c["title"], "ref": c["ref"], "observables": c["observables"],
                       "handling": handling_to_json(c["handling"])} for c in seen.cases],
            "issues": [issue_json(i) for i in seen.issues]}
