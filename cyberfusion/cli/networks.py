"""Networks of linked cases from the command line: `cyberfusion network …` (recompute, list,
show, export)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.networks import detail_json, network_page_json
from cyberfusion.services import network_exports, networks

NetworkRef = Annotated[str, typer.Argument(metavar="REF", show_default=False,
                                       help="Network reference.")]

network_app = typer.Typer(help="Networks of linked cases: recompute, list, show, export.",
                          no_args_is_help=True)


class ExportFormat(StrEnum):
    """What `network export` writes."""

    STIX21 = "stix21"
    GRAPHML = "graphml"


@network_app.command("recompute")
def recompute(cli: typer.Context,
              full: Annotated[bool, typer.Option("--full", help="Everything, not only where "
                                                 "cases changed.")] = False,
              max_cases: Annotated[int | None, typer.Option(
                  "--max-cases", metavar="N", show_default=False,
                  help="Values held by more cases than this link none (default 50).")] = None,
              resolution: Annotated[float | None, typer.Option(
                  "--resolution", metavar="R", show_default=False,
                  help="Leiden (CPM) resolution: density a network needs (default 0.05).")] =
              None) -> None:
    """Recompute networks (operator command; run it from cron for a schedule)."""
    ctx = context_of(cli)
    if max_cases is not None or resolution is not None:
        state = networks.state(ctx)
        networks.configure(ctx, None, max_cases or state.max_cases,
                           resolution or state.resolution)
        full = True
    report = networks.recompute(ctx, full)
    if report is None:
        line("nothing changed since the last run")
        return
    line(f"{report.kind} run over {report.cases} cases: {report.clusters} networks "
         f"({report.created} new, {report.kept} kept, {report.dissolved} dissolved), "
         f"{report.links} links, {report.seconds:.2f} s")


@network_app.command("list")
@needs(Permission.NETWORK_READ)
def list_networks(cli: typer.Context, as_user: AsUser,
                  limit: Annotated[int, typer.Option(min=1, max=500, help="How many.")] = 50,
                  as_json: JsonOpt = False) -> None:
    """Networks with a case you read; counts are over readable cases only."""
    ctx = context_of(cli)
    items, total = networks.list_networks(ctx, acting_as(ctx, as_user), 0, limit)
    if as_json:
        print_json(network_page_json(items, total, 0, limit))
        return
    table("Networks", ["network", "cases", "more held by others", "countries", "crime types",
                       "seen"],
          [(s.ref, s.cases, s.more or "", s.countries, s.crime_types,
            f"{s.first_seen or '?'} to {s.last_seen or '?'}") for s in items],
          keep=("network", "cases"))
    line(f"{total} networks")


@network_app.command("show")
@needs(Permission.NETWORK_READ)
def show_network(cli: typer.Context,
                 ref: NetworkRef, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """One network: readable cases, shared values, bridges."""
    ctx = context_of(cli)
    d = networks.network_detail(ctx, acting_as(ctx, as_user), ref)
    if as_json:
        print_json(detail_json(d))
        return
    line(f"network {d.summary.ref}: {d.summary.cases} cases you can read"
         + (f", {d.summary.more} more held by others" if d.summary.more else ""))
    table("Cases", ["case", "owner", "title", "crime type", "countries"],
          [(c.id, c.owner_org_id, c.title, c.crime_type, c.countries) for c in d.cases],
          keep=("case", "owner"))
    table("Shared values", ["type", "value", "your cases", "held by others"],
          [(v.type, v.value, v.readable, v.others) for v in d.values])
    table("Bridges", ["case", "case", "through"], [(b.a, b.b, b.values) for b in d.bridges])
    table("Values that link nothing", ["case", "type", "value", "why"],
          [(q.case_id, q.type, q.value, q.reason) for q in d.quiet], keep=("case", "type"))


@network_app.command("export")
@needs(Permission.EXPORT)
def export_network(cli: typer.Context,
                   ref: NetworkRef, as_user: AsUser,
                   format: Annotated[ExportFormat, typer.Option(
                       "--format", help="stix21 (bundle with a grouping) or graphml.")] =
                   ExportFormat.STIX21,
                   output: Annotated[Path | None, typer.Option(
                       "--output", "-o", metavar="FILE", show_default=False,
                       help="Write here instead of stdout.")] = None) -> None:
    """Export the part of a network you can read (audited)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if format is ExportFormat.GRAPHML:
        text = network_exports.export_graphml(ctx, principal, ref)
    else:
        text = json.dumps(network_exports.export_stix(ctx, principal, ref), indent=1)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        line(f"wrote {output}")
