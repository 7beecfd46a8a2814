"""The SQL form of `domain.channel.can_read_thread`: a thread is readable by its parties only.

Every query that lists, counts or opens threads, messages, attachments, receipts or
escalation steps filters with `readable_clause()` (the people an escalation step reached
are filtered again by `directory_sql.contacts_readable_clause()`). The channel access
property suite checks that it agrees with the Python form on random worlds.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, literal, select

from cyberfusion.store.tables_channel import PartyRow, ThreadRow


def readable_clause(org_id: str) -> ColumnElement[bool]:
    """WHERE clause on `channel_thread`: `org_id` sent the thread or is addressed by it."""
    return exists(
        select(literal(1)).where(PartyRow.thread_id == ThreadRow.id, PartyRow.org_id == org_id)
    )
