"""The secure channel and the 24/7 network from the terminal: send, inbox, ack, duty, rota,
sweep. Commands run on a user's behalf (`--as`); their organisation's access applies.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, json_or_line, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.channel import (
    MAX_PRESERVATION_DAYS,
    MIN_PRESERVATION_DAYS,
    Draft,
    Priority,
    RequestType,
    ThreadFilter,
)
from cyberfusion.domain.duty import Contact
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import OrgKind, Principal, Role, User
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue, MalformedDocument
from cyberfusion.formats.channel_json import parse_draft
from cyberfusion.formats.directory_json import parse_directory
from cyberfusion.presenters.channel import thread_json, thread_page_json, thread_view_json
from cyberfusion.presenters.directory import duty_board_json
from cyberfusion.services import channel, channel_actions, directory, orgs
from cyberfusion.services.context import Context

rota_app = typer.Typer(help="Keep an organisation's 24/7 contacts and duty rota.",
                       no_args_is_help=True)

#: The thread a command acts on.
ThreadArg = Annotated[int, typer.Argument(metavar="THREAD", help="Thread id.",
                                          show_default=False)]


def _fields(pairs: list[str]) -> dict[str, str]:
    """`name=value` options as a dict (located error on a malformed one)."""
    found = {}
    for i, pair in enumerate(pairs):
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput("bad --field", [Issue(f"--field[{i}]", "expected NAME=VALUE")])
        found[name.strip()] = value
    return found


def _attachments(paths: list[Path]) -> list[dict[str, str]]:
    return [{"filename": p.name, "media_type": mimetypes.guess_type(p.name)[0] or
             "application/octet-stream",
             "content_base64": base64.b64encode(p.read_bytes()).decode()} for p in paths]


@needs(Permission.CHANNEL_SEND)
def send(
    cli: typer.Context,
    as_user: AsUser,
    to: Annotated[list[str], typer.Option("--to", metavar="ORG", help="Addressee (repeat for "
                                          "several).", show_default=False)],
    subject: Annotated[str, typer.Option(help="Subject line.", show_default=False)],
    type: Annotated[RequestType, typer.Option("--type", help="Request type.")] =
    RequestType.MESSAGE,
    priority: Annotated[Priority, typer.Option(help="flash (ack in 15 min), urgent (2 h), "
                                               "routine (72 h).")] = Priority.ROUTINE,
    body: Annotated[str, typer.Option(help="Message text; - reads stdin.")] = "",
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="NAME=VALUE", help="A request field, e.g. authority=OFAC (repeat).",
        show_default=False)] = None,
    attach: Annotated[list[Path] | None, typer.Option(
        "--attach", metavar="FILE", exists=True, dir_okay=False, help="Attach a file "
        "(repeat).", show_default=False)] = None,
    tlp: Annotated[TLP, typer.Option(help="TLP of the message.")] = TLP.AMBER,
    preservation_days: Annotated[int | None, typer.Option(
        help=f"Preservation period asked ({MIN_PRESERVATION_DAYS}-{MAX_PRESERVATION_DAYS} days).",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Send a signed message or typed request; missing request fields are named."""
    ctx = context_of(cli)
    text = typer.get_text_stream("stdin").read() if body == "-" else body
    doc = {"to": to, "type": type.value, "priority": priority.value, "subject": subject,
           "body": text, "fields": _fields(field or []), "handling": {"tlp": tlp.value},
           "attachments": _attachments(attach or []), "preservation_days": preservation_days}
    draft: Draft = parse_draft(doc, ctx.now().date(), ctx.settings.review_years)
    thread = channel.send(ctx, acting_as(ctx, as_user), draft)
    json_or_line(as_json, thread_json(thread, thread.sender_org_id),
                 f"thread {thread.id} sent to {', '.join(thread.addressees)} "
                 f"({thread.priority.value}, {thread.request_type.value}, "
                 f"{len(draft.attachments)} attachment(s), signed)")


