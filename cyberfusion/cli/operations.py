"""Operations from the command line: `cyberfusion operation
create|list|show|task|action-day|result|takedown|status|report`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.operations import (
    OperationDraft,
    OperationStatus,
    ResultKind,
    TakedownStatus,
    TaskStatus,
)
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.presenters.operations import (
    action_day_json,
    operation_detail_json,
    operation_json,
    operation_page_json,
    package_json,
    result_json,
    takedown_json,
    task_json,
)
from cyberfusion.services import operations

operation_app = typer.Typer(help="Operations against networks: create (from a network or by "
                                 "hand), list, show with your target package, tasks, action "
                                 "days, results, takedowns, after-action report.",
                            no_args_is_help=True)

OperationId = Annotated[int, typer.Argument(metavar="ID", help="Operation number.",
                                            show_default=False)]
Many = Annotated[list[str] | None, typer.Option(show_default=False)]
Output = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                             show_default=False,
                                             help="Write here instead of stdout.")]


def _day(text: str, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("bad date", [Issue(option, "a date such as 2026-06-30")]) from None


@operation_app.command("create")
@needs(Permission.OPERATION_WRITE)
def create(
    cli: typer.Context, as_user: AsUser,
    network: Annotated[str, typer.Option(help="The network (its name as you see it): its "
                                              "cases become the targets, its countries and "
                                              "their NCBs are added.", show_default=False)] = "",
    title: Annotated[str, typer.Option(show_default=False, help="Title.")] = "",
    lead: Annotated[str, typer.Option(show_default=False,
                                      help="Lead organisation (default: yours).")] = "",
    participant: Many = None, country: Many = None,
    summary: Annotated[str, typer.Option(show_default=False, help="Summary.")] = "",
    tlp: Annotated[str, typer.Option(help="amber+strict or red.")] = "amber+strict",
    as_json: JsonOpt = False,
) -> None:
    """Create an operation; only its participants will ever see it."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    base = (operations.from_network(ctx, principal, network) if network
            else OperationDraft("", principal.org_id, ()))
    try:
        level = TLP(tlp.lower())
    except ValueError:
        raise InvalidInput("bad TLP", [Issue("--tlp", "amber+strict or red")]) from None
    op = operations.create(ctx, principal, OperationDraft(
        title or base.title, lead or base.lead_org_id,
        tuple(dict.fromkeys([*base.participants, *(participant or [])])),
        tuple(c.upper() for c in country or []) or base.countries, summary, level, network))
    json_or_line(as_json, operation_json(op),
                 f"operation {op.id} created: {op.title} (lead {op.lead_org_id}; "
                 f"participants {', '.join(op.participants)})")


@operation_app.command("list")
@needs(Permission.OPERATION_READ)
def list_operations(cli: typer.Context, as_user: AsUser,
                    offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
                    limit: Annotated[int, typer.Option(min=1, max=200, help="How many.")] = 50,
                    as_json: JsonOpt = False) -> None:
    """Operations your organisation takes part in, newest first."""
    ctx = context_of(cli)
    page = operations.list_operations(ctx, acting_as(ctx, as_user), offset, limit)
    if as_json:
        print_json(operation_page_json(page))
        return
    table("Operations", ["id", "title", "lead", "countries", "status", "TLP"],
          [(o.id, o.title, o.lead_org_id, o.countries, o.status.value, o.handling.tlp.value)
           for o in page.items], keep=("id",))
    line(f"{page.total} operations")


@operation_app.command("show")
@needs(Permission.OPERATION_READ)
def show(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
         package: Annotated[bool, typer.Option("--package", help="Print your target package "
                                                                 "instead.")] = False,
         as_json: JsonOpt = False) -> None:
    """One operation: tasks, action days, results and takedowns (or your package)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if package:
        pkg = operations.package(ctx, principal, operation_id)
        if as_json:
            print_json(package_json(pkg))
            return
        table(f"Target package of {pkg.org_id}", ["case", "title", "owner", "countries",
                                                  "local"],
              [(c.id, c.title, c.owner_org_id, c.countries, "yes" if c.local else "")
               for c in pkg.cases], keep=("case",))
        table("Values", ["case", "type", "value", "role"],
              [(v.case_id, v.type, v.value, v.role) for v in pkg.values])
        return
    view = operations.get_operation(ctx, principal, operation_id)
    if as_json:
        print_json(operation_detail_json(view))
        return
    op = view.operation
    table(f"Operation {op.id}", ["field", "value"], [
        ("title", op.title), ("lead", op.lead_org_id), ("participants", op.participants),
        ("countries", op.countries), ("status", op.status.value), ("network", op.network_ref),
        ("TLP", op.handling.tlp.label)])
    table("Tasks", ["id", "task", "owner", "due", "status"],
          [(t.id, t.title, t.owner_org_id, t.due or "", t.status.value) for t in view.tasks])
    table("Action days", ["day", "countries", "description"],
          [(d.day, d.countries, d.description) for d in view.action_days])
    table("Results", ["result", "total", "amounts"],
          [(t.kind.value, t.count, ", ".join(f"{a} {c}" for c, a in t.amounts))
           for t in view.totals])
    table("Takedowns", ["id", "type", "value", "country", "status", "by"],
          [(t.id, t.value_type, t.value, t.country, t.status.value, t.by_org)
           for t in view.takedowns])


@operation_app.command("task")
@needs(Permission.OPERATION_WRITE)
def task(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
         title: Annotated[str, typer.Argument(metavar="[TITLE]", help="A new task's title.",
                                              show_default=False)] = "",
         owner: Annotated[str, typer.Option(help="The participant organisation owning it "
                                                 "(default: yours).", show_default=False)] = "",
         person: Annotated[str, typer.Option(help="The person owning it.",
                                             show_default=False)] = "",
         due: Annotated[str, typer.Option(help="Due date (2026-06-30).",
                                          show_default=False)] = "",
         task_id: Annotated[int, typer.Option("--task", min=0, help="Change this task's "
                                                                    "status instead.")] = 0,
         status: Annotated[TaskStatus | None, typer.Option(help="Its new status.",
                                                           show_default=False)] = None,
         as_json: JsonOpt = False) -> None:
    """Add a task, or change one's status (--task N --status done)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if task_id:
        if status is None:
            raise InvalidInput("what status?", [Issue("--status", "is required with --task")])
        found = operations.set_task_status(ctx, principal, operation_id, task_id, status)
    else:
        found = operations.add_task(ctx, principal, operation_id, title,
                                    owner or principal.org_id, person, _day(due, "--due"))
    json_or_line(as_json, task_json(found),
                 f"task {found.id} ({found.owner_org_id}, due {found.due or '-'}): "
                 f"{found.status.value}: {found.title}")


