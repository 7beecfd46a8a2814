"""Gateway agreements from the command line: `cyberfusion agreement add|list|show|end`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.gateway import Agreement, DataCategory, Direction
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats.agreement_json import parse_agreement
from cyberfusion.presenters.agreements import agreement_json
from cyberfusion.services import gateway

agreement_app = typer.Typer(help="Gateway agreements with partner organisations: what they "
                                 "may send and receive, and until when (hub admins).",
                            no_args_is_help=True)

Ident = Annotated[str, typer.Argument(metavar="AGREEMENT", help="Agreement id or reference.",
                                      show_default=False)]
_CATEGORIES = ", ".join(c.value for c in DataCategory)
_DIRECTIONS = ", ".join(d.value for d in Direction)


@agreement_app.command("add")
@needs(Permission.AGREEMENT_MANAGE)
def add_agreement(
    cli: typer.Context, as_user: AsUser,
    reference: Annotated[str, typer.Option(help="The agreement's reference.",
                                           show_default=False)],
    partner: Annotated[str, typer.Option(help="The partner organisation's id.",
                                         show_default=False)],
    valid_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).",
                                            show_default=False)],
    valid_until: Annotated[str, typer.Option("--until", help="Last day (YYYY-MM-DD).",
                                             show_default=False)],
    category: Annotated[list[str], typer.Option(
        help=f"CATEGORY=DIRECTION, repeatable; categories: {_CATEGORIES}; "
             f"directions: {_DIRECTIONS}.", show_default=False)],
    contact: Annotated[str, typer.Option(help="Who to contact about the agreement.",
                                         show_default=False)],
    onward_terms: Annotated[str, typer.Option(help="Onward-sharing terms.")] = "",
    onward_allowed: Annotated[bool, typer.Option(help="The partner may share onward.")]
    = False,
    as_json: JsonOpt = False,
) -> None:
    """Register an agreement with a partner organisation."""
    ctx = context_of(cli)
    pairs = dict(item.partition("=")[::2] for item in category)
    draft = parse_agreement({
        "reference": reference, "partner": partner, "valid_from": valid_from,
        "valid_until": valid_until, "categories": pairs, "contact": contact,
        "onward_sharing": {"terms": onward_terms, "allowed": onward_allowed}})
    made = gateway.add_agreement(ctx, acting_as(ctx, as_user), draft)
    json_or_line(as_json, agreement_json(made, ctx.now().date()),
                 f"agreement {made.id} {made.reference} with {made.partner_org_id}")


@agreement_app.command("list")
@needs(Permission.AGREEMENT_READ)
def list_agreements(
    cli: typer.Context, as_user: AsUser,
    partner: Annotated[str, typer.Option(help="Only this partner's.", show_default=False)]
    = "",
    as_json: JsonOpt = False,
) -> None:
    """Every agreement (or one partner's) with its state today."""
    ctx = context_of(cli)
    found = gateway.list_agreements(ctx, acting_as(ctx, as_user), partner)
    today = ctx.now().date()
    if as_json:
        print_json({"items": [agreement_json(a, today) for a in found]})
        return
    table("Gateway agreements", ["id", "reference", "partner", "from", "until", "state"],
          [(a.id, a.reference, a.partner_org_id, a.valid_from, a.valid_until, a.state(today))
           for a in found], keep=("id", "reference"))


@agreement_app.command("show")
@needs(Permission.AGREEMENT_READ)
def show_agreement(cli: typer.Context, ident: Ident, as_user: AsUser,
                   as_json: JsonOpt = False) -> None:
    """One agreement: validity, categories and directions, onward sharing, contact."""
    ctx = context_of(cli)
    found = gateway.get_agreement(ctx, acting_as(ctx, as_user), ident)
    if as_json:
        print_json(agreement_json(found, ctx.now().date()))
        return
    _print(found, ctx.now().date())


@agreement_app.command("end")
@needs(Permission.AGREEMENT_MANAGE)
def end_agreement(
    cli: typer.Context, ident: Ident, as_user: AsUser,
    reason: Annotated[str, typer.Option(help="Why it ends.", show_default=False)],
    as_json: JsonOpt = False,
) -> None:
    """End an agreement now: nothing travels under it from this moment."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    held = gateway.get_agreement(ctx, principal, ident)
    ended = gateway.end_agreement(ctx, principal, held.id, reason)
    json_or_line(as_json, agreement_json(ended, ctx.now().date()),
                 f"agreement {ended.reference} ended")


def _print(a: Agreement, today: date) -> None:
    """An agreement as a field table."""
    table(f"Agreement {a.reference}", ["field", "value"], [
        ("partner", a.partner_org_id), ("valid", f"{a.valid_from} .. {a.valid_until}"),
        ("state", a.state(today)),
        *((f"category {k.value}", v.value) for k, v in sorted(a.categories.items())),
        ("onward sharing", "allowed" if a.onward_allowed else "not allowed"),
        ("onward terms", a.onward_terms), ("contact", a.contact),
        ("ended", f"{a.ended_at} ({a.ended_reason})" if a.ended_at else "")])
    line()
