"""The SQL form of `domain.access.decide()`: the same rules as WHERE clauses on `handling`.

Every query that returns, counts or links governed items filters with `full_clause()` (or
`level_expr()` where HIT answers are allowed). The access property suite checks that this
module and `decide()` agree on random worlds.

`now` is a time, or `BOUND_NOW` for a statement built once and run at many times: it then
reads the time from the named parameters that `bound_now()` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)

from cyberfusion.domain.access import Access, exclude_tokens, release_tokens
from cyberfusion.domain.handling import TLP, HitPolicy
from cyberfusion.domain.model import Organisation
from cyberfusion.store.tables import GrantRow, HandlingRow, HandlingTokenRow

H = HandlingRow
_STRICT = (TLP.RED.value, TLP.AMBER_STRICT.value)


class _Bound(Enum):
    NOW = "now"


BOUND_NOW = _Bound.NOW
"""Stands for the time of each run of a statement built once (see `bound_now`)."""
Moment = datetime | Literal[_Bound.NOW]


def bound_now(now: datetime) -> dict[str, Any]:
    """The parameters a statement built with `BOUND_NOW` runs with at `now`."""
    return {"access_now": now, "access_today": now.date()}


def _at(now: Moment) -> datetime | ColumnElement[datetime]:
    if now is BOUND_NOW:
        return bindparam("access_now", type_=GrantRow.expires_at.type)
    return now


def _on(now: Moment) -> date | ColumnElement[date]:
    if now is BOUND_NOW:
        return bindparam("access_today", type_=H.review_by.type)
    return now.date()


def _has_token(kind: str, tokens: frozenset[str]) -> ColumnElement[bool]:
    """EXISTS a token of `kind` on the handling row among `tokens`."""
    return exists(
        select(literal(1)).where(
            HandlingTokenRow.handling_id == H.id,
            HandlingTokenRow.kind == kind,
            HandlingTokenRow.token.in_(sorted(tokens)),
        )
    )


def _granted(org: Organisation, now: Moment) -> ColumnElement[bool]:
    """EXISTS an active disclosure grant for `org`."""
    return exists(
        select(literal(1)).where(
            GrantRow.handling_id == H.id,
            GrantRow.org_id == org.id,
            GrantRow.revoked_at.is_(None),
            GrantRow.expires_at > _at(now),
        )
    )


def _blocked(org: Organisation, now: Moment) -> ColumnElement[bool]:
    """Past review, excluded, or (for partners) personal data or not named."""
    clauses = [H.review_by < _on(now), _has_token("exclude", exclude_tokens(org))]
    if org.is_partner:
        clauses.append(H.personal_data.is_(True))
        clauses.append(not_(_has_token("partner", frozenset({f"org:{org.id}"}))))
    return or_(*clauses)


def _released(org: Organisation) -> ColumnElement[bool]:
    """The release rule at each TLP (strict levels admit only the `org:` token)."""
    strict = H.tlp.in_(_STRICT)
    strict_ok = _has_token("release", release_tokens(org, strict=True))
    if org.is_partner:
        return or_(not_(strict), strict_ok)
    wide_ok = _has_token("release", release_tokens(org, strict=False))
    return or_(and_(strict, strict_ok), and_(not_(strict), wide_ok))


def _visible(org: Organisation, now: Moment) -> ColumnElement[bool]:
    """Not blocked, and released, granted, or `visible` below a strict TLP."""
    open_visible = and_(H.hit_policy == HitPolicy.VISIBLE.value, H.tlp.not_in(_STRICT))
    return and_(not_(_blocked(org, now)), or_(_released(org), _granted(org, now), open_visible))


def full_clause(org: Organisation, now: Moment) -> ColumnElement[bool]:
    """WHERE clause: `decide()` is FULL for `org` on the handling row."""
    return or_(H.owner_org_id == org.id, _visible(org, now))


def hit_clause(org: Organisation, now: Moment) -> ColumnElement[bool]:
    """WHERE clause: `decide()` is HIT for `org` on the handling row."""
    return and_(
        H.owner_org_id != org.id,
        not_(_visible(org, now)),
        not_(_blocked(org, now)),
        H.hit_policy != HitPolicy.SILENT.value,
    )


def level_expr(org: Organisation, now: Moment) -> ColumnElement[str]:
    """A column giving 'full', 'hit' or 'none' for `org` on the handling row."""
    return case(
        (full_clause(org, now), literal(Access.FULL.value)),
        (hit_clause(org, now), literal(Access.HIT.value)),
        else_=literal(Access.NONE.value),
    )


def public_clause(now: Moment) -> ColumnElement[bool]:
    """WHERE clause: the handling row may be shown to anyone (a published bulletin's source):
    TLP:CLEAR, no personal data, not past review, no organisation or country excluded
    (the Python form is `domain.access.shown_publicly`)."""
    return and_(H.tlp == TLP.CLEAR.value, H.personal_data.is_(False), H.review_by >= _on(now),
                not_(exists(select(literal(1)).where(HandlingTokenRow.handling_id == H.id,
                                                     HandlingTokenRow.kind == "exclude"))))


# --- the same rules for many organisations at once ------------------------------------------


def token_lists(among: Select[Any] | None = None) -> Subquery:
    """Per handling row (of `among`, a SELECT of handling ids, or all), its tokens as one
    string `,kind:token,kind:token,`, to join on `handling_id` where many organisations are
    decided at once."""
    joined = func.aggregate_strings(HandlingTokenRow.kind.concat(":")
                                    .concat(HandlingTokenRow.token), ",")
    query = select(HandlingTokenRow.handling_id.label("handling_id"),
                   literal(",").concat(joined).concat(",").label("tokens"))
    if among is not None:
        query = query.where(HandlingTokenRow.handling_id.in_(among))
    return query.group_by(HandlingTokenRow.handling_id).subquery("handling_tokens")


def grant_lists(now: datetime, among: Select[Any] | None = None) -> Subquery:
    """Per handling row (of `among`, or all), the organisations with an active grant as
    `,org,org,`."""
    joined = func.aggregate_strings(GrantRow.org_id, ",")
    query = (select(GrantRow.handling_id.label("handling_id"),
                    literal(",").concat(joined).concat(",").label("orgs"))
             .where(GrantRow.revoked_at.is_(None), GrantRow.expires_at > now))
    if among is not None:
        query = query.where(GrantRow.handling_id.in_(among))
    return query.group_by(GrantRow.handling_id).subquery("handling_grants")


def readable_by_all(among: Select[Any], orgs: Sequence[Organisation],
                    now: datetime) -> Select[Any]:
    """SELECT of the handling ids of `among` on which `decide()` is FULL for every one of
    `orgs` (one IN subquery for the many relationship and entity rows of a report)."""
    tokens, grants = token_lists(among), grant_lists(now, among)
    return (select(H.id).outerjoin(tokens, tokens.c.handling_id == H.id)
            .outerjoin(grants, grants.c.handling_id == H.id)
            .where(H.id.in_(among), full_for_all(orgs, now, tokens.c.tokens, grants.c.orgs)))


def _listed(column: ColumnElement[str], kind: str, tokens: frozenset[str]
            ) -> ColumnElement[bool]:
    """The joined token string holds one of `tokens` of `kind`."""
    listed = func.coalesce(column, "")
    return or_(*(listed.contains(f",{kind}:{t},", autoescape=True) for t in sorted(tokens)))


def _full_one(org: Organisation, now: datetime, tokens: ColumnElement[str],
              grants: ColumnElement[str]) -> ColumnElement[bool]:
    """`full_clause(org, now)` over the joined token and grant strings instead of EXISTS."""
    strict = H.tlp.in_(_STRICT)
    blocked = [H.review_by < now.date(), _listed(tokens, "exclude", exclude_tokens(org))]
    strict_ok = _listed(tokens, "release", release_tokens(org, strict=True))
    if org.is_partner:
        blocked += [H.personal_data.is_(True),
                    not_(_listed(tokens, "partner", frozenset({f"org:{org.id}"})))]
        released = or_(not_(strict), strict_ok)
    else:
        wide_ok = _listed(tokens, "release", release_tokens(org, strict=False))
        released = or_(and_(strict, strict_ok), and_(not_(strict), wide_ok))
    granted = func.coalesce(grants, "").contains(f",{org.id},", autoescape=True)
    open_visible = and_(H.hit_policy == HitPolicy.VISIBLE.value, H.tlp.not_in(_STRICT))
    visible = and_(not_(or_(*blocked)), or_(released, granted, open_visible))
    return or_(H.owner_org_id == org.id, visible)


def full_for_all(orgs: Sequence[Organisation], now: datetime, tokens: ColumnElement[str],
                 grants: ColumnElement[str]) -> ColumnElement[bool]:
    """WHERE clause: `decide()` is FULL for every one of `orgs` on the handling row, with
    `tokens` and `grants` the columns of `token_lists()` and `grant_lists(now)` joined on
    it. The same rules as `full_clause`, read from one string per row rather than looked up
    per organisation, so deciding for twenty recipients costs little more than for one."""
    return and_(*(_full_one(org, now, tokens, grants) for org in orgs))
