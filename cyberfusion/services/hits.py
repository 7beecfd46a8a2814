"""Hits: every search, lookup and landing is matched against the pool, each match against
another organisation's case is recorded with the answer `decide()` gives, and the owner
(and its NCB) are told of HIT answers.

`answer_values` runs the same statements whatever matched: it records the query, records
matches with one INSERT … SELECT, writes notices with INSERT … SELECT, and reads the
answers back; only HIT answers, which the asker sees anyway, add audit events. Landings
(`on_cases_landed`) run inside the landing's transaction, so hits and the network queue
land exactly when the cases do.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cyberfusion.domain.access import Access
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.correlation import derived_keys
from cyberfusion.domain.hits import HitSource, MatchRow, NoticeKind, ValueAnswer, assemble
from cyberfusion.domain.model import Organisation, Principal
from cyberfusion.domain.observables import Observable
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import NotFound
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.hits import Hit, Query
from cyberfusion.store.tx import Tx

INDEX_BATCH = 20_000


def new_id() -> str:
    """A random id for queries, requests and hits made in Python (16 hex digits)."""
    return secrets.token_hex(8)


def answer_values(tx: Tx, ctx: Context, principal: Principal, source: HitSource,
                  observables: Sequence[Observable], purpose: str) -> list[ValueAnswer]:
    """Match the values, record every match on others' cases, notify, answer (same path)."""
    query = Query(new_id(), principal.org, principal.user.id if principal.user else None,
                  source, purpose, ctx.now())
    keys = sorted({o.key for o in observables})  # sorted: the index is walked in order
    tx.hits.add_query(query, len(observables))
    known = tx.hits.known(keys)
    ids = sorted(observable_id for observable_id, _, _ in known)
    tx.hits.record_values(query, ids)
    tx.hits.notify(query)
    rows = tx.hits.answers(query, ids)
    # Warning-list names only where the asker got an answer: a value held only by silent
    # or hidden cases must read exactly like a value nobody holds.
    answered = {row.key for row in rows}
    flags = {key: lists for _, key, lists in known if lists and key in answered}
    _audit_hits(tx, ctx, principal, query, _hit_owners(rows))
    return assemble(observables, rows, flags)


def _hit_owners(rows: Sequence[MatchRow]) -> dict[str, tuple[str, int]]:
    """Owner -> (smallest hit id, values matched) of the HIT answers among `rows`."""
    refs: dict[str, str] = {}
    keys: dict[str, set[str]] = {}
    for row in rows:
        if row.answer == Access.HIT.value:
            refs[row.owner_org_id] = min(refs.get(row.owner_org_id, row.reference),
                                         row.reference)
            keys.setdefault(row.owner_org_id, set()).add(row.key)
    return {owner: (refs[owner], len(keys[owner])) for owner in sorted(refs)}


def _audit_hits(tx: Tx, ctx: Context, principal: Principal | None, query: Query,
                owners: dict[str, tuple[str, int]]) -> None:
    """One HIT event per owner that gave a HIT answer (the asker already sees these)."""
    for owner, (reference, values) in owners.items():
        audit.record(tx, ctx, principal, AuditAction.HIT, "hit", reference, owner,
                     {"source": query.source.value, "query": query.id, "values": values,
                      "purpose": query.purpose})


def index_new(tx: Tx) -> int:
    """Add the derived keys of observables stored since the last call; return how many.

    Only weak links read these keys, and only network pages show weak links, so the network
    run indexes (under the state row's lock) rather than every landing: an import does not
    wait for keys nobody reads before the next run.
    """
    upto, done = tx.networks.state(lock=True).indexed_upto, 0
    while True:
        rows = tx.correlation.unindexed(upto, INDEX_BATCH)
        if rows:
            tx.correlation.add_keys([(observable_id, d.key, d.value, d.via.value)
                                     for observable_id, obs_type, value in rows
                                     for d in derived_keys(obs_type, value)])
            upto, done = rows[-1][0], done + len(rows)
        if len(rows) < INDEX_BATCH:  # a short page is the last: no query for an empty one
            break
    if done:
        tx.networks.set_indexed(upto)
    return done


