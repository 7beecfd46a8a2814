"""Presenters of a TAXII source (never its secret, only the variable's name) and its runs."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.sources import Source, SourceRun
from cyberfusion.presenters.common import iso
from cyberfusion.services.sources import SourceView


def source_json(source: Source) -> dict[str, Any]:
    """A source resource: where, how, when, and how far its pull has landed."""
    return {"id": source.id, "name": source.name, "direction": source.direction.value,
            "api_root": source.api_root, "collection": source.collection_id,
            "auth": source.auth.value, "secret_env": source.secret_env or None,
            "interval_seconds": source.interval_seconds,
            "peer_org": source.peer_org_id or None,
            "defaults": {k: v for k, v in source.defaults.items() if k != "codec"},
            "bookmark": {"added_after": source.bookmark.added_after or None,
                         "resuming": bool(source.bookmark.next)},
            "next_run_at": iso(source.next_run_at), "created_at": source.created_at.isoformat()}


def run_json(run: SourceRun) -> dict[str, Any]:
    """One run: trigger, status, counts and errors."""
    return {"id": run.id, "source_id": run.source_id, "direction": run.direction.value,
            "trigger": run.trigger, "status": run.status, "counts": run.counts,
            "errors": run.errors, "started_at": run.started_at.isoformat(),
            "finished_at": iso(run.finished_at)}


def view_json(view: SourceView) -> dict[str, Any]:
    """A source with its newest runs."""
    return {**source_json(view.source), "runs": [run_json(r) for r in view.runs]}
