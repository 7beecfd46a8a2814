"""Hits and disclosure from the command line: `cyberfusion hits …` and
`cyberfusion disclosure …` (networks are in `cli/networks.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.hits import DISCLOSURE_DAYS, MAX_DISCLOSURE_DAYS, hit_message
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.disclosure import request_json
from cyberfusion.presenters.hits import hit_json, notice_json
from cyberfusion.services import disclosure, hits

Reason = Annotated[str, typer.Option("--reason", metavar="TEXT", show_default=False,
                                     help="Why (the other side sees it).")]
HitRef = Annotated[str, typer.Argument(metavar="REF", show_default=False, help="Hit reference.")]
RequestId = Annotated[str, typer.Argument(metavar="ID", show_default=False, help="Request id.")]

hits_app = typer.Typer(help="Your hit inbox and the hits your searches got.",
                       no_args_is_help=True)
disclosure_app = typer.Typer(help="Request disclosure after a hit; approve or decline.",
                             no_args_is_help=True)


def _hit_row(v: hits.HitView) -> tuple[Any, ...]:
    case = f"#{v.case_id} {v.case_title}" if v.case_id else (
        hit_message(v.owner_org_id) if v.answer == "hit" else v.owner_org_id)
    return (v.at, v.id, v.source, v.searcher_org_id, f"{v.obs_type} {v.value}".strip() or
            "(withheld)", case, v.answer.upper())


_HIT_COLUMNS = ["when", "hit", "how", "asked by", "value", "case", "answer"]


@hits_app.command("inbox")
@needs(Permission.HIT_READ)
def inbox(cli: typer.Context, as_user: AsUser,
          unread: Annotated[bool, typer.Option("--unread", help="Only unread notices.")] =
          False, as_json: JsonOpt = False) -> None:
    """Notices: HITs on your (or your units') data, and disclosure steps."""
    ctx = context_of(cli)
    items = hits.inbox(ctx, acting_as(ctx, as_user), unread)
    if as_json:
        print_json([notice_json(i) for i in items])
        return
    table("Inbox", ["when", "what", "hit or request", "asked by", "value", "read"],
          [(i.at, i.kind, i.hit.id if i.hit else i.request_id,
            i.hit.searcher_org_id if i.hit else "", f"{i.hit.obs_type} {i.hit.value}".strip()
            if i.hit else "", i.read) for i in items])


@hits_app.command("list")
@needs(Permission.HIT_READ)
def list_hits(cli: typer.Context, as_user: AsUser,
              incoming: Annotated[bool, typer.Option(
                  "--incoming", help="Matches on your data instead of answers you got.")] =
              False, as_json: JsonOpt = False) -> None:
    """Answers your searches, lookups and submissions got (FULL and HIT), newest first."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    views = hits.incoming(ctx, principal) if incoming else hits.outgoing(ctx, principal)
    if as_json:
        print_json([hit_json(v) for v in views])
        return
    table("Matches on your data" if incoming else "Hits", _HIT_COLUMNS,
          [_hit_row(v) for v in views], keep=("hit", "answer"))


@hits_app.command("show")
@needs(Permission.HIT_READ)
def show_hit(cli: typer.Context,
             ref: HitRef, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """The matches behind a hit reference."""
    ctx = context_of(cli)
    views = hits.hit_group(ctx, acting_as(ctx, as_user), ref)
    if as_json:
        print_json([hit_json(v) for v in views])
        return
    table(f"Hit {ref}", _HIT_COLUMNS, [_hit_row(v) for v in views], keep=("hit", "answer"))


@disclosure_app.command("request")
@needs(Permission.DISCLOSURE_REQUEST)
def request(cli: typer.Context,
            ref: HitRef, as_user: AsUser, reason: Reason) -> None:
    """Ask the owner of a HIT to disclose the case behind it."""
    ctx = context_of(cli)
    made = disclosure.request_disclosure(ctx, acting_as(ctx, as_user), ref, reason)
    line(f"disclosure request {made.id} sent to {made.owner_org_id}")


@disclosure_app.command("list")
@needs(Permission.DISCLOSURE_READ)
def list_requests(cli: typer.Context, as_user: AsUser,
                  made: Annotated[bool, typer.Option("--made", help="Requests you made, not "
                                                     "those you decide.")] = False,
                  as_json: JsonOpt = False) -> None:
    """Requests to decide (or, with --made, the ones you made)."""
    ctx = context_of(cli)
    items = disclosure.list_requests(ctx, acting_as(ctx, as_user),
                                     "requester" if made else "owner")
    if as_json:
        print_json([request_json(r) for r in items])
        return
    table("Disclosure requests", ["id", "asked", "by", "owner", "status", "reason"],
          [(r.id, r.created_at, r.requester_org_id, r.owner_org_id, r.status.value, r.reason)
           for r in items], keep=("id", "status"))


@disclosure_app.command("show")
@needs(Permission.DISCLOSURE_READ)
def show_request(cli: typer.Context,
                 request_id: RequestId, as_user: AsUser) -> None:
    """A request with its history and the cases you may read of it."""
    ctx = context_of(cli)
    view = disclosure.get_request(ctx, acting_as(ctx, as_user), request_id)
    r = view.request
    line(f"request {r.id}: {r.status.value}; asked by {r.requester_org_id} of "
         f"{r.owner_org_id} about {view.obs_type} {view.value}")
    table("History", ["when", "organisation", "step", "reason"],
          [(s.at, s.org_id, s.action, s.reason) for s in view.steps])
    table("Cases you may read", ["case", "title", "granted"],
          [(c.case_id, c.title, c.granted) for c in view.cases])


@disclosure_app.command("approve")
@needs(Permission.GRANT_MANAGE)
def approve(cli: typer.Context,
            request_id: RequestId, as_user: AsUser, reason: Reason,
            days: Annotated[int, typer.Option(min=1, max=MAX_DISCLOSURE_DAYS,
                                              help="How long the grants last.")] =
            DISCLOSURE_DAYS) -> None:
    """Grant the requester the cases behind the hit for --days."""
    ctx = context_of(cli)
    done = disclosure.approve(ctx, acting_as(ctx, as_user), request_id, reason, days)
    line(f"approved: {done.requester_org_id} may read until {done.expires_at:%Y-%m-%d}")


@disclosure_app.command("decline")
@needs(Permission.GRANT_MANAGE)
def decline(cli: typer.Context,
            request_id: RequestId, as_user: AsUser, reason: Reason) -> None:
    """Refuse a request, saying why."""
    ctx = context_of(cli)
    done = disclosure.decline(ctx, acting_as(ctx, as_user), request_id, reason)
    line(f"declined request {done.id} of {done.requester_org_id}")
