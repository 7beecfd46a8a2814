"""Cyber activity reports from the command line: `cyberfusion report build|list|show|approve|
send`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.reports import ReportFormat, ReportSpec, Scope
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.presenters.reports import (
    delivery_json,
    report_list_json,
    report_summary_json,
    report_view_json,
)
from cyberfusion.services import report_delivery, reports

report_app = typer.Typer(help="Cyber activity reports: build, list, show, approve, send.",
                         no_args_is_help=True)

ReportId = Annotated[int, typer.Argument(metavar="ID", help="Report number.",
                                         show_default=False)]
Many = Annotated[list[str] | None, typer.Option(show_default=False)]
Output = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                             show_default=False,
                                             help="Write here instead of stdout.")]
FormatOpt = Annotated[ReportFormat, typer.Option("--format", help="html, pdf, stix21 or json.")]


def _day(text: str | None, option: str, default: date | None = None) -> date:
    if text is None and default is not None:
        return default
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise InvalidInput("not a date", [Issue(option, f"{text!r}: use YYYY-MM-DD")]) from None


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        typer.echo(data.decode("utf-8", errors="replace"), nl=False)
    else:
        output.write_bytes(data)
        line(f"wrote {output} ({len(data)} bytes)")


@report_app.command("build")
@needs(Permission.REPORT_WRITE)
def build(cli: typer.Context, as_user: AsUser,
          date_from: Annotated[str, typer.Option("--from", metavar="DATE",
                                                 help="First day of the period.")],
          date_to: Annotated[str, typer.Option("--to", metavar="DATE",
                                               help="Last day of the period.")],
          recipient: Annotated[list[str], typer.Option(
              "--recipient", metavar="ORG", help="Recipient organisation (repeat).")],
          region: Many = None, country: Many = None,
          crime_type: Annotated[list[str] | None, typer.Option(
              "--crime-type", show_default=False)] = None,
          family: Annotated[str, typer.Option(help="Only cases linked to this family.")] = "",
          network: Annotated[str, typer.Option(
              help="Only the cases of this network (its name in `network list`).")] = "",
          title: Annotated[str, typer.Option(help="Report title.")] = "Cyber activity report",
          assessment: Annotated[str, typer.Option(help="The analyst's assessment.")] = "",
          actions: Annotated[str, typer.Option(help="Recommended actions, one a line.")] = "",
          as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE",
                                                    help="Date the report is as of "
                                                         "(default: today).")] = None,
          format: FormatOpt = ReportFormat.HTML, output: Output = None,
          save: Annotated[bool, typer.Option(
              "--save", help="Also store it as a draft for a second hub user to approve.")]
          = False) -> None:
    """Build a report from what you and every recipient may read in full."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    spec = ReportSpec(title, Scope(_day(date_from, "--from"), _day(date_to, "--to"),
                                   tuple(region or ()), tuple(country or ()),
                                   tuple(crime_type or ()), family, network),
                      tuple(recipient), _day(as_of, "--as-of", ctx.now().date()),
                      assessment, actions.replace("\\n", "\n"))
    _write(reports.build(ctx, principal, spec, format), output)
    if save:
        stored = reports.create(ctx, principal, spec)
        line(f"saved as draft report #{stored.id} ({stored.tlp.label}); a second hub user "
             "approves it with `cyberfusion report approve`")


@report_app.command("list")
@needs(Permission.REPORT_READ)
def list_reports(cli: typer.Context, as_user: AsUser,
                 limit: Annotated[int, typer.Option(min=1, max=200, help="How many.")] = 50,
                 as_json: JsonOpt = False) -> None:
    """Reports you may see: every report for hub staff, those sent to you otherwise."""
    ctx = context_of(cli)
    items = report_delivery.list_reports(ctx, acting_as(ctx, as_user), 0, limit)
    if as_json:
        print_json(report_list_json(items))
        return
    table("Reports", ["id", "title", "status", "tlp", "as of", "recipients"],
          [(r.id, r.spec.title, r.status.value, r.tlp.label, r.spec.as_of,
            ", ".join(r.spec.recipients)) for r in items], keep=("id", "status"))


@report_app.command("show")
@needs(Permission.REPORT_READ)
def show(cli: typer.Context, report_id: ReportId, as_user: AsUser, as_json: JsonOpt = False,
         format: Annotated[ReportFormat | None, typer.Option(
             "--format", help="Write the report (your copy) as html, pdf, stix21 or json.")]
         = None, output: Output = None) -> None:
    """Open a report (the opening is recorded in the audit trail)."""
    ctx = context_of(cli)
    view = report_delivery.open_report(ctx, acting_as(ctx, as_user), report_id)
    if format is not None:
        _write(reports.render(view.doc, format, view.report.author_org_id, {}), output)
        return
    if as_json:
        print_json(report_view_json(view))
        return
    summary, figures = report_summary_json(view.report), view.doc["key_figures"]
    line(f"report #{view.report.id} {view.report.tlp.label} {summary['status']}: "
         f"{view.report.spec.title}")
    line(view.doc["empty"] or f"{figures['cases']} cases, {figures['victims']} victims, "
         f"{figures['networks']} networks; {figures['withheld']} withheld by handling")
    table("Networks", ["network", "cases", "countries", "families"],
          [(n["ref"], n["cases"], ", ".join(n["countries"]), ", ".join(n["families"]))
           for n in view.doc["networks"]])
    if view.deliveries:
        table("Deliveries", ["recipient", "status", "attempts", "last error"],
              [(d.org_id, d.status.value, d.attempts, d.last_error) for d in view.deliveries])


@report_app.command("approve")
@needs(Permission.REPORT_APPROVE)
def approve(cli: typer.Context, report_id: ReportId, as_user: AsUser,
            as_json: JsonOpt = False) -> None:
    """Approve a draft (a hub user other than its author); its content is frozen."""
    ctx = context_of(cli)
    report = reports.approve(ctx, acting_as(ctx, as_user), report_id)
    if as_json:
        print_json(report_summary_json(report))
        return
    line(f"report #{report.id} approved ({report.tlp.label})")


@report_app.command("send")
@needs(Permission.REPORT_SEND)
def send(cli: typer.Context, report_id: ReportId, as_user: AsUser,
         as_json: JsonOpt = False) -> None:
    """Send an approved report: one signed channel message with the PDF per recipient."""
    ctx = context_of(cli)
    copies = report_delivery.send(ctx, acting_as(ctx, as_user), report_id)
    if as_json:
        print_json({"deliveries": [delivery_json(d) for d in copies]})
        return
    table("Deliveries", ["recipient", "status", "attempts", "last error"],
          [(d.org_id, d.status.value, d.attempts, d.last_error) for d in copies])
    pending = sum(1 for d in copies if d.status.value != "sent")
    if pending:
        line(f"{pending} copies pending; `cyberfusion sweep` (or the server) retries them")
