"""Presenters of an import job, its located issues, and a preview of an upload."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.imports import ImportIssue, ImportJob
from cyberfusion.formats.case_json import handling_to_json
from cyberfusion.presenters.common import iso
from cyberfusion.services.imports import Preview


def job_json(job: ImportJob) -> dict[str, Any]:
    """A job resource: status, counts, progress and where its issues are."""
    return {"id": job.id, "status": job.status, "codec": job.codec, "filename": job.filename,
            "sha256": job.sha256, "size_bytes": job.size_bytes, "bytes_done": job.bytes_done,
            "counts": job.counts, "issue_count": job.issue_count, "error": job.error or None,
            "defaults": {k: v for k, v in job.defaults.items() if k != "codec"},
            "created_at": job.created_at.isoformat(),
            "started_at": iso(job.started_at), "finished_at": iso(job.finished_at),
            "issues": f"/api/v1/imports/{job.id}/issues"}


def issue_json(issue: ImportIssue) -> dict[str, str]:
    """One located issue."""
    return {"severity": issue.severity.value, "location": issue.location,
            "detail": issue.message}


def preview_json(seen: Preview) -> dict[str, Any]:
    """What an upload would create and under which handling; nothing was written."""
    return {"codec": seen.codec, "objects": seen.objects, "entities": seen.entities,
            "observables": seen.observables, "truncated": seen.truncated,
            "cases": [{**c, "handling": handling_to_json(c["handling"])} for c in seen.cases],
            "issues": [issue_json(i) for i in seen.issues]}
