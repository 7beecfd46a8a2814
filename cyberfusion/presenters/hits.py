"""Presenters of a recorded match (hit) and of a line of the hit inbox."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.hits import hit_message
from cyberfusion.services.hits import HitView, InboxItem


def hit_json(view: HitView) -> dict[str, Any]:
    """A recorded match as the caller may see it (no case unless the caller reads it)."""
    return {
        "id": view.id, "source": view.source, "at": view.at.isoformat(),
        "searcher": view.searcher_org_id, "owner": view.owner_org_id, "answer": view.answer,
        "type": view.obs_type or None, "value": view.value or None,
        "case": {"id": view.case_id, "title": view.case_title} if view.case_id else None,
        "source_case": view.source_case_id,
        "message": hit_message(view.owner_org_id) if view.answer == "hit" else None,
    }


def notice_json(item: InboxItem) -> dict[str, Any]:
    """One line of the hit inbox: a HIT on the organisation's data, or a disclosure step."""
    return {"id": item.id, "kind": item.kind, "at": item.at.isoformat(), "read": item.read,
            "hit": hit_json(item.hit) if item.hit else None, "request": item.request_id}