def on_cases_landed(tx: Tx, ctx: Context, org_id: str, case_ids: Sequence[int],
                    user_id: int | None = None, older_only: bool = False,
                    audited: bool = True) -> None:
    """Submission hits for cases just written (or changed), in the caller's transaction.

    Queues the cases for the next network run (which indexes their derived keys), records
    matches of their linking values (strong, not warning-listed, not too common) against
    others' cases, and notifies owners of HIT answers. `older_only` matches only older
    cases (the demo seed, which lands history at once).
    """
    if not case_ids:
        return
    org = tx.orgs.get(org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id}")
    state = tx.networks.state()
    now = ctx.now()
    tx.networks.mark_dirty(case_ids, now)
    query = Query(new_id(), org, user_id, HitSource.SUBMISSION, "investigation", now)
    tx.hits.add_query(query, len(case_ids))
    tx.hits.record_cases(query, case_ids, state.max_cases, older_only)
    tx.hits.notify(query)
    if audited:
        user = tx.users.get(user_id) if user_id is not None else None
        _audit_hits(tx, ctx, Principal(org, user), query, tx.hits.hit_owners(query.id))


# --- reading hits ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HitView:
    """A recorded match as the viewer may see it: case details only where it reads them."""

    id: str
    source: str
    at: datetime
    searcher_org_id: str
    owner_org_id: str
    answer: str
    obs_type: str
    value: str
    case_id: int | None
    case_title: str
    source_case_id: int | None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One line of the hit inbox."""

    id: int
    kind: str
    at: datetime
    read: bool
    hit: HitView | None
    request_id: str | None


def _view(hit: Hit, answer: str, levels: dict[int, str], titles: dict[int, str],
          show_value: bool) -> HitView:
    """The hit with its case (and the submitted case behind it) shown only when the viewer
    reads that case in full."""
    readable = hit.case_id is not None and levels.get(hit.case_id) == Access.FULL.value
    return HitView(hit.id, hit.source, hit.at, hit.searcher_org_id, hit.owner_org_id,
                   answer, hit.obs_type if show_value else "",
                   hit.value if show_value else "", hit.case_id if readable else None,
                   titles.get(hit.case_id, "") if readable and hit.case_id else "",
                   hit.source_case_id if _reads(levels, hit.source_case_id) else None)


def _reads(levels: dict[int, str], case_id: int | None) -> bool:
    """The viewer reads this case in full (per `levels`, the SQL form of `decide()`)."""
    return case_id is not None and levels.get(case_id) == Access.FULL.value


def answer_now(hit: Hit, org_id: str, levels: dict[int, str]) -> str | None:
    """The answer a searcher may still see: the recorded one, capped by the case's level
    today (FULL becomes HIT), None once the handling no longer lets it learn of the match.
    Owners, and the organisations told of matches on their units' data, see it as made."""
    if hit.searcher_org_id != org_id or hit.owner_org_id == org_id or hit.case_id is None:
        return hit.answer
    level = levels.get(hit.case_id, Access.NONE.value)
    if level == Access.NONE.value:
        return None
    return Access.HIT.value if level == Access.HIT.value else hit.answer


def _held_now(tx: Tx, org: Organisation, hits: Sequence[Hit], readable: Sequence[int]
              ) -> set[tuple[int, str, str]]:
    """(case, type, value) still held by readable cases of other owners: a match on a value
    an earlier version held names it to the owner only, not to whoever reads the case now."""
    others = sorted({h.case_id for h in hits if h.case_id in set(readable)
                     and h.owner_org_id != org.id and h.case_id is not None})
    return {(c, t, v) for c, _, t, v, _ in tx.networks.case_values(others)}


def _views(tx: Tx, ctx: Context, org: Organisation, hits: Sequence[Hit],
           value_needs_case: bool, collapse: bool = False) -> list[HitView]:
    """Views of many hits; with `value_needs_case`, the value too needs a readable case that
    still holds it. A searcher's view follows the case's handling today (`answer_now`).

    With `collapse`, matches whose case stays hidden fold into one line per query, owner
    and value, so the viewer learns no count of the owner's cases.
    """
    case_ids = [h.case_id for h in hits if h.case_id is not None]
    sources = [h.source_case_id for h in hits if h.source_case_id is not None]
    levels = tx.hits.levels(case_ids + sources, org, ctx.now())
    readable = [c for c in case_ids if levels.get(c) == Access.FULL.value]
    titles = {f.id: f.title for f in tx.networks.case_facts(readable).values()}
    held = _held_now(tx, org, hits, readable) if value_needs_case else set()
    shown: dict[tuple[object, ...], HitView] = {}
    for hit in sorted(hits, key=lambda h: h.id):
        answer = answer_now(hit, org.id, levels)
        if answer is None:
            continue
        full = hit.case_id is not None and levels.get(hit.case_id) == Access.FULL.value
        show_value = not value_needs_case or (full and (
            hit.owner_org_id == org.id or (hit.case_id, hit.obs_type, hit.value) in held))
        view = _view(hit, answer, levels, titles, show_value)
        key: tuple[object, ...] = (hit.id,)
        if collapse and not full:
            key = (hit.query_id, hit.owner_org_id, hit.obs_type, hit.value, answer)
        shown.setdefault(key, view)
    order = {h.id: i for i, h in enumerate(hits)}
    return sorted(shown.values(), key=lambda v: order[v.id])


