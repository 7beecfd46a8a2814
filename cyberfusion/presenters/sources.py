"""Presenters of a TAXII source (never its secret, only the variable's name) and its runs."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.sources import Source, SourceRun
from cyberfusion.presenters.common import iso
from cyberfusion.services.sources import SourceView


class BookmarkDoc(TypedDict):
    """How far a pull has landed."""

    added_after: str | None
    resuming: bool


class SourceDoc(TypedDict):
    """A source resource: where, how, when, and how far its pull has landed."""

    id: int
    name: str
    direction: str
    api_root: str
    collection: str
    auth: str
    secret_env: str | None
    interval_seconds: int
    peer_org: str | None
    defaults: dict[str, Any]
    bookmark: BookmarkDoc
    next_run_at: str | None
    created_at: str


class SourceRunDoc(TypedDict):
    """One run: trigger, status, counts and errors."""

    id: int
    source_id: int
    direction: str
    trigger: str
    status: str
    counts: dict[str, int]
    errors: list[str]
    started_at: str
    finished_at: str | None


class SourceViewDoc(SourceDoc):
    """A source with its newest runs."""

    runs: list[SourceRunDoc]


def source_json(source: Source) -> SourceDoc:
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


def run_json(run: SourceRun) -> SourceRunDoc:
    """One run: trigger, status, counts and errors."""
    return {"id": run.id, "source_id": run.source_id, "direction": run.direction.value,
            "trigger": run.trigger, "status": run.status, "counts": run.counts,
            "errors": run.errors, "started_at": run.started_at.isoformat(),
            "finished_at": iso(run.finished_at)}


def view_json(view: SourceView) -> SourceViewDoc:
    """A source with its newest runs."""
    return {**source_json(view.source), "runs": [run_json(r) for r in view.runs]}
