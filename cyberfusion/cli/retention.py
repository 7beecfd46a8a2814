"""Review and retention: list own cases due for review, confirm them, run the deletion sweep."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cyberfusion.cli.admin import AsUser
from cyberfusion.cli.output import line, table
from cyberfusion.cli.state import acting_as, context_of
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.jobs import retention as retention_job
from cyberfusion.services import retention

retention_app = typer.Typer(help="Review dates and the deletion of data nobody confirmed.",
                            no_args_is_help=True)


@retention_app.command("due")
@needs(Permission.RETENTION_READ)
def due(
    cli: typer.Context, as_user: AsUser,
    within: Annotated[int, typer.Option(help="Days ahead to look.")] = 30,
) -> None:
    """Own cases whose review date is near or past."""
    ctx = context_of(cli)
    cases = retention.reviews_due(ctx, acting_as(ctx, as_user), within)
    table("Due for review", ["id", "review by", "title"],
          [(c.id, c.handling.review_by.isoformat(), c.title) for c in cases])


@retention_app.command("confirm")
@needs(Permission.RETENTION_CONFIRM)
def confirm(
    cli: typer.Context, case_id: Annotated[int, typer.Argument(metavar="ID")], as_user: AsUser,
    until: Annotated[str | None, typer.Option(help="New review date YYYY-MM-DD (default: "
                                                   "the full term).")] = None,
) -> None:
    """Confirm an own case is still needed."""
    ctx = context_of(cli)
    try:
        chosen_date = date.fromisoformat(until) if until else None
    except ValueError:
        raise InvalidInput("bad date", [Issue("--until", "use YYYY-MM-DD")]) from None
    chosen = retention.confirm_review(ctx, acting_as(ctx, as_user), case_id, chosen_date)
    line(f"case {case_id} confirmed until {chosen.isoformat()}")


@retention_app.command("sweep")
def sweep(cli: typer.Context) -> None:
    """Delete cases past their review date and the grace period (run it daily)."""
    purged = retention_job.sweep(context_of(cli))
    line(f"retention sweep deleted {purged} case(s)")