@needs(Permission.CHANNEL_READ)
def inbox(
    cli: typer.Context,
    as_user: AsUser,
    box: Annotated[str, typer.Option(help="in (received), out (sent) or all.")] = "all",
    status: Annotated[str, typer.Option(help="Only this status (sent, delivered, "
                                        "acknowledged …).", show_default=False)] = "",
    limit: Annotated[int, typer.Option(min=1, max=channel.MAX_PAGE, help="How many.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List the threads of the user's organisation; listing delivers what was waiting."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    page = channel.list_threads(ctx, principal, ThreadFilter(box, status), 0, limit)
    if as_json:
        print_json(thread_page_json(page, principal.org_id))
        return
    rows = []
    for t in page.items:
        mine = t.party(principal.org_id)
        state = t.overall().value if mine is None or mine.is_sender else mine.status.value
        due = mine.ack_due_at if mine and not mine.is_sender else None
        rows.append((t.id, t.priority.value, t.request_type.value, t.subject,
                     f"{t.sender_org_id} -> {', '.join(t.addressees)}", state, due))
    table(f"Inbox of {principal.org_id} ({page.total})",
          ["id", "priority", "type", "subject", "from -> to", "status", "ack due"], rows,
          keep=["id", "priority"])


@needs(Permission.CHANNEL_READ)
def thread(
    cli: typer.Context,
    thread_id: ThreadArg,
    as_user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Show one thread the user's organisation takes part in, with every message."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    view = channel.get_thread(ctx, principal, thread_id)
    if as_json:
        print_json(thread_view_json(view, principal.org_id))
        return
    t = view.thread
    line(f"thread {t.id}: {t.subject} ({t.priority.value} {t.request_type.value}, "
         f"{t.tlp.label}) from {t.sender_org_id} to {', '.join(t.addressees)}: "
         f"{t.overall().value}")
    table("Messages", ["when", "from", "kind", "signature", "text"],
          [(m.created_at, m.from_org_id, m.kind.value,
            "ok" if view.verdicts[m.id].ok else view.verdicts[m.id].reason, m.body)
           for m in view.messages], keep=["when", "from", "kind"])


@needs(Permission.CHANNEL_SEND)
def ack(
    cli: typer.Context,
    thread_id: ThreadArg,
    as_user: AsUser,
    note: Annotated[str, typer.Option(help="A note to the sender.")] = "",
) -> None:
    """Acknowledge a request addressed to the user's organisation (stops escalation)."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user)
    thread = channel_actions.acknowledge(ctx, principal, thread_id, note)
    mine = thread.party(principal.org_id)
    line(f"thread {thread.id}: {mine.status.value if mine else '?'}")


@needs(Permission.DIRECTORY_READ)
def duty(
    cli: typer.Context,
    country: Annotated[str, typer.Argument(metavar="[COUNTRY]", help="ISO code, e.g. FR; "
                                           "all when left out.", show_default=False)] = "",
    as_user: AsUser = "",
    org: Annotated[str, typer.Option("--org", metavar="ID", help="Only this organisation.",
                                     show_default=False)] = "",
    at: Annotated[datetime | None, typer.Option(help="Another moment (ISO, UTC if no zone).",
                                                show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Who is on duty now in a country (or one organisation), in its own time zone."""
    ctx = context_of(cli)
    principal = acting_as(ctx, as_user) if as_user else _operator(ctx)
    when = at.replace(tzinfo=at.tzinfo or ctx.now().tzinfo) if at else None
    rows = directory.duty_board(ctx, principal, country, org, when)
    if as_json:
        print_json(duty_board_json(rows))
        return
    table("On duty", ["organisation", "local time", "on duty", "backup", "desk"], [
        (r.org.id, f"{r.duty.local_time:%a %H:%M} {r.duty.timezone}",
         _people(r.duty.primary), _people(r.duty.backup), _people(r.duty.desk)) for r in rows],
        keep=["organisation"])


def _people(contacts: tuple[Contact, ...]) -> str:
    return "; ".join(f"{c.name} {c.phone or c.email}".strip() for c in contacts) or "-"


def _operator(ctx: Context) -> Principal:
    """The operator's view (the CLI runs on the server): the hub's directory reader."""
    hub = next((o for o in orgs.list_orgs(ctx) if o.kind is OrgKind.HUB), None)
    if hub is None:
        raise InvalidInput("no hub organisation", [Issue("--as", "name a user instead")])
    operator = User(0, "operator", hub.id, frozenset({Role.READER}))
    return Principal(org=hub, user=operator, scopes=frozenset({"read"}))


@rota_app.command("load")
def rota_load(
    cli: typer.Context,
    file: Annotated[typer.FileBinaryRead, typer.Argument(
        metavar="FILE", help="Directory JSON (contacts and shifts); - reads stdin.",
        show_default=False)],
    org: Annotated[str, typer.Option("--org", metavar="ID", help="Organisation it is for.",
                                     show_default=False)],
) -> None:
    """Replace an organisation's 24/7 contacts and weekly rota from a JSON file."""
    try:
        data = json.loads(file.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDocument("the file is not UTF-8 JSON", [Issue("FILE", str(exc))]) \
            from None
    contacts, shifts = parse_directory(data)
    directory.load_directory(context_of(cli), None, org, contacts, shifts)
    line(f"{org}: {len(contacts)} contact(s), {len(shifts)} shift(s)")


def sweep(
    cli: typer.Context,
    loop: Annotated[bool, typer.Option("--loop", help="Keep sweeping every "
                                       "sweep_interval_seconds until interrupted.")] = False,
) -> None:
    """Escalate overdue requests, send reminders, deliver e-mails and webhook calls."""
    from cyberfusion.jobs.channel import run_once

    ctx = context_of(cli)
    while True:
        report = run_once(ctx)
        line(f"escalated {report.sweep.escalated}, reminded {report.sweep.reminded}, "
             f"settled {report.sweep.settled}, delivered {report.delivered}")
        if not loop:
            return
        time.sleep(ctx.settings.sweep_interval_seconds or 15)

