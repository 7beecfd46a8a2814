"""Presenters of the secure channel: a thread as listed, a thread with its messages.

A thread's and a message's shape is the channel's JSON codec (`formats.channel_json`);
every adapter reaches it through here.
"""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.channel import Message, Thread
from cyberfusion.formats.channel_json import escalation_json
from cyberfusion.formats.channel_json import message_json as _message_codec
from cyberfusion.formats.channel_json import thread_json as _thread_codec
from cyberfusion.presenters.common import page_json
from cyberfusion.services.channel import ThreadPage, ThreadView
from cyberfusion.services.signing import Verdict


def thread_json(thread: Thread, viewer_org_id: str) -> dict[str, Any]:
    """A thread as listed (no message content), with the viewer's own status."""
    return _thread_codec(thread, viewer_org_id)


def thread_page_json(page: ThreadPage, viewer_org_id: str) -> dict[str, Any]:
    """A page of the threads the viewer's organisation takes part in."""
    return page_json([thread_json(t, viewer_org_id) for t in page.items], page.total,
                     page.offset, page.limit)


def verdict_json(v: Verdict) -> dict[str, Any]:
    """A message's signature check."""
    return {"ok": v.ok, "key_id": v.key_id, "signer": v.signer_org_id, "reason": v.reason}


def message_json(message: Message, verdict: Verdict) -> dict[str, Any]:
    """A message with its attachments' metadata and its signature check."""
    return _message_codec(message, verdict_json(verdict))


def thread_view_json(view: ThreadView, viewer_org_id: str) -> dict[str, Any]:
    """A thread with its messages, signature checks, receipts and escalation steps."""
    return {**thread_json(view.thread, viewer_org_id),
            "messages": [message_json(m, view.verdicts[m.id]) for m in view.messages],
            "receipts": [{"message_id": r.message_id, "org_id": r.org_id,
                          "delivered_at": r.delivered_at.isoformat(), "verified": r.verified}
                         for r in view.receipts],
            "escalations": [escalation_json(e) for e in view.escalations],
            "deadlines": [{"org_id": d.org_id, "kind": d.kind, "step": d.step,
                           "due_at": d.due_at.isoformat()} for d in view.deadlines]}