def inbox(ctx: Context, principal: Principal, unread_only: bool = False,
          before: int | None = None, limit: int = 100) -> list[InboxItem]:
    """Notices for the organisation: HITs on its (or its units') data, disclosure steps."""
    require(principal, Permission.HIT_READ)
    with ctx.db.read() as tx:
        notices = tx.hits.notices(principal.org_id, unread_only, before, min(limit, 500))
        hits = {n.hit_id: tx.hits.get(n.hit_id) for n in notices if n.hit_id}
        found = [h for h in hits.values() if h is not None]
        # An NCB learns what a unit's case holds only if it reads that case.
        views = {v.id: v for v in _views(tx, ctx, principal.org, found, True)}
    return [InboxItem(n.id, n.kind, n.at, n.read, views.get(n.hit_id or ""), n.request_id)
            for n in notices]


def unread_count(ctx: Context, principal: Principal) -> int:
    """Unread notices of the organisation."""
    with ctx.db.read() as tx:
        return tx.hits.unread(principal.org_id)


def mark_read(ctx: Context, principal: Principal, notice_ids: Sequence[int] | None) -> int:
    """Mark notices read (all when None)."""
    require(principal, Permission.HIT_READ)
    with ctx.db.write() as tx:
        return tx.hits.mark_read(principal.org_id, notice_ids, ctx.now())


def outgoing(ctx: Context, principal: Principal, before: datetime | None = None,
             limit: int = 100) -> list[HitView]:
    """FULL and HIT answers the organisation's searches, lookups and landings received."""
    require(principal, Permission.HIT_READ)
    with ctx.db.read() as tx:
        hits = tx.hits.outgoing(principal.org_id, before, min(limit, 500))
        return _views(tx, ctx, principal.org, hits, False, collapse=True)


def from_case(ctx: Context, principal: Principal, case_id: int, limit: int = 500
              ) -> list[HitView]:
    """What an own case's submission matched, as the submitter may see it today: readable
    cases in full, others folded to one line per owner and value (no count of hidden cases)."""
    require(principal, Permission.HIT_READ)
    with ctx.db.read() as tx:
        found = tx.hits.from_case(principal.org_id, case_id, min(limit, 500))
        return _views(tx, ctx, principal.org, found, False, collapse=True)


def incoming(ctx: Context, principal: Principal, before: datetime | None = None,
             limit: int = 100) -> list[HitView]:
    """Every match on the organisation's own cases, whatever the answer was."""
    require(principal, Permission.HIT_READ)
    with ctx.db.read() as tx:
        hits = tx.hits.incoming(principal.org_id, before, min(limit, 500))
        return _views(tx, ctx, principal.org, hits, False)


def hit_group(ctx: Context, principal: Principal, ref: str) -> list[HitView]:
    """The matches behind a reference, for its searcher (FULL/HIT answers) or its owner."""
    require(principal, Permission.HIT_READ)
    with ctx.db.read() as tx:
        hit = tx.hits.get(ref)
        if hit is None or not _may_see(hit, principal.org_id):
            raise NotFound(f"no hit {ref}")
        group = tx.hits.group(hit) if hit.answer == Access.HIT.value else [hit]
        views = _views(tx, ctx, principal.org, group, False,
                       collapse=hit.owner_org_id != principal.org_id)
    if not views:
        raise NotFound(f"no hit {ref}")
    return views


def _may_see(hit: Hit, org_id: str) -> bool:
    """The owner sees every match on its data; the searcher only FULL and HIT answers."""
    if hit.owner_org_id == org_id:
        return True
    return hit.searcher_org_id == org_id and hit.answer in (Access.FULL.value,
                                                            Access.HIT.value)


__all__ = ["HitView", "InboxItem", "NoticeKind", "answer_now", "answer_values", "from_case",
           "hit_group", "inbox", "incoming", "index_new", "mark_read", "new_id",
           "on_cases_landed", "outgoing", "unread_count"]