@operation_app.command("action-day")
@needs(Permission.OPERATION_WRITE)
def action_day(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
               day: Annotated[str, typer.Argument(metavar="DATE", help="2026-06-30.")],
               country: Many = None,
               description: Annotated[str, typer.Option(help="What happens.",
                                                        show_default=False)] = "",
               as_json: JsonOpt = False) -> None:
    """Plan a day of coordinated action in some countries (--country FR --country DE)."""
    ctx = context_of(cli)
    when = _day(day, "DATE")
    assert when is not None
    made = operations.add_action_day(ctx, acting_as(ctx, as_user), operation_id, when,
                                     tuple(c.upper() for c in country or []), description)
    json_or_line(as_json, action_day_json(made),
                 f"action day {made.day} in {', '.join(made.countries)}")


@operation_app.command("result")
@needs(Permission.OPERATION_WRITE)
def result(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
           kind: Annotated[ResultKind, typer.Argument(metavar="KIND", help="arrest, search, "
                                                      "server_seized, domain_taken_down, "
                                                      "account_frozen, wallet_frozen, "
                                                      "victim_notified.")],
           country: Annotated[str, typer.Option(help="Where (ISO code).")],
           count: Annotated[int, typer.Option(min=1, help="How many.")] = 1,
           amount: Annotated[str, typer.Option(help="Amount frozen.", show_default=False)] = "",
           currency: Annotated[str, typer.Option(help="Its currency.", show_default=False)] = "",
           note: Annotated[str, typer.Option(help="A note.", show_default=False)] = "",
           as_json: JsonOpt = False) -> None:
    """Enter a result in the ledger (by you, now, in --country)."""
    try:
        value = Decimal(amount) if amount else None
    except InvalidOperation:
        raise InvalidInput("bad amount", [Issue("--amount", "a number such as 2.5")]) from None
    ctx = context_of(cli)
    made = operations.add_result(ctx, acting_as(ctx, as_user), operation_id, kind, count,
                                 country.upper(), value, currency, note)
    json_or_line(as_json, result_json(made),
                 f"result {made.id}: {made.count} {made.kind.value} in {made.country}")


@operation_app.command("takedown")
@needs(Permission.OPERATION_WRITE)
def takedown(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
             value_type: Annotated[str, typer.Argument(metavar="[TYPE]", help="domain, ipv4 …",
                                                       show_default=False)] = "",
             value: Annotated[str, typer.Argument(metavar="[VALUE]", help="The item.",
                                                  show_default=False)] = "",
             country: Annotated[str, typer.Option(help="Where it is hosted.",
                                                  show_default=False)] = "",
             item: Annotated[int, typer.Option("--item", min=0, help="Change this takedown's "
                                                                     "status instead.")] = 0,
             status: Annotated[TakedownStatus, typer.Option(help="Its status.")]
             = TakedownStatus.PLANNED,
             note: Annotated[str, typer.Option(help="A note.", show_default=False)] = "",
             as_json: JsonOpt = False) -> None:
    """Track an infrastructure item's takedown, or change one's status (--item N)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    if item:
        made = operations.set_takedown(ctx, principal, operation_id, item, status, note)
    else:
        made = operations.add_takedown(ctx, principal, operation_id, value_type, value,
                                       country.upper(), status, note)
    json_or_line(as_json, takedown_json(made),
                 f"takedown {made.id}: {made.value_type} {made.value} {made.status.value}")


@operation_app.command("status")
@needs(Permission.OPERATION_WRITE)
def status(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
           new: Annotated[OperationStatus, typer.Argument(metavar="STATUS",
                                                          help="planning, active, closed.")],
           as_json: JsonOpt = False) -> None:
    """The lead moves the operation to planning, active or closed."""
    ctx = context_of(cli)
    op = operations.set_status(ctx, acting_as(ctx, as_user), operation_id, new)
    json_or_line(as_json, operation_json(op), f"operation {op.id}: {op.status.value}")


@operation_app.command("report")
@needs(Permission.OPERATION_READ)
def report(cli: typer.Context, operation_id: OperationId, as_user: AsUser,
           fmt: Annotated[str, typer.Option("--format", help="pdf, html or json.")] = "pdf",
           output: Output = None) -> None:
    """The after-action report (results totals, timeline, tasks, takedowns)."""
    ctx = context_of(cli)
    data = operations.after_action_report(ctx, acting_as(ctx, as_user), operation_id, fmt)
    _write(data, output)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        typer.get_binary_stream("stdout").write(data)
    else:
        output.write_bytes(data)
        line(f"wrote {output} ({len(data)} bytes)")
