"""Incidents from the command line: `cyberfusion incident report|list|show|step`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.cases import read_json_file
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.ransomware import print_identification, read_note
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.channel import deadline_problem, parse_deadline
from cyberfusion.domain.incidents import IncidentFilter
from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.post_incident import PostIncidentFormat
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.presenters.incidents import (
    answer_json,
    incident_detail_json,
    incident_page_json,
    payment_stop_json,
    step_json,
    wallet_board_json,
)
from cyberfusion.services import incidents, post_incident
from cyberfusion.services.incidents import IncidentView

incident_app = typer.Typer(help="Incidents under way: report one (its values are checked "
                                "and urgent help asked), list, show, tick checklist steps.",
                           no_args_is_help=True)

IncidentId = Annotated[int, typer.Argument(metavar="ID", help="Incident id.",
                                           show_default=False)]


@incident_app.command("report")
@needs(Permission.INCIDENT_REPORT)
def report(
    cli: typer.Context,
    file: Annotated[typer.FileBinaryRead, typer.Argument(
        metavar="FILE", help="The incident as JSON (see the user guide); - for stdin.")],
    as_user: AsUser,
    note: Annotated[Path | None, typer.Option(
        "--note", metavar="FILE", show_default=False,
        help="The ransom note (any encoding, HTML too); replaces note_text.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Report an attack under way; prints the hits, family candidates and who was asked."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    data: Any = read_json_file(file)
    if note is not None and isinstance(data, dict):
        data["note_text"], name = read_note(note)
        data.setdefault("note_file_name", name)
    try:
        draft = parse_incident(data, ctx.now().date(), ctx.settings.review_years)
    except InvalidInput as exc:
        raise type(exc)(exc.detail, [Issue(f"{file.name}: {i.location}", i.message)
                                     for i in exc.issues]) from None
    view = incidents.report(ctx, principal, draft)
    if as_json:
        print_json(incident_detail_json(view))
        return
    i = view.incident
    line(f"incident {i.id} reported: {i.title} ({i.handling.tlp.label}); "
         + (f"urgent assistance request #{i.thread_id} sent" if i.thread_id
            else "nobody to ask for assistance"))
    _print_hits(view)
    print_identification(view.identification)


@incident_app.command("list")
@needs(Permission.INCIDENT_READ)
def list_incidents(
    cli: typer.Context, as_user: AsUser,
    incident_type: Annotated[CrimeType | None, typer.Option(
        "--type", help="Only this type.", show_default=False)] = None,
    country: Annotated[str, typer.Option(help="Only this country (ISO code).",
                                         show_default=False)] = "",
    wallet: Annotated[str, typer.Option(help="Only incidents naming this wallet.",
                                        show_default=False)] = "",
    family: Annotated[str, typer.Option(help="Only incidents of this family.",
                                        show_default=False)] = "",
    offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Incidents you may read, newest first."""
    ctx = context_of(cli)
    flt = IncidentFilter(incident_type, country.strip().upper(), wallet.strip(),
                         family.strip())
    page = incidents.list_incidents(ctx, acting_as(ctx, as_user), flt, offset, limit)
    if as_json:
        print_json(incident_page_json(page))
        return
    table("Incidents", ["id", "type", "country", "title", "family", "wallet", "steps", "TLP"],
          [(i.id, i.draft.incident_type.value, i.draft.country, i.title, i.family,
            i.draft.wallet, f"{sum(s.done for s in i.steps)}/{len(i.steps)}",
            i.handling.tlp.value) for i in page.items], keep=("id", "type", "country"))
    line(f"{page.total} incidents")


@incident_app.command("show")
@needs(Permission.INCIDENT_READ)
def show(cli: typer.Context, incident_id: IncidentId, as_user: AsUser,
         as_json: JsonOpt = False) -> None:
    """One incident: checklist, family candidates and (for its reporter) hits."""
    ctx = context_of(cli)
    view = incidents.get_incident(ctx, acting_as(ctx, as_user), incident_id)
    if as_json:
        print_json(incident_detail_json(view))
        return
    i, d = view.incident, view.incident.draft
    table(f"Incident {i.id}", ["field", "value"], [
        ("title", i.title), ("type", d.incident_type.value), ("country", d.country),
        ("victim", f"{d.victim_sector} ({d.victim_size.value if d.victim_size else '?'})"),
        ("TLP", i.handling.tlp.label), ("owner", i.owner_org_id),
        ("demand", f"{d.ransom_amount or ''} {d.currency}".strip()), ("wallet", d.wallet),
        ("assistance request", i.thread_id or ""), ("summary", d.summary)])
    if view.payment_stops:
        table("Payment stops", ["request", "target", "to", "deadline", "status", "outcome"],
              [(p.thread_id, p.target, p.to, p.deadline or "",
                p.status + (" (overdue)" if p.overdue else ""), p.outcome)
               for p in view.payment_stops])
    table("Checklist", ["step", "text", "done by", "at"],
          [(s.position, s.text, s.done_by, s.done_at or "") for s in i.steps],
          keep=("step",))
    _print_hits(view)
    print_identification(view.identification)


