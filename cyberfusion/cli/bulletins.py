"""Prevention bulletins and the dashboard from the command line: `cyberfusion bulletin …`
(create, list, show, edit, approve, publish, withdraw) and `cyberfusion dashboard`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import JsonOpt, line, print_json, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.bulletins import (
    Bulletin,
    BulletinStatus,
    BulletinText,
    SourceKind,
    SourceRef,
)
from cyberfusion.domain.dashboard import DEFAULT_MONTHS, MAX_MONTHS, ResponseTimes
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.presenters.bulletins import bulletin_json, bulletin_page_json
from cyberfusion.presenters.dashboard import dashboard_json
from cyberfusion.services import bulletins, dashboard

bulletin_app = typer.Typer(help="Prevention bulletins (TLP:CLEAR advice for the public): "
                                "write, approve by a second hub user, publish, withdraw.",
                           no_args_is_help=True)

BulletinId = Annotated[int, typer.Argument(metavar="ID", help="Bulletin id.",
                                           show_default=False)]
Title = Annotated[str, typer.Option(help="Title.", show_default=False)]
Sources = Annotated[list[str] | None, typer.Option(
    "--source", metavar="KIND:ID", show_default=False,
    help="A TLP:CLEAR source to cite: case:ID or entity:ID (repeatable).")]


def parse_source(raw: str, index: int) -> SourceRef:
    """`case:12` or `entity:34` as a source reference, or a located error."""
    kind, _, number = raw.partition(":")
    try:
        return SourceRef(SourceKind(kind.strip().lower()), int(number))
    except ValueError:
        raise InvalidInput("bad source", [Issue(f"--source[{index}]",
                                                f"{raw!r}: write case:ID or entity:ID")]
                           ) from None


def _text(title: str, threat: Path, affected: Path, actions: Path,
          sources: list[str] | None) -> BulletinText:
    """The bulletin text from the options and the three text files."""
    return BulletinText(title.strip(), threat.read_text("utf-8").strip(),
                        affected.read_text("utf-8").strip(), actions.read_text("utf-8").strip(),
                        tuple(parse_source(s, i) for i, s in enumerate(sources or [])))


def _show(b: Bulletin, as_json: bool) -> None:
    """One bulletin as JSON or as a field table."""
    if as_json:
        print_json(bulletin_json(b))
        return
    table(f"Bulletin {b.id}", ["field", "value"], [
        ("title", b.text.title), ("status", b.status.value), ("author", b.author_name),
        ("approved by", b.approver_name), ("threat", b.text.threat),
        ("who is affected", b.text.affected), ("what to do", b.text.actions),
        ("sources", ", ".join(f"{s.kind.value}:{s.id} {s.title}" for s in b.text.sources))])


@bulletin_app.command("create")
@needs(Permission.BULLETIN_WRITE)
def create(cli: typer.Context, as_user: AsUser, title: Title,
           threat: Annotated[Path, typer.Option(exists=True, dir_okay=False, metavar="FILE",
                                                help="File with the threat.")],
           affected: Annotated[Path, typer.Option(exists=True, dir_okay=False, metavar="FILE",
                                                  help="File saying who is affected.")],
           actions: Annotated[Path, typer.Option(exists=True, dir_okay=False, metavar="FILE",
                                                 help="File saying what to do.")],
           source: Sources = None, as_json: JsonOpt = False) -> None:
    """Save a draft bulletin (refused with the field if it holds personal data)."""
    ctx = context_of(cli)
    b = bulletins.create_bulletin(ctx, acting_as(ctx, as_user),
                                  _text(title, threat, affected, actions, source))
    _show(b, as_json)


@bulletin_app.command("list")
@needs(Permission.BULLETIN_READ)
def list_all(cli: typer.Context, as_user: AsUser,
             status: Annotated[BulletinStatus | None, typer.Option(
                 help="Only this state.", show_default=False)] = None,
             offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
             limit: Annotated[int, typer.Option(min=1, max=200, help="How many.")] = 50,
             as_json: JsonOpt = False) -> None:
    """Bulletins in every state (or one), newest first."""
    ctx = context_of(cli)
    result = bulletins.list_bulletins(ctx, acting_as(ctx, as_user), status, offset, limit)
    if as_json:
        print_json(bulletin_page_json(result))
        return
    table("Bulletins", ["id", "status", "title", "author", "approved by"],
          [(b.id, b.status.value, b.text.title, b.author_name, b.approver_name)
           for b in result.items], keep=("id", "status"))
    line(f"{result.total} bulletins")


@bulletin_app.command("show")
@needs(Permission.BULLETIN_READ)
def show(cli: typer.Context, bulletin_id: BulletinId, as_user: AsUser,
         as_json: JsonOpt = False) -> None:
    """One bulletin in any state."""
    ctx = context_of(cli)
    _show(bulletins.get_bulletin(ctx, acting_as(ctx, as_user), bulletin_id), as_json)


@bulletin_app.command("approve")
@needs(Permission.BULLETIN_APPROVE)
def approve(cli: typer.Context, bulletin_id: BulletinId, as_user: AsUser,
            as_json: JsonOpt = False) -> None:
    """Approve a draft (a second hub user, never its author)."""
    ctx = context_of(cli)
    _show(bulletins.approve_bulletin(ctx, acting_as(ctx, as_user), bulletin_id), as_json)


@bulletin_app.command("publish")
@needs(Permission.BULLETIN_APPROVE)
def publish(cli: typer.Context, bulletin_id: BulletinId, as_user: AsUser,
            as_json: JsonOpt = False) -> None:
    """Publish an approved bulletin on the public page and Atom feed."""
    ctx = context_of(cli)
    _show(bulletins.publish_bulletin(ctx, acting_as(ctx, as_user), bulletin_id), as_json)


@bulletin_app.command("withdraw")
@needs(Permission.BULLETIN_APPROVE)
def withdraw(cli: typer.Context, bulletin_id: BulletinId, as_user: AsUser,
             reason: Annotated[str, typer.Option(help="Why it comes off.",
                                                 show_default=False)],
             as_json: JsonOpt = False) -> None:
    """Take a published bulletin off the public page and feed."""
    ctx = context_of(cli)
    _show(bulletins.withdraw_bulletin(ctx, acting_as(ctx, as_user), bulletin_id, reason),
          as_json)


def _times(label: str, t: ResponseTimes) -> tuple[str, int, str, str]:
    """A response-time row: answered, median and p90 in hours."""
    def hours(v: float | None) -> str:
        return "-" if v is None else f"{v / 3600:.1f} h"
    return label, t.count, hours(t.median_seconds), hours(t.p90_seconds)


@needs(Permission.CASE_READ)
def dashboard_command(
    cli: typer.Context, as_user: AsUser,
    months: Annotated[int, typer.Option(min=1, max=MAX_MONTHS,
                                        help="Months the series cover.")] = DEFAULT_MONTHS,
    as_json: JsonOpt = False,
) -> None:
    """The dashboard figures you may see: cases per crime type and region per month, hits,
    disclosure and request response times."""
    ctx = context_of(cli)
    board = dashboard.dashboard(ctx, acting_as(ctx, as_user), months)
    if as_json:
        print_json(dashboard_json(board))
        return
    line(f"{board.cases} cases you can read, {board.own_cases} your own, since {board.since}")
    table("Cases per crime type", ["month", "crime type", "cases"],
          [(p.month, p.key, p.count) for p in board.cases_by_crime_type])
    table("Cases per region", ["month", "region", "cases"],
          [(p.month, p.key, p.count) for p in board.cases_by_region])
    table("Hits", ["month", "direction", "hits"], [(p.month, p.key, p.count) for p in board.hits])
    table("Response times", ["", "answered", "median", "p90"],
          [_times("disclosure requests", board.disclosure_times),
           _times("channel requests", board.request_times)])