def _print_hits(view: IncidentView) -> None:
    if view.is_owner:
        table("Hits in the pool", ["value", "answer", "case", "owner", "reference"],
              [(a["value"], a["answer"], a.get("case_id", ""), a["owner"],
                a.get("reference", "")) for a in map(answer_json, view.answers)])


@incident_app.command("step")
@needs(Permission.INCIDENT_REPORT)
def step(cli: typer.Context, incident_id: IncidentId,
         position: Annotated[int, typer.Argument(metavar="STEP", min=1,
                                                 help="Step number.")],
         as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Tick one checklist step of your organisation's incident (with who and when)."""
    ctx = context_of(cli)
    done = incidents.tick_step(ctx, acting_as(ctx, as_user), incident_id, position)
    json_or_line(as_json, step_json(done),
                 f"step {done.position} ticked by {done.done_by} at {done.done_at}: "
                 f"{done.text}")


@incident_app.command("wallets")
@needs(Permission.INCIDENT_READ)
def wallets(cli: typer.Context, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Wallets and families across the incidents you may read, with countries."""
    ctx = context_of(cli)
    board = incidents.wallet_board(ctx, acting_as(ctx, as_user))
    found, families = board.wallets, board.families
    if as_json:
        print_json(wallet_board_json(found, families))
        return
    table("Wallets", ["wallet", "currency", "families", "countries", "incidents"],
          [(w.wallet, w.currencies, w.families, w.countries, w.incident_ids) for w in found])
    table("Families", ["family", "countries", "wallets", "incidents"],
          [(f.family, f.countries, f.wallets, f.incident_ids) for f in families])


@incident_app.command("payment-stop")
@needs(Permission.INCIDENT_REPORT)
def payment_stop(
    cli: typer.Context, incident_id: IncidentId, as_user: AsUser,
    to: Annotated[str, typer.Option("--to", metavar="ORG", show_default=False,
                                    help="The partner or country organisation to ask.")],
    deadline: Annotated[str, typer.Option(metavar="TIME", show_default=False,
                                          help="Freeze needed by (UTC), e.g. "
                                               "2026-05-20T18:00Z.")],
    target: Annotated[str, typer.Option(help="Wallet or transfer (default: the incident's "
                                             "wallet).", show_default=False)] = "",
    amount: Annotated[str, typer.Option(help="Amount and currency (default: the demand).",
                                        show_default=False)] = "",
    as_json: JsonOpt = False,
) -> None:
    """Ask a partner or a country to freeze the wallet or a transfer by a deadline."""
    moment = parse_deadline(deadline)
    if moment is None:
        raise InvalidInput("bad deadline", [Issue("--deadline", deadline_problem(deadline)
                                                  or "")])
    ctx = context_of(cli)
    made = incidents.request_payment_stop(ctx, acting_as(ctx, as_user), incident_id, to,
                                          moment, target, amount)
    json_or_line(as_json, payment_stop_json(made),
                 f"payment stop #{made.thread_id} sent to {', '.join(made.to)}: freeze "
                 f"{made.target} by {made.deadline:%Y-%m-%d %H:%M} UTC")


@incident_app.command("post-report")
@needs(Permission.INCIDENT_READ)
def post_report(
    cli: typer.Context, incident_id: IncidentId, as_user: AsUser,
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", metavar="FILE", show_default=False, help="Write the report as PDF here.")
    ] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE", show_default=False, help="Write the report as HTML here.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The post-incident report: what was done and when, hits, family, payment stops, and
    recovery and resilience recommendations for the incident's type."""
    ctx = context_of(cli)
    doc = post_incident.build(ctx, acting_as(ctx, as_user), incident_id)
    for path, fmt in ((pdf, PostIncidentFormat.PDF), (html, PostIncidentFormat.HTML)):
        if path is not None:
            path.write_bytes(post_incident.render(doc, fmt)[0])
            line(f"{fmt.value.upper()} written to {path}")
    if as_json:
        print_json(doc)
    elif pdf is None and html is None:
        line(f"{doc['title']} ({doc['progress']['done']}/{doc['progress']['total']} steps "
             "done); use --pdf FILE or --html FILE to write it")
